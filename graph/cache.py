"""A per-process cache of the store's networkx projection and its name index.

Paths, neighbourhood views and search run on the in-memory projection (breadth-first
search there is faster than the databases' path functions and has one semantics on
every backend).

Projecting a large graph is slow (about half a minute for a million relationships), so
the cache never makes a reader wait for a rebuild once a projection exists:

- a reader asks the store for a cheap *fingerprint*: the store's ``version()`` when it
  has one (a write counter kept in the server, so it sees writes of every process; one
  ``GET`` on the embedded store, asked on every request), else its node and
  relationship counts (asked every ``check_s`` seconds at most);
- when the fingerprint changed, or a write through this process called
  :meth:`ProjectionCache.invalidate`, the next reader rebuilds at once when the last
  build was quick (read-your-writes on graphs of ordinary size: a load by
  ``transfernet load`` in another process is in the very next answer), and otherwise a
  new projection is built **in a background thread** while readers keep the current
  one, and swapped in when complete;
- only the very first build blocks.

Without ``version()`` (the Neo4j backend), writes of other processes that keep the counts
unchanged (a property update) are seen at the next count change or after ``max_age_s``.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.gcpause import paused_gc
from graph.search import NameIndex
from graph.store import GraphStore

__all__ = ["ProjectionCache", "Snapshot"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One consistent projection and its name index."""

    graph: nx.MultiDiGraph
    index: NameIndex
    fingerprint: Hashable
    started_at: float
    built_at: float
    build_seconds: float


def _default_fingerprint(store: GraphStore) -> Callable[[], Hashable]:
    version = getattr(store, "version", None)
    if callable(version):
        return version

    def counts() -> Hashable:
        nodes = store.query("MATCH (n) RETURN count(n) AS c")
        rels = store.query("MATCH ()-[r]->() RETURN count(r) AS c")
        return (int(nodes[0]["c"]), int(rels[0]["c"]))

    return counts


class ProjectionCache:
    """The projection of one store, rebuilt when the store changes.

    Parameters
    ----------
    store : GraphStore
        The open store.
    check_s : float, optional
        Least time between two fingerprint checks (default: 0, every request, when the
        fingerprint is the store's ``version()``; else 5 s).
    max_age_s : float
        Rebuild (in the background) after this long even if the fingerprint is unchanged.
    sync_rebuild_s : float
        After :meth:`invalidate`, rebuild before answering when the previous build took
        less than this; otherwise serve the old projection until the new one is ready.
    fingerprint : callable, optional
        Returns a value that changes when the graph changes (default: ``store.version()``
        or the node and relationship counts).
    prepare : sequence of callables, optional
        Called with each new projection before it is served, to build the per-graph
        caches that readers would otherwise build on their first request (under load,
        a first request doing that took the p99 latency of every request with it).
    """

    def __init__(
        self,
        store: GraphStore,
        *,
        check_s: float | None = None,
        max_age_s: float = 600.0,
        sync_rebuild_s: float = 3.0,
        fingerprint: Callable[[], Hashable] | None = None,
        prepare: Sequence[Callable[[nx.MultiDiGraph], object]] = (),
    ) -> None:
        self.store = store
        self.prepare = tuple(prepare)
        self.max_age_s = max_age_s
        self.sync_rebuild_s = sync_rebuild_s
        self._fingerprint = fingerprint or _default_fingerprint(store)
        if check_s is None:
            cheap = fingerprint is None and callable(getattr(store, "version", None))
            check_s = 0.0 if cheap else 5.0
        self.check_s = check_s
        self._lock = threading.Lock()  # guards the fields below
        self._build_lock = threading.Lock()  # one build at a time
        self._snapshot: Snapshot | None = None
        self._stale = False
        self._invalidated_at = float("-inf")
        self._checked_at = 0.0
        self._worker: threading.Thread | None = None

    # -- building ---------------------------------------------------------------------

    def _build(self, not_before: float = float("-inf"), seen: Hashable = None) -> Snapshot:
        """Build a projection, unless one started at or after `not_before` exists, or one of
        fingerprint `seen` (the value that made the reader rebuild) with no write since."""
        with self._build_lock:
            existing = self._snapshot
            if existing is not None and (
                existing.started_at >= not_before
                or (
                    seen is not None
                    and existing.fingerprint == seen
                    and self._invalidated_at < existing.started_at
                )
            ):
                return existing  # built by another thread while this one waited
            t0 = time.monotonic()
            fingerprint = self._fingerprint()
            gc.unfreeze()  # the previous projection's objects become collectable again
            with paused_gc():
                graph = self.store.to_networkx(directed=True)
                assert isinstance(graph, nx.MultiDiGraph)
                index = NameIndex(graph, self.store.schema)
                for step in self.prepare:  # readers' caches, built before the first reader
                    step(graph)
            done = time.monotonic()
            snapshot = Snapshot(graph, index, fingerprint, t0, done, done - t0)
            # The projection lives until the next rebuild: move its millions of objects out
            # of the collector's reach, or every full collection re-scans them (pauses of a
            # second or more on the 1M-relationship graph, seen as p99 latency).
            gc.freeze()
            with self._lock:
                self._snapshot = snapshot
                self._stale = self._invalidated_at >= t0  # a write landed while building
                self._checked_at = done
            return snapshot

    def _build_in_background(self) -> None:
        with self._lock:
            if self._worker is not None and self._worker.is_alive():
                return

            def run() -> None:
                try:
                    self._build(time.monotonic())
                except Exception:  # the old projection stays; the next check retries
                    _log.exception("rebuilding the projection failed")

            self._worker = threading.Thread(target=run, name="projection-rebuild", daemon=True)
            self._worker.start()

    def warm(self) -> None:
        """Start building the first projection in the background (server start-up)."""
        if self._snapshot is None:
            self._build_in_background()

    @property
    def built(self) -> bool:
        """Whether a projection is ready to serve."""
        return self._snapshot is not None

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background rebuild to finish (tests, benchmarks)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    # -- reading ----------------------------------------------------------------------

    def invalidate(self) -> None:
        """Mark the projection out of date (after a write through this process)."""
        with self._lock:
            self._stale = True
            self._invalidated_at = time.monotonic()

    def snapshot(self) -> Snapshot:
        """The current projection and index, refreshed as the class docstring describes."""
        with self._lock:
            current, stale, checked_at = self._snapshot, self._stale, self._checked_at
        if current is None:
            return self._build()
        now = time.monotonic()
        seen: Hashable = None
        if not stale and now - checked_at >= self.check_s:
            with self._lock:
                self._checked_at = now
            try:
                seen = self._fingerprint()
                stale = seen != current.fingerprint
            except Exception:  # a failing check must not fail the reader
                _log.exception("checking the store for changes failed")
            if not stale and now - current.built_at > self.max_age_s:
                self._build_in_background()
        if stale:
            if current.build_seconds < self.sync_rebuild_s:
                return self._build(now, seen if seen != current.fingerprint else None)
            self._build_in_background()
        return current

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The current projection."""
        return self.snapshot().graph

    @property
    def index(self) -> NameIndex:
        """The name index of the current projection."""
        return self.snapshot().index

    def node_payloads(self, node_ids: Iterable[Hashable]) -> list[dict[str, Any]]:
        """Nodes as ``{"id", "labels", "properties"}`` for the view model."""
        attrs = self.graph._node
        return [
            {"id": n, "labels": attrs[n].get("labels", []), "properties": attrs[n].get("props", {})}
            for n in node_ids
            if n in attrs
        ]

    def edge_payloads(self, node_ids: Iterable[Hashable]) -> list[dict[str, Any]]:
        """Relationships among `node_ids` as ``{"id", "source", "target", "type", "properties"}``."""
        succ = self.graph._succ
        keep = {n for n in node_ids if n in succ}
        out = []
        for u in keep:
            nbrs = succ[u]
            # a hub's successors are many: visit only those in the view
            among = nbrs.keys() & keep if len(nbrs) > len(keep) else (v for v in nbrs if v in keep)
            for v in among:
                keyed = nbrs[v]
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
