"""Every statement the Neo4j backend sends, checked by Neo4j's own Cypher front end.

The store operations run against the recording fake runner (`tests.graph.neo4j_fake`);
each distinct statement is linted with Neo4j 5's grammar, semantic analysis and
procedure/function registry, its parameters declared.  Errors fail the test; a warning
must be listed in `ACCEPTED_WARNINGS` with its reason.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from graph.backends.neo4j import Neo4jStore
from graph.errors import ReadOnlyViolation
from graph.untrusted import ALLOWED_PROCEDURES, check_untrusted
from ontology.derive import load_schema
from ontology.schema import GraphSchema
from tests.graph.neo4j_fake import RecordingRunner
from tests.neo4j_lint.falkordb_registry import falkordb_registry
from tests.neo4j_lint.frontend import CypherFrontEnd
from tests.neo4j_lint.linting import ACCEPTED_WARNINGS, db_schema, lint_all, report
from tests.neo4j_lint.scenario import exercise


def neo4j_statements(schema: GraphSchema) -> dict[str, set[str]]:
    """Distinct statements the Neo4j backend sends in `exercise`, with their parameter names."""
    counts = (["c"], [[0]])
    # the staged relationship types: counted, read from their domain's labels (which count fewer
    # than the type has), then from every node (`graph.claims`): every variant is sent
    staged = {"AS staged": (["n", "staged"], [[0, []]]), "RETURN count(r) AS n": (["n"], [[1]])}
    fake = RecordingRunner(
        read_answers={"RETURN count(n) AS c": counts, "RETURN count(r) AS c": counts, **staged}
    )
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


#: What scripts/neo4j-init.sh sends to the system database (cypher-shell), with its parameters.
INIT_STATEMENTS: list[tuple[str, list[str]]] = [
    ("CREATE USER reader IF NOT EXISTS SET PASSWORD $pw CHANGE NOT REQUIRED", ["pw"]),
    ("CALL dbms.components() YIELD edition RETURN edition", []),
    ("GRANT ROLE reader TO reader", []),
]


def test_neo4j_init_script_statements(neo4j_front: CypherFrontEnd) -> None:
    """The read-only user's set-up (docker compose's neo4j-init service) is valid Cypher 5."""
    script = (Path(__file__).resolve().parents[2] / "scripts" / "neo4j-init.sh").read_text(encoding="utf-8")
    for cypher, params in INIT_STATEMENTS:
        assert cypher in script.replace("\\$", "$")
        assert neo4j_front.lint(cypher, params, schema="neo4j") == [], cypher


def test_untrusted_procedures_exist_on_both_backends(neo4j_front: CypherFrontEnd) -> None:
    """`graph.untrusted.ALLOWED_PROCEDURES` (compared case-insensitively) name real procedures."""
    neo4j = {name.lower() for name in neo4j_front.names("neo4j")}
    falkor = {name.lower() for name in falkordb_registry()["CYPHER 5"]}
    assert not ALLOWED_PROCEDURES - neo4j
    assert not ALLOWED_PROCEDURES - falkor


def test_untrusted_check_sees_calls_without_parentheses(neo4j_front: CypherFrontEnd) -> None:
    """Neo4j accepts a standalone procedure call without parentheses (`CALL db.clearQueryCaches`):
    the untrusted screen must see it as a call too."""
    cypher = "CALL db.clearQueryCaches"
    assert neo4j_front.lint(cypher, [], schema="neo4j") == []
    with pytest.raises(ReadOnlyViolation):
        check_untrusted(cypher)


def test_subquery_imports_differ(neo4j_front: CypherFrontEnd) -> None:
    """Neo4j 5.23+ imports variables into a subquery with a scope clause, ``CALL (n) {...}``,
    and deprecates the importing ``WITH``; FalkorDB parses only ``CALL { WITH n ... }``
    (docs/dialects.md). The Neo4j backend's `clear` uses the scope clause."""
    body = "MATCH (n)--(m) RETURN count(m) AS deg } RETURN n.id AS id, deg"
    assert neo4j_front.lint(f"MATCH (n) CALL (n) {{ {body}", [], schema="neo4j") == []
    (d,) = neo4j_front.lint(f"MATCH (n) CALL {{ WITH n {body}", [], schema="neo4j")
    assert (
        d.severity == "warning" and "CALL subquery without a variable scope clause is deprecated" in d.message
    )
