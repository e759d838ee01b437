"""Read-only Cypher for untrusted callers: parameters only, timeout, row cap."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field, ValidationInfo, field_validator

from api.deps import SettingsDep, StoreDep
from api.json_values import refuse_unstorable
from api.problems import ProblemError, problem_doc
from api.serialise import CypherResult, run_read
from graph.store import ReadOnlyViolation
from graph.untrusted import EXAMPLE_PARAMETERS, EXAMPLE_QUERY, check_untrusted

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
        400: problem_doc("The query is not valid Cypher."),
        403: problem_doc("The query writes or calls a refused procedure."),
        413: problem_doc("The request body is larger than the configured limit."),
        504: problem_doc("The query ran longer than the timeout."),
    },
)
def run_cypher(body: CypherRequest, store: StoreDep, settings: SettingsDep) -> CypherResult:
    """Run a read-only Cypher query.  Writes, schema changes, ``LOAD CSV`` and procedures other
    than schema introspection are refused with 403; the database itself enforces read-only mode."""
    try:
        check_untrusted(body.query)
    except ReadOnlyViolation as exc:
        raise ProblemError(403, str(exc), kind="read-only") from exc
    return run_read(store, settings, body.query, body.parameters)
