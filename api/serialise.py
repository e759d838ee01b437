"""Read queries for API callers: run with the settings' timeout and row cap, answer as JSON rows.

Shared by the raw Cypher route and the named queries.  The stores already turn nodes,
relationships and paths into plain dicts (``id``, ``labels``, ``properties``; ``type``,
``start``, ``end``; ``nodes``, ``relationships``); this module adds the row cap's
``truncated`` flag and maps store errors to problem details.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from api.problems import ProblemError
from api.settings import Settings
from graph.errors import StoreUnavailable
from graph.store import GraphStore, QueryTimeout, ReadOnlyViolation, StoreError

__all__ = ["CypherResult", "run_read"]


class CypherResult(BaseModel):
    """Rows as JSON; nodes, relationships and paths carry their labels, types and properties."""

    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool


def run_read(
    store: GraphStore, settings: Settings, cypher: str, parameters: Mapping[str, Any]
) -> CypherResult:
    """Run `cypher` read-only (enforced by the database) and cap its rows.

    One row more than the cap is fetched to tell whether the answer was ``truncated``.
    Read-only refusals become 403, timeouts 504 and other store errors 400 problems.
    """
    try:
        rows = store.query(
            cypher,
            parameters,
            read_only=True,
            timeout_ms=settings.query_timeout_ms,
            row_cap=settings.row_cap + 1,
        )
    except ReadOnlyViolation as exc:
        raise ProblemError(403, str(exc), kind="read-only") from exc
    except StoreUnavailable:
        raise  # 503 (`api.problems`), not a fault of the query
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
