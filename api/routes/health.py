"""Liveness and readiness."""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import ProjectionDep, StoreDep
from api.problems import ProblemError, problem_doc

__all__ = ["router"]

router = APIRouter(prefix="/health", tags=["health"])

#: Longest wait for the store's answer before readiness says 503 (a wedged store must not
#: hang the check, nor the load balancer that polls it).
READY_DEADLINE_S = 2.0

_pending = threading.Lock()  # held while a check waits for the store: one waiting thread at most


def _stats_within(store: Any, seconds: float) -> Any:
    """``store.stats()``, or TimeoutError after `seconds` (the call goes on in its thread)."""
    if not _pending.acquire(blocking=False):
        raise TimeoutError("an earlier readiness check is still waiting for the store")
    box: dict[str, Any] = {}

    def ask() -> None:
        try:
            box["stats"] = store.stats()
        except Exception as exc:  # reported to the caller below
            box["error"] = exc
        finally:
            _pending.release()

    worker = threading.Thread(target=ask, name="readiness", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError(f"no answer within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box["stats"]


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
        stats = _stats_within(store, READY_DEADLINE_S)
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
