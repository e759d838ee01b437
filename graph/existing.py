"""What the store already holds about a set of nodes, as records.

Loaders use it before writing: to tell which relationship ends already exist, and to
validate a file in the context of the graph it will join (a bilateral centre whose name
came from another source, an agreement whose second party was loaded earlier).  Works on
any `GraphStore`: labels and property names are checked against the schema and quoted
by `graph.cypher.identifiers.ident`; keys travel as parameters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from graph.cypher.identifiers import ident
from graph.node_types import node_type_of
from graph.store import GraphStore
from ontology.records import NodeRecord, RelationshipRecord

__all__ = ["existing_keys", "existing_records"]

_CHUNK = 20_000


def _chunks(keys: Collection[Any]) -> Iterable[list[Any]]:
    ordered = list(keys)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def existing_keys(store: GraphStore, label: str, keys: Collection[Any]) -> set[Any]:
    """The subset of `keys` that nodes carrying `label` have in the store."""
    node_type = store.schema.node(label)
    found: set[Any] = set()
    cypher = (
        f"UNWIND $keys AS k MATCH (n:{ident(label)}) WHERE n.{ident(node_type.key)} = k "
        f"RETURN n.{ident(node_type.key)} AS k"
    )
    for chunk in _chunks(keys):
        rows = store.query(cypher, {"keys": chunk}, read_only=True, row_cap=len(chunk))
        found.update(row["k"] for row in rows)
    return found


def _node_record(store: GraphStore, labels: Iterable[str], props: Mapping[str, Any]) -> NodeRecord | None:
    node_type = node_type_of(store.schema, list(labels))
    if node_type is None or node_type.key not in props:
        return None
    values = {k: v for k, v in props.items() if k != node_type.key}
    return NodeRecord(node_type.label, props[node_type.key], values)


def existing_records(
    store: GraphStore,
    keys: Mapping[str, Collection[Any]],
    relationships: Mapping[str, Collection[tuple[str, bool]]] | None = None,
    *,
    node_properties: bool = True,
) -> tuple[list[NodeRecord], list[RelationshipRecord]]:
    """The stored nodes with these keys (by label) and, for each label, the stored
    relationships of the given types and directions, with their other ends.

    Parameters
    ----------
    keys : mapping
        Node label → keys.
    relationships : mapping, optional
        Node label → ``(relationship type, outgoing)`` pairs to fetch for those nodes
        (e.g. `ontology.derive.constrained_relationships`): only what a check needs, so a
        hub such as a country with thousands of ties costs one row, not thousands.
    node_properties : bool
        Fetch the nodes themselves (False: only the relationships and their ends).

    Returns
    -------
    nodes, relationships
        Records as a load would produce them: node properties without the key, each
        relationship with the most specific labels of its ends.
    """
    schema = store.schema
    nodes: dict[tuple[str, Any], NodeRecord] = {}
    rels: dict[tuple[Any, ...], RelationshipRecord] = {}
    by_key_label: dict[str, set[Any]] = defaultdict(set)
    for label, values in keys.items():
        by_key_label[schema.node(label).key_label].update(values)
    for label, values in by_key_label.items() if node_properties else ():
        key = ident(schema.node(label).key)
        for chunk in _chunks(values):
            rows = store.query(
                f"UNWIND $keys AS k MATCH (n:{ident(label)}) WHERE n.{key} = k "
                "RETURN labels(n) AS labels, properties(n) AS props",
                {"keys": chunk},
                read_only=True,
                row_cap=len(chunk),
            )
            for row in rows:
                record = _node_record(store, row["labels"], row["props"])
                if record is not None:
                    nodes[(label, record.key)] = record
    for label, wanted in (relationships or {}).items():
        if not wanted or label not in keys:
            continue
        key = ident(schema.node(label).key)
        for rel_type, outgoing in sorted(wanted):
            pattern = f"(n)-[r:{ident(schema.check_type(rel_type))}]->(m)"
            if not outgoing:
                pattern = f"(n)<-[r:{ident(rel_type)}]-(m)"
            for chunk in _chunks(keys[label]):
                cypher = (
                    f"UNWIND $keys AS k MATCH (n:{ident(label)}) WHERE n.{key} = k MATCH {pattern} "
                    "RETURN labels(n) AS nl, properties(n) AS np, properties(r) AS rp, "
                    "labels(m) AS ml, properties(m) AS mp"
                )
                for row in store.query(cypher, {"keys": chunk}, read_only=True, row_cap=1_000_000):
                    here = _node_record(store, row["nl"], row["np"])
                    there = _node_record(store, row["ml"], row["mp"])
                    if here is None or there is None:
                        continue
                    nodes.setdefault((schema.node(there.label).key_label, there.key), there)
                    start, end = (here, there) if outgoing else (there, here)
                    tie = RelationshipRecord(rel_type, start.label, start.key, end.label, end.key, row["rp"])
                    rels[(rel_type, start.label, start.key, end.label, end.key, repr(row["rp"]))] = tie
    return list(nodes.values()), list(rels.values())
