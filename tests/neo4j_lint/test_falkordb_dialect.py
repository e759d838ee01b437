"""The FalkorDB backend's statements through Neo4j's Cypher front end, with FalkorDB's
procedures (`tests.neo4j_lint.falkordb_registry`) instead of Neo4j's.

FalkorDB runs every one of them in the other tests; this check names what in them is
FalkorDB's dialect and not Neo4j's: each error or warning must be one of
`FALKORDB_ONLY`, the FalkorDB-only syntax the backend uses on purpose (docs/dialects.md).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import falkordb
import pytest

import graph.backends.falkordb.connection as connection
from graph.backends.falkordb.server import stop_server
from graph.backends.falkordb.store import FalkorDBStore
from ontology.derive import load_schema
from tests.neo4j_lint.falkordb_registry import falkordb_registry
from tests.neo4j_lint.frontend import CypherFrontEnd
from tests.neo4j_lint.linting import ACCEPTED_WARNINGS, db_schema, lint_all, report
from tests.neo4j_lint.scenario import exercise

#: What Neo4j's front end says about the FalkorDB backend's statements, accepted because it
#: is FalkorDB's dialect: (severity, message pattern, reason).  Unused entries fail the test.
FALKORDB_ONLY: list[tuple[str, str, str]] = [
    (
        "warning",
        r"^Function id is deprecated\.$",
        "FalkorDB has no elementId(): id() is its internal node id, and `WHERE id(n) = $i` its "
        "NodeByIdSeek (projection paging by id range, relationship upserts that find their ends by "
        "id, node ids of returned relationships); the Neo4j backend uses elementId()",
    ),
    (
        "warning",
        r"^The query used a deprecated function\. \('id' has been replaced by 'elementId",
        "the same id() calls, reported a second time",
    ),
    (
        "error",
        r"^Procedure db\.(indexes|constraints) is not present in the database\.",
        "FalkorDB's schema introspection (install_schema reads which indexes and constraints exist "
        "and waits for constraints to be OPERATIONAL); Neo4j 5 removed these procedures for "
        "SHOW INDEXES / SHOW CONSTRAINTS, and the Neo4j backend needs neither "
        "(CREATE ... IF NOT EXISTS, then CALL db.awaitIndexes)",
    ),
]


@pytest.fixture
def falkordb_statements(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, set[str]]]:
    """Run `exercise` on an embedded FalkorDB; collect each statement and its parameter names.

    Parameters travel in a ``CYPHER name=value`` header: the header maker is wrapped to
    learn each header's names, the client's query methods to take the header off again.
    """
    sent: dict[str, set[str]] = defaultdict(set)
    headers: dict[str, tuple[str, ...]] = {}
    real_header = connection.query_header

    def header(params: Mapping[str, Any] | None, keys: Any = None) -> str:
        text = real_header(params, keys)
        if text:
            headers[text] = tuple(params or {})
        return text

    def record(text: str) -> None:
        prefix = max((h for h in headers if text.startswith(h)), key=len, default="")
        sent[text[len(prefix) :]].update(headers.get(prefix, ()))

    def wrap(name: str) -> None:
        real = getattr(falkordb.Graph, name)

        def call(self: Any, q: str, *args: Any, **kwargs: Any) -> Any:
            record(q)
            return real(self, q, *args, **kwargs)

        monkeypatch.setattr(falkordb.Graph, name, call)

    real_raw = connection.FalkorDBConnection._raw

    def raw(self: Any, cypher: str, params: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        sent[cypher].update(params or {})
        return real_raw(self, cypher, params, **kwargs)

    monkeypatch.setattr(connection, "query_header", header)
    monkeypatch.setattr(connection.FalkorDBConnection, "_raw", raw)
    wrap("query")
    wrap("ro_query")
    store = FalkorDBStore(load_schema(), tmp_path / "falkordb")
    store.open()
    try:
        exercise(store)
    finally:
        store.close()
        stop_server(tmp_path / "falkordb")
    sent.pop("RETURN 0", None)  # the client's probe that creates the graph key
    yield dict(sent)


def test_falkordb_backend_statements(
    cypher_front_end: CypherFrontEnd,
    falkordb_statements: dict[str, set[str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With FalkorDB's procedures: only FalkorDB-only syntax; with Neo4j's, the statements
    calling procedures find exactly the procedures Neo4j does not have."""
    front = cypher_front_end
    schema = db_schema(load_schema())
    front.define("falkordb", {**schema, "procedures": falkordb_registry()}, neo4j_procedures=False)
    front.define("neo4j", schema, neo4j_procedures=True)
    assert len(falkordb_statements) > 100
    found = lint_all(front, falkordb_statements, "falkordb")
    errors = [(c, d) for c, d in found if d.severity == "error"]
    assert not errors, report(errors)
    calls = {c: p for c, p in falkordb_statements.items() if re.search(r"\bCALL\b", c)}
    assert calls
    found += lint_all(front, calls, "neo4j")
    with capsys.disabled():
        print(f"\nFalkorDB backend: {len(falkordb_statements)} distinct statements checked")
    accepted = [(sev, pat) for sev, pat, _ in FALKORDB_ONLY] + [("warning", p) for p, _ in ACCEPTED_WARNINGS]
    unexplained = [
        (c, d) for c, d in found if not any(d.severity == s and re.search(p, d.message) for s, p in accepted)
    ]
    assert not unexplained, report(unexplained)
    unused = [
        p
        for s, p, _ in FALKORDB_ONLY
        if not any(d.severity == s and re.search(p, d.message) for _, d in found)
    ]
    assert not unused, f"FalkorDB-only entries no statement needs: {unused}"
