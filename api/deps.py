"""Typed FastAPI dependencies."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Header, Request

from api.problems import ProblemError
from api.settings import Settings
from graph.store import GraphStore

__all__ = ["SettingsDep", "StoreDep", "WriteAccess", "get_settings", "get_store", "require_api_key"]


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


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[GraphStore, Depends(get_store)]


def require_api_key(
    settings: SettingsDep, x_api_key: Annotated[str | None, Header(alias="X-API-Key")] = None
) -> None:
    """Allow writes only with one of the configured API keys (constant-time comparison)."""
    if not settings.api_keys:
        raise ProblemError(403, "Writes are disabled: no API keys are configured.", kind="writes-disabled")
    if x_api_key is None or not any(secrets.compare_digest(x_api_key, key) for key in settings.api_keys):
        raise ProblemError(401, "A valid X-API-Key header is required for writes.", kind="unauthorized")


WriteAccess = Depends(require_api_key)
