"""`~graph.store.GraphStore` on the embedded FalkorDB server: lifecycle, queries, writes, reads.

The pieces live beside it, one topic each: parameter encoding (`params`), replies
(`replies`, `rows`), indexes and constraints (`schema`), relationship ends by internal
id (`ends`, `statements`), staging copies (`staging`), ``GRAPH.BULK`` (`bulk_format`,
`bulk`), projection paging (`paging`); the server itself is `server`'s.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import networkx as nx
import redis
from filelock import FileLock

from graph.backends.falkordb import server
from graph.backends.falkordb.bulk import BulkSender, send_nodes, send_relationships
from graph.backends.falkordb.ends import end_ids, end_keys
from graph.backends.falkordb.paging import edge_rows, key_rows, node_rows
from graph.backends.falkordb.params import query_header
from graph.backends.falkordb.replies import translate_error
from graph.backends.falkordb.rows import node_ids, plain_rows
from graph.backends.falkordb.schema import install_schema
from graph.backends.falkordb.staging import (
    copy_graph,
    deadline_client,
    fork_busy,
    staging_name,
    staging_pid,
)
from graph.backends.falkordb.statements import id_rows, rel_by_id_cypher, single_query
from graph.cypher.endpoints import check_endpoints
from graph.cypher.grouping import (
    GroupedRecords,
    NodeGroup,
    RelGroup,
    chunks,
    group_nodes,
    group_records,
    group_relationships,
)
from graph.cypher.identifiers import labels_clause, stable_id
from graph.cypher.statements import delete_nodes_cypher, delete_relationships_cypher, node_upsert_cypher
from graph.errors import ReadOnlyViolation, StoreError
from graph.gcpause import paused_gc
from graph.projection import GraphArrays, build_arrays, build_networkx
from graph.store import Capabilities, StoreStats
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema

__all__ = ["FalkorDBStore"]


class _Counter:
    """Count records while they are consumed."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items
        self.n = 0

    def __iter__(self) -> Iterator[Any]:
        for item in self.items:
            self.n += 1
            yield item


class FalkorDBStore:
    """`~graph.store.GraphStore` on the embedded FalkorDB server of a data directory.

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
    server_options : mapping
        Passed to `~graph.backends.falkordb.server.ensure_server` (``port``,
        ``appendfsync``, ``bolt_port`` ...).
    atomic_single_query_max : int
        Largest atomic upsert (nodes + relationships) sent as one query; larger ones
        are staged in a copy of the graph.
    socket_timeout_s : float or None
        How long a command may wait for the server's answer before it fails with
        `QueryTimeout` instead of waiting forever (a server that stopped answering);
        generous, since one write batch or projection page may take seconds.  Query
        time limits are the server's (`query_timeout_ms`).
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

    def __enter__(self) -> FalkorDBStore:
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
        from falkordb import FalkorDB

        with self._lock:
            if self._db is not None:
                return
            lease, info = server.acquire_lease(self.store_dir, **self.server_options)
            try:
                timeout = self.socket_timeout_s
                if len(info.socket) <= server.MAX_SOCKET_PATH:
                    db = FalkorDB(unix_socket_path=info.socket, socket_timeout=timeout)
                else:
                    db = FalkorDB(host="127.0.0.1", port=info.port, socket_timeout=timeout)
                self._db = db
                self._graph = db.select_graph(self.graph_name)
                self._info = info
                self._lease = lease
                self._write_lock = FileLock(str(self.store_dir / "write.lock"), thread_local=False)
                if not self.read_only:
                    self._drop_dead_staging()
                    if not self._exists(self.graph_name):
                        self._graph.query("RETURN 0")  # create the (empty) graph key
            except Exception:
                self._db = None
                server.release_lease(lease, stop_if_unused=self.stop_server_on_close)
                raise

    def close(self) -> None:
        """Disconnect; the last process to close stops the server."""
        with self._lock:
            db, lease = self._db, self._lease
            self._db = self._graph = self._lease = None
            if db is not None:
                with contextlib.suppress(Exception):
                    db.connection.close()
            if lease is not None:
                server.release_lease(lease, stop_if_unused=self.stop_server_on_close)

    def _conn(self) -> Any:
        if self._db is None:
            raise StoreError("the store is not open")
        return self._db.connection

    def _exists(self, key: str) -> bool:
        return bool(self._conn().exists(key))

    def _drop_dead_staging(self) -> None:
        """Delete staging copies left by loads that died (their pid is gone)."""
        for name in self._conn().execute_command("GRAPH.LIST"):
            pid = staging_pid(self.graph_name, str(name))
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
            raise translate_error(exc) from exc

    def _run_batches(
        self, cypher: str, rows: Sequence[Any], batch_size: int, graph: Any, keys: Iterable[str]
    ) -> None:
        """Send ``UNWIND $rows`` batches, encoding the next one while the server runs this one.

        `keys` lists every map key the rows can hold (schema-checked identifiers).
        """
        keys = sorted(set(keys) | {"rows"})
        batches = list(chunks(rows, batch_size))
        if not batches:
            return
        if len(batches) == 1:
            self._run_text(query_header({"rows": list(batches[0])}, keys) + cypher, graph=graph)
            return
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(query_header, {"rows": list(batches[0])}, keys)
            for batch in batches[1:]:
                text = pending.result() + cypher
                pending = pool.submit(query_header, {"rows": list(batch)}, keys)
                self._run_text(text, graph=graph)
            self._run_text(pending.result() + cypher, graph=graph)

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
            raise translate_error(exc) from exc
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

    # -- schema ---------------------------------------------------------------------------

    def install_schema(self, *, timeout_s: float = 120.0) -> None:
        """Range indexes on every type's key, unique constraints on ``(key_label, key)``.

        Re-runnable; waits until the (asynchronous) constraints are operational.
        """
        self._install_schema(self._graph, self.graph_name, timeout_s)

    def _install_schema(self, graph: Any, name: str, timeout_s: float) -> None:
        if self.read_only:
            raise ReadOnlyViolation("the store is open read-only")
        install_schema(self._conn(), graph, name, self.schema, timeout_s)

    # -- writes ---------------------------------------------------------------------------

    def _writing(self) -> FileLock:
        if self.read_only:
            raise ReadOnlyViolation("the store is open read-only")
        if self._write_lock is None:
            raise StoreError("the store is not open")
        return self._write_lock

    def upsert_nodes(self, nodes: Iterable[NodeRecord], *, batch_size: int = 5000) -> int:
        """Merge nodes in batches (one query each, so each batch is all or nothing)."""
        counted = _Counter(nodes)
        groups = group_nodes(self.schema, counted)
        with self._writing():
            self._write_nodes(self._graph, groups, batch_size)
        return counted.n

    def upsert_relationships(
        self,
        relationships: Iterable[RelationshipRecord],
        *,
        batch_size: int = 5000,
        discriminator: Mapping[str, Sequence[str]] | None = None,
    ) -> int:
        """Merge relationships in batches; missing end nodes raise `StoreError` before any write.

        `discriminator` maps a relationship type to property names that are part of
        its identity (two conflicting statements stay two relationships).
        """
        counted = _Counter(relationships)
        groups = group_relationships(self.schema, counted, discriminator)
        with self._writing():
            ids = self._end_ids(self.graph_name, groups)
            missing = [
                stable_id(label, key)
                for label, keys in end_keys(groups).items()
                for key in sorted(keys - ids[label].keys(), key=repr)
            ]
            if missing:
                shown = ", ".join(missing[:20]) + (f" … ({len(missing)} in all)" if len(missing) > 20 else "")
                raise StoreError(f"relationship end nodes not found: {shown}")
            self._write_rels(self._graph, groups, batch_size, ids)
        return counted.n

    def upsert(
        self,
        nodes: Iterable[NodeRecord],
        relationships: Iterable[RelationshipRecord],
        *,
        batch_size: int = 5000,
        atomic: bool = True,
        discriminator: Mapping[str, Sequence[str]] | None = None,
    ) -> tuple[int, int]:
        """Upsert nodes, then relationships; return both counts.

        With `atomic`, all or nothing: one query up to ``atomic_single_query_max`` records,
        else a staged ``GRAPH.COPY`` swapped in at the end (the server makes the copy while
        the records are grouped and checked here).  Relationships whose end
        nodes are neither stored nor in `nodes` raise `StoreError` naming them, and
        nothing is written.
        """
        node_list, rel_list = list(nodes), list(relationships)
        staged = atomic and len(node_list) + len(rel_list) > self.atomic_single_query_max
        with paused_gc(), self._writing(), self._staging(staged) as stage:
            # the server copies the graph (if staged) while the records are grouped here
            grouped = group_records(self.schema, node_list, rel_list, discriminator)
            self._write_grouped(grouped, stage, batch_size, atomic)
        return grouped.node_records, grouped.relationship_records

    def upsert_grouped(
        self, grouped: GroupedRecords, *, batch_size: int = 5000, atomic: bool = True
    ) -> tuple[int, int]:
        """`upsert` of records grouped beforehand (`graph.cypher.grouping.group_records`)."""
        staged = atomic and grouped.rows > self.atomic_single_query_max
        with paused_gc(), self._writing(), self._staging(staged) as stage:
            self._write_grouped(grouped, stage, batch_size, atomic)
        return grouped.node_records, grouped.relationship_records

    def _write_grouped(
        self, grouped: GroupedRecords, stage: Future[str] | None, batch_size: int, atomic: bool
    ) -> None:
        ngroups, rgroups = grouped.nodes, grouped.relationships
        self._check_endpoints(rgroups, ngroups)
        if not atomic:
            self._write_nodes(self._graph, ngroups, batch_size)
            self._write_rels(self._graph, rgroups, batch_size, self._end_ids(self.graph_name, rgroups))
        elif stage is None:
            self._write_single_query(ngroups, rgroups)
        else:
            self._write_staged(stage, ngroups, rgroups, batch_size)

    def bulk_create(
        self,
        nodes: Iterable[NodeRecord],
        relationships: Iterable[RelationshipRecord],
        *,
        batch_size: int = 50_000,
    ) -> tuple[int, int]:
        """Build a fresh (empty) graph fast with FalkorDB's binary ``GRAPH.BULK``.

        Nodes are checked against the schema and deduplicated (as `upsert` would), then
        sent with the relationships, streamed: a worker thread sends a batch while the
        next one is checked and encoded; relationships find their end nodes by the ids
        the nodes got in creation order (no index lookups, no Cypher parsing).  Indexes
        and constraints follow.  Everything happens in a staging graph swapped in at the
        end, so a failed or killed build leaves the store empty.  Relationships whose end
        nodes are not among `nodes` raise `StoreError` (nothing becomes visible).  A
        relationship repeated in the input is created once, with its first occurrence's
        properties; use `upsert` to merge them.
        """
        n_counter = _Counter(nodes)
        with paused_gc(), self._writing():
            ngroups = group_nodes(self.schema, n_counter)
            if self.stats().nodes:
                raise StoreError("bulk_create needs an empty graph; use upsert")
            conn = self._conn()
            stage = staging_name(self.graph_name)
            sender = BulkSender(conn, stage)
            try:
                ids = send_nodes(sender, ngroups, batch_size)
                n_rels = send_relationships(self.schema, sender, relationships, ids, batch_size)
                sender.finish()
                staged = self._db.select_graph(stage)
                staged.query("RETURN 0")  # the key exists even without nodes
                self._install_schema(staged, stage, 600.0)
                pipe = conn.pipeline(transaction=True)
                pipe.delete(self.graph_name)
                pipe.rename(stage, self.graph_name)
                pipe.execute()
            except redis.RedisError as exc:
                raise translate_error(exc) from exc
            finally:
                sender.close()
                with contextlib.suppress(redis.RedisError):
                    conn.delete(stage)
                self._graph = self._db.select_graph(self.graph_name)
        return n_counter.n, n_rels

    def _write_nodes(self, graph: Any, groups: Mapping[str, NodeGroup], batch_size: int) -> None:
        for group in groups.values():
            keys = ("k", "p", "s", *group.allowed)
            cypher = node_upsert_cypher(group.node_type, create_apart=True)
            self._run_batches(cypher, group.param_rows(), batch_size, graph, keys)

    def _end_ids(
        self, key: str, groups: Mapping[tuple[str, str, str], RelGroup]
    ) -> dict[str, dict[Any, int]]:
        return end_ids(self._raw, self.schema, key, groups)

    def _write_rels(
        self,
        graph: Any,
        groups: Mapping[tuple[str, str, str], RelGroup],
        batch_size: int,
        ids: Mapping[str, Mapping[Any, int]],
    ) -> None:
        """MERGE relationships whose ends are found by internal id (see `_end_ids`).

        A row whose end is missing from `ids` is left out (the callers check the ends
        first); the end's key is compared too, so an id reused since it was fetched
        cannot attach a relationship to another node.
        """
        for group in groups.values():
            keys = ("d", *group.allowed)
            id_s, id_e = ids.get(group.start.label, {}), ids.get(group.end.label, {})
            rows = id_rows(group, id_s, id_e)
            self._run_batches(rel_by_id_cypher(group), rows, batch_size, graph, keys)

    def _write_single_query(
        self, ngroups: Mapping[str, NodeGroup], rgroups: Mapping[tuple[str, str, str], RelGroup]
    ) -> None:
        ids = self._end_ids(self.graph_name, rgroups) if rgroups else {}
        query = single_query(ngroups, rgroups, ids)
        if query is None:
            return
        try:
            self._run(*query)
        except StoreError as exc:
            if "division by zero" in str(exc).lower():
                raise StoreError("relationship end nodes disappeared during the upsert") from exc
            raise

    def _deadline_client(self, timeout_s: float) -> redis.Redis:
        """A connection of its own whose commands fail after `timeout_s` instead of hanging."""
        assert self._info is not None
        return deadline_client(self._info, timeout_s)

    @staticmethod
    def _fork_busy(client: redis.Redis) -> bool:
        return fork_busy(client)

    def _copy_graph(self, source: str, target: str) -> None:
        """`~graph.backends.falkordb.staging.copy_graph` on this store's server."""
        copy_graph(self._deadline_client, self._fork_busy, source, target)

    @contextlib.contextmanager
    def _staging(self, enabled: bool) -> Iterator[Future[str] | None]:
        """A copy of the graph, started in the background, to write into and swap in.

        Yields None when not `enabled`, else a future of the staging graph's name (made by
        `_copy_graph` in a worker thread).  The staging graph is deleted on the way out
        unless `_write_staged` swapped it in.
        """
        if not enabled:
            yield None
            return
        stage = staging_name(self.graph_name)

        def copy() -> str:
            self._copy_graph(self.graph_name, stage)
            return stage

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="graph-copy") as pool:
            copied = pool.submit(copy)
            try:
                yield copied
            finally:
                with contextlib.suppress(Exception):
                    copied.result()  # never leave a copy running behind us
                with contextlib.suppress(redis.RedisError):
                    self._conn().delete(stage)
                self._graph = self._db.select_graph(self.graph_name)

    def _write_staged(
        self,
        copied: Future[str],
        ngroups: Mapping[str, NodeGroup],
        rgroups: Mapping[tuple[str, str, str], RelGroup],
        batch_size: int,
    ) -> None:
        """Write into the staging copy (see `_staging`), then swap it in atomically."""
        try:
            stage = copied.result()
            staged = self._db.select_graph(stage)
            self._write_nodes(staged, ngroups, batch_size)
            self._write_rels(staged, rgroups, batch_size, self._end_ids(stage, rgroups))
            pipe = self._conn().pipeline(transaction=True)
            pipe.delete(self.graph_name)
            pipe.rename(stage, self.graph_name)
            pipe.execute()
        except redis.RedisError as exc:
            raise translate_error(exc) from exc

    def _check_endpoints(
        self, rgroups: Mapping[tuple[str, str, str], RelGroup], ngroups: Mapping[str, NodeGroup]
    ) -> None:
        def missing_keys(cypher: str, keys: list[Any]) -> list[Any]:
            return [row[0] for row in self._run(cypher, {"keys": keys}, read_only=True).result_set]

        check_endpoints(self.schema, rgroups, ngroups, missing_keys)

    def delete_nodes(self, label: str, keys: Sequence[Any]) -> int:
        """Delete nodes (and their relationships) by key; return how many were deleted."""
        nt = self.schema.node(label)
        total = 0
        with self._writing():
            for batch in chunks(list(keys), 10_000):
                result = self._run(delete_nodes_cypher(nt), {"keys": list(batch)})
                total += int(result.nodes_deleted)
        return total

    def delete_relationships(
        self, rel_type: str, start_label: str, start_key: Any, end_label: str, end_key: Any
    ) -> int:
        """Delete the relationships of a type between two nodes; return how many."""
        rt = self.schema.relationship(rel_type)
        a, b = self.schema.node(start_label), self.schema.node(end_label)
        cypher = delete_relationships_cypher(rt.type, a, b)
        with self._writing():
            result = self._run(cypher, {"s": start_key, "e": end_key})
        return int(result.relationships_deleted)

    def clear(self) -> None:
        """Delete every node and relationship (indexes and constraints stay)."""
        with self._writing():
            while True:
                result = self._run("MATCH (n) WITH n LIMIT 100000 DETACH DELETE n")
                if not result.nodes_deleted:
                    break

    # -- reads ----------------------------------------------------------------------------

    def stats(self) -> StoreStats:
        """Node and relationship counts (per schema label and type)."""

        def one(cypher: str) -> int:
            rows = self._raw(cypher)
            return int(rows[0][0][1]) if rows else 0

        by_label = {
            label: one(f"MATCH (n{labels_clause([label])}) RETURN count(n)") for label in self.schema.nodes
        }
        by_type = {
            t: one(f"MATCH ()-[r{labels_clause([t])}]->() RETURN count(r)") for t in self.schema.relationships
        }
        return StoreStats(
            nodes=one("MATCH (n) RETURN count(n)"),
            relationships=one("MATCH ()-[r]->() RETURN count(r)"),
            nodes_by_label={k: v for k, v in by_label.items() if v},
            relationships_by_type={k: v for k, v in by_type.items() if v},
        )

    def to_networkx(
        self,
        *,
        labels: Sequence[str] | None = None,
        rel_types: Sequence[str] | None = None,
        directed: bool = True,
        properties: bool = True,
    ) -> nx.MultiDiGraph | nx.MultiGraph:
        """Project the graph (or the subgraph of these labels and types) into networkx.

        Node ids are ``"KeyLabel:key"``; node attributes ``label``, ``labels``, ``key``,
        ``props``; edges are keyed by type with attributes ``type`` and ``props``
        (empty when ``properties=False``, which is faster).
        """
        nodes = list(node_rows(self._raw, self.schema, labels, self._graph))
        edges = edge_rows(self._raw, self.schema, rel_types, self._graph, with_props=properties)
        return build_networkx(self.schema, nodes, edges, directed=directed)

    def to_arrays(
        self, *, labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None
    ) -> GraphArrays:
        """Fast path for analytics: node ids and edge index arrays (no properties)."""
        node_rows = key_rows(self._raw, self.schema, labels)
        edges = (
            (a, b, t)
            for a, b, t, _ in edge_rows(self._raw, self.schema, rel_types, self._graph, with_props=False)
        )
        return build_arrays(self.schema, node_rows, edges)

    def run_in_graph(self, fn: Callable[[Any], Any]) -> Any:
        """Call `fn` with the low-level ``falkordb.Graph`` (escape hatch for tests/tools)."""
        return fn(self._graph)
