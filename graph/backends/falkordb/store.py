"""`~graph.store.GraphStore` on the embedded FalkorDB server: schema, writes, deletes, reads.

Built on `~graph.backends.falkordb.connection.FalkorDBConnection` (lifecycle, queries);
the pieces live beside it, one topic each: indexes and constraints (`schema`),
relationship ends by internal id (`ends`, `statements`), staging copies (`staging`),
``GRAPH.BULK`` (`bulk_format`, `bulk`), projection paging (`paging`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import redis
from filelock import Timeout

from graph.backends.falkordb import journal
from graph.backends.falkordb.aof import compact_if_grown
from graph.backends.falkordb.bulk import BulkSender, send_nodes, send_relationships
from graph.backends.falkordb.clients import deadline_client
from graph.backends.falkordb.connection import FalkorDBConnection
from graph.backends.falkordb.ends import end_ids, end_keys
from graph.backends.falkordb.paging import edge_rows, key_rows, node_rows
from graph.backends.falkordb.replies import translate_error
from graph.backends.falkordb.schema import install_schema
from graph.backends.falkordb.staging import staging_name
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
    property_rows,
)
from graph.cypher.identifiers import labels_clause, stable_id
from graph.cypher.statements import (
    delete_nodes_cypher,
    delete_relationships_cypher,
    node_upsert_cypher,
    set_properties_cypher,
)
from graph.errors import ReadOnlyViolation, StoreError
from graph.gcpause import paused_gc
from graph.store import StoreStats
from ontology.records import NodeRecord, RelationshipRecord

if TYPE_CHECKING:  # numpy and networkx load only when a projection is made (`graph.store`)
    import networkx as nx

    from graph.projection import GraphArrays

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


def _node_parts(group: NodeGroup, size: int) -> Iterator[NodeGroup]:
    """`group` in groups of at most `size` rows (same type and policies)."""
    items = list(group.rows.items())
    for start in range(0, len(items), max(1, size)):
        yield NodeGroup(
            group.node_type, dict(items[start : start + size]), fill=group.fill, longer=group.longer
        )


def _rel_parts(group: RelGroup, size: int) -> Iterator[RelGroup]:
    """`group` in groups of at most `size` rows."""
    items = list(group.rows.items())
    for start in range(0, len(items), max(1, size)):
        yield RelGroup(
            group.rel_type, group.start, group.end, group.discriminator, dict(items[start : start + size])
        )


class FalkorDBStore(FalkorDBConnection):
    """`~graph.store.GraphStore` on the embedded FalkorDB server of a data directory.

    The constructor's parameters are `~graph.backends.falkordb.connection.FalkorDBConnection`'s.
    """

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

    def open(self) -> None:
        """Start or reuse the server and connect; a writer also compacts a grown AOF it finds
        (`graph.backends.falkordb.aof`), when no other process is writing."""
        super().open()
        if self.read_only or self._write_lock is None:
            return
        try:
            self._write_lock.acquire(timeout=0)
        except Timeout:
            return  # another process writes: its own write ends with the check
        try:
            self._recover()
            compact_if_grown(self._conn())
        except (redis.RedisError, StoreError):
            pass  # the next write recovers (or fails saying why); compaction is an optimisation
        finally:
            self._write_lock.release()

    def _recover(self) -> None:
        """Roll back the journals of writers that died mid-write (call under the write lock)."""
        if journal.journals(self.store_dir):
            journal.recover(self.store_dir, self.schema, self.graph_name, self._journal_run)

    # -- writes ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the data directory's write lock for one write; count the write on the way out
        (`version`, even after a failure: batches may have landed) and compact the AOF
        when it has grown (`graph.backends.falkordb.aof`), still under the lock."""
        if self.read_only:
            raise ReadOnlyViolation("the store is open read-only")
        if self._write_lock is None:
            raise StoreError("the store is not open")
        with self._write_lock:
            self._recover()  # a dead writer's half-made write goes before anything else
            try:
                yield
            except BaseException:
                with contextlib.suppress(redis.RedisError):
                    self._bump_version()
                raise
            try:
                self._bump_version()
                compact_if_grown(self._conn())
            except redis.RedisError as exc:
                raise translate_error(exc) from exc

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
        else batches behind an undo journal (`graph.backends.falkordb.journal`), whose
        cost is the records', not the graph's.  Relationships whose end
        nodes are neither stored nor in `nodes` raise `StoreError` naming them, and
        nothing is written.
        """
        node_list, rel_list = list(nodes), list(relationships)
        with paused_gc(), self._writing():
            grouped = group_records(self.schema, node_list, rel_list, discriminator)
            self._write_grouped(grouped, batch_size, atomic)
        return grouped.node_records, grouped.relationship_records

    def upsert_grouped(
        self, grouped: GroupedRecords, *, batch_size: int = 5000, atomic: bool = True
    ) -> tuple[int, int]:
        """`upsert` of records grouped beforehand (`graph.cypher.grouping.group_records`)."""
        with paused_gc(), self._writing():
            self._write_grouped(grouped, batch_size, atomic)
        return grouped.node_records, grouped.relationship_records

    def _write_grouped(self, grouped: GroupedRecords, batch_size: int, atomic: bool) -> None:
        ngroups, rgroups = grouped.nodes, grouped.relationships
        self._check_endpoints(rgroups, ngroups)
        if not atomic:
            self._write_nodes(self._graph, ngroups, batch_size)
            self._write_rels(self._graph, rgroups, batch_size, self._end_ids(self.graph_name, rgroups))
        elif grouped.rows <= self.atomic_single_query_max:
            self._write_single_query(ngroups, rgroups)
        else:
            self._write_journaled(ngroups, rgroups, batch_size)

    def _journal_run(self, cypher: str, params: Mapping[str, Any], read_only: bool) -> list[list[Any]]:
        """`graph.backends.falkordb.journal.Run` on this store's graph (no time limit)."""
        return list(self._run(cypher, params, read_only=read_only).result_set)

    def _write_journaled(
        self,
        ngroups: Mapping[str, NodeGroup],
        rgroups: Mapping[tuple[str, str, str], RelGroup],
        batch_size: int,
    ) -> None:
        """Write in batches into the graph itself, all or nothing through an undo journal
        (`graph.backends.falkordb.journal`): each batch's before-image is appended to the
        journal, on disk, before the batch is written.  Its cost is the file's, not the
        graph's, and its memory one batch's."""
        with self._journaled(batch_size) as write:
            write(GroupedRecords(dict(ngroups), dict(rgroups), 0, 0))

    @contextlib.contextmanager
    def _journaled(self, batch_size: int) -> Iterator[Callable[[GroupedRecords], None]]:
        """One journal for any number of grouped writes (call under `_writing`, ends
        checked): each is written in batches, each batch journaled before it is written; an
        exception rolls every batch back."""
        path = journal.create(self.store_dir, self.graph_name)

        def write(grouped: GroupedRecords) -> None:
            ngroups, rgroups = grouped.nodes, grouped.relationships
            # relationships can exist only between nodes stored before this write; those
            # created by an earlier write of the journal go with their nodes' rollback
            before = self._end_ids(self.graph_name, rgroups)
            existing = {label: ids.keys() for label, ids in before.items()}
            for label, group in ngroups.items():
                for part in _node_parts(group, batch_size):
                    self._journal_batch(path, {label: part}, {}, existing)
                    self._write_nodes(self._graph, {label: part}, batch_size)
            ids = self._end_ids(self.graph_name, rgroups)
            for key, rgroup in rgroups.items():
                for rpart in _rel_parts(rgroup, batch_size):
                    self._journal_batch(path, {}, {key: rpart}, existing)
                    self._write_rels(self._graph, {key: rpart}, batch_size, ids)

        try:
            yield write
        except BaseException:
            try:
                journal.rollback_all(self.schema, journal.read(path), self._journal_run)
            except Exception:  # noqa: S110 - the journal stays: the next writer to open rolls it back
                pass
            else:
                path.unlink(missing_ok=True)
            raise
        path.unlink(missing_ok=True)

    @contextlib.contextmanager
    def journaled_writes(self, *, batch_size: int = 5000) -> Iterator[Callable[[GroupedRecords], None]]:
        """Many grouped writes as one, all or nothing: ``with store.journaled_writes() as
        write: write(grouped); ...`` — an exception leaving the block (a loader refusing the
        file after some batches) rolls back every one of them; a process killed inside
        leaves the journal to the next writer.  The write lock is held throughout; the
        memory is one write's (a streamed load: `loaders.streamed`)."""
        with paused_gc(), self._writing(), self._journaled(batch_size) as write:

            def checked(grouped: GroupedRecords) -> None:
                self._check_endpoints(grouped.relationships, grouped.nodes)
                write(grouped)

            yield checked

    def _journal_batch(
        self,
        path: Path,
        ngroups: Mapping[str, NodeGroup],
        rgroups: Mapping[tuple[str, str, str], RelGroup],
        existing: Mapping[str, Iterable[Any]],
    ) -> None:
        """Append to the journal at `path` what the batch of `ngroups` / `rgroups` will change."""
        undo = journal.capture(self.schema, self.graph_name, self._journal_run, ngroups, rgroups, existing)
        journal.append(path, undo)

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
            keys = ("k", "p", "s", "f", "l", *group.allowed)
            cypher = node_upsert_cypher(
                group.node_type, create_apart=True, fill=group.fill, longer=group.longer
            )
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

    def _check_endpoints(
        self, rgroups: Mapping[tuple[str, str, str], RelGroup], ngroups: Mapping[str, NodeGroup]
    ) -> None:
        def missing_keys(cypher: str, keys: list[Any]) -> list[Any]:
            return [row[0] for row in self._run(cypher, {"keys": keys}, read_only=True).result_set]

        check_endpoints(self.schema, rgroups, ngroups, missing_keys)

    def set_properties(
        self,
        label: str,
        names: Sequence[str],
        rows: Iterable[tuple[Any, Sequence[Any]]],
        *,
        batch_size: int = 5000,
    ) -> int:
        """Set properties of existing nodes by key (`graph.store.GraphStore.set_properties`)."""
        cypher = set_properties_cypher(self.schema.node(label), names)
        sent = property_rows(label, len(names), rows)
        with paused_gc(), self._writing():
            results = self._run_batches(cypher, sent, batch_size, self._graph, ())
        return sum(int(r.result_set[0][0]) for r in results if r.result_set)

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
        omit_node_properties: Collection[str] = (),
    ) -> nx.MultiDiGraph | nx.MultiGraph:
        """Project the graph (or the subgraph of these labels and types) into networkx.

        Node ids are ``"KeyLabel:key"``; node attributes ``label``, ``labels``, ``key``,
        ``props``; edges are keyed by type with attributes ``type`` and ``props``
        (empty when ``properties=False``, which is faster); the node properties named in
        `omit_node_properties` are left out by the server.
        """
        from graph.backends.falkordb.edge_scan import edge_columns
        from graph.edge_columns import EdgeColumns
        from graph.projection import build_networkx

        # the relationships are read on a second connection while the nodes are read and built
        # (the server answers both at once: 2.3-2.7 s against 3.6-3.8 s at 1M relationships)
        with (
            paused_gc(),  # the node rows too: millions of acyclic objects (graph.gcpause)
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="edge-rows") as pool,
        ):
            reading: Future[EdgeColumns | list[tuple[int, int, str, dict[str, Any]]]] = pool.submit(
                lambda: (
                    list(edge_rows(self._raw, self.schema, rel_types, self._graph))
                    if properties
                    else edge_columns(self._raw, self.schema, rel_types)
                )
            )
            nodes = list(node_rows(self._raw, self.schema, labels, self._graph, omit_node_properties))
            # the relationships are waited for once the nodes are built
            return build_networkx(self.schema, nodes, reading.result, directed=directed, own_node_props=True)

    def to_arrays(
        self, *, labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None
    ) -> GraphArrays:
        """Fast path for analytics: node ids and edge index arrays (no properties)."""
        from graph.backends.falkordb.edge_scan import edge_columns
        from graph.projection import build_arrays

        node_rows = key_rows(self._raw, self.schema, labels)
        return build_arrays(self.schema, node_rows, edge_columns(self._raw, self.schema, rel_types))
