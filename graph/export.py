"""The stored graph as records (for RDF export) and as GraphML (for Gephi)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from graph.store import GraphStore
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema

__all__ = ["graph_records", "write_graphml"]


def graph_records(G: nx.MultiDiGraph, schema: GraphSchema) -> Iterator[NodeRecord | RelationshipRecord]:
    """Nodes, then relationships, of a typed projection as records (keys out of the properties).

    Examples
    --------
    >>> from ontology.schema import NodeType
    >>> schema = GraphSchema.build([NodeType("Country", "urn:c", "id", "Country", ("Country",))], [])
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Country:TH", label="Country", key="TH", props={"id": "TH", "name": "Thailand"})
    >>> [r.properties for r in graph_records(G, schema)]
    [{'name': 'Thailand'}]
    """
    for _, data in G.nodes(data=True):
        key = schema.node(data["label"]).key
        props = {k: v for k, v in data.get("props", {}).items() if k != key}
        yield NodeRecord(data["label"], data["key"], props)
    for u, v, data in G.edges(data=True):
        start, end = G.nodes[u], G.nodes[v]
        yield RelationshipRecord(
            data["type"], start["label"], start["key"], end["label"], end["key"], dict(data.get("props", {}))
        )


def _flat(value: Any) -> Any:
    # GraphML has no list type: lists (sources, multi-valued properties) travel as JSON text.
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_graphml(store: GraphStore, path: str | Path) -> Path:
    """Write the whole graph as GraphML (node attribute ``label`` = type; lists as JSON text)."""
    G = store.to_networkx()
    H = nx.MultiDiGraph()
    for node, data in G.nodes(data=True):
        H.add_node(
            node, label=data.get("label", ""), labels=",".join(data.get("labels", [])),
            **{k: _flat(v) for k, v in data.get("props", {}).items()},
        )  # fmt: skip
    for u, v, key, data in G.edges(keys=True, data=True):
        H.add_edge(
            u,
            v,
            key=key,
            type=data.get("type", ""),
            **{k: _flat(x) for k, x in data.get("props", {}).items()},
        )
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(H, target)
    return target
