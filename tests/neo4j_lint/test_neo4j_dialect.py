"""Every statement the Neo4j backend sends, checked by Neo4j's own Cypher front end.

The store operations run against the recording fake runner (`tests.graph.neo4j_fake`);
each distinct statement is linted with Neo4j 5's grammar, semantic analysis and
procedure/function registry, its parameters declared.  Errors fail the test; a warning
must be listed in `ACCEPTED_WARNINGS` with its reason.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from graph.backends.neo4j import Neo4jStore
from ontology.derive import load_schema
from ontology.schema import GraphSchema
from tests.graph.neo4j_fake import RecordingRunner
from tests.neo4j_lint.frontend import CypherFrontEnd, Diagnostic
from tests.neo4j_lint.scenario import exercise

#: Warnings of Neo4j's front end on the backend's statements that are accepted:
#: (message pattern, reason).  An entry that matches nothing fails the test too.
ACCEPTED_WARNINGS: list[tuple[str, str]] = [
    (
        r"^[se] is not present in the database\.",
        "`r.s` and `r.e` are the start and end keys in the rows of `UNWIND $rows AS r` (a map), "
        "not properties of a node: the front end, given the database's property keys, cannot "
        "tell a map from a node and warns about every key it does not know",
    ),
]


def db_schema(schema: GraphSchema) -> dict[str, list[str]]:
    """Labels, relationship types and property keys of `schema` as the front end takes them."""
    labels = sorted({lb for nt in schema.nodes.values() for lb in nt.labels})
    props = {p.name for nt in schema.nodes.values() for p in nt.properties}
    props |= {p.name for rt in schema.relationships.values() for p in rt.properties}
    props |= {nt.key for nt in schema.nodes.values()} | {"sources"}
    return {
        "labels": labels,
        "relationshipTypes": sorted(schema.relationships),
        "propertyKeys": sorted(props),
    }


def neo4j_statements(schema: GraphSchema) -> dict[str, set[str]]:
    """Distinct statements the Neo4j backend sends in `exercise`, with their parameter names."""
    counts = (["c"], [[0]])
    fake = RecordingRunner(read_answers={"RETURN count(n) AS c": counts, "RETURN count(r) AS c": counts})
    store = Neo4jStore(schema, lambda: fake)
    store.open()
    exercise(store)
    store._ids_of(["4:00000000-0000-0000-0000-000000000000:0"])  # ends of returned relationships
    out: dict[str, set[str]] = defaultdict(set)
    for cypher, params in fake.sent:
        out[cypher].update(params)
    return out


@pytest.fixture(scope="module")
def neo4j_front(cypher_front_end: CypherFrontEnd) -> CypherFrontEnd:
    cypher_front_end.define("neo4j", db_schema(load_schema()), neo4j_procedures=True)
    return cypher_front_end


def lint_all(
    front: CypherFrontEnd, statements: dict[str, set[str]], schema: str
) -> list[tuple[str, Diagnostic]]:
    return [
        (cypher, d)
        for cypher, params in sorted(statements.items())
        for d in front.lint(cypher, params, schema=schema)
    ]


def report(found: list[tuple[str, Diagnostic]]) -> str:
    """The findings grouped by message: how many statements, the first one in full."""
    groups: dict[tuple[str, str], list[tuple[str, Diagnostic]]] = defaultdict(list)
    for cypher, d in found:
        groups[(d.severity, d.message)].append((cypher, d))
    return "\n\n".join(
        f"{sev}: {msg} ({len(items)}x) [{items[0][1].excerpt(items[0][0])!r}]\n  in: {items[0][0]}"
        for (sev, msg), items in sorted(groups.items())
    )


def test_neo4j_backend_statements(neo4j_front: CypherFrontEnd, capsys: pytest.CaptureFixture[str]) -> None:
    statements = neo4j_statements(load_schema())
    assert len(statements) > 100
    found = lint_all(neo4j_front, statements, "neo4j")
    with capsys.disabled():
        print(f"\nNeo4j's front end {neo4j_front.version}: {len(statements)} distinct statements checked")
    errors = [(c, d) for c, d in found if d.severity == "error"]
    assert not errors, report(errors)
    warnings = [(c, d) for c, d in found if d.severity != "error"]
    unexplained = [
        (c, d) for c, d in warnings if not any(re.search(p, d.message) for p, _ in ACCEPTED_WARNINGS)
    ]
    assert not unexplained, report(unexplained)
    unused = [p for p, _ in ACCEPTED_WARNINGS if not any(re.search(p, d.message) for _, d in warnings)]
    assert not unused, f"accepted warnings no statement raises: {unused}"


def test_the_front_end_finds_errors(neo4j_front: CypherFrontEnd) -> None:
    """The check can fail: a syntax error, an undeclared parameter, an unknown procedure."""
    assert [d.severity for d in neo4j_front.lint("MATCH (n RETURN n", [], schema="neo4j")] == ["error"]
    (d,) = neo4j_front.lint("RETURN $x", [], schema="neo4j")
    assert "Parameter $x is not defined" in d.message
    assert neo4j_front.lint("RETURN $x", ["x"], schema="neo4j") == []
    (d,) = neo4j_front.lint("CALL db.idx.fulltext.queryNodes('L', 'q')", [], schema="neo4j")
    assert d.severity == "error" and "db.idx.fulltext.queryNodes" in d.message
