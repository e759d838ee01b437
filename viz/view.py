"""The explorer's view model: typed nodes and edges ready for vis-network.

Unlike pyvis, the view is built in linear time (dicts, no per-edge scans of the edge
list), carries names and properties as *data* that the page renders with
``textContent`` (never as HTML titles), and gets server-side positions for views
above a size threshold so that large graphs appear at once with physics off.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.cache import ProjectionCache
from graph.projection import node_type_of
from graph.search import name_properties
from ontology.schema import PROVENANCE_PROPERTIES, GraphSchema, NodeType
from viz.facets import facets
from viz.legend import LegendEntry, legend

__all__ = [
    "GraphView",
    "ViewEdge",
    "ViewNode",
    "build_view",
    "chinese_name",
    "display_name",
    "layout_positions",
    "provenance_of",
    "view_of",
]

#: Views with more nodes than this get positions computed on the server.
LAYOUT_THRESHOLD = 300

#: Above this many nodes the layout uses igraph's grid Fruchterman–Reingold with `GRID_ITERATIONS`
#: iterations instead of 300: on the benchmark's 5,000-node scale-free graph 100 iterations take a
#: third of the time (0.26 s against 0.83 s on a loaded machine) and lay it out as well by the
#: measures that show on screen (mean edge length over the mean distance of random pairs 0.479
#: against 0.467; median nearest-neighbour distance 0.48 % of the span for both; the share of nodes
#: closer than 0.2 % of the span to another 11.0 % against 10.9 %).
GRID_THRESHOLD, GRID_ITERATIONS = 1000, 100


@dataclass(frozen=True, slots=True)
class ViewNode:
    """A node as the explorer draws it."""

    id: str
    type: str
    name: str
    color: str
    shape: str
    properties: Mapping[str, Any]
    x: float | None = None
    y: float | None = None
    facets: Mapping[str, list[str]] = field(default_factory=dict)
    #: The Chinese name (``nameZh``) where the node has one: the explorer draws it in Chinese.
    name_zh: str | None = None


@dataclass(frozen=True, slots=True)
class ViewEdge:
    """A relationship as the explorer draws it."""

    id: str
    source: str
    target: str
    type: str
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GraphView:
    """A set of nodes and edges; ``physics`` is False when positions are precomputed."""

    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    physics: bool

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready dict.

        Shallow: the nodes' and edges' property and facet mappings are shared, not
        copied (`build_view` made them; `dataclasses.asdict` deep-copied every value,
        a sixth of a 2-hop neighbourhood request).
        """
        return {
            "nodes": [
                {
                    "id": n.id,
                    "type": n.type,
                    "name": n.name,
                    "name_zh": n.name_zh,
                    "color": n.color,
                    "shape": n.shape,
                    "properties": n.properties,
                    "x": n.x,
                    "y": n.y,
                    "facets": n.facets,
                }
                for n in self.nodes
            ],
            "edges": [
                {
                    "id": e.id,
                    "source": e.source,
                    "target": e.target,
                    "type": e.type,
                    "properties": e.properties,
                }
                for e in self.edges
            ],
            "physics": self.physics,
        }


def display_name(node_type: NodeType | None, properties: Mapping[str, Any], fallback: str) -> str:
    """The name to show for a node: its first non-empty name-like property, else `fallback`.

    Examples
    --------
    >>> display_name(None, {}, "Country:TH")
    'Country:TH'
    """
    return _first_name(name_properties(node_type) if node_type else [], properties, fallback)


def chinese_name(names: Sequence[str], properties: Mapping[str, Any]) -> str | None:
    """The node's Chinese name: its first non-empty Chinese name property (``nameZh``) of `names`
    (`graph.search.name_properties`), else None.

    Examples
    --------
    >>> chinese_name(["name", "nameZh"], {"name": "Thailand", "nameZh": "泰国"})
    '泰国'
    >>> chinese_name(["name", "nameZh"], {"name": "Thailand"}) is None
    True
    """
    found = _first_name([n for n in names if "zh" in n.lower()], properties, "")
    return found or None


def _first_name(names: Sequence[str], properties: Mapping[str, Any], fallback: str) -> str:
    for name in names:
        value = properties.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value not in (None, ""):
            return str(value)
    return fallback


def layout_positions(
    node_ids: list[str], edges: Iterable[tuple[str, str]], *, seed: int = 0, scale: float | None = None
) -> dict[str, tuple[float, float]]:
    """Force-directed positions computed on the server (igraph's Fruchterman–Reingold; its grid
    variant with `GRID_ITERATIONS` iterations above `GRID_THRESHOLD` nodes).

    networkx's spring layout needs ~40 s for 5,000 nodes on this hardware; igraph's
    grid variant with 100 iterations ~0.2 s, which is what lets a 5,000-node view appear
    in under 3 s (``benchmarks/explorer.py``).

    Examples
    --------
    >>> pos = layout_positions(["a", "b", "c"], [("a", "b"), ("b", "c")])
    >>> sorted(pos)
    ['a', 'b', 'c']
    """
    import random

    import igraph

    index = {node: i for i, node in enumerate(node_ids)}
    pairs = [(index[u], index[v]) for u, v in edges if u in index and v in index and u != v]
    graph = igraph.Graph(n=len(node_ids), edges=pairs)
    random.seed(seed)  # igraph draws its initial positions from Python's random module
    large = len(node_ids) > GRID_THRESHOLD
    coords = graph.layout_fruchterman_reingold(grid=large, niter=GRID_ITERATIONS if large else 300)
    xs = [c[0] for c in coords] or [0.0]
    ys = [c[1] for c in coords] or [0.0]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    target = scale if scale is not None else 60.0 * math.sqrt(max(len(node_ids), 1))
    factor = target / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {
        node: ((x - cx) * factor, (y - cy) * factor) for node, (x, y) in zip(node_ids, coords, strict=True)
    }


def build_view(
    nodes: Iterable[Mapping[str, Any]],
    edges: Iterable[Mapping[str, Any]],
    schema: GraphSchema,
    *,
    layout_threshold: int = LAYOUT_THRESHOLD,
    seed: int = 0,
    layout_scale: float | None = None,
) -> GraphView:
    """Build the explorer view of a subgraph.

    Parameters
    ----------
    nodes : iterable of mappings
        ``{"id": str, "labels": [...], "properties": {...}}`` and optionally
        ``"facets": {"country": [...], ...}`` (see `viz.facets`).
    edges : iterable of mappings
        ``{"id": str, "source": str, "target": str, "type": str, "properties": {...}}``;
        edges whose ends are not among `nodes` are dropped.
    schema : GraphSchema
        Gives each node its type, colour and shape.
    layout_threshold : int
        Above this many nodes, positions are computed here and physics is off.
    layout_scale : float, optional
        The layout's span (`layout_positions`' ``scale``).

    Examples
    --------
    >>> from ontology.schema import NodeType, PropertySpec
    >>> country = NodeType("Country", "urn:c", "id", "Country", ("Country",),
    ...                    properties=(PropertySpec("name", "urn:n"),))
    >>> schema = GraphSchema.build([country], [])
    >>> view = build_view(
    ...     [{"id": "Country:TH", "labels": ["Country"], "properties": {"name": "<b>Thailand</b>"}}],
    ...     [], schema)
    >>> view.nodes[0].name, view.physics
    ('<b>Thailand</b>', True)
    """
    entries = legend(schema)
    # type, legend entry and name properties per label set: a view has few of them
    kinds: dict[tuple[str, ...], tuple[NodeType | None, LegendEntry | None, list[str]]] = {}
    view_nodes: dict[str, ViewNode] = {}
    for node in nodes:
        node_id = str(node["id"])
        if node_id in view_nodes:
            continue
        labels = tuple(node.get("labels", ()))
        kind = kinds.get(labels)
        if kind is None:
            nt = node_type_of(schema, labels)
            names = name_properties(nt) if nt else []
            kind = kinds[labels] = (nt, entries.get(nt.label) if nt else None, names)
        node_type, entry, names = kind
        props = dict(node.get("properties", {}))
        view_nodes[node_id] = ViewNode(
            id=node_id,
            type=node_type.label if node_type else "",
            name=_first_name(names, props, node_id),
            color=entry.color if entry else "#888888",
            shape=entry.shape if entry else "dot",
            properties=props,
            facets=dict(node.get("facets", {})),
            name_zh=chinese_name(names, props),
        )
    view_edges: dict[str, ViewEdge] = {}
    for edge in edges:
        source, target = str(edge["source"]), str(edge["target"])
        edge_id = str(edge.get("id") or f"{source}|{edge['type']}|{target}")
        if source in view_nodes and target in view_nodes and edge_id not in view_edges:
            view_edges[edge_id] = ViewEdge(
                edge_id, source, target, str(edge["type"]), dict(edge.get("properties", {}))
            )
    physics = len(view_nodes) <= layout_threshold
    ordered = list(view_nodes.values())
    if not physics:
        pos = layout_positions(
            [n.id for n in ordered],
            ((e.source, e.target) for e in view_edges.values()),
            seed=seed,
            scale=layout_scale,
        )
        ordered = [
            ViewNode(n.id, n.type, n.name, n.color, n.shape, n.properties, *pos[n.id], n.facets, n.name_zh)
            for n in ordered
        ]
    return GraphView(tuple(ordered), tuple(view_edges.values()), physics)


def provenance_of(properties: Mapping[str, Any]) -> dict[str, Any]:
    """The provenance part of a node's properties (shown in the side panel)."""
    return {k: properties[k] for k in PROVENANCE_PROPERTIES if k in properties}


def view_of(
    projection: ProjectionCache,
    schema: GraphSchema,
    node_ids: Sequence[Hashable],
    edges: Iterable[Mapping[str, Any]] | None = None,
    *,
    layout_threshold: int = LAYOUT_THRESHOLD,
    layout_scale: float | None = None,
) -> dict[str, Any]:
    """The view model of a set of nodes, with their facets and their stored relationships
    (or the `edges` given, as `build_view` takes them: derived ties of the projected network);
    positions computed here above `layout_threshold` nodes (spanning `layout_scale`)."""
    payloads = projection.node_payloads(node_ids)
    node_facets = facets(projection.graph, node_ids)
    for payload in payloads:
        payload["facets"] = node_facets.get(payload["id"], {})
    stored = projection.edge_payloads(node_ids) if edges is None else edges
    view = build_view(payloads, stored, schema, layout_threshold=layout_threshold, layout_scale=layout_scale)
    return view.to_json()
