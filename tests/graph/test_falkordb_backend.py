"""FalkorDB-only behaviour: bulk build, GRAPH.EXPLAIN, read-only store, parameter encoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.backends.falkordb.params import fast_literal, literal
from graph.backends.falkordb.store import FalkorDBStore
from graph.store import ReadOnlyViolation, StoreError
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema


def test_bulk_create_builds_a_fresh_store(falkordb_store: FalkorDBStore) -> None:
    nodes = [
        NodeRecord("Country", "CN", {"sources": ["a"]}),
        NodeRecord("BilateralCentre", "B", {"name": "b"}),
    ]
    nodes += [NodeRecord("Expert", f"e{i}") for i in range(30)]
    rels = [
        RelationshipRecord("WORKS_AT", "Expert", f"e{i}", "Institution", "B", {"role": "x"})
        for i in range(30)
    ]
    rels.append(RelationshipRecord("HOSTED_IN", "BilateralCentre", "B", "Country", "CN"))
    assert falkordb_store.bulk_create(nodes, rels, batch_size=7) == (32, 31)
    stats = falkordb_store.stats()
    assert (stats.nodes, stats.relationships) == (32, 31)
    assert stats.nodes_by_label["TransferCentre"] == 1
    rows = falkordb_store.query("MATCH (c:Country) RETURN c.sources AS s, c.code AS k")
    assert rows == [{"s": ["a"], "k": "CN"}]
    constraints = falkordb_store.query("CALL db.constraints() YIELD status RETURN status")
    assert len(constraints) == 4
    with pytest.raises(StoreError, match="empty graph"):
        falkordb_store.bulk_create(nodes, [])
    # later loads merge into it
    falkordb_store.upsert_nodes([NodeRecord("Expert", "e1", {"name": "again"})])
    assert falkordb_store.stats().nodes == 32


def test_bulk_create_refuses_missing_end_nodes(falkordb_store: FalkorDBStore) -> None:
    with pytest.raises(StoreError, match="Institution:nope"):
        falkordb_store.bulk_create(
            [NodeRecord("Expert", "e")],
            [RelationshipRecord("WORKS_AT", "Expert", "e", "Institution", "nope")],
        )
    assert falkordb_store.stats().nodes == 0


def test_explain_does_not_execute(falkordb_store: FalkorDBStore) -> None:
    plan = falkordb_store.explain("CREATE (:Country {code: 'X'})")
    assert "Create" in plan
    assert falkordb_store.stats().nodes == 0


def test_read_only_store(falkordb_store: FalkorDBStore, tmp_path: Path, schema: GraphSchema) -> None:
    falkordb_store.upsert_nodes([NodeRecord("Country", "CN")])
    with FalkorDBStore(schema, tmp_path / "falkordb", read_only=True) as ro:
        assert ro.query("MATCH (n) RETURN count(n) AS n") == [{"n": 1}]
        with pytest.raises(ReadOnlyViolation):
            ro.upsert_nodes([NodeRecord("Country", "TH")])
        with pytest.raises(ReadOnlyViolation):
            ro.query("CREATE (:Country {code: 'TH'})", read_only=False)
        with pytest.raises(ReadOnlyViolation):
            ro.query("CALL db.idx.fulltext.createNodeIndex('Country', 'name')")


@pytest.mark.parametrize(
    "value",
    ["plain", 'q"uote', "back\\slash", "new\nline", "ctrl\x01char", "中文 ünï", 'a": "b', 1, 1.5, True, None,
     [1, "x", [None]], {"k": {"n": [1, 2]}}],
)  # fmt: skip
def test_parameter_encoding_round_trips(falkordb_store: FalkorDBStore, value: object) -> None:
    assert falkordb_store.query("RETURN $v AS v", {"v": value}) == [{"v": value}]
    assert fast_literal(value) == literal(value) or "\n" in str(value)


@pytest.mark.parametrize(
    "value",
    [[1e-05, 1e20, 5e-324, -0.0, 0.1, 1.5e300],
     [["k", [0.25, None, 3]], ["j", [None, None, 1.5]]], ("t", None), {"k": ("t", None)}],
)  # fmt: skip
def test_numbers_round_trip_whichever_encoder_writes_them(
    falkordb_store: FalkorDBStore, value: object
) -> None:
    # orjson writes most parameters (0.00001 for 1e-05); a tuple with a null goes through the
    # standard library's encoder: the same values back
    expected = json.loads(json.dumps(value))  # tuples read back as lists
    assert falkordb_store.query("RETURN $v AS v", {"v": value}) == [{"v": expected}]


@pytest.mark.parametrize(
    "value",
    [float("nan"), [1.0, None, float("inf")], {"rows": [["k", [0.5, None, float("-inf")]]]},
     (None, float("nan"))],
)  # fmt: skip
def test_non_finite_floats_are_refused(falkordb_store: FalkorDBStore, value: object) -> None:
    # orjson would write them as null: a batch with a NaN among its nulls is refused all the same
    with pytest.raises(StoreError, match="cannot store the float"):
        falkordb_store.query("RETURN $v AS v", {"v": value})


@pytest.mark.parametrize(
    "value",
    [2**63, -(2**63) - 1, [1, None, 2**64 - 1], {"rows": [["k", [0.5, 2**70]]]}, "1234567890123456789"],
)
def test_integers_beyond_64_bits_are_refused_not_clamped(
    falkordb_store: FalkorDBStore, value: object
) -> None:
    # the server reads 9223372036854775808 as 9223372036854775807 (checked on FalkorDB 4.x);
    # orjson writes integers up to 2**64 - 1: both encoders defer to `literal`'s check. A
    # string of 19 digits takes the same road and is written unchanged
    if isinstance(value, str):
        assert falkordb_store.query("RETURN $v AS v", {"v": value}) == [{"v": value}]
        return
    with pytest.raises(StoreError, match="beyond 64 bits"):
        falkordb_store.query("RETURN $v AS v", {"v": value})
    limits = [2**63 - 1, -(2**63)]
    assert falkordb_store.query("RETURN $v AS v", {"v": limits}) == [{"v": limits}]


def test_a_batch_of_scores_takes_the_fast_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    # orjson writes 1.27e-4 as 0.0001271294177472667 (19 digits in a row): a check for long
    # integers that counted those sent every batch of write-back scores through `literal`
    # (1.4 M calls, 1 s at 55,063 actors)
    from graph.backends.falkordb import params

    def slow(value: object) -> str:
        raise AssertionError(f"slow road for {value!r}")

    rows = [[f"Institution:i{i}", [1.271294177472667e-4 * i, None, 2**53 - 1, "r1", -0.0]] for i in range(50)]
    expected = json.dumps(rows, separators=(",", ":"))
    monkeypatch.setattr(params, "literal", slow)
    assert fast_literal(rows) == expected


def test_a_projection_that_omits_properties_reads_the_ontologys_columns(
    falkordb_store: FalkorDBStore,
) -> None:
    # with omit_node_properties the nodes are read per key label, by the schema's property
    # names (`paging.node_rows`): a node of no key label is still read (its own keys), a node
    # of two key labels gets the properties of both, a property outside the schema is not read
    falkordb_store.query(
        "CREATE (:Country {code: 'TH', name: 'Thailand', population: 70, stray: 1}),"
        " (:Institution:Expert {id: 'x1', name: 'Both', founded: '2001', batch: 3}),"
        " (:Scratch {id: 's1', note: 'kept', population: 5}),"
        " (:Institution:TransferCentre {id: 'i1', name: 'Inst', fields: ['f1'], population: 9})",
        read_only=False,
    )
    whole = falkordb_store.to_networkx()
    g = falkordb_store.to_networkx(omit_node_properties=["population", "batch"])
    assert list(g.nodes) == list(whole.nodes)  # the same nodes in the same order
    assert g.nodes["Country:TH"]["props"] == {"code": "TH", "name": "Thailand"}
    assert whole.nodes["Country:TH"]["props"]["stray"] == 1
    both = [d for _v, d in g.nodes(data=True) if set(d["labels"]) == {"Institution", "Expert"}]
    assert [d["props"] for d in both] == [{"id": "x1", "name": "Both", "founded": "2001"}]
    scratch = [d for _v, d in g.nodes(data=True) if d["labels"] == ("Scratch",)]
    assert [d["props"] for d in scratch] == [{"id": "s1", "note": "kept"}]
    centre = g.nodes["Institution:i1"]
    assert centre["label"] == "TransferCentre" and centre["props"] == {
        "id": "i1",
        "name": "Inst",
        "fields": ["f1"],
    }
    # the population with a label filter: the same nodes as the whole read of those labels
    only = falkordb_store.to_networkx(labels=["Institution"], omit_node_properties=["batch"])
    assert set(only.nodes) == {v for v, d in whole.nodes(data=True) if "Institution" in d["labels"]}


def test_bulk_create_keeps_value_types(falkordb_store: FalkorDBStore) -> None:
    # GRAPH.BULK's typed values must read back as the Cypher path writes them
    props = {"name": '中文 ü "q" \\', "batch": 1999, "fields": ["f1", "f2"], "sources": ["s1", "s2"]}
    falkordb_store.bulk_create(
        [NodeRecord("TransferCentre", "T", props), NodeRecord("Country", "CN")],
        [RelationshipRecord("LOCATED_IN", "TransferCentre", "T", "Country", "CN", {"sources": "t"})],
    )
    rows = falkordb_store.query(
        "MATCH (u:TransferCentre)-[r:LOCATED_IN]->(c:Country) RETURN u.name AS n, u.batch AS b,"
        " u.fields AS f, u.sources AS s, u.id AS k, labels(u) AS l, r.sources AS rs, c.sources AS cs"
    )
    expected = {"n": props["name"], "b": 1999, "f": ["f1", "f2"], "s": ["s1", "s2"], "k": "T", "rs": ["t"]}
    assert rows == [{**expected, "l": rows[0]["l"], "cs": []}]
    assert set(rows[0]["l"]) == {"TransferCentre", "Institution"}


def test_bulk_create_refuses_nul_in_strings(falkordb_store: FalkorDBStore) -> None:
    with pytest.raises(StoreError, match="NUL"):
        falkordb_store.bulk_create([NodeRecord("Country", "C\x00N")], [])
    assert falkordb_store.stats().nodes == 0
    assert falkordb_store._conn().execute_command("GRAPH.LIST") == ["transfernet"]
