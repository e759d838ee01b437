"""Query results as plain rows: nodes, relationships and paths of the client turned into dicts.

A node becomes ``{id, label, labels, properties}`` with its stable id (``KeyLabel:key``);
a relationship ``{type, start, end, properties}`` with the stable ids of its ends, looked
up once for the whole result (`node_ids`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from graph.backends.falkordb.replies import RawQuery
from graph.cypher.identifiers import SCALARS, leaves, stable_id
from graph.node_types import node_type_of
from ontology.schema import GraphSchema

__all__ = ["node_ids", "plain_rows"]

#: Cells that are plain already (a subclass, if any, goes the long way).
_PLAIN = frozenset(SCALARS)


def plain_rows(
    schema: GraphSchema,
    names: list[str],
    rows: list[list[Any]],
    ids_of: Callable[[Iterable[int]], dict[int, str]],
) -> list[dict[str, Any]]:
    """Rows of client values as dicts of plain values; `ids_of` gives the stable ids of
    relationship ends by internal id (`node_ids`)."""
    from falkordb import Edge, Node, Path  # the client is imported when first needed

    unknown: set[int] = set()

    for row in rows:
        for cell in row:
            if type(cell) in _PLAIN:  # most cells: nothing inside to look at
                continue
            for value in leaves(cell):
                edges = value.edges() if isinstance(value, Path) else [value]
                unknown.update(
                    v for e in edges if isinstance(e, Edge) for v in (int(e.src_node), int(e.dest_node))
                )
    ids = ids_of(unknown) if unknown else {}

    def plain(value: Any) -> Any:
        if isinstance(value, Node):
            labels = list(value.labels or [])
            props = dict(value.properties)
            nt = node_type_of(schema, labels)
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

    return [
        {name: cell if type(cell) in _PLAIN else plain(cell) for name, cell in zip(names, row, strict=False)}
        for row in rows
    ]


def node_ids(raw: RawQuery, schema: GraphSchema, graph: Any, internal: Iterable[int]) -> dict[int, str]:
    """Stable ids of the nodes with these internal ids (``_:id`` for a node of no schema type)."""
    rows = raw(
        "MATCH (n) WHERE id(n) IN $ids RETURN id(n), labels(n), properties(n)",
        {"ids": sorted(internal)},
    )
    from falkordb.query_result import parse_scalar

    out: dict[int, str] = {}
    for cell_id, cell_labels, cell_props in rows:
        internal_id = int(cell_id[1])
        labels = parse_scalar(cell_labels, graph)
        props = parse_scalar(cell_props, graph)
        nt = node_type_of(schema, labels)
        key = props.get(nt.key) if nt else None
        out[internal_id] = stable_id(nt.key_label, key) if nt and key is not None else f"_:{internal_id}"
    return out
