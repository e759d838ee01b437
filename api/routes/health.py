"""Liveness and readiness."""

from __future__ import annotations

import time

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import ProjectionDep, StoreDep
from api.problems import ProblemError, problem_doc

__all__ = ["router"]

router = APIRouter(prefix="/health", tags=["health"])


class Liveness(BaseModel):
    """The process answers."""

    status: str = "ok"


class Readiness(BaseModel):
    """The store answered a query."""

    status: str
    backend: str
    nodes: int
    relationships: int
    latency_ms: float
    projection_ready: bool


@router.get("/live", operation_id="health_live", response_model=Liveness)
def live() -> Liveness:
    """Liveness: the process is up."""
    return Liveness()


@router.get(
    "/ready",
    operation_id="health_ready",
    response_model=Readiness,
    responses={503: problem_doc("The store did not answer or is not open.")},
)
def ready(store: StoreDep, projection: ProjectionDep) -> Readiness:
    """Readiness: the store answers a real query.

    ``projection_ready`` tells whether the in-memory projection used by search, paths
    and the explorer is built (on a large graph it takes a while after start-up; until
    then those routes wait for it).
    """
    start = time.perf_counter()
    try:
        stats = store.stats()
    except Exception as exc:
        raise ProblemError(503, f"The store did not answer: {exc}", kind="store-unavailable") from exc
    return Readiness(
        status="ok",
        backend=store.capabilities.name,
        nodes=stats.nodes,
        relationships=stats.relationships,
        latency_ms=round((time.perf_counter() - start) * 1000, 2),
        projection_ready=projection.built,
    )
