"""The session's Cypher front end (one Node process), skipped when Node or the package is missing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.neo4j_lint.frontend import CypherFrontEnd, installed


@pytest.fixture(scope="session")
def cypher_front_end() -> Iterator[CypherFrontEnd]:
    """Neo4j's Cypher front end, started once per test session."""
    missing = installed()
    if missing:
        pytest.skip(missing)
    front = CypherFrontEnd()
    try:
        yield front
    finally:
        front.close()
