"""The connection under `~graph.backends.falkordb.store.FalkorDBStore`: lifecycle and queries.

Opening takes a lease on the data directory's server (`graph.backends.falkordb.server`),
connects the ``falkordb`` client (unix socket, or TCP for a long socket path; the retry
policy and deadlines of `graph.backends.falkordb.clients`) and drops staging copies left
by dead loads; queries carry their parameters in the text header
(`graph.backends.falkordb.params`) and come back as plain rows.  `FalkorDBConnection.version`
is a counter in the server that every write, from any process, increases: readers in
other processes (the API's projection cache) compare it to see a write at once.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Self

import redis
from filelock import FileLock

from graph.backends.falkordb import server
from graph.backends.falkordb.clients import answers, connection_kwargs
from graph.backends.falkordb.params import query_header
from graph.backends.falkordb.replies import translate_error
from graph.backends.falkordb.rows import node_ids, plain_rows
from graph.backends.falkordb.staging import STAGING, ServerHung, staging_pid
from graph.cypher.grouping import chunks
from graph.errors import ReadOnlyViolation, StoreError
from graph.store import Capabilities
from ontology.schema import GraphSchema

__all__ = ["FalkorDBConnection"]

#: Timeout of each of the two ``PING`` probes that tell a hung server from a slow reply.
_HUNG_PROBE_S = 2.0


class FalkorDBConnection:
    """A connection to the embedded FalkorDB server of a data directory, and one graph in it:
    lifecycle, queries and their results (the base of `~graph.backends.falkordb.store.FalkorDBStore`).

    Parameters
    ----------
    schema : GraphSchema
        Labels, types and properties allowed in the graph.
    store_dir : path
        Server directory (``StoreSettings.store_dir``).
    graph_name : str
        Redis key of the graph.
    query_timeout_ms, row_cap : int
        Defaults of `query`.
    read_only : bool
        Refuse every write (queries go through ``GRAPH.RO_QUERY``).
    stop_server_on_close : bool
        Stop the server at `close` when no other process holds a lease.
    linger_s : float
        With `stop_server_on_close`, stop it only this many seconds after the last close,
        unless another process uses it meanwhile (`graph.backends.falkordb.linger`); 0 stops
        it at once.
    server_options : mapping
        Passed to `~graph.backends.falkordb.server.ensure_server` (``port``,
        ``appendfsync``, ``bolt_port`` ...).
    atomic_single_query_max : int
        Largest atomic upsert (nodes + relationships) sent as one query; larger ones
        are written in batches behind an undo journal (`graph.backends.falkordb.journal`).
    socket_timeout_s : float or None
        How long a command may wait for the server's answer before it fails with
        `QueryTimeout` instead of waiting forever (a server that stopped answering);
        generous, since one write batch or projection page may take seconds.  Query
        time limits are the server's (`query_timeout_ms`).  A timed-out command is not
        sent again (`graph.backends.falkordb.clients.RETRY`).
    """

    def __init__(
        self,
        schema: GraphSchema,
        store_dir: str | os.PathLike[str],
        *,
        graph_name: str = "transfernet",
        query_timeout_ms: int = 10_000,
        row_cap: int = 10_000,
        read_only: bool = False,
        stop_server_on_close: bool = True,
        linger_s: float = 0.0,
        server_options: Mapping[str, Any] | None = None,
        atomic_single_query_max: int = 50_000,
        socket_timeout_s: float | None = 300.0,
    ) -> None:
        self.schema = schema
        self.socket_timeout_s = socket_timeout_s
        self.store_dir = Path(store_dir).resolve()
        self.graph_name = graph_name
        self.query_timeout_ms = query_timeout_ms
        self.row_cap = row_cap
        self.read_only = read_only
        self.stop_server_on_close = stop_server_on_close
        self.linger_s = linger_s
        self.server_options = dict(server_options or {})
        self.atomic_single_query_max = atomic_single_query_max
        self.capabilities = Capabilities(
            name="falkordb",
            native_shortest_path=True,
            fulltext=True,
            server_enforced_read_only=True,
            bolt=bool(self.server_options.get("bolt_port")),
        )
        self._lease: server.Lease | None = None
        self._info: server.ServerInfo | None = None
        self._db: Any = None
        self._graph: Any = None
        self._lock = threading.RLock()
        self._write_lock: FileLock | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> Self:
        if self._db is None:
            self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def server_info(self) -> server.ServerInfo:
        """Where the server listens (pid, socket, port)."""
        if self._info is None:
            raise StoreError("the store is not open")
        return self._info

    def open(self) -> None:
        """Start or reuse the data directory's server and connect to it."""
        with self._lock:
            if self._db is not None:
                return
            lease, info = server.acquire_lease(self.store_dir, **self.server_options)
            try:
                self._connect(info)
                self._lease = lease
                self._write_lock = FileLock(str(self.store_dir / "write.lock"), thread_local=False)
                if not self.read_only:
                    self._drop_dead_staging()
                    if not self._exists(self.graph_name):
                        self._graph.query("RETURN 0")  # create the (empty) graph key
            except Exception:
                self._db = None
                server.release_lease(lease, stop_if_unused=self.stop_server_on_close, linger_s=self.linger_s)
                raise

    def _connect(self, info: server.ServerInfo) -> None:
        """Point the client at `info`'s server (a new client: its TCP port may differ)."""
        from falkordb import FalkorDB

        db = FalkorDB(**connection_kwargs(info, self.socket_timeout_s))
        self._db = db
        self._graph = db.select_graph(self.graph_name)
        self._info = info

    def _server_answers(self) -> bool:
        """Whether the server answers ``PING`` within a few seconds."""
        return answers(self.server_info)

    def _recover_server(self) -> None:
        """Replace a server that stopped answering (see `graph.backends.falkordb.staging`)
        and reconnect to the new one.

        `~graph.backends.falkordb.server.ensure_server` kills a registered server that does
        not answer ``PING`` and starts a new one on the same files: every acknowledged write
        is in its AOF.  Other processes' clients reconnect by themselves (same socket).
        """
        with self._lock:
            if self._db is None:
                raise StoreError("the store is not open")
            self._connect(server.ensure_server(self.store_dir, **self.server_options))

    def _failed(self, exc: redis.RedisError) -> StoreError:
        """The `StoreError` for `exc`; a reply that timed out from a server that then answers
        no ``PING`` either (twice) means a hung server: it is replaced (`_recover_server`)
        and the caller gets `ServerHung`, so no reader waits on it more than one deadline."""
        if isinstance(exc, redis.TimeoutError) and self._info is not None:
            info = self._info
            if not answers(info, _HUNG_PROBE_S) and not answers(info, _HUNG_PROBE_S):
                self._recover_server()
                return ServerHung(
                    f"the FalkorDB server (pid {info.pid}) stopped answering, even PING; "
                    "it was replaced by a new one on the same files: retry"
                )
        return translate_error(exc)

    def close(self) -> None:
        """Disconnect; the last process to close stops the server."""
        with self._lock:
            db, lease = self._db, self._lease
            self._db = self._graph = self._lease = None
            if db is not None:
                with contextlib.suppress(Exception):
                    db.connection.close()
            if lease is not None:
                server.release_lease(lease, stop_if_unused=self.stop_server_on_close, linger_s=self.linger_s)

    def _conn(self) -> Any:
        if self._db is None:
            raise StoreError("the store is not open")
        return self._db.connection

    @property
    def _version_key(self) -> str:
        return f"{self.graph_name}:version"

    def version(self) -> int:
        """The graph's write counter: it grows with every write, whichever process made it.

        One ``GET``; `graph.cache.ProjectionCache` uses it as its fingerprint.
        """
        try:
            raw = self._conn().get(self._version_key)
        except redis.RedisError as exc:
            raise self._failed(exc) from exc
        return int(raw or 0)

    def _bump_version(self) -> None:
        """Count a write (after it, so a reader that saw the new value sees the write)."""
        self._conn().incr(self._version_key)

    def _exists(self, key: str) -> bool:
        return bool(self._conn().exists(key))

    def _drop_dead_staging(self) -> None:
        """Delete staging copies left by loads that died (their pid is gone).

        The keys are listed with the server's own SCAN, not ``GRAPH.LIST``, which goes through
        FalkorDB's graph registry: a fresh FalkorDB 4.16 server was seen (in a test run, under
        load) with that registry's lock held by no thread right after ``GRAPH.LIST``, its main
        thread waiting for ever in ``Globals_AddGraph`` to create the graph.
        """
        conn = self._conn()
        for raw in conn.scan_iter(match=f"{self.graph_name}{STAGING}*", count=1000):
            name = raw.decode() if isinstance(raw, bytes) else str(raw)
            pid = staging_pid(self.graph_name, name)
            if pid is not None and not server.pid_alive(pid):
                self._conn().delete(name)

    # -- running queries ------------------------------------------------------------------

    def _run(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        read_only: bool = False,
        timeout_ms: int | None = None,
        graph: Any = None,
    ) -> Any:
        return self._run_text(
            query_header(params) + cypher, read_only=read_only, timeout_ms=timeout_ms, graph=graph
        )

    def _run_text(
        self, text: str, *, read_only: bool = False, timeout_ms: int | None = None, graph: Any = None
    ) -> Any:
        g = graph if graph is not None else self._graph
        if g is None:
            raise StoreError("the store is not open")
        if not read_only and self.read_only:
            raise ReadOnlyViolation("the store is open read-only")
        try:
            if read_only:
                return g.ro_query(text, timeout=timeout_ms)
            return g.query(text, timeout=timeout_ms)
        except redis.RedisError as exc:
            raise self._failed(exc) from exc

    def _run_batches(
        self, cypher: str, rows: Sequence[Any], batch_size: int, graph: Any, keys: Iterable[str]
    ) -> list[Any]:
        """Send ``UNWIND $rows`` batches, encoding the next one while the server runs this one;
        return each batch's result.

        `keys` lists every map key the rows can hold (schema-checked identifiers).
        """
        keys = sorted(set(keys) | {"rows"})
        batches = list(chunks(rows, batch_size))
        if not batches:
            return []
        if len(batches) == 1:
            return [self._run_text(query_header({"rows": list(batches[0])}, keys) + cypher, graph=graph)]
        results = []
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(query_header, {"rows": list(batches[0])}, keys)
            for batch in batches[1:]:
                text = pending.result() + cypher
                pending = pool.submit(query_header, {"rows": list(batch)}, keys)
                results.append(self._run_text(text, graph=graph))
            results.append(self._run_text(pending.result() + cypher, graph=graph))
        return results

    def _raw(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        compact: bool = True,
        key: str | None = None,
    ) -> list[list[Any]]:
        """Read query returning raw rows: ``--compact`` cells ``[type, value]``, or
        (``compact=False``) plain values, the fastest form for integer columns.
        `key` names another graph (a staging copy)."""
        text = query_header(params) + cypher
        flags = ["--compact"] if compact else []
        try:
            reply = self._conn().execute_command("GRAPH.RO_QUERY", key or self.graph_name, text, *flags)
        except redis.RedisError as exc:
            raise self._failed(exc) from exc
        if isinstance(reply[-1], Exception):
            raise translate_error(reply[-1])
        return list(reply[1]) if len(reply) == 3 else []

    def query(
        self,
        cypher: str,
        parameters: Mapping[str, Any] | None = None,
        *,
        read_only: bool = True,
        timeout_ms: int | None = None,
        row_cap: int | None = None,
    ) -> list[dict[str, Any]]:
        """Run Cypher with parameters; return at most `row_cap` rows as plain dicts.

        With ``read_only`` the query goes through ``GRAPH.RO_QUERY`` and the server
        refuses writes and write procedures (`ReadOnlyViolation`).
        """
        timeout = timeout_ms if timeout_ms is not None else self.query_timeout_ms
        cap = row_cap if row_cap is not None else self.row_cap
        result = self._run(cypher, parameters, read_only=read_only, timeout_ms=timeout)
        names = [h[1] if isinstance(h, list | tuple) else h for h in result.header]
        rows = result.result_set[:cap]
        return self._plain_rows(names, rows)

    def stream(
        self, cypher: str, parameters: Mapping[str, Any] | None = None, *, batch_size: int = 10000
    ) -> Iterator[dict[str, Any]]:
        """Iterate over the rows of a read query (FalkorDB has no cursors: one reply)."""
        result = self._run(cypher, parameters, read_only=True, timeout_ms=self.query_timeout_ms)
        names = [h[1] if isinstance(h, list | tuple) else h for h in result.header]
        rows = result.result_set
        for chunk in chunks(rows, batch_size):
            yield from self._plain_rows(names, list(chunk))

    def explain(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> str:
        """The execution plan (``GRAPH.EXPLAIN``: does not run the query)."""
        try:
            return str(self._graph.explain(cypher, dict(parameters) if parameters else None))
        except redis.RedisError as exc:
            raise translate_error(exc) from exc

    def _plain_rows(self, names: list[str], rows: list[list[Any]]) -> list[dict[str, Any]]:
        return plain_rows(self.schema, names, rows, self._ids_of)

    def _ids_of(self, internal: Iterable[int]) -> dict[int, str]:
        return node_ids(self._raw, self.schema, self._graph, internal)

    def run_in_graph(self, fn: Callable[[Any], Any]) -> Any:
        """Call `fn` with the low-level ``falkordb.Graph`` (escape hatch for tests/tools)."""
        return fn(self._graph)
