"""Building a graph with ``GRAPH.BULK``: a sender thread and the node and relationship blobs.

Nodes get ids in creation order from 0, so relationships name their ends by those ids
(`send_nodes` returns them); a worker thread sends one command while the next blob is
checked and encoded (`BulkSender`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from graph.backends.falkordb.bulk_format import bulk_header, bulk_value, pack_edge
from graph.cypher.grouping import NodeGroup, group_relationships, source_list
from graph.cypher.identifiers import SCALARS, plain_value, stable_id
from graph.errors import StoreError
from ontology.records import RelationshipRecord
from ontology.schema import GraphSchema

__all__ = ["BulkSender", "send_nodes", "send_relationships"]


class BulkSender:
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


def send_nodes(
    sender: BulkSender, ngroups: Mapping[str, NodeGroup], batch_size: int
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
        header = bulk_header(":".join(nt.labels), [nt.key, *props, "sources"])
        value = bulk_value
        rows = list(ng.rows.values())
        for lo in range(0, len(rows), batch_size):
            part = rows[lo : lo + batch_size]
            blob = [header]
            for row in part:
                p = row["p"]
                if "f" in row or "l" in row:  # a new node: weaker values fill what is missing
                    p = {**row.get("l", {}), **row.get("f", {}), **p}
                blob.append(value(row["k"]))
                blob.extend([value(p.get(name)) for name in props])
                blob.append(value(row["s"]))
            sender.send(len(part), 0, b"".join(blob))
        mapping = dict(zip(ng.rows, range(next_id, next_id + len(rows)), strict=True))
        next_id += len(rows)
        for label in nt.labels:
            ids.setdefault(label, {}).update(mapping)
    return ids


def send_relationships(
    schema: GraphSchema,
    sender: BulkSender,
    relationships: Iterable[RelationshipRecord],
    ids: Mapping[str, Mapping[Any, int]],
    batch_size: int,
) -> int:
    """Send every relationship, its ends found in `ids` (from `send_nodes`); return how many
    were given.  Ends not in `ids` raise `StoreError` naming them (after reading them all);
    a relationship repeated between the same ends is sent once."""
    groups: dict[tuple[str, str, str], tuple[bytes, frozenset[str], list[str], list[bytes], Any]] = {}
    seen: set[tuple[Any, ...]] = set()
    missing: list[str] = []
    empty: dict[Any, int] = {}
    count = 0
    value = bulk_value
    pack = pack_edge
    for rec in relationships:
        count += 1
        gk = (rec.type, rec.start_label, rec.end_label)
        group = groups.get(gk)
        if group is None:
            rg = group_relationships(schema, [rec])[gk]
            props = sorted(rg.allowed - {"sources"})
            header = bulk_header(rg.rel_type.type, [*props, "sources"])
            ends = (ids.get(rg.start.label, empty), ids.get(rg.end.label, empty))
            group = groups[gk] = (header, rg.allowed, props, [], ends)
        header, allowed, names, pending, (id_s, id_e) = group
        p = rec.properties
        if not p.keys() <= allowed:
            group_relationships(schema, [rec])  # raises SchemaError naming it
        s_key, e_key = rec.start_key, rec.end_key
        if type(s_key) not in SCALARS:
            s_key = plain_value(s_key)
        if type(e_key) not in SCALARS:
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
        pending.append(value(source_list(p.get("sources"))))
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
