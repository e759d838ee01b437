"""A typed projection's structure as arrays: node positions, label sets, relationships.

The analyses read the networkx projection (`GraphStore.to_networkx`) for what is rare or
textual (names, properties of a few thousand centres); for what touches every node or
relationship (who is an actor, which relationships tie which kinds of node) they read
these arrays instead of walking networkx's dicts, which costs about a second per
400,000 relationships each time.

`typed_arrays` returns the arrays of a directed typed projection: the ones the
projection (`graph.projection.build_networkx`) or the population
(`graph.analytics.population.select`) recorded when they built the graph, else built
once from the graph's dicts.  Either way they hold the same thing in the same order:

- ``nodes``: the graph's nodes in ``list(G)`` order (positions ``0..n-1``);
- ``label_code``: per node, an index into ``label_sets`` (the distinct ``labels``
  tuples of the nodes);
- ``src``, ``dst``, ``kind``: every relationship in ``G.edges(keys=True)`` order, its
  end positions and an index into ``type_names`` (its ``type`` attribute).

A graph changed after its arrays were recorded (a node or a node pair added or removed)
gets them rebuilt; the arrays are read-only.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("a", labels=("Institution", "TransferCentre"))
>>> G.add_node("c", labels=("Country",))
>>> _ = G.add_edge("a", "c", type="LOCATED_IN")
>>> t = typed_arrays(G)
>>> t.has("TransferCentre").tolist(), t.of_type("LOCATED_IN").tolist(), t.src.tolist(), t.dst.tolist()
([True, False], [True], [0], [1])
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import numpy.typing as npt

from graph.lazy_graph import ties_built

__all__ = ["TypedArrays", "edges_in_graph_order", "from_rows", "record", "typed_arrays"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, eq=False)
class TypedArrays:
    """A directed typed projection as arrays (see the module docstring)."""

    nodes: list[Hashable]
    label_sets: tuple[tuple[str, ...], ...]
    label_code: npt.NDArray[np.int32]
    src: IntArray
    dst: IntArray
    kind: npt.NDArray[np.int32]
    type_names: tuple[str, ...]
    _index: dict[Hashable, int] = field(default_factory=dict, repr=False)
    _by_end: list[IntArray] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        for a in (self.label_code, self.src, self.dst, self.kind):
            a.flags.writeable = False

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        """Number of relationships (parallel ones counted)."""
        return int(self.src.shape[0])

    @property
    def index(self) -> dict[Hashable, int]:
        """Node -> position (built on first use)."""
        if not self._index and self.nodes:
            self._index.update((n, i) for i, n in enumerate(self.nodes))
        return self._index

    def incident(self, i: int) -> tuple[IntArray, IntArray]:
        """The positions of the relationships of node `i`: ``(outgoing, incoming)``, each in
        relationship order (the incoming ones through an index by end node, built on first
        use).

        >>> t = from_rows(["a", "b", "c"], [(), (), ()], [0, 1, 2], [1, 2, 1], [0, 0, 0], ["T"])
        >>> [p.tolist() for p in t.incident(1)]
        [[1], [0, 2]]
        """
        lo, hi = np.searchsorted(self.src, [i, i + 1])  # relationships are in node order
        if not self._by_end:
            order = np.argsort(self.dst, kind="stable")
            starts = np.searchsorted(self.dst[order], np.arange(self.n_nodes + 1))
            self._by_end.extend((order, starts))
        order, starts = self._by_end
        return np.arange(lo, hi, dtype=np.int64), order[starts[i] : starts[i + 1]]

    def starts_of(self, node: Hashable, *types: str) -> list[Hashable]:
        """The start nodes of `node`'s incoming relationships of `types`, one per relationship,
        in relationship order.

        >>> t = from_rows(["a", "b", "c"], [(), (), ()], [0, 2, 1], [1, 1, 1], [0, 1, 0], ["T", "U"])
        >>> t.starts_of("b", "T")
        ['a', 'b']
        """
        _, incoming = self.incident(self.index[node])
        wanted = incoming[np.isin(self.kind[incoming], self.type_codes(types))]
        return [self.nodes[i] for i in self.src[wanted].tolist()]

    def has(self, *labels: str) -> npt.NDArray[np.bool_]:
        """Per node: does it carry any of `labels`?"""
        wanted = set(labels)
        sets = np.fromiter(
            (not wanted.isdisjoint(s) for s in self.label_sets), dtype=bool, count=len(self.label_sets)
        )
        return sets[self.label_code] if self.label_code.size else np.zeros(0, dtype=bool)

    def type_codes(self, types: Iterable[str]) -> npt.NDArray[np.int32]:
        """The codes of those of `types` the graph has."""
        code = {t: c for c, t in enumerate(self.type_names)}
        return np.asarray([code[t] for t in types if t in code], dtype=np.int32)

    def of_type(self, *types: str) -> npt.NDArray[np.bool_]:
        """Per relationship: is its type one of `types`?"""
        return np.isin(self.kind, self.type_codes(types))

    def masked(self, keep_nodes: npt.NDArray[np.bool_], keep_edges: npt.NDArray[np.bool_]) -> TypedArrays:
        """The arrays of the subgraph of the kept nodes and relationships (orders kept).

        Every kept relationship must join two kept nodes.
        """
        position = np.cumsum(keep_nodes, dtype=np.int64) - 1
        nodes = [n for n, k in zip(self.nodes, keep_nodes.tolist(), strict=True) if k]
        return TypedArrays(
            nodes,
            self.label_sets,
            self.label_code[keep_nodes],
            position[self.src[keep_edges]],
            position[self.dst[keep_edges]],
            self.kind[keep_edges],
            self.type_names,
        )


#: graph -> (its arrays, the node and node-pair counts they were recorded at)
_RECORDED: weakref.WeakKeyDictionary[nx.MultiDiGraph, tuple[TypedArrays, int, int]] = (
    weakref.WeakKeyDictionary()
)


def _pairs(G: nx.MultiDiGraph) -> int:
    return sum(map(len, G._adj.values()))


def _pair_count(arrays: TypedArrays) -> int:
    """The number of distinct ``(start, end)`` pairs: in relationship order those of one pair
    are adjacent (`edges_in_graph_order`)."""
    if not arrays.n_edges:
        return 0
    s, d = arrays.src, arrays.dst
    return 1 + int(np.count_nonzero((s[1:] != s[:-1]) | (d[1:] != d[:-1])))


def record(G: nx.MultiDiGraph, arrays: TypedArrays) -> None:
    """Keep `arrays` as those of `G` (which must hold exactly what they describe).

    Nothing of `G`'s adjacency is read: a lazy graph (`graph.lazy_graph`) stays unbuilt.
    """
    _RECORDED[G] = (arrays, G.number_of_nodes(), _pair_count(arrays))


def edges_in_graph_order(src: IntArray, dst: IntArray) -> IntArray:
    """The permutation that puts relationships added in this order into ``G.edges`` order.

    A directed multigraph lists the relationships of each node (in node order) by
    neighbour, the neighbours in the order their first relationship was added, and the
    relationships of one pair in the order they were added.

    Examples
    --------
    >>> edges_in_graph_order(np.array([1, 0, 1, 0]), np.array([2, 1, 0, 1])).tolist()
    [1, 3, 0, 2]
    """
    if src.size == 0:
        return np.zeros(0, dtype=np.int64)
    n = int(max(src.max(), dst.max())) + 1
    _, first, inverse = np.unique(src * n + dst, return_index=True, return_inverse=True)
    return np.lexsort((np.arange(src.size), first[inverse], src)).astype(np.int64)


def _label_codes(
    labels: Iterable[Sequence[str]],
) -> tuple[tuple[tuple[str, ...], ...], npt.NDArray[np.int32]]:
    codes: dict[tuple[str, ...], int] = {}
    per_node = [codes.setdefault(tuple(ls or ()), len(codes)) for ls in labels]
    return tuple(codes), np.asarray(per_node, dtype=np.int32)


def from_rows(
    nodes: list[Hashable],
    labels: Iterable[Sequence[str]],
    src: Sequence[int] | IntArray,
    dst: Sequence[int] | IntArray,
    kind: Sequence[int] | npt.NDArray[np.int32],
    type_names: Sequence[str],
) -> TypedArrays:
    """The arrays of a graph built from these rows (relationships in the order they were
    added; `edges_in_graph_order` puts them in graph order)."""
    label_sets, label_code = _label_codes(labels)
    s = np.asarray(src, dtype=np.int64).reshape(-1)
    d = np.asarray(dst, dtype=np.int64).reshape(-1)
    order = edges_in_graph_order(s, d)
    k = np.asarray(kind, dtype=np.int32).reshape(-1)
    return TypedArrays(nodes, label_sets, label_code, s[order], d[order], k[order], tuple(type_names))


def _build(G: nx.MultiDiGraph) -> TypedArrays:
    nodes = list(G)
    index = {n: i for i, n in enumerate(nodes)}
    names: dict[str, int] = {}
    src: list[int] = []
    dst: list[int] = []
    kind: list[int] = []
    for u, nbrs in G._adj.items():
        iu = index[u]
        for v, keys in nbrs.items():
            iv = index[v]
            for d in keys.values():
                src.append(iu)
                dst.append(iv)
                kind.append(names.setdefault(str(d.get("type", "")), len(names)))
    label_sets, label_code = _label_codes(G._node[n].get("labels", ()) for n in nodes)
    arrays = TypedArrays(
        nodes,
        label_sets,
        label_code,
        np.asarray(src, dtype=np.int64).reshape(-1),
        np.asarray(dst, dtype=np.int64).reshape(-1),
        np.asarray(kind, dtype=np.int32).reshape(-1),
        tuple(names),
        index,
    )
    return arrays


def typed_arrays(G: nx.MultiDiGraph) -> TypedArrays:
    """The arrays of the directed typed projection `G` (recorded, or built now and kept)."""
    if not isinstance(G, nx.MultiDiGraph):
        raise TypeError("typed_arrays reads a directed typed projection (networkx.MultiDiGraph)")
    kept = _RECORDED.get(G)
    # a lazy graph whose relationships are not built yet cannot have changed them
    if kept is not None and kept[1] == G.number_of_nodes() and (not ties_built(G) or kept[2] == _pairs(G)):
        return kept[0]
    arrays = _build(G)
    record(G, arrays)
    return arrays
