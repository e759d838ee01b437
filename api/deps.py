"""Typed FastAPI dependencies."""

from __future__ import annotations

import secrets
from typing import Annotated, Literal

from fastapi import Depends, Header, Query, Request

from api.problems import ProblemError
from api.settings import Settings
from graph.analytics.params import AnalysisParams
from graph.analytics.runs import RunRecords
from graph.cache import ProjectionCache
from graph.store import GraphStore

__all__ = [
    "PopulationDep",
    "ProjectionDep",
    "RunsDep",
    "SettingsDep",
    "StoreDep",
    "WriteAccess",
    "get_population",
    "get_projection",
    "get_runs",
    "get_settings",
    "get_store",
    "require_api_key",
]


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> GraphStore:
    """The one store opened by the lifespan."""
    store: GraphStore | None = getattr(request.app.state, "store", None)
    if store is None:
        raise ProblemError(503, "The graph store is not open.", kind="store-unavailable")
    return store


def get_projection(request: Request) -> ProjectionCache:
    """The projection cache of the open store."""
    cache: ProjectionCache | None = getattr(request.app.state, "projection", None)
    if cache is None:
        raise ProblemError(503, "The graph store is not open.", kind="store-unavailable")
    return cache


def get_runs(request: Request) -> RunRecords:
    """The run records of the data directory, read once per file (see `graph.analytics.runs.RunRecords`)."""
    state = request.app.state
    runs: RunRecords | None = getattr(state, "runs", None)
    if runs is None:  # an app used without its lifespan (tests with TestClient outside a `with`)
        runs = state.runs = RunRecords(get_settings(request).runs_dir)
    return runs


SettingsDep = Annotated[Settings, Depends(get_settings)]
RunsDep = Annotated[RunRecords, Depends(get_runs)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
ProjectionDep = Annotated[ProjectionCache, Depends(get_projection)]


_FIELDS = AnalysisParams.model_fields


def get_population(
    synthetic: Annotated[bool, Query(description=_FIELDS["synthetic"].description)] = False,
    scenario: Annotated[
        Literal["established", "as-planned"], Query(description=_FIELDS["scenario"].description)
    ] = "established",
) -> AnalysisParams:
    """The population asked for (real, established actors by default), as analysis parameters."""
    return AnalysisParams(synthetic=synthetic, scenario=scenario)


PopulationDep = Annotated[AnalysisParams, Depends(get_population)]


def require_api_key(
    settings: SettingsDep, x_api_key: Annotated[str | None, Header(alias="X-API-Key")] = None
) -> None:
    """Allow writes only with one of the configured API keys (constant-time comparison)."""
    if not settings.api_keys:
        raise ProblemError(403, "Writes are disabled: no API keys are configured.", kind="writes-disabled")
    given = None if x_api_key is None else x_api_key.encode("utf-8", "surrogateescape")  # any header text
    if given is None or not any(secrets.compare_digest(given, key.encode()) for key in settings.api_keys):
        raise ProblemError(401, "A valid X-API-Key header is required for writes.", kind="unauthorized")


WriteAccess = Depends(require_api_key)
