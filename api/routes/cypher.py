"""Read-only Cypher for untrusted callers: parameters only, timeout, row cap.

The query is screened first (`graph.untrusted.screen_untrusted`: bounded size and
nesting, a Cypher parser, read clauses and an allow-list of procedures only); the text
sent is the screened one, whose every top-level ``RETURN`` has a ``LIMIT`` of at most
one row more than the cap, so the database stops at the cap and ``truncated`` says so.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field, ValidationInfo, field_validator

from api.deps import SettingsDep, StoreDep
from api.json_values import refuse_unstorable
from api.problems import ProblemError, problem_doc
from api.serialise import CypherResult, run_read
from graph.store import ReadOnlyViolation
from graph.untrusted import EXAMPLE_PARAMETERS, EXAMPLE_QUERY, UnparsableQuery, screen_untrusted

__all__ = ["router"]

router = APIRouter(tags=["cypher"])


class CypherRequest(BaseModel):
    """A read-only query and its parameters (values are never spliced into the text)."""

    query: str = Field(
        min_length=1,
        max_length=20_000,
        examples=[EXAMPLE_QUERY],
    )
    parameters: dict[str, Any] = Field(default_factory=dict, examples=[EXAMPLE_PARAMETERS])

    @field_validator("query", "parameters", mode="after")
    @classmethod
    def _storable(cls, value: Any, info: ValidationInfo) -> Any:
        """No lone surrogate, NaN, Infinity or integer beyond 64 bits (the store would fail or clamp)."""
        return refuse_unstorable(value, info.field_name or "")


@router.post(
    "/cypher",
    operation_id="cypher_read",
    response_model=CypherResult,
    responses={
        400: problem_doc("The query is not valid Cypher (or not Cypher the screen can read)."),
        403: problem_doc("The query writes, calls a refused procedure or exceeds a size bound."),
        413: problem_doc("The request body is larger than the configured limit."),
        504: problem_doc("The query ran longer than the timeout."),
    },
)
def run_cypher(body: CypherRequest, store: StoreDep, settings: SettingsDep) -> CypherResult:
    """Run a read-only Cypher query.  Writes, schema changes, ``LOAD CSV``, procedures other
    than ``db.labels``, ``db.relationshipTypes`` and ``db.propertyKeys``, queries nested
    deeper than 12 brackets and ``range()`` of more than a million elements are refused
    with 403; the database itself enforces read-only mode.  At most the row cap of rows is
    answered (``truncated`` when there were more)."""
    try:
        screened = screen_untrusted(body.query, body.parameters, row_cap=settings.row_cap)
    except UnparsableQuery as exc:
        raise ProblemError(400, f"The query failed: {exc}", kind="invalid-query") from exc
    except ReadOnlyViolation as exc:
        raise ProblemError(403, str(exc), kind="read-only") from exc
    return run_read(store, settings, screened.text, body.parameters)
