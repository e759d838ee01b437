"""A per-process cache of the store's networkx projection and its name index.

Paths, neighbourhood views and search run on the in-memory projection (breadth-first
search there is faster than the databases' path functions and has one semantics on
every backend).  The projection is rebuilt when it is older than ``ttl_s`` seconds or
after a write through this process; other processes' writes show up within the TTL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable, Iterable
from typing import Any

import networkx as nx

from graph.search import NameIndex
from graph.store import GraphStore

__all__ = ["ProjectionCache"]


class ProjectionCache:
    """The projection of one store, rebuilt lazily."""

    def __init__(self, store: GraphStore, *, ttl_s: float = 30.0) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._graph: nx.MultiDiGraph | None = None
        self._index: NameIndex | None = None
        self._built_at = 0.0

    def invalidate(self) -> None:
        """Forget the projection (after a write)."""
        with self._lock:
            self._graph = None
            self._index = None

    def _fresh(self) -> tuple[nx.MultiDiGraph, NameIndex]:
        with self._lock:
            if self._graph is None or self._index is None or time.monotonic() - self._built_at > self.ttl_s:
                graph = self.store.to_networkx(directed=True)
                assert isinstance(graph, nx.MultiDiGraph)
                self._graph = graph
                self._index = NameIndex(graph, self.store.schema)
                self._built_at = time.monotonic()
            return self._graph, self._index

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The current projection."""
        return self._fresh()[0]

    @property
    def index(self) -> NameIndex:
        """The name index of the current projection."""
        return self._fresh()[1]

    def node_payloads(self, node_ids: Iterable[Hashable]) -> list[dict[str, Any]]:
        """Nodes as ``{"id", "labels", "properties"}`` for the view model."""
        graph = self.graph
        return [
            {
                "id": n,
                "labels": graph.nodes[n].get("labels", []),
                "properties": graph.nodes[n].get("props", {}),
            }
            for n in node_ids
            if n in graph
        ]

    def edge_payloads(self, node_ids: Iterable[Hashable]) -> list[dict[str, Any]]:
        """Relationships among `node_ids` as ``{"id", "source", "target", "type", "properties"}``."""
        graph = self.graph
        keep = {n for n in node_ids if n in graph}
        out = []
        for u in keep:
            for v, keyed in graph.succ[u].items():
                if v not in keep:
                    continue
                for key, data in keyed.items():
                    out.append(
                        {
                            "id": f"{u}|{key}|{v}",
                            "source": u,
                            "target": v,
                            "type": data.get("type", str(key)),
                            "properties": data.get("props", {}),
                        }
                    )
        return out
