"""Institution records that are probably one organisation, and the decisions on them.

* ``GET /same-organisation`` — the finding (`graph.analytics.same_organisation`): pairs with
  rule, confidence and evidence, and their clusters; pairs kept apart are left out.
* ``GET /same-organisation/decisions`` — every recorded decision.
* ``POST /same-organisation/decisions`` — merge (``same``: a ``SAME_AS`` link) or keep apart
  (``distinct``: ``DISTINCT_FROM``), with who and why; the records stay as they are.
* ``DELETE /same-organisation/decisions?a=&b=`` — undo a decision (remove its link).

Writes need an API key (``X-API-Key``) and invalidate the projection cache.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import ProjectionDep, StoreDep, WriteAccess
from api.problems import ProblemError
from graph.analytics.same_organisation import same_organisation_in_store
from graph.errors import StoreError
from graph.resolution.decisions import decide, read_decisions, undo

__all__ = ["router"]

router = APIRouter(tags=["same organisation"])


class PairOut(BaseModel):
    """Two institution records that are probably one organisation."""

    a: str
    b: str
    a_name: str
    b_name: str
    a_type: str
    b_type: str
    rule: str = Field(description="identifier, name, similar-name or acronym")
    confidence: float = Field(ge=0, le=1)
    evidence: str
    decided: str | None = Field(default=None, description="'same' when already merged")


class FindingOut(BaseModel):
    """The pairs (best first), their clusters, and how many pairs a decision keeps apart."""

    pairs: list[PairOut]
    clusters: list[list[str]]
    kept_apart: int


class DecisionIn(BaseModel):
    """A decision on two institutions (their keys)."""

    a: str = Field(min_length=1, max_length=500)
    b: str = Field(min_length=1, max_length=500)
    verdict: Literal["same", "distinct"]
    decided_by: str = Field(min_length=1, max_length=200)
    note: str = Field(min_length=1, max_length=2000, description="Why.")
    rule: str = Field(default="manual", pattern="^(identifier|name|similar-name|manual)$")
    score: float | None = Field(default=None, ge=0, le=1)


class DecisionOut(BaseModel):
    """A recorded decision."""

    a: str
    b: str
    verdict: str
    rule: str
    score: float | None
    decided_by: str
    decided_at: str
    note: str


@router.get("/same-organisation", operation_id="same_organisation", response_model=FindingOut)
def same_organisation(
    store: StoreDep,
    min_confidence: Annotated[float, Query(ge=0.5, le=1, description="Smallest confidence shown.")] = 0.9,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
) -> FindingOut:
    """Pairs of institution records that are probably one organisation, with evidence."""
    found = same_organisation_in_store(store, min_confidence=min_confidence)
    pairs = [
        PairOut(
            a=p.a, b=p.b, a_name=p.a_name, b_name=p.b_name, a_type=p.a_label, b_type=p.b_label,
            rule=p.rule, confidence=p.confidence, evidence=p.evidence, decided=p.decided,
        )
        for p in found.pairs[:limit]
    ]  # fmt: skip
    return FindingOut(pairs=pairs, clusters=[list(c) for c in found.clusters], kept_apart=found.kept_apart)


@router.get(
    "/same-organisation/decisions",
    operation_id="same_organisation_decisions",
    response_model=list[DecisionOut],
)
def decisions(store: StoreDep) -> list[DecisionOut]:
    """Every recorded merge or keep-apart decision."""
    return [_out(d) for d in read_decisions(store)]


def _out(d: object) -> DecisionOut:
    fields = ("a", "b", "verdict", "rule", "score", "decided_by", "decided_at", "note")
    return DecisionOut(**{f: getattr(d, f) for f in fields})


@router.post(
    "/same-organisation/decisions",
    operation_id="decide_same_organisation",
    response_model=DecisionOut,
    dependencies=[WriteAccess],
    responses={404: {"description": "One of the two institutions is not stored."}},
)
def post_decision(store: StoreDep, projection: ProjectionDep, body: DecisionIn) -> DecisionOut:
    """Merge two institutions (``same``) or keep them apart (``distinct``), recorded and reversible."""
    try:
        made = decide(
            store, body.a, body.b, body.verdict, decided_by=body.decided_by, note=body.note,
            rule=body.rule, score=body.score,
        )  # fmt: skip
    except ValueError as exc:
        raise ProblemError(422, str(exc), kind="invalid-decision") from exc
    except StoreError as exc:
        raise ProblemError(404, str(exc), kind="not-found") from exc
    finally:
        projection.invalidate()
    return _out(made)


class UndoOut(BaseModel):
    """How many decision links were removed."""

    removed: int


@router.delete(
    "/same-organisation/decisions",
    operation_id="undo_same_organisation",
    response_model=UndoOut,
    dependencies=[WriteAccess],
    responses={404: {"description": "No decision on these two institutions."}},
)
def delete_decision(
    store: StoreDep,
    projection: ProjectionDep,
    a: Annotated[str, Query(min_length=1, max_length=500)],
    b: Annotated[str, Query(min_length=1, max_length=500)],
) -> UndoOut:
    """Undo the decision on a pair (remove its SAME_AS or DISTINCT_FROM link)."""
    try:
        removed = undo(store, a, b)
    except ValueError as exc:
        raise ProblemError(422, str(exc), kind="invalid-decision") from exc
    finally:
        projection.invalidate()
    if not removed:
        raise ProblemError(404, f"No decision on {a} and {b}.", kind="not-found")
    return UndoOut(removed=removed)
