"""Name search (English or Chinese, case- and accent-insensitive)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import ProjectionDep, StoreDep
from api.problems import ProblemError, problem_doc

__all__ = ["router"]

router = APIRouter(tags=["entities"])


class Hit(BaseModel):
    """A matching node."""

    id: str
    type: str
    name: str
    matched: str


class SearchResult(BaseModel):
    """Matches, best first."""

    items: list[Hit]


@router.get(
    "/search",
    operation_id="search_entities",
    response_model=SearchResult,
    responses={422: problem_doc("Invalid parameters, or an unknown node type.")},
)
def search(
    store: StoreDep,
    projection: ProjectionDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Part of a name.", examples=["东盟"])],
    type: Annotated[str | None, Query(description="Only nodes of this type.", examples=["Country"])] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> SearchResult:
    """Find entities by name in English or Chinese (substring, case- and accent-insensitive)."""
    types = None
    if type is not None:
        if type not in store.schema.nodes:
            raise ProblemError(422, f"Unknown node type {type!r}.", kind="unknown-type")
        types = [t.label for t in store.schema.subtypes(type)]
    hits = projection.index.search(q, limit=limit, types=types)
    return SearchResult(items=[Hit(id=h.id, type=h.type, name=h.name, matched=h.matched) for h in hits])
