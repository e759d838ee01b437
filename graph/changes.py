"""What a write would change: grouped records compared with what the store holds.

A load groups its records (`graph.cypher.grouping.group_records`), then asks here which
of them the store does not hold yet (created), holds differently (updated: a property, a
label or a source would change) or holds exactly (unchanged).  Only the created and
updated rows are written, so reloading an unchanged file writes nothing: no staging copy
of the graph, no MERGE of every row (issue #17: a reload ran 1.6–3.4× slower than the
first load).  The comparison follows the merge policies of the upsert statements
(`graph.cypher.statements`): a placeholder or ``keep_existing`` value changes a node only
where the property is missing, a ``keep_longer`` text only when it is longer, ``sources``
only when it names a source the stored element lacks.

Relationships are looked up only when both their ends were stored before the load: one
with an end the load creates is created too (so a first load pays almost nothing).
Labels, types and property names come from the schema and are quoted by
`graph.cypher.identifiers.ident`; keys travel as parameters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.cypher.grouping import GroupedRecords, NodeGroup, RelGroup, source_list
from graph.cypher.identifiers import ident, labels_clause
from graph.store import GraphStore

__all__ = ["Changes", "changed_only", "node_row_changes", "relationship_row_changes"]

#: keys (or relationship rows) looked up per query
_CHUNK = 20_000


@dataclass(frozen=True, slots=True)
class Changes:
    """Distinct nodes and relationships a write creates, updates and leaves unchanged."""

    nodes_created: int = 0
    nodes_updated: int = 0
    nodes_unchanged: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    relationships_unchanged: int = 0

    @property
    def writes(self) -> int:
        """Rows the write has to send (created and updated)."""
        return (
            self.nodes_created + self.nodes_updated + self.relationships_created + self.relationships_updated
        )


def _same(value: Any, stored: Any) -> bool:
    if value is None:
        return stored is None  # ``SET n += {p: null}`` removes a stored value
    if isinstance(value, list):
        return isinstance(stored, list) and value == stored
    return type(value) is type(stored) and value == stored


def _same_properties(props: Mapping[str, Any], sources: Sequence[str], stored: Mapping[str, Any]) -> bool:
    if not all(_same(value, stored.get(name)) for name, value in props.items()):
        return False
    return set(sources) <= set(source_list(stored.get("sources")))


def node_row_changes(
    row: Mapping[str, Any],
    labels: Sequence[str],
    stored: Mapping[str, Any] | None,
    stored_labels: Sequence[str] = (),
) -> bool:
    """Whether upserting one grouped node row ``{k, p, s[, f, l]}`` would change `stored`.

    Parameters
    ----------
    row : mapping
        A `graph.cypher.grouping.NodeGroup` row.
    labels : sequence of str
        The labels the upsert gives the node.
    stored : mapping or None
        The stored node's properties (None: not stored).
    stored_labels : sequence of str
        The stored node's labels.

    Examples
    --------
    >>> stored = {"id": "A", "name": "Alpha", "sources": ["a.csv:2"]}
    >>> row = {"k": "A", "p": {"name": "Alpha"}, "s": ["a.csv:2"]}
    >>> node_row_changes(row, ["Org"], stored, ["Org"])
    False
    >>> node_row_changes({**row, "s": ["b.csv:9"]}, ["Org"], stored, ["Org"])  # a new source
    True
    >>> node_row_changes({**row, "p": {}, "f": {"name": "A"}}, ["Org"], stored, ["Org"])  # fills only
    False
    >>> node_row_changes({**row, "p": {}, "l": {"name": "Alpha Ltd"}}, ["Org"], stored, ["Org"])
    True
    """
    if stored is None or not set(labels) <= set(stored_labels):
        return True
    if not _same_properties(row["p"], row["s"], stored):
        return True
    if any(value is not None and stored.get(name) is None for name, value in row.get("f", {}).items()):
        return True
    for name, value in row.get("l", {}).items():
        have = stored.get(name)
        if value is not None and (have is None or len(str(value)) > len(str(have))):
            return True
    return False


def relationship_row_changes(row: Mapping[str, Any], stored: Sequence[Mapping[str, Any]]) -> bool:
    """Whether upserting one grouped relationship row ``{s, e, p, src[, d]}`` would change
    the stored relationships it merges with (`stored`: their properties; empty: none).

    Examples
    --------
    >>> row = {"s": "A", "e": "B", "p": {"role": "lead"}, "src": ["p.csv:3"]}
    >>> relationship_row_changes(row, [{"role": "lead", "sources": ["p.csv:3"]}])
    False
    >>> relationship_row_changes(row, [{"role": "member", "sources": ["p.csv:3"]}])
    True
    >>> relationship_row_changes(row, [])
    True
    """
    return not stored or not all(_same_properties(row["p"], row["src"], props) for props in stored)


def _chunks(rows: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), _CHUNK):
        yield rows[start : start + _CHUNK]


def _stored_nodes(store: GraphStore, group: NodeGroup) -> dict[Any, tuple[list[str], dict[str, Any]]]:
    nt = group.node_type
    key = ident(nt.key)
    cypher = (
        f"UNWIND $keys AS k MATCH (n{labels_clause([nt.key_label])}) WHERE n.{key} = k "
        f"RETURN n.{key} AS k, labels(n) AS l, properties(n) AS p"
    )
    found: dict[Any, tuple[list[str], dict[str, Any]]] = {}
    for chunk in _chunks(list(group.rows)):
        for row in store.query(cypher, {"keys": list(chunk)}, read_only=True, row_cap=len(chunk)):
            found[row["k"]] = (row["l"], row["p"])
    return found


def _stored_relationships(
    store: GraphStore, group: RelGroup, rows: Sequence[dict[str, Any]]
) -> list[list[Any]]:
    """The stored properties of the relationships each row merges with, in row order."""
    disc = ", ".join(f"{ident(name)}: r.d.{ident(name)}" for name in group.discriminator)
    cypher = (
        "UNWIND $rows AS r "
        f"MATCH (a{labels_clause([group.start.label])} {{{ident(group.start.key)}: r.s}})"
        f"-[x{labels_clause([group.rel_type.type])}{' {' + disc + '}' if disc else ''}]->"
        f"(b{labels_clause([group.end.label])} {{{ident(group.end.key)}: r.e}}) "
        "RETURN r.i AS i, collect(properties(x)) AS ps"
    )
    stored: list[list[Any]] = [[] for _ in rows]
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        params = [
            {"i": start + i, "s": r["s"], "e": r["e"], "d": r.get("d", {})} for i, r in enumerate(chunk)
        ]
        for found in store.query(cypher, {"rows": params}, read_only=True, row_cap=len(chunk)):
            stored[found["i"]] = found["ps"]
    return stored


def changed_only(store: GraphStore, grouped: GroupedRecords) -> tuple[GroupedRecords, Changes]:
    """The rows of `grouped` that would change the store, and the counts of every kind.

    Parameters
    ----------
    store : GraphStore
        The store the records will be written to.
    grouped : GroupedRecords
        Records grouped for this store's schema.

    Returns
    -------
    GroupedRecords
        The created and updated rows only (``node_records`` and ``relationship_records``
        count them); writing it has the effect writing `grouped` would have.
    Changes
        Distinct nodes and relationships created, updated and unchanged.
    """
    counts = dict.fromkeys(Changes.__dataclass_fields__, 0)
    created: set[tuple[str, Any]] = set()
    nodes: dict[str, NodeGroup] = {}
    for label, group in grouped.nodes.items():
        nt = group.node_type
        stored = _stored_nodes(store, group)
        kept = NodeGroup(nt, fill=set(group.fill), longer=set(group.longer))
        for key, row in group.rows.items():
            here = stored.get(key)
            if here is None:
                created.add((nt.key_label, key))
                counts["nodes_created"] += 1
                kept.rows[key] = row
            elif node_row_changes(row, nt.labels, here[1], here[0]):
                counts["nodes_updated"] += 1
                kept.rows[key] = row
            else:
                counts["nodes_unchanged"] += 1
        if kept.rows:
            nodes[label] = kept
    relationships: dict[tuple[str, str, str], RelGroup] = {}
    for gk, rgroup in grouped.relationships.items():
        kept_rels = RelGroup(rgroup.rel_type, rgroup.start, rgroup.end, rgroup.discriminator)
        start_kl, end_kl = rgroup.start.key_label, rgroup.end.key_label
        known: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        for row_key, row in rgroup.rows.items():
            if (start_kl, row["s"]) in created or (end_kl, row["e"]) in created:
                counts["relationships_created"] += 1
                kept_rels.rows[row_key] = row
            else:
                known.append((row_key, row))
        stored_rels = _stored_relationships(store, rgroup, [row for _, row in known]) if known else []
        for (row_key, row), props in zip(known, stored_rels, strict=True):
            if not props:
                counts["relationships_created"] += 1
            elif relationship_row_changes(row, props):
                counts["relationships_updated"] += 1
            else:
                counts["relationships_unchanged"] += 1
                continue
            kept_rels.rows[row_key] = row
        if kept_rels.rows:
            relationships[gk] = kept_rels
    changes = Changes(**counts)
    written = GroupedRecords(
        nodes,
        relationships,
        changes.nodes_created + changes.nodes_updated,
        changes.relationships_created + changes.relationships_updated,
    )
    return written, changes
