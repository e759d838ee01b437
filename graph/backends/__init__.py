"""Store backends and the `open_store` factory.

Examples
--------
>>> from graph.config import StoreSettings
>>> from ontology.schema import GraphSchema
>>> store = create_store(StoreSettings(_env_file=None, data_dir="/tmp/tn-doc"), GraphSchema())
>>> store.capabilities.name, store.read_only
('falkordb', False)
"""

from __future__ import annotations

from typing import Any

from graph.backends.falkordb.server import stop_server
from graph.config import Backend, StoreSettings
from graph.errors import StoreError
from graph.store import GraphStore
from ontology.schema import GraphSchema

__all__ = ["create_store", "open_store", "stop_server"]


def create_store(
    settings: StoreSettings, schema: GraphSchema, *, read_only: bool = False, **options: Any
) -> GraphStore:
    """Build the configured store without opening it (nothing starts, nothing connects).

    `options` go to the backend's constructor (``stop_server_on_close``,
    ``server_options`` for FalkorDB; ``driver_options`` for Neo4j ...).
    """
    if settings.backend == Backend.FALKORDB:
        from graph.backends.falkordb.store import FalkorDBStore

        return FalkorDBStore(
            schema,
            settings.store_dir,
            graph_name=settings.graph_name,
            query_timeout_ms=settings.query_timeout_ms,
            row_cap=settings.row_cap,
            read_only=read_only,
            **{"linger_s": settings.server_linger_s, **options},
        )
    if settings.backend == Backend.NEO4J:
        from graph.backends.neo4j import Neo4jStore

        if not settings.neo4j_uri:
            raise StoreError("backend neo4j needs NEO4J_URI")
        return Neo4jStore.from_settings(settings, schema, read_only=read_only, **options)
    raise StoreError(f"unknown backend {settings.backend!r}")


def open_store(
    settings: StoreSettings, schema: GraphSchema, *, read_only: bool = False, **options: Any
) -> GraphStore:
    """Build and open the configured store; the caller closes it (``store.close()``).

    On the embedded backend this starts the data directory's FalkorDB server, or
    reuses the one another process started; the last process to close stops it
    (`stop_server(settings.store_dir)` stops it regardless, e.g. ``transfernet stop``).
    """
    store = create_store(settings, schema, read_only=read_only, **options)
    store.open()
    return store
