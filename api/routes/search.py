"""Name search (English or Chinese, case- and accent-insensitive)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Header, Query
from pydantic import BaseModel

from api.deps import ProjectionDep, StoreDep
from api.problems import ProblemError, problem_doc

__all__ = ["router"]

router = APIRouter(tags=["entities"])


class Lang(StrEnum):
    """Languages of the answers."""

    EN = "en"
    ZH = "zh"


def preferred_language(header: str | None) -> str:
    """``zh`` when an ``Accept-Language`` header prefers Chinese to English, else ``en``.

    Examples
    --------
    >>> preferred_language("zh-CN,zh;q=0.9,en;q=0.8"), preferred_language("en-GB,zh;q=0.5")
    ('zh', 'en')
    >>> preferred_language(None), preferred_language("fr, zh;q=0.3")
    ('en', 'zh')
    """
    # by hand: no dependency of ours parses the header's weights (Babel negotiates among tags
    # already ordered; werkzeug is not installed), and two languages need no more than this
    best, weight = "en", -1.0
    for part in (header or "").split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        lang = tag.strip().lower()[:2]
        if lang in ("en", "zh") and q > weight:
            best, weight = lang, q
    return best


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
    lang: Annotated[
        Lang | None,
        Query(description="Language of the names answered (default: the Accept-Language header, else en)."),
    ] = None,
    accept_language: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> SearchResult:
    """Find entities by name in English or Chinese (substring, case- and accent-insensitive);
    each hit is named in the language asked for (its Chinese name where it has one)."""
    types = None
    if type is not None:
        if type not in store.schema.nodes:
            raise ProblemError(422, f"Unknown node type {type!r}.", kind="unknown-type")
        types = [t.label for t in store.schema.subtypes(type)]
    chosen = lang.value if lang is not None else preferred_language(accept_language)
    hits = projection.index.search(q, limit=limit, types=types, lang=chosen)
    return SearchResult(items=[Hit(id=h.id, type=h.type, name=h.name, matched=h.matched) for h in hits])
