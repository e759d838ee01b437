"""The GraphStore contract, run on every available backend (FalkorDB always, Neo4j with NEO4J_URI)."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from graph.store import GraphStore, QueryTimeout, ReadOnlyViolation, StoreError
from ontology.records import NodeRecord, RelationshipRecord
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


def test_install_schema_is_rerunnable(store: GraphStore) -> None:
    store.install_schema()
    store.install_schema()


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


def test_sources_are_merged_without_duplicates(store: GraphStore) -> None:
    store.upsert_nodes([NodeRecord("Country", "CN", {"sources": ["a", "b"]})])
    store.upsert_nodes([NodeRecord("Country", "CN", {"sources": ["b", "c", "c"]})])
    store.upsert_nodes([NodeRecord("Country", "CN", {"name": "China"})])
    rows = store.query("MATCH (c:Country) RETURN c.sources AS s, c.name AS name")
    assert rows == [{"s": ["a", "b", "c"], "name": "China"}]


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
