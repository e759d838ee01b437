"""The GraphStore contract, run on every available backend (FalkorDB always, Neo4j with NEO4J_URI)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.backends.falkordb.server import stop_server
from graph.backends.falkordb.store import FalkorDBStore
from graph.cypher.grouping import group_records
from graph.cypher.named import NAMED_QUERIES
from graph.store import GraphStore, QueryTimeout, ReadOnlyViolation, StoreError
from ontology.derive import load_schema
from ontology.records import MergePolicy, NodeRecord, RelationshipRecord
from ontology.schema import SchemaError


def _seed(store: GraphStore) -> None:
    nodes = [
        NodeRecord("Country", "CN", {"name": "China", "sources": ["iso3166"]}),
        NodeRecord("Country", "TH", {"name": "Thailand", "sources": ["iso3166"]}),
        NodeRecord("TransferCentre", "CATTC", {"name": "China-ASEAN TTC", "fields": ["agri", "ict"]}),
        NodeRecord("BilateralCentre", "CTTTC", {"name": "China-Thailand TTC", "partner": "TH"}),
        NodeRecord("Expert", "e1", {"name": "Li"}),
        NodeRecord("Field", "F1", {"name": "Agriculture"}),
    ]
    rels = [
        RelationshipRecord("LOCATED_IN", "TransferCentre", "CATTC", "Country", "CN", {"sources": ["study"]}),
        RelationshipRecord("HOSTED_IN", "BilateralCentre", "CTTTC", "Country", "TH"),
        RelationshipRecord("BRANCH_OF", "BilateralCentre", "CTTTC", "TransferCentre", "CATTC"),
        RelationshipRecord("EXPERT_IN", "Expert", "e1", "Field", "F1", {"level": "senior"}),
        RelationshipRecord("WORKS_AT", "Expert", "e1", "Institution", "CATTC", {"role": "director"}),
    ]
    assert store.upsert(nodes, rels) == (6, 5)


def test_is_a_graph_store(store: GraphStore) -> None:
    assert isinstance(store, GraphStore)
    assert store.capabilities.server_enforced_read_only


def _schema_objects(store: GraphStore) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """The store's ``(label, properties)`` indexes and ``(label, properties, state)`` constraints."""
    if store.capabilities.name == "neo4j":
        index_q = (
            "SHOW INDEXES YIELD labelsOrTypes, properties, state RETURN labelsOrTypes, properties, state"
        )
        constraint_q = (
            "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties RETURN type, labelsOrTypes, properties"
        )
        indexes = {
            (label, tuple(r["properties"] or ()))
            for r in store.query(index_q)
            if r["state"] == "ONLINE"
            for label in r["labelsOrTypes"] or ()
        }
        constraints = {
            (r["labelsOrTypes"][0], tuple(r["properties"]), r["type"]) for r in store.query(constraint_q)
        }
        return indexes, constraints
    indexes = {
        (r["label"], (prop,))
        for r in store.query("CALL db.indexes() YIELD label, properties RETURN label, properties")
        for prop in r["properties"]
    }
    constraints = {
        (r["label"], tuple(r["properties"]), r["status"])
        for r in store.query(
            "CALL db.constraints() YIELD label, properties, status RETURN label, properties, status"
        )
    }
    return indexes, constraints


def test_install_schema_is_rerunnable(store: GraphStore) -> None:
    """A second run raises nothing, keeps every index and constraint (adds none) and the data."""
    schema = store.schema
    _seed(store)
    indexes, constraints = _schema_objects(store)
    # what the first run (the fixture's) made: the schema's keys are indexed and unique
    assert {(nt.label, (nt.key,)) for nt in schema.nodes.values()} <= indexes
    unique = {(c[0], c[1]) for c in constraints}
    assert {(nt.key_label, (nt.key,)) for nt in schema.nodes.values()} <= unique
    before = store.stats()

    store.install_schema()

    assert _schema_objects(store) == (indexes, constraints)
    assert store.stats() == before
    rows = store.query("MATCH (n:Institution {id: $id}) RETURN n.name AS name", {"id": "CTTTC"})
    assert rows == [{"name": "China-Thailand TTC"}]
    with pytest.raises(StoreError):  # the unique constraints still hold after the rerun
        store.query(f"CREATE (:Country {{{schema.node('Country').key}: $k}})", {"k": "CN"}, read_only=False)
    assert store.stats() == before


def test_upsert_sets_multi_labels_and_is_idempotent(store: GraphStore) -> None:
    _seed(store)
    _seed(store)
    stats = store.stats()
    assert stats.nodes == 6
    assert stats.relationships == 5
    assert stats.nodes_by_label["Institution"] == 2
    assert stats.nodes_by_label["TransferCentre"] == 2
    assert stats.nodes_by_label["BilateralCentre"] == 1
    assert stats.relationships_by_type["BRANCH_OF"] == 1
    rows = store.query("MATCH (n:Institution {id: $id}) RETURN labels(n) AS labels", {"id": "CTTTC"})
    assert set(rows[0]["labels"]) == {"Institution", "TransferCentre", "BilateralCentre"}


def test_same_key_under_supertype_is_the_same_node(store: GraphStore) -> None:
    store.upsert_nodes([NodeRecord("Institution", "X", {"name": "first"})])
    store.upsert_nodes([NodeRecord("BilateralCentre", "X", {"partner": "TH"})])
    rows = store.query("MATCH (n:Institution {id: 'X'}) RETURN n.name AS name, n.partner AS partner")
    assert rows == [{"name": "first", "partner": "TH"}]
    assert store.stats().nodes == 1


@pytest.mark.parametrize("atomic", [True, False])
def test_a_batch_of_stored_and_new_subtype_nodes(store: GraphStore, atomic: bool) -> None:
    # the stored node gains the subtype's labels; the new one is created with all of them
    store.upsert_nodes([NodeRecord("Institution", "OLD", {"name": "stored", "sources": ["a"]})])
    new = [
        NodeRecord("BilateralCentre", "OLD", {"partner": "TH", "sources": ["b"]}),
        NodeRecord("BilateralCentre", "NEW", {"name": "new", "sources": ["b"]}),
    ]
    store.upsert(new, [], atomic=atomic)
    rows = store.query(
        "MATCH (n:Institution) RETURN n.id AS id, labels(n) AS labels, n.name AS name, n.sources AS sources "
        "ORDER BY id"
    )
    assert [(r["id"], set(r["labels"]), r["name"], r["sources"]) for r in rows] == [
        ("NEW", {"Institution", "TransferCentre", "BilateralCentre"}, "new", ["b"]),
        ("OLD", {"Institution", "TransferCentre", "BilateralCentre"}, "stored", ["a", "b"]),
    ]
    store.upsert(new, [], atomic=atomic)  # again: nothing changes
    assert store.stats().nodes == 2


def test_sources_are_merged_without_duplicates(store: GraphStore) -> None:
    store.upsert_nodes([NodeRecord("Country", "CN", {"sources": ["a", "b"]})])
    store.upsert_nodes([NodeRecord("Country", "CN", {"sources": ["b", "c", "c"]})])
    store.upsert_nodes([NodeRecord("Country", "CN", {"name": "China"})])
    rows = store.query("MATCH (c:Country) RETURN c.sources AS s, c.name AS name")
    assert rows == [{"s": ["a", "b", "c"], "name": "China"}]


@pytest.mark.parametrize("atomic", [True, False])
def test_placeholders_never_replace_stored_values(store: GraphStore, atomic: bool) -> None:
    # the default policy: an empty cell is not written, a placeholder (or the key itself)
    # only fills a property the node lacks
    store.upsert([NodeRecord("Country", "CN", {"name": "China"}), NodeRecord("Country", "TH", {})], [])
    again = [
        NodeRecord("Country", "CN", {"name": "unknown"}),
        NodeRecord("Country", "TH", {"name": "TH"}),  # a name that is just the key: fills only
        NodeRecord("Country", "VN", {"name": "n/a"}),  # a new node keeps what it is given
    ]
    store.upsert(again, [], atomic=atomic)
    store.upsert([NodeRecord("Country", "CN", {"name": "CN"})], [], atomic=atomic)
    rows = store.query("MATCH (c:Country) RETURN c.code AS id, c.name AS name ORDER BY id")
    assert rows == [{"id": "CN", "name": "China"}, {"id": "TH", "name": "TH"}, {"id": "VN", "name": "n/a"}]
    store.upsert([NodeRecord("Country", "VN", {"name": "Viet Nam"})], [], atomic=atomic)  # a real value wins
    assert store.query("MATCH (c:Country {code: 'VN'}) RETURN c.name AS n") == [{"n": "Viet Nam"}]


@pytest.mark.parametrize("atomic", [True, False])
def test_merge_policies(store: GraphStore, atomic: bool) -> None:
    store.upsert([NodeRecord("BilateralCentre", "c1", {"name": "China-Thailand TTC", "partner": "TH"})], [])
    keep, longer, new = MergePolicy.KEEP_EXISTING, MergePolicy.KEEP_LONGER, MergePolicy.PREFER_NEW
    records = [
        NodeRecord(
            "BilateralCentre", "c1", {"name": "CTTTC", "partner": "LA"}, merge={"name": keep, "partner": new}
        ),
        NodeRecord("BilateralCentre", "c2", {"name": "Lao TTC"}, merge={"name": keep}),  # fills a new node
    ]
    store.upsert(records, [], atomic=atomic)
    query = "MATCH (e:BilateralCentre) RETURN e.id AS id, e.name AS name, e.partner AS partner ORDER BY id"
    assert store.query(query) == [
        {"id": "c1", "name": "China-Thailand TTC", "partner": "LA"},
        {"id": "c2", "name": "Lao TTC", "partner": None},
    ]
    store.upsert(
        [NodeRecord("BilateralCentre", "c1", {"name": "C-T"}, merge={"name": longer})], [], atomic=atomic
    )
    store.upsert(
        [NodeRecord("BilateralCentre", "c2", {"name": "China-Lao TTC"}, merge={"name": longer})],
        [],
        atomic=atomic,
    )
    rows = store.query("MATCH (e:BilateralCentre) RETURN e.name AS name ORDER BY e.id")
    assert rows == [{"name": "China-Thailand TTC"}, {"name": "China-Lao TTC"}]


def test_merge_policies_within_one_batch(store: GraphStore) -> None:
    # a real value given anywhere in the batch beats a placeholder given before or after it
    store.upsert_nodes(
        [
            NodeRecord("Country", "CN", {"name": "unknown"}),
            NodeRecord("Country", "CN", {"name": "China"}),
            NodeRecord("Country", "CN", {"name": "-"}),
        ]
    )
    assert store.query("MATCH (c:Country) RETURN c.name AS n") == [{"n": "China"}]


def test_duplicate_records_in_one_batch_merge(store: GraphStore) -> None:
    n = store.upsert_nodes(
        [NodeRecord("Country", "CN", {"sources": ["a"]}), NodeRecord("Country", "CN", {"sources": ["b"]})]
    )
    assert n == 2
    assert store.query("MATCH (c:Country) RETURN c.sources AS s") == [{"s": ["a", "b"]}]


def test_relationship_sources_and_properties_merge(store: GraphStore) -> None:
    _seed(store)
    store.upsert_relationships(
        [RelationshipRecord("EXPERT_IN", "Expert", "e1", "Field", "F1", {"since": 2019, "sources": ["cv"]})]
    )
    rows = store.query(
        "MATCH (:Expert)-[r:EXPERT_IN]->(:Field) RETURN r.level AS l, r.since AS y, r.sources AS s"
    )
    assert rows == [{"l": "senior", "y": 2019, "s": ["cv"]}]


def test_discriminator_keeps_conflicting_links_apart(store: GraphStore) -> None:
    _seed(store)
    recs = [
        RelationshipRecord("WORKS_AT", "Expert", "e1", "Institution", "CATTC", {"role": "director"}),
        RelationshipRecord("WORKS_AT", "Expert", "e1", "Institution", "CATTC", {"role": "advisor"}),
    ]
    store.upsert_relationships(recs, discriminator={"WORKS_AT": ["role"]})
    rows = store.query("MATCH (:Expert)-[r:WORKS_AT]->() RETURN r.role AS role ORDER BY role")
    assert [r["role"] for r in rows] == ["advisor", "director"]


def test_set_properties_of_existing_nodes(store: GraphStore) -> None:
    _seed(store)
    store.upsert_nodes([NodeRecord("Expert", "e2", {"name": "Wang", "batch": 1, "sources": ["cv"]})])
    rows = [("e1", ["Li Ming", 3]), ("e2", [None, 4]), ("nobody", ["X", 1])]
    assert store.set_properties("Expert", ["name", "batch"], rows, batch_size=2) == 2
    got = store.query(
        "MATCH (n:Expert) RETURN n.id AS k, n.name AS name, n.batch AS b, n.sources AS s ORDER BY k"
    )
    assert got == [
        {"k": "e1", "name": "Li Ming", "b": 3, "s": []},
        {"k": "e2", "name": None, "b": 4, "s": ["cv"]},  # None removes; the sources stay
    ]
    assert store.stats().nodes == 7  # "nobody" was not created
    with pytest.raises(SchemaError):
        store.set_properties("Expert", ["noSuchProperty"], [("e1", [1])])
    with pytest.raises(SchemaError):
        store.set_properties("Expert", ["id"], [("e1", ["e9"])])
    with pytest.raises(StoreError, match="2 values for 1 properties"):
        store.set_properties("Expert", ["batch"], [("e1", [1, 2])])


def test_missing_end_nodes_raise_and_write_nothing(store: GraphStore) -> None:
    _seed(store)
    before = store.stats()
    with pytest.raises(StoreError, match="Country:ZZ"):
        store.upsert(
            [NodeRecord("Country", "VN", {"name": "Viet Nam"})],
            [
                RelationshipRecord("LOCATED_IN", "Institution", "CATTC", "Country", "VN"),
                RelationshipRecord("LOCATED_IN", "Institution", "CATTC", "Country", "ZZ"),
            ],
        )
    assert store.stats() == before
    with pytest.raises(StoreError, match="Expert:nobody"):
        store.upsert_relationships([RelationshipRecord("EXPERT_IN", "Expert", "nobody", "Field", "F1")])


def test_end_nodes_created_in_the_same_upsert_count(store: GraphStore) -> None:
    n, r = store.upsert(
        [NodeRecord("Country", "VN"), NodeRecord("BilateralCentre", "B1")],
        [RelationshipRecord("LOCATED_IN", "Institution", "B1", "Country", "VN")],
    )
    assert (n, r) == (2, 1)
    assert store.stats().relationships == 1


def test_upsert_grouped_writes_what_upsert_writes(store: GraphStore) -> None:
    """Records grouped beforehand (as a loader does while the store is busy) load the same."""
    nodes = [NodeRecord("Expert", f"e{i}", {"name": f"n{i}", "sources": [f"f.csv:{i}"]}) for i in range(30)]
    nodes += [NodeRecord("Field", "F1"), NodeRecord("Expert", "e0", {"sources": ["g.csv:9"]})]
    rels = [RelationshipRecord("EXPERT_IN", "Expert", f"e{i}", "Field", "F1") for i in range(30)]
    grouped = group_records(store.schema, nodes, rels)
    assert store.upsert_grouped(grouped, batch_size=7) == (32, 30)
    stats = store.stats()
    assert (stats.nodes, stats.relationships) == (31, 30)
    rows = store.query("MATCH (e:Expert {id: 'e0'}) RETURN e.name AS name, e.sources AS sources")
    assert rows == [{"name": "n0", "sources": ["f.csv:0", "g.csv:9"]}]
    assert store.upsert_grouped(grouped) == (32, 30)  # idempotent
    assert store.stats() == stats


def test_upsert_grouped_with_missing_ends_writes_nothing(store: GraphStore) -> None:
    _seed(store)
    before = store.stats()
    grouped = group_records(
        store.schema,
        [NodeRecord("Country", "VN")],
        [RelationshipRecord("LOCATED_IN", "Institution", "CATTC", "Country", "ZZ")],
    )
    with pytest.raises(StoreError, match="Country:ZZ"):
        store.upsert_grouped(grouped)
    assert store.stats() == before


def test_schema_is_checked_before_cypher(store: GraphStore) -> None:
    with pytest.raises(SchemaError):
        store.upsert_nodes([NodeRecord("Country) DETACH DELETE (n", "x")])
    with pytest.raises(SchemaError):
        store.upsert_nodes([NodeRecord("Country", "x", {"bad name": 1})])
    with pytest.raises(SchemaError):
        store.upsert_relationships([RelationshipRecord("HOSTED_IN", "Country", "CN", "Country", "TH")])
    with pytest.raises(SchemaError):
        store.delete_nodes("Nope", ["x"])
    with pytest.raises(SchemaError):
        store.to_networkx(labels=["Nope"])


def test_values_travel_as_parameters(store: GraphStore) -> None:
    evil = "x'}) DETACH DELETE n //"
    store.upsert_nodes([NodeRecord("Country", evil, {"name": 'quote " and \\ backslash 中文'})])
    rows = store.query("MATCH (c:Country {code: $k}) RETURN c.name AS name", {"k": evil})
    assert rows == [{"name": 'quote " and \\ backslash 中文'}]


def test_dates_are_stored_as_iso_text(store: GraphStore) -> None:
    store.upsert_nodes([NodeRecord("Institution", "D", {"founded": dt.date(2011, 9, 1)})])
    assert store.query("MATCH (n:Institution) RETURN n.founded AS f") == [{"f": "2011-09-01"}]


def test_delete_nodes_removes_their_relationships(store: GraphStore) -> None:
    _seed(store)
    assert store.delete_nodes("Institution", ["CATTC", "nope"]) == 1
    stats = store.stats()
    assert stats.nodes == 5
    assert "LOCATED_IN" not in stats.relationships_by_type
    assert "BRANCH_OF" not in stats.relationships_by_type
    assert stats.relationships == 2


def test_delete_relationships(store: GraphStore) -> None:
    _seed(store)
    assert store.delete_relationships("EXPERT_IN", "Expert", "e1", "Field", "F1") == 1
    assert store.stats().relationships == 4


def test_query_returns_plain_values(store: GraphStore) -> None:
    _seed(store)
    rows = store.query(
        "MATCH (e:Expert {id: $id})-[r:EXPERT_IN]->(f) RETURN e, r, f.name AS name, [1, 2] AS xs",
        {"id": "e1"},
    )
    assert len(rows) == 1
    row = rows[0]
    assert row["e"]["id"] == "Expert:e1"
    assert row["e"]["label"] == "Expert"
    assert row["e"]["properties"]["name"] == "Li"
    assert row["r"]["type"] == "EXPERT_IN"
    assert (row["r"]["start"], row["r"]["end"]) == ("Expert:e1", "Field:F1")
    assert row["r"]["properties"]["level"] == "senior"
    assert row["name"] == "Agriculture"
    assert row["xs"] == [1, 2]


def test_bilateral_node_id_uses_key_label(store: GraphStore) -> None:
    _seed(store)
    rows = store.query("MATCH (n:BilateralCentre) RETURN n")
    assert rows[0]["n"]["id"] == "Institution:CTTTC"
    assert rows[0]["n"]["label"] == "BilateralCentre"


def test_row_cap(store: GraphStore) -> None:
    store.upsert_nodes(NodeRecord("Expert", f"e{i}") for i in range(50))
    assert len(store.query("MATCH (n) RETURN n.id AS id", row_cap=7)) == 7
    assert len(store.query("MATCH (n) RETURN n.id AS id")) == 50  # fixture default cap is 1000


def test_stream_pages(store: GraphStore) -> None:
    store.upsert_nodes(NodeRecord("Expert", f"e{i}") for i in range(25))
    ids = [r["id"] for r in store.stream("MATCH (n:Expert) RETURN n.id AS id", batch_size=10)]
    assert sorted(ids) == sorted(f"e{i}" for i in range(25))


def test_read_only_queries_cannot_write(store: GraphStore) -> None:
    with pytest.raises(ReadOnlyViolation):
        store.query("CREATE (:Country {code: 'XX'})")
    with pytest.raises(ReadOnlyViolation):
        store.query("MERGE (n:Country {code: 'XX'}) RETURN n")
    assert store.stats().nodes == 0
    store.query("CREATE (:Country {code: 'XX'})", read_only=False)
    assert store.stats().nodes == 1


def test_timeout(store: GraphStore) -> None:
    with pytest.raises(QueryTimeout):
        store.query(
            "UNWIND range(1, 100000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x) AS c", timeout_ms=20
        )


def test_bad_cypher_is_a_store_error(store: GraphStore) -> None:
    with pytest.raises(StoreError):
        store.query("MATCH (n RETURN n")


def test_projection_to_networkx(store: GraphStore) -> None:
    _seed(store)
    g = store.to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == 6
    assert g.number_of_edges() == 5
    node = g.nodes["Institution:CTTTC"]
    assert node["label"] == "BilateralCentre"
    assert set(node["labels"]) == {"Institution", "TransferCentre", "BilateralCentre"}
    assert node["props"]["partner"] == "TH"
    assert g.has_edge("Institution:CTTTC", "Institution:CATTC", key="BRANCH_OF")
    edge = g.edges["Institution:CATTC", "Country:CN", "LOCATED_IN"]
    assert edge["props"]["sources"] == ["study"]


def test_projection_omits_the_node_properties_it_is_told_to(store: GraphStore) -> None:
    _seed(store)
    whole = store.to_networkx()
    g = store.to_networkx(omit_node_properties=["partner", "sources"])
    assert set(g.nodes) == set(whole.nodes) and set(g.edges(keys=True)) == set(whole.edges(keys=True))
    for node, data in g.nodes(data=True):
        kept = {k: v for k, v in whole.nodes[node]["props"].items() if k not in {"partner", "sources"}}
        assert data["props"] == kept, node  # every other property, values and types as read whole
        assert data["labels"] == whole.nodes[node]["labels"] and data["label"] == whole.nodes[node]["label"]
    assert "partner" in whole.nodes["Institution:CTTTC"]["props"]
    edge = g.edges["Institution:CATTC", "Country:CN", "LOCATED_IN"]
    assert edge["props"]["sources"] == ["study"]  # relationship properties are not node properties


def test_projection_filters(store: GraphStore) -> None:
    _seed(store)
    g = store.to_networkx(
        labels=["Institution", "Country"], rel_types=["LOCATED_IN", "HOSTED_IN"], directed=False
    )
    assert isinstance(g, nx.MultiGraph)
    assert set(g.nodes) == {"Country:CN", "Country:TH", "Institution:CATTC", "Institution:CTTTC"}
    assert {k for _, _, k in g.edges(keys=True)} == {"LOCATED_IN", "HOSTED_IN"}


def test_projection_to_arrays(store: GraphStore) -> None:
    _seed(store)
    arrays = store.to_arrays()
    assert arrays.n_nodes == 6
    assert arrays.n_edges == 5
    adj = arrays.to_scipy(rel_types=["BRANCH_OF"])
    i, j = arrays.ids.index("Institution:CTTTC"), arrays.ids.index("Institution:CATTC")
    assert adj[i, j] == 1
    assert adj.sum() == 1
    sub = store.to_arrays(labels=["Expert", "Field"])
    assert sub.n_nodes == 2
    assert sub.n_edges == 1


def _seed_parallel(store: GraphStore) -> None:
    """`_seed` and a second WORKS_AT of e1 (kept apart from the first by its discriminator)."""
    _seed(store)
    recs = [
        RelationshipRecord("WORKS_AT", "Expert", "e1", "Institution", "CATTC", {"role": "advisor"}),
        RelationshipRecord("WORKS_AT", "Expert", "e1", "Institution", "CTTTC", {"role": "advisor"}),
    ]
    store.upsert_relationships(recs, discriminator={"WORKS_AT": ["role"]})


@pytest.mark.parametrize("properties", [False, True])
def test_projection_keeps_parallel_relationships_of_one_type(store: GraphStore, properties: bool) -> None:
    # two WORKS_AT of one expert at one institution (kept apart by a discriminator): FalkorDB
    # returns them as one row when the query does not reference the relationship
    _seed_parallel(store)
    g = store.to_networkx(properties=properties)
    assert g.number_of_edges() == 7
    assert set(g["Expert:e1"]["Institution:CATTC"]) == {"WORKS_AT", "WORKS_AT#2"}
    arrays = store.to_arrays()
    assert arrays.n_edges == 7
    assert arrays.to_scipy(rel_types=["WORKS_AT"]).sum() == 3


def test_projection_reads_the_same_relationships_with_and_without_their_properties(store: GraphStore) -> None:
    # FalkorDB reads them by different queries (from the nodes of each type's domain, merged,
    # against from every node): the same relationships, in the same order, either way
    _seed_parallel(store)
    bare, full = store.to_networkx(properties=False), store.to_networkx(properties=True)
    assert list(bare.edges(keys=True)) == list(full.edges(keys=True))
    assert len(list(bare.edges(keys=True))) == 7
    arrays = store.to_arrays()
    read = zip(arrays.src.tolist(), arrays.dst.tolist(), arrays.edge_type.tolist(), strict=True)
    ids, names = arrays.ids, arrays.type_names
    expected = [
        (ids.index(u), ids.index(v), names.index(k.split("#")[0])) for u, v, k in full.edges(keys=True)
    ]
    assert sorted(read) == sorted(expected)


def test_projection_keeps_a_relationship_outside_its_types_domain(store: GraphStore) -> None:
    # written by plain Cypher, not by a load: a Field LOCATED_IN a country (the ontology's
    # domain of LOCATED_IN has no Field); the projection still holds it
    _seed(store)
    field, country = store.schema.node("Field").key, store.schema.node("Country").key
    store.query(
        f"MATCH (f:Field {{{field}: 'F1'}}), (c:Country {{{country}: 'TH'}}) CREATE (f)-[:LOCATED_IN]->(c)",
        read_only=False,
    )
    assert store.stats().relationships == 6
    g = store.to_networkx(properties=False)
    assert g.has_edge("Field:F1", "Country:TH", key="LOCATED_IN")
    assert g.has_edge("Institution:CATTC", "Country:CN", key="LOCATED_IN")
    assert g.number_of_edges() == 6


def test_clear_keeps_schema(store: GraphStore) -> None:
    _seed(store)
    store.clear()
    assert store.stats().nodes == 0
    store.upsert_nodes([NodeRecord("Country", "CN")])
    with pytest.raises(StoreError):
        store.query("CREATE (:Country {code: 'CN'})", read_only=False)  # the unique constraint stays


def test_batches_smaller_than_the_load(store: GraphStore) -> None:
    nodes = [NodeRecord("Expert", f"e{i}", {"name": f"n{i}"}) for i in range(230)]
    nodes += [NodeRecord("Field", f"f{i}") for i in range(10)]
    rels = [RelationshipRecord("EXPERT_IN", "Expert", f"e{i}", "Field", f"f{i % 10}") for i in range(230)]
    assert store.upsert(nodes, rels, batch_size=50, atomic=False) == (240, 230)
    stats = store.stats()
    assert (stats.nodes, stats.relationships) == (240, 230)


# -- named queries (graph.cypher.named.NAMED_QUERIES) on the ontology's own schema ----------------


@pytest.fixture(params=["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def planner_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """A store with the ontology's schema holding `_planner_seed`, on every available backend."""
    schema = load_schema()
    ps: GraphStore
    if request.param == "falkordb":
        ps = FalkorDBStore(schema, tmp_path / "falkordb", query_timeout_ms=5_000, row_cap=1_000)
        ps.open()
    else:
        if not os.environ.get("NEO4J_URI"):
            pytest.skip("Neo4j contract run needs NEO4J_URI (and NEO4J_USER/NEO4J_PASSWORD)")
        from graph.backends.neo4j import Neo4jStore
        from graph.config import StoreSettings

        ps = Neo4jStore.from_settings(StoreSettings(_env_file=None, backend="neo4j"), schema)
        ps.open()
        ps.clear()
    try:
        ps.install_schema()
        _planner_seed(ps)
        yield ps
    finally:
        if request.param == "neo4j":
            ps.clear()
        ps.close()
        if request.param == "falkordb":
            stop_server(tmp_path / "falkordb")


def _planner_seed(store: GraphStore) -> None:
    """Countries CN TH VN; national centres CATTC CASTTC (in CN); bilateral centres B-TH, B-VN
    (built by CATTC) and B-X (built by CASTTC, hosted in TH); experts e1 (CATTC + in TH), e2 (B-VN +
    in CN), e3 (in TH); fields ford:2 > ford:2.1 > ford:2.1.1 and ford:3; offers o1 (2.1.1), o2 (2),
    o3 (3), o4 (2.1 and 3); demand d1 (2.1); agreements a1 (CATTC + B-TH), a2 (TH + VN),
    a3 (CATTC + CASTTC); events ev1 (organised by CATTC), ev2 (CATTC takes part), ev3 (CASTTC)."""
    src = {"sources": ["contract-test"]}

    def node(label: str, key: str, **props: str) -> NodeRecord:
        return NodeRecord(label, key, {**props, **src})

    def rel(kind: str, a: tuple[str, str], b: tuple[str, str], **props: str) -> RelationshipRecord:
        return RelationshipRecord(kind, a[0], a[1], b[0], b[1], {**props, **src})

    cn, th, vn = ("Country", "CN"), ("Country", "TH"), ("Country", "VN")
    cattc, castc = ("NationalTransferCentre", "CATTC"), ("NationalTransferCentre", "CASTTC")
    bth, bvn, bx = ("BilateralCentre", "B-TH"), ("BilateralCentre", "B-VN"), ("BilateralCentre", "B-X")
    e1, e2, e3 = ("Expert", "e1"), ("Expert", "e2"), ("Expert", "e3")
    f2, f21, f211, f3 = (("Field", k) for k in ("ford:2", "ford:2.1", "ford:2.1.1", "ford:3"))
    offers = {"o1": [f211], "o2": [f2], "o3": [f3], "o4": [f21, f3]}
    nodes = [node(label, key, name=f"{key} name") for label, key in (cn, th, vn, cattc, castc, bth, bvn, bx)]
    nodes += [node(label, key, name=f"{key} name") for label, key in (e1, e2, e3)]
    nodes += [
        node("Field", key, name=key, notation=key[5:], scheme="OECD FORD") for _, key in (f2, f21, f211, f3)
    ]
    nodes += [node("TechnologyOffer", key, title=f"offer {key}") for key in offers]
    nodes += [node("TechnologyDemand", "d1", title="demand d1")]
    nodes += [node("Agreement", key, title=f"agreement {key}") for key in ("a1", "a2", "a3")]
    nodes += [node("Event", key, name=f"event {key}") for key in ("ev1", "ev2", "ev3")]
    rels = [
        rel("LOCATED_IN", cattc, cn),
        rel("LOCATED_IN", castc, cn),
        rel("PARENT_CENTRE", bth, cattc),
        rel("PARENT_CENTRE", bvn, cattc),
        rel("PARENT_CENTRE", bx, castc),
        rel("HOSTED_IN", bth, th),
        rel("HOSTED_IN", bvn, vn),
        rel("HOSTED_IN", bx, th),
        rel("BILATERAL_PARTNER_OF", th, bth, status="active"),
        rel("AFFILIATED_WITH", e1, cattc),
        rel("LOCATED_IN", e1, th),
        rel("AFFILIATED_WITH", e2, bvn),
        rel("LOCATED_IN", e2, cn),
        rel("LOCATED_IN", e3, th),
        rel("BROADER", f21, f2),
        rel("BROADER", f211, f21),
        *(rel("IN_FIELD", ("TechnologyOffer", o), f) for o, fs in offers.items() for f in fs),
        rel("IN_FIELD", ("TechnologyDemand", "d1"), f21),
        rel("PARTY_TO", cattc, ("Agreement", "a1")),
        rel("PARTY_TO", bth, ("Agreement", "a1")),
        rel("PARTY_TO", th, ("Agreement", "a2")),
        rel("PARTY_TO", vn, ("Agreement", "a2")),
        rel("PARTY_TO", cattc, ("Agreement", "a3")),
        rel("PARTY_TO", castc, ("Agreement", "a3")),
        rel("ORGANISES", cattc, ("Event", "ev1")),
        rel("PARTICIPATES_IN", cattc, ("Event", "ev2")),
        rel("ORGANISES", castc, ("Event", "ev3")),
    ]
    store.upsert(nodes, rels)


def _rows(rows: list[dict[str, Any]], *columns: str) -> list[tuple[Any, ...]]:
    return [tuple(row[c] for c in columns) for row in rows]


# expected answers worked out by hand from the `_planner_seed` docstring
NAMED_QUERY_CASES: list[tuple[str, dict[str, Any], tuple[str, ...], list[tuple[Any, ...]]]] = [
    ("node_by_key", {"label": "Country", "key": "TH"}, ("n",), [({"id": "Country:TH"},)]),
    # B-TH: PARENT_CENTRE, HOSTED_IN, BILATERAL_PARTNER_OF (in), PARTY_TO a1
    (
        "neighbours",
        {"label": "BilateralCentre", "key": "B-TH"},
        ("type",),
        [("BILATERAL_PARTNER_OF",), ("HOSTED_IN",), ("PARENT_CENTRE",), ("PARTY_TO",)],
    ),
    # VN - B-VN - {CATTC, e2}; VN - a2 - TH
    (
        "two_hop",
        {"label": "Country", "key": "VN"},
        ("m",),
        [({"id": "Country:TH"},), ({"id": "Expert:e2"},), ({"id": "Institution:CATTC"},)],
    ),
    ("count_label", {"label": "BilateralCentre"}, ("count",), [(3,)]),
    ("count_type", {"rel_type": "HOSTED_IN"}, ("count",), [(3,)]),
    ("bilateral_centres_of", {"centre": "CATTC"}, ("id", "country"), [("B-TH", "TH"), ("B-VN", "VN")]),
    ("centres_hosted_in", {"country": "TH"}, ("id", "parent"), [("B-TH", "CATTC"), ("B-X", "CASTTC")]),
    ("experts_bridging", {"a": "CN", "b": "TH"}, ("id",), [("e1",)]),
    ("experts_bridging", {"a": "VN", "b": "CN"}, ("id",), [("e2",)]),
    ("experts_bridging", {"a": "TH", "b": "TH"}, ("id",), [("e1",), ("e3",)]),
    (
        "offers_in_field",
        {"field": "ford:2"},
        ("id", "field"),
        [("o1", "ford:2.1.1"), ("o2", "ford:2"), ("o4", "ford:2.1")],
    ),
    ("offers_in_field", {"field": "ford:2.1"}, ("id", "field"), [("o1", "ford:2.1.1"), ("o4", "ford:2.1")]),
    ("demands_in_field", {"field": "ford:2"}, ("id", "field"), [("d1", "ford:2.1")]),
    ("agreements_between", {"a": "CN", "b": "TH"}, ("id",), [("a1",)]),
    ("agreements_between", {"a": "VN", "b": "TH"}, ("id",), [("a2",)]),
    ("agreements_between", {"a": "CN", "b": "CN"}, ("id",), [("a3",)]),
    ("agreements_between", {"a": "CN", "b": "VN"}, ("id",), []),
    (
        "events_of_centre",
        {"centre": "CATTC"},
        ("id", "role"),
        [("ev1", "ORGANISES"), ("ev2", "PARTICIPATES_IN")],
    ),
    ("partners_of_centre", {"centre": "B-TH"}, ("id", "status"), [("TH", "active")]),
]


def test_every_named_query_has_a_case() -> None:
    assert {case[0] for case in NAMED_QUERY_CASES} == set(NAMED_QUERIES)


@pytest.mark.parametrize(("name", "arguments", "columns", "expected"), NAMED_QUERY_CASES)
def test_named_queries(
    planner_store: GraphStore,
    name: str,
    arguments: dict[str, Any],
    columns: tuple[str, ...],
    expected: list[tuple[Any, ...]],
) -> None:
    cypher, values = NAMED_QUERIES[name].bind(planner_store.schema, arguments)
    rows = planner_store.query(cypher, values, read_only=True)
    got = _rows(rows, *columns)
    # node cells: compare their stable ids; unordered queries: compare sorted
    got = [tuple({"id": c["id"]} if isinstance(c, dict) else c for c in row) for row in got]
    if "ORDER BY" not in cypher:
        got = sorted(got, key=repr)
    assert got == expected


def test_named_query_examples_name_schema_identifiers() -> None:
    schema = load_schema()
    for query in NAMED_QUERIES.values():
        assert {p.name for p in query.parameters} >= set(query.example), query.name
        cypher, _ = query.bind(schema, query.example)  # labels and types of the examples exist
        assert "{" not in cypher.replace("{`", "")
