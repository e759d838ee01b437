"""Read-only Cypher for untrusted callers: parameters only, timeout, row cap."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import SettingsDep, StoreDep
from api.problems import Problem, ProblemError
from graph.store import QueryTimeout, ReadOnlyViolation, StoreError
from graph.untrusted import check_untrusted

__all__ = ["router"]

router = APIRouter(tags=["cypher"])


class CypherRequest(BaseModel):
    """A read-only query and its parameters (values are never spliced into the text)."""

    query: str = Field(
        min_length=1,
        max_length=20_000,
        examples=["MATCH (c:TransferCentre)-[:PARENT_CENTRE]->(p {id: $parent}) RETURN c.id AS id"],
    )
    parameters: dict[str, Any] = Field(default_factory=dict, examples=[{"parent": "CASTTC"}])


class CypherResult(BaseModel):
    """Rows as JSON; nodes, relationships and paths carry their labels, types and properties."""

    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool


@router.post(
    "/cypher",
    operation_id="cypher_read",
    response_model=CypherResult,
    responses={
        400: {"model": Problem, "description": "The query is not valid Cypher."},
        403: {"model": Problem, "description": "The query writes or calls a refused procedure."},
        504: {"model": Problem, "description": "The query ran longer than the timeout."},
    },
)
def run_cypher(body: CypherRequest, store: StoreDep, settings: SettingsDep) -> CypherResult:
    """Run a read-only Cypher query.  Writes, schema changes, ``LOAD CSV`` and procedures other
    than schema introspection are refused with 403; the database itself enforces read-only mode."""
    try:
        check_untrusted(body.query)
        rows = store.query(
            body.query,
            body.parameters,
            read_only=True,
            timeout_ms=settings.query_timeout_ms,
            row_cap=settings.row_cap + 1,
        )
    except ReadOnlyViolation as exc:
        raise ProblemError(403, str(exc), kind="read-only") from exc
    except QueryTimeout as exc:
        raise ProblemError(
            504, f"The query ran longer than {settings.query_timeout_ms} ms.", kind="query-timeout"
        ) from exc
    except StoreError as exc:
        raise ProblemError(400, f"The query failed: {exc}", kind="invalid-query") from exc
    truncated = len(rows) > settings.row_cap
    rows = rows[: settings.row_cap]
    columns = list(rows[0]) if rows else []
    return CypherResult(columns=columns, rows=rows, truncated=truncated)
