"""The FastAPI application factory."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.deps import get_projection, get_store
from api.middleware import AccessLogMiddleware, BodySizeLimitMiddleware, SecurityHeadersMiddleware
from api.problems import install_problem_handlers, install_problem_openapi
from api.routes import (
    analytics,
    cypher,
    entities,
    explore,
    export,
    graph,
    health,
    ontology,
    queries,
    reports,
    same_organisation,
    search,
)
from api.settings import Settings
from graph.analytics.runs import RunRecords
from graph.cache import ProjectionCache
from viz.explorer import SERVED_CSP
from viz.facets import prepare_facets

__all__ = ["API_PREFIX", "create_app"]

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Create the transfernet API.

    Nothing is opened here: the lifespan opens the one store when the server starts
    and closes it when it stops.

    Examples
    --------
    >>> app = create_app(Settings(_env_file=None, data_dir="/tmp/transfernet-doctest"))
    >>> app.title
    'transfernet'
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from graph.backends import open_store
        from ontology.derive import load_schema

        logging.getLogger("transfernet.access").setLevel(logging.INFO)
        # Route handlers run in threads: a cheap, I/O-bound request (an entity GET) waiting
        # behind a CPU-bound one (a neighbourhood view) gets the GIL back only every switch
        # interval (5 ms by default) at each of its I/O steps; 1 ms keeps it from queueing.
        sys.setswitchinterval(0.001)
        store = open_store(settings, load_schema())
        app.state.store = store
        app.state.projection = ProjectionCache(store, prepare=[prepare_facets])
        app.state.projection.warm()  # paths and search need it; build it before the first request
        app.state.runs = RunRecords(settings.runs_dir)
        try:
            yield
        finally:
            app.state.store = None
            app.state.projection = None
            store.close()

    app = FastAPI(
        title="transfernet",
        version="0.1.0",
        summary="Knowledge graph of the international technology-transfer network.",
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    install_problem_handlers(app)
    install_problem_openapi(app, store_dependencies=(get_store, get_projection))
    v1 = APIRouter(prefix=API_PREFIX)
    for module in (
        health,
        search,
        entities,
        graph,
        analytics,
        queries,
        cypher,
        explore,
        ontology,
        export,
        reports,
        same_organisation,
    ):
        v1.include_router(module.router)
    app.include_router(v1)
    app.include_router(explore.page_router)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["*"],
        )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_bytes)
    docs = frozenset({f"{API_PREFIX}/docs", f"{API_PREFIX}/docs/oauth2-redirect"})
    app.add_middleware(SecurityHeadersMiddleware, csp_by_path={"/explore": SERVED_CSP}, exempt=docs)
    app.add_middleware(AccessLogMiddleware)
    return app
