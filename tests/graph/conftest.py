"""Fixtures of the graph-store tests: a small hand-built schema and stores per backend."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.backends.falkordb.server import stop_server
from graph.backends.falkordb.store import FalkorDBStore
from graph.store import GraphStore
from ontology.schema import Datatype, GraphSchema, NodeType, PropertySpec, RelationshipType

U = "urn:test:"


def _p(name: str, datatype: Datatype = Datatype.STRING, *, multiple: bool = False) -> PropertySpec:
    return PropertySpec(name=name, iri=U + name, datatype=datatype, multiple=multiple)


def make_schema() -> GraphSchema:
    """Country, Institution > TransferCentre > BilateralCentre, Expert, Field."""
    country = NodeType(
        label="Country",
        iri=U + "Country",
        key="code",
        key_label="Country",
        labels=("Country",),
        properties=(_p("code"), _p("name"), _p("population", Datatype.INTEGER)),
    )
    inst_props = (_p("id"), _p("name"), _p("founded", Datatype.DATE), _p("batch", Datatype.INTEGER))
    institution = NodeType(
        label="Institution",
        iri=U + "Institution",
        key="id",
        key_label="Institution",
        labels=("Institution",),
        properties=inst_props,
    )
    centre = NodeType(
        label="TransferCentre",
        iri=U + "TransferCentre",
        key="id",
        key_label="Institution",
        labels=("TransferCentre", "Institution"),
        properties=(*inst_props, _p("fields", multiple=True)),
    )
    bilateral = NodeType(
        label="BilateralCentre",
        iri=U + "BilateralCentre",
        key="id",
        key_label="Institution",
        labels=("BilateralCentre", "TransferCentre", "Institution"),
        properties=(*inst_props, _p("fields", multiple=True), _p("partner")),
    )
    expert = NodeType(
        label="Expert",
        iri=U + "Expert",
        key="id",
        key_label="Expert",
        labels=("Expert",),
        properties=(_p("id"), _p("name"), _p("batch", Datatype.INTEGER)),
    )
    field = NodeType(
        label="Field",
        iri=U + "Field",
        key="code",
        key_label="Field",
        labels=("Field",),
        properties=(_p("code"), _p("name")),
    )
    rels = [
        RelationshipType(
            type="LOCATED_IN", iri=U + "locatedIn", sources=("Institution",), targets=("Country",)
        ),
        RelationshipType(
            type="HOSTED_IN", iri=U + "hostedIn", sources=("BilateralCentre",), targets=("Country",)
        ),
        RelationshipType(
            type="BRANCH_OF", iri=U + "branchOf", sources=("TransferCentre",), targets=("TransferCentre",)
        ),
        RelationshipType(
            type="EXPERT_IN",
            iri=U + "expertIn",
            sources=("Expert",),
            targets=("Field",),
            properties=(_p("level"), _p("since", Datatype.INTEGER)),
        ),
        RelationshipType(
            type="WORKS_AT",
            iri=U + "worksAt",
            sources=("Expert",),
            targets=("Institution",),
            properties=(_p("role"), _p("batch", Datatype.INTEGER)),
        ),
        RelationshipType(
            type="PARTNER_OF",
            iri=U + "partnerOf",
            sources=("Institution",),
            targets=("Institution",),
            properties=(_p("agreement"),),
            symmetric=True,
        ),
    ]
    return GraphSchema.build([country, institution, centre, bilateral, expert, field], rels)


@pytest.fixture(scope="session")
def schema() -> GraphSchema:
    return make_schema()


@pytest.fixture
def falkordb_store(tmp_path: Path, schema: GraphSchema) -> Iterator[FalkorDBStore]:
    store = FalkorDBStore(schema, tmp_path / "falkordb", query_timeout_ms=5_000, row_cap=1_000)
    store.open()
    try:
        yield store
    finally:
        store.close()
        stop_server(tmp_path / "falkordb")


def _neo4j_store(schema: GraphSchema) -> GraphStore:
    from graph.backends.neo4j import Neo4jStore
    from graph.config import StoreSettings

    settings = StoreSettings(_env_file=None, backend="neo4j")
    store = Neo4jStore.from_settings(settings, schema)
    store.open()
    return store


@pytest.fixture(params=["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path, schema: GraphSchema) -> Iterator[GraphStore]:
    """A fresh, empty store with the schema installed, on every available backend."""
    if request.param == "falkordb":
        fs = FalkorDBStore(schema, tmp_path / "falkordb", query_timeout_ms=5_000, row_cap=1_000)
        fs.open()
        fs.install_schema()
        try:
            yield fs
        finally:
            fs.close()
            stop_server(tmp_path / "falkordb")
        return
    if not os.environ.get("NEO4J_URI"):
        pytest.skip("Neo4j contract run needs NEO4J_URI (and NEO4J_USER/NEO4J_PASSWORD)")
    ns = _neo4j_store(schema)
    ns.clear()
    ns.install_schema()
    try:
        yield ns
    finally:
        ns.clear()
        ns.close()
