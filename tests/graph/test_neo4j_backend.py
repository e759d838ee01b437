"""The Neo4j backend's generated Cypher and parameters, checked with a recording fake runner."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from neo4j.exceptions import Neo4jError

from graph.backends.neo4j import DriverRunner, Neo4jStore, Statement, translate_error
from graph.config import StoreSettings
from graph.store import GraphStore, QueryTimeout, ReadOnlyViolation, StoreError
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema, SchemaError
from tests.graph.neo4j_fake import RecordingRunner


@pytest.fixture
def fake() -> RecordingRunner:
    return RecordingRunner()


@pytest.fixture
def neo(fake: RecordingRunner, schema: GraphSchema) -> Iterator[Neo4jStore]:
    store = Neo4jStore(schema, lambda: fake, query_timeout_ms=1500, row_cap=7)
    store.open()
    yield store
    store.close()


def test_is_a_graph_store(neo: Neo4jStore, fake: RecordingRunner) -> None:
    assert isinstance(neo, GraphStore)
    neo.close()
    assert fake.closed


def test_install_schema_ddl(neo: Neo4jStore, fake: RecordingRunner) -> None:
    neo.install_schema()
    unique = "CREATE CONSTRAINT `tn_{0}_{1}_unique` IF NOT EXISTS FOR (n:`{0}`) REQUIRE n.`{1}` IS UNIQUE"
    assert fake.autocommits[:4] == [
        unique.format("Country", "code"),
        unique.format("Expert", "id"),
        unique.format("Field", "code"),
        unique.format("Institution", "id"),
    ]
    assert (
        "CREATE INDEX `tn_BilateralCentre_id` IF NOT EXISTS FOR (n:`BilateralCentre`) ON (n.`id`)"
        in fake.autocommits
    )
    assert fake.autocommits[-1] == "CALL db.awaitIndexes(300)"


def test_upsert_nodes_cypher_and_params(neo: Neo4jStore, fake: RecordingRunner) -> None:
    n = neo.upsert_nodes(
        [
            NodeRecord("BilateralCentre", "B1", {"name": "x", "sources": ["s1", "s1"]}),
            NodeRecord("BilateralCentre", "B1", {"partner": "TH", "sources": ["s2"]}),
            NodeRecord("Country", "CN"),
        ],
        batch_size=1,
    )
    assert n == 3
    assert len(fake.writes) == 2  # one transaction per batch
    (st,) = fake.writes[0]
    assert st.cypher.splitlines()[:3] == [
        "UNWIND $rows AS r",
        "MERGE (n:`Institution` {`id`: r.k})",
        "SET n:`BilateralCentre`:`TransferCentre`",
    ]
    assert st.parameters == {"rows": [{"k": "B1", "p": {"name": "x", "partner": "TH"}, "s": ["s1", "s2"]}]}


def test_atomic_upsert_is_one_transaction(neo: Neo4jStore, fake: RecordingRunner) -> None:
    nodes = [NodeRecord("Expert", f"e{i}") for i in range(5)] + [NodeRecord("Field", "F")]
    rels = [
        RelationshipRecord("EXPERT_IN", "Expert", f"e{i}", "Field", "F", {"level": "x"}) for i in range(5)
    ]
    assert neo.upsert(nodes, rels, batch_size=2) == (6, 5)
    assert len(fake.writes) == 1
    statements = fake.writes[0]
    assert len(statements) == 3 + 1 + 3  # expert batches, field, relationship batches
    rel = statements[-1]
    assert rel.cypher.endswith("RETURN count(*) AS merged")
    assert "MATCH (a:`Expert` {`id`: r.s})" in rel.cypher
    assert "MERGE (a)-[x:`EXPERT_IN`]->(b)" in rel.cypher
    assert rel.expect == 1
    assert rel.parameters["rows"] == [{"s": "e4", "e": "F", "p": {"level": "x"}, "src": []}]
    assert not fake.reads  # every end node is in the same upsert


def test_non_atomic_upsert_is_one_transaction_per_batch(neo: Neo4jStore, fake: RecordingRunner) -> None:
    nodes = [NodeRecord("Expert", f"e{i}") for i in range(5)]
    neo.upsert(nodes, [], batch_size=2, atomic=False)
    assert [len(w) for w in fake.writes] == [1, 1, 1]


def test_missing_end_nodes_are_named_and_nothing_is_written(neo: Neo4jStore, fake: RecordingRunner) -> None:
    fake.read_answers["OPTIONAL MATCH"] = (["k"], [["ZZ"]])
    with pytest.raises(StoreError, match="Country:ZZ"):
        neo.upsert([], [RelationshipRecord("LOCATED_IN", "Institution", "I", "Country", "ZZ")])
    assert not fake.writes
    assert any("OPTIONAL MATCH (n:`Country` {`code`: k})" in r[0] for r in fake.reads)


def test_discriminator_goes_into_the_merge(neo: Neo4jStore, fake: RecordingRunner) -> None:
    neo.upsert(
        [NodeRecord("Expert", "e"), NodeRecord("Institution", "i")],
        [RelationshipRecord("WORKS_AT", "Expert", "e", "Institution", "i", {"role": "a"})],
        discriminator={"WORKS_AT": ["role"]},
    )
    rel = fake.writes[0][-1]
    assert "MERGE (a)-[x:`WORKS_AT` {`role`: r.d.`role`}]->(b)" in rel.cypher
    with pytest.raises(SchemaError):
        neo.upsert(
            [],
            [RelationshipRecord("WORKS_AT", "Expert", "e", "Institution", "i")],
            discriminator={"WORKS_AT": ["nope"]},
        )


def test_reads_use_timeout_and_row_cap(neo: Neo4jStore, fake: RecordingRunner) -> None:
    fake.read_answers["RETURN"] = (["a"], [[1], [2]])
    assert neo.query("MATCH (n) RETURN n.x AS a", {"p": 1}) == [{"a": 1}, {"a": 2}]
    _, params, timeout, cap = fake.reads[-1]
    assert (params, timeout, cap) == ({"p": 1}, 1.5, 7)
    neo.query("RETURN 1", timeout_ms=10, row_cap=3)
    assert fake.reads[-1][2:] == (0.01, 3)


def test_write_query_goes_through_a_write_transaction(neo: Neo4jStore, fake: RecordingRunner) -> None:
    neo.query("CREATE (:Country {code: $c})", {"c": "CN"}, read_only=False)
    assert fake.writes[-1][0].cypher == "CREATE (:Country {code: $c})"


def test_read_only_store_refuses_writes(fake: RecordingRunner, schema: GraphSchema) -> None:
    store = Neo4jStore(schema, lambda: fake, read_only=True)
    store.open()
    with pytest.raises(ReadOnlyViolation):
        store.upsert_nodes([NodeRecord("Country", "CN")])
    with pytest.raises(ReadOnlyViolation):
        store.query("CREATE (n)", read_only=False)
    with pytest.raises(ReadOnlyViolation):
        store.clear()
    assert not fake.writes


def test_delete_and_clear(neo: Neo4jStore, fake: RecordingRunner) -> None:
    assert neo.delete_nodes("TransferCentre", ["a", "b"]) == 2
    assert fake.writes[-1][0].cypher.startswith(
        "UNWIND $keys AS k\nMATCH (n:`TransferCentre` {`id`: k})\nDETACH DELETE n"
    )
    neo.clear()
    assert "IN TRANSACTIONS" in fake.autocommits[-1]


def test_projection_queries(neo: Neo4jStore, fake: RecordingRunner) -> None:
    neo.to_networkx(labels=["Country", "Expert"], rel_types=["EXPERT_IN", "LOCATED_IN"])
    cyphers = [r[0] for r in fake.reads]
    assert (
        "MATCH (n) WHERE n:`Country` OR n:`Expert` RETURN elementId(n), labels(n), properties(n)" in cyphers
    )
    assert any("MATCH (a)-[r:`EXPERT_IN`|`LOCATED_IN`]->(b)" in c for c in cyphers)
    neo.to_networkx(omit_node_properties=["pagerank", "analysisRun"])
    cypher, params = fake.reads[-2][:2]  # the node read, then the relationships
    assert (
        cypher == "MATCH (n) RETURN elementId(n), labels(n), [k IN keys(n) WHERE NOT k IN $omit | [k, n[k]]]"
    )
    assert params == {"omit": ["analysisRun", "pagerank"]}
    with pytest.raises(SchemaError):
        neo.to_arrays(rel_types=["NOPE"])


def test_a_projection_that_omits_properties_keeps_the_ontologys(
    neo: Neo4jStore, fake: RecordingRunner
) -> None:
    # as FalkorDB reads them by name: a property outside the node's types is left out, a node
    # of no type in the ontology keeps its own
    fake.read_answers["[k IN keys(n) WHERE NOT k IN $omit"] = (
        ["id", "labels", "props"],
        [["4:a:1", ["Country"], [["code", "TH"], ["stray", 1], ["name", "Thailand"]]],
         ["4:a:2", ["Scratch"], [["note", "kept"]]]],
    )  # fmt: skip
    g = neo.to_networkx(omit_node_properties=["pagerank"])
    assert g.nodes["Country:TH"]["props"] == {"code": "TH", "name": "Thailand"}
    assert [d["props"] for _v, d in g.nodes(data=True) if d["labels"] == ("Scratch",)] == [{"note": "kept"}]


def test_error_translation() -> None:
    def err(code: str) -> Exception:
        return Neo4jError._hydrate_neo4j(code=code, message="m")

    assert isinstance(translate_error(err("Neo.ClientError.Statement.AccessMode")), ReadOnlyViolation)
    assert isinstance(translate_error(err("Neo.ClientError.Security.Forbidden")), ReadOnlyViolation)
    assert isinstance(
        translate_error(err("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration")),
        QueryTimeout,
    )
    assert type(translate_error(err("Neo.ClientError.Statement.SyntaxError"))) is StoreError


class FakeResult:
    def keys(self) -> list[str]:
        return ["x"]

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def consume(self) -> None:
        return None


class FakeSession:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def run(self, cypher: str, params: dict[str, Any]) -> FakeResult:
        return FakeResult()

    def execute_write(self, work: Any) -> Any:
        class Tx:
            def run(self, cypher: str, params: dict[str, Any]) -> FakeResult:
                return FakeResult()

        return work(Tx())


class FakeDriver:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, dict[str, Any], dict[str, Any]]] = []
        self.sessions: list[dict[str, Any]] = []
        self.execute_query_bookmark_manager = object()

    def session(self, **config: Any) -> FakeSession:
        self.sessions.append(config)
        return FakeSession(config)

    def execute_query(self, query: Any, params: dict[str, Any], **kwargs: Any) -> Any:
        self.calls.append((query, params, kwargs))
        return ["x"], [[1]]


def test_driver_runner_reads_with_read_routing() -> None:
    from neo4j import RoutingControl

    driver = FakeDriver()
    runner = DriverRunner(driver, "tn", read_auth=("reader", "pw"))
    assert runner.read("RETURN 1 AS x", {"a": 1}, timeout_s=2.0, row_cap=5) == (["x"], [[1]])
    query, _, kwargs = driver.calls[0]
    assert query.text == "RETURN 1 AS x" and query.timeout == 2.0
    assert kwargs["routing_"] == RoutingControl.READ
    assert kwargs["database_"] == "tn"
    assert kwargs["auth_"] == ("reader", "pw")


def test_sessions_share_the_bookmarks_of_reads() -> None:
    """Writes, auto-commits and streams chain causally with `execute_query` reads: on a
    cluster a read routed to a secondary waits for this process's earlier writes."""
    driver = FakeDriver()
    runner = DriverRunner(driver, "tn", read_auth=("reader", "pw"))
    runner.write([Statement("RETURN 1", {})])
    runner.autocommit("CALL db.awaitIndexes(300)", {})
    list(runner.stream("RETURN 1", {}, fetch_size=10))
    assert len(driver.sessions) == 3
    for config in driver.sessions:
        assert config["bookmark_manager"] is driver.execute_query_bookmark_manager
        assert config["database"] == "tn"
    assert driver.sessions[2]["auth"] == ("reader", "pw")


def test_from_settings_needs_a_uri(schema: GraphSchema) -> None:
    with pytest.raises(StoreError, match="NEO4J_URI"):
        Neo4jStore.from_settings(StoreSettings(_env_file=None, backend="neo4j", NEO4J_URI=None), schema)
    store = Neo4jStore.from_settings(
        StoreSettings(_env_file=None, backend="neo4j", NEO4J_URI="neo4j://localhost:7687"), schema
    )
    assert store.capabilities.name == "neo4j"  # nothing connects before open()
