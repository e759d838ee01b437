"""Path queries on a projected graph: shortest, all-shortest, k-shortest, introducers.

The functions take any networkx graph (simple or multi, directed or not), so they run
on the store's projection (``GraphStore.to_networkx``) as well as on a notebook graph.
Relationship types are read from the edge attribute ``type`` (or, on multigraphs
without it, from the edge key).  Paths are computed with breadth-first search on the
in-memory projection, which also sidesteps the dialect differences of the databases'
``shortestPath`` (directed only and restricted to WITH/RETURN on FalkorDB).
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter, deque
from collections.abc import Collection, Hashable, Iterator
from dataclasses import dataclass
from itertools import islice, pairwise
from typing import Any

import networkx as nx

from graph.ordered_views import undirected_view

__all__ = [
    "Hop",
    "Introducer",
    "PathResult",
    "all_shortest_paths",
    "introducers",
    "k_shortest_paths",
    "neighbourhood",
    "shortest_path",
]


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path: from ``source`` to ``target`` over relationships of ``types``.

    ``forward`` is False when the step goes against the stored direction.
    """

    source: Hashable
    target: Hashable
    types: tuple[str, ...]
    forward: bool


@dataclass(frozen=True, slots=True)
class PathResult:
    """A path as its nodes and the hops between them."""

    nodes: tuple[Hashable, ...]
    hops: tuple[Hop, ...]

    @property
    def length(self) -> int:
        """Number of hops."""
        return len(self.hops)


@dataclass(frozen=True, slots=True)
class Introducer:
    """An intermediary who can introduce A to B.

    ``paths`` counts the shortest A–B paths through the node; ``distance`` is the
    length of those paths (2: a common contact; 3: one of two intermediaries).
    """

    node: Hashable
    distance: int
    paths: int


def _edge_type(G: nx.Graph, u: Hashable, v: Hashable, key: Any, data: dict[str, Any]) -> str:
    value = data.get("type", key if G.is_multigraph() else None)
    return str(value) if value is not None else ""


_UNDIRECTED: weakref.WeakKeyDictionary[nx.Graph, nx.Graph] = weakref.WeakKeyDictionary()
_UNDIRECTED_LOCK = threading.Lock()


def _undirected(G: nx.Graph) -> nx.Graph:
    """`G`'s undirected view, made once per graph.

    networkx checks that the successor and predecessor maps hold the same nodes when it
    makes the view, an O(n) step (20 ms on a 100k-node projection) that a path query
    should not pay every time.  The view follows later changes to `G` by itself.
    """
    with _UNDIRECTED_LOCK:
        view = _UNDIRECTED.get(G)
        if view is None:
            view = undirected_view(G)  # neighbours in a fixed order, not hash order
            _UNDIRECTED[G] = view
        return view


def _avoiding(G: nx.Graph, avoid: Collection[str] | None, ends: Collection[Hashable]) -> nx.Graph:
    """A lazy view of `G` without the nodes of the `avoid` types (labels), `ends` excepted.

    The check runs on the nodes a search visits only (a view), not on the whole graph.
    """
    if not avoid:
        return G
    banned = frozenset(avoid)
    keep = set(ends)
    nodes = G.nodes

    def allowed(n: Hashable) -> bool:
        return n in keep or banned.isdisjoint(nodes[n].get("labels", ()))

    return nx.subgraph_view(G, filter_node=allowed)


def _filtered(
    G: nx.Graph,
    rel_types: Collection[str] | None,
    directed: bool,
    avoid: Collection[str] | None = None,
    ends: Collection[Hashable] = (),
) -> nx.Graph:
    """A lazy view of `G` restricted to `rel_types` (undirected unless `directed`), passing
    through no node of the `avoid` types but the `ends`.

    Views cost O(1) to build, so a breadth-first search only touches the region it
    explores instead of copying the whole projection per query.
    """
    base = G if (directed or not G.is_directed()) else _undirected(G)
    base = _avoiding(base, avoid, ends)
    if not rel_types:
        return base
    wanted = set(rel_types)
    if base.is_multigraph():

        def keep_multi(u: Hashable, v: Hashable, k: Any) -> bool:
            return _edge_type(base, u, v, k, base[u][v][k]) in wanted

        return nx.subgraph_view(base, filter_edge=keep_multi)

    def keep(u: Hashable, v: Hashable) -> bool:
        return str(base[u][v].get("type", "")) in wanted

    return nx.subgraph_view(base, filter_edge=keep)


def _hops(G: nx.Graph, nodes: list[Hashable], rel_types: Collection[str] | None) -> PathResult:
    wanted = set(rel_types) if rel_types else None
    hops = []
    for u, v in pairwise(nodes):
        forward: list[str] = []
        backward: list[str] = []
        for a, b, bucket in ((u, v, forward), (v, u, backward)):
            if not G.has_edge(a, b):
                continue
            data = G.get_edge_data(a, b)
            items = data.items() if G.is_multigraph() else [(None, data)]
            for key, data in items:
                t = _edge_type(G, a, b, key, data)
                if wanted is None or t in wanted:
                    bucket.append(t)
            if not G.is_directed():
                break
        is_forward = bool(forward) or not backward
        types = tuple(sorted(set(forward if is_forward else backward)))
        hops.append(Hop(u, v, types, is_forward))
    return PathResult(tuple(nodes), tuple(hops))


def _check(G: nx.Graph, *nodes: Hashable) -> None:
    for node in nodes:
        if node not in G:
            raise nx.NodeNotFound(f"node {node!r} is not in the graph")


def shortest_path(
    G: nx.Graph,
    source: Hashable,
    target: Hashable,
    *,
    rel_types: Collection[str] | None = None,
    max_hops: int | None = None,
    directed: bool = False,
    avoid: Collection[str] | None = None,
) -> PathResult | None:
    """Return one shortest path from `source` to `target`, or None.

    Parameters
    ----------
    G : networkx graph
    source, target : node
    rel_types : collection of str, optional
        Only relationships of these types are followed.
    max_hops : int, optional
        Paths longer than this are not returned.
    directed : bool
        Follow relationships only in their stored direction (ignored on undirected graphs).
    avoid : collection of str, optional
        Node types (labels) no path passes through, e.g. blocs whose hundreds of members
        would join anything to anything (the ends themselves may be of these types).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("expert", "centre", key="AFFILIATED_WITH", type="AFFILIATED_WITH")
    >>> _ = G.add_edge("centre", "TH", key="HOSTED_IN", type="HOSTED_IN")
    >>> p = shortest_path(G, "expert", "TH")
    >>> p.nodes, [h.types for h in p.hops]
    (('expert', 'centre', 'TH'), [('AFFILIATED_WITH',), ('HOSTED_IN',)])
    >>> shortest_path(G, "expert", "TH", rel_types={"HOSTED_IN"}) is None
    True
    >>> shortest_path(G, "TH", "expert").hops[0].forward
    False
    >>> G.add_node("centre", labels=("Bloc",))
    >>> shortest_path(G, "expert", "TH", avoid={"Bloc"}) is None
    True
    """
    _check(G, source, target)
    H = _filtered(G, rel_types, directed, avoid, (source, target))
    try:
        nodes = nx.shortest_path(H, source, target)
    except nx.NetworkXNoPath:
        return None
    if max_hops is not None and len(nodes) - 1 > max_hops:
        return None
    return _hops(G, nodes, rel_types)


def all_shortest_paths(
    G: nx.Graph,
    source: Hashable,
    target: Hashable,
    *,
    rel_types: Collection[str] | None = None,
    max_hops: int | None = None,
    directed: bool = False,
    limit: int = 100,
    avoid: Collection[str] | None = None,
) -> list[PathResult]:
    """Return every shortest path from `source` to `target` (at most `limit`).

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "d"), ("a", "c"), ("c", "d")])
    >>> sorted(p.nodes for p in all_shortest_paths(G, "a", "d"))
    [('a', 'b', 'd'), ('a', 'c', 'd')]
    """
    _check(G, source, target)
    H = _filtered(G, rel_types, directed, avoid, (source, target))
    try:
        paths = list(islice(nx.all_shortest_paths(H, source, target), limit))
    except nx.NetworkXNoPath:
        return []
    if paths and max_hops is not None and len(paths[0]) - 1 > max_hops:
        return []
    return [_hops(G, p, rel_types) for p in paths]


def k_shortest_paths(
    G: nx.Graph,
    source: Hashable,
    target: Hashable,
    k: int,
    *,
    rel_types: Collection[str] | None = None,
    max_hops: int | None = None,
    directed: bool = False,
    avoid: Collection[str] | None = None,
) -> list[PathResult]:
    """Return up to `k` loopless paths in order of length (Yen's algorithm).

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "d"), ("a", "c"), ("c", "e"), ("e", "d")])
    >>> [p.nodes for p in k_shortest_paths(G, "a", "d", 2)]
    [('a', 'b', 'd'), ('a', 'c', 'e', 'd')]
    >>> [p.nodes for p in k_shortest_paths(G, "a", "d", 5, max_hops=2)]
    [('a', 'b', 'd')]
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    _check(G, source, target)
    view = _filtered(G, rel_types, directed, avoid, (source, target))
    # Yen's algorithm in networkx needs a simple graph: collapse parallel relationships.
    H = nx.DiGraph(view) if view.is_directed() else nx.Graph(view)
    results: list[PathResult] = []
    gen: Iterator[list[Hashable]] = nx.shortest_simple_paths(H, source, target)
    try:
        for nodes in gen:
            if max_hops is not None and len(nodes) - 1 > max_hops:
                break
            results.append(_hops(G, nodes, rel_types))
            if len(results) == k:
                break
    except nx.NetworkXNoPath:
        return []
    return results


def introducers(
    G: nx.Graph,
    a: Hashable,
    b: Hashable,
    *,
    rel_types: Collection[str] | None = None,
    max_hops: int = 3,
    limit: int = 20,
    avoid: Collection[str] | None = None,
) -> list[Introducer]:
    """Who can introduce `a` to `b`: the intermediaries on the shortest a–b paths.

    Ties are followed in both directions.  Nodes are ranked by the number of shortest
    paths through them (more paths: a better-placed introducer), then by name.  When `a`
    and `b` are already adjacent the answer is empty.

    Examples
    --------
    >>> G = nx.Graph([("A", "x"), ("x", "B"), ("A", "y"), ("y", "B"), ("A", "z")])
    >>> [(i.node, i.distance, i.paths) for i in introducers(G, "A", "B")]
    [('x', 2, 1), ('y', 2, 1)]
    """
    _check(G, a, b)
    H = _filtered(G, rel_types, False, avoid, (a, b))
    if H.has_edge(a, b):
        return []
    try:
        paths = list(islice(nx.all_shortest_paths(H, a, b), 10_000))
    except nx.NetworkXNoPath:
        return []
    distance = len(paths[0]) - 1
    if distance > max_hops:
        return []
    counts = Counter(node for p in paths for node in p[1:-1])
    ranked = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
    return [Introducer(node, distance, n) for node, n in ranked[:limit]]


def neighbourhood(
    G: nx.MultiDiGraph,
    start: Hashable,
    *,
    depth: int,
    limit: int,
    rel_types: Collection[str] | None = None,
) -> list[Hashable]:
    """Nodes within `depth` hops of `start` (either direction), nearest first, at most `limit`.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edges_from([("a", "b", {"type": "X"}), ("c", "b", {"type": "Y"}), ("c", "d", {"type": "X"})])
    [0, 0, 0]
    >>> neighbourhood(G, "a", depth=2, limit=10)
    ['a', 'b', 'c']
    >>> neighbourhood(G, "a", depth=3, limit=10, rel_types={"X"})
    ['a', 'b']
    """
    wanted = set(rel_types) if rel_types else None
    seen = {start: 0}
    order = [start]
    queue = deque([start])
    while queue and len(order) < limit:
        node = queue.popleft()
        if seen[node] >= depth:
            continue
        for adjacency in (G.succ[node], G.pred[node]):
            for other, keyed in adjacency.items():
                if other in seen:
                    continue
                if wanted is not None and not any(d.get("type") in wanted for d in keyed.values()):
                    continue
                seen[other] = seen[node] + 1
                order.append(other)
                queue.append(other)
                if len(order) >= limit:
                    return order
    return order
