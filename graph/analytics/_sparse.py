"""Vectorised building blocks shared by the analytics kernels.

Nothing here is public API: the functions convert a networkx graph to compressed
sparse rows once, and enumerate triangles of the underlying undirected graph with
numpy, which is what brokerage (closed two-paths) and Burt's measures (indirect
ties through shared contacts) both need.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import Any

import networkx as nx
import numba
import numpy as np
import scipy.sparse as sp

__all__ = [
    "Adjacency",
    "adjacency",
    "degree_counts",
    "gc_paused",
    "kept",
    "oriented",
    "remember",
    "reverse_positions",
    "symmetrize",
    "tie_count",
    "triangles",
]

IntArray = np.ndarray
FloatArray = np.ndarray


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large result dicts.

    Building one small dict per node triggers collections that traverse every
    live object, the caller's whole graph included (tenths of a second on a
    large graph); the collector is re-enabled afterwards if it was enabled.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class Adjacency:
    """A graph as CSR arrays over node positions ``0..n-1``.

    ``indptr``/``indices``/``data`` hold the directed ties (an undirected edge is
    stored in both directions), self-loops removed, parallel edges merged (their
    weights summed), column indices sorted within each row.
    """

    nodes: list[Hashable]
    indptr: IntArray
    indices: IntArray
    data: FloatArray
    directed: bool

    @property
    def n(self) -> int:
        return len(self.nodes)

    @property
    def m(self) -> int:
        return int(self.indices.shape[0])

    def rows(self) -> IntArray:
        """Row (source) index of every stored tie."""
        return np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.indptr))

    def csr(self) -> sp.csr_array:
        return sp.csr_array((self.data, self.indices, self.indptr), shape=(self.n, self.n))


def _iter_weights(G: nx.Graph, weight: str | None) -> Iterator[float]:
    if G.is_multigraph():
        for nbrs in G._adj.values():
            for keydict in nbrs.values():
                yield (
                    float(sum(d.get(weight, 1) for d in keydict.values())) if weight else float(len(keydict))
                )
    else:
        for nbrs in G._adj.values():
            for d in nbrs.values():
                yield float(d.get(weight, 1))


def _labels_are_positions(nodes: list[Hashable]) -> bool:
    """True when the node list is exactly ``0, 1, ..., n-1`` (ints), so no lookup is needed."""
    n = len(nodes)
    if n == 0 or type(nodes[0]) is not int or type(nodes[-1]) is not int:
        return False
    return all(type(v) is int for v in nodes) and nodes == list(range(n))


#: CSR arrays built with a frozen graph (`remember`): graph -> (indptr, indices, weight -> data)
_KNOWN: weakref.WeakKeyDictionary[nx.Graph, tuple[IntArray, IntArray, dict[str | None, FloatArray]]] = (
    weakref.WeakKeyDictionary()
)


def remember(G: nx.Graph, indptr: IntArray, indices: IntArray, data: Mapping[str | None, FloatArray]) -> None:
    """Freeze `G` and keep its CSR arrays, so `adjacency` returns them without reading `G`.

    `G` must be a simple graph (no parallel edges) without self-loops whose rows follow
    ``list(G)``, with sorted column indices per row; ``data[w]`` holds the value of edge
    attribute ``w`` of every stored tie (``data[None]`` ones), as `adjacency` would read it.
    The graph is frozen (`networkx.freeze`): its ties cannot change under the arrays, and
    the arrays are made read-only, as `adjacency` hands them out without a copy.
    """
    nx.freeze(G)
    arrays = [indptr, indices, *data.values()]
    for a in arrays:
        a.setflags(write=False)  # shared by every caller of `adjacency`: nobody writes them
    _KNOWN[G] = (indptr, indices, dict(data))


#: degree counts of graphs whose arrays were kept: graph -> direction -> counts (read-only)
_DEGREES: weakref.WeakKeyDictionary[nx.Graph, dict[str, IntArray]] = weakref.WeakKeyDictionary()


def degree_counts(G: nx.Graph, direction: str = "all") -> IntArray | None:
    """Unweighted degree per node (in ``list(G)`` order) of a graph whose arrays were kept
    (`remember`), computed once and kept with them (as networkit keeps degrees in its
    graph); None for any other graph.  ``direction`` is ``"all"``, ``"in"`` or ``"out"``;
    an undirected tie is stored once per end, so its out-count is its degree.

    >>> G = nx.DiGraph([(0, 1), (0, 2), (1, 2)])
    >>> a = adjacency(G)
    >>> remember(G, a.indptr, a.indices, {None: a.data})
    >>> degree_counts(G).tolist(), degree_counts(G, "in").tolist()
    ([2, 2, 2], [0, 1, 2])
    """
    known = _KNOWN.get(G) if nx.is_frozen(G) else None
    if known is None:
        return None
    cached = _DEGREES.setdefault(G, {})
    counts = cached.get(direction)
    if counts is None:
        indptr, indices = known[0], known[1]
        n = indptr.shape[0] - 1
        out = np.diff(indptr)
        if not G.is_directed() or direction == "out":
            counts = out
        elif direction == "in":
            counts = np.bincount(indices, minlength=n)
        else:
            counts = out + np.bincount(indices, minlength=n)
        counts.setflags(write=False)
        cached[direction] = counts
    return counts


def tie_count(G: nx.Graph) -> int:
    """``G.number_of_edges()``, read from the kept CSR arrays when there are some (`remember`:
    no self-loops, no parallel ties), so a graph whose tie dicts are not built yet
    (`graph.lazy_graph`) stays so."""
    known = _KNOWN.get(G) if nx.is_frozen(G) else None
    if known is not None and not G.is_multigraph():
        return int(known[1].shape[0]) if G.is_directed() else int(known[1].shape[0]) // 2
    return int(G.number_of_edges())


def kept(G: nx.Graph) -> bool:
    """Whether `G`'s CSR arrays were kept (`remember`): `adjacency` of it reads no dict."""
    return nx.is_frozen(G) and G in _KNOWN


def adjacency(
    G: nx.Graph, weight: str | None = None, *, count_parallel: bool = True, keep_loops: bool = False
) -> Adjacency:
    """Convert ``G`` to an :class:`Adjacency` in one pass over its adjacency dicts.

    With ``weight=None`` every edge weighs 1; in a multigraph parallel edges are
    summed (as :func:`networkx.adjacency_matrix` does) unless ``count_parallel`` is
    false, in which case every tie weighs 1. Self-loops are dropped unless
    ``keep_loops``.  A graph whose arrays were kept (`remember`) is not read again.
    """
    known = _KNOWN.get(G) if nx.is_frozen(G) else None
    if known is not None and weight in known[2]:
        indptr, indices, values = known
        return Adjacency(list(G), indptr, indices, values[weight], G.is_directed())
    nodes = list(G)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    adj = G._adj
    counts = np.fromiter((len(nbrs) for nbrs in adj.values()), dtype=np.int64, count=n)
    total = int(counts.sum())
    neighbours: Iterator[Any] = chain.from_iterable(adj.values())
    if not _labels_are_positions(nodes):
        neighbours = map(index.__getitem__, neighbours)
    indices = np.fromiter(neighbours, dtype=np.int64, count=total)
    rows = np.repeat(np.arange(n, dtype=np.int64), counts)
    if weight is None and not (G.is_multigraph() and count_parallel):
        data = np.ones(total, dtype=np.float64)
    else:
        data = np.fromiter(_iter_weights(G, weight), dtype=np.float64, count=total)
    keep = rows != indices
    if not keep_loops and not keep.all():
        rows, indices, data = rows[keep], indices[keep], data[keep]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    mat = sp.csr_array((data, indices, indptr), shape=(n, n))
    mat.sort_indices()
    return Adjacency(
        nodes=nodes,
        indptr=mat.indptr.astype(np.int64, copy=False),
        indices=mat.indices.astype(np.int64, copy=False),
        data=mat.data,
        directed=G.is_directed(),
    )


def symmetrize(A: sp.csr_array, out_code: float = 1.0, in_code: float = 2.0) -> sp.csr_array:
    """``A * out_code + A.T * in_code`` on the union pattern, indices sorted.

    With the default codes and a 0/1 ``A``, the value at ``(u, v)`` is 1 for a tie
    ``u -> v`` only, 2 for ``v -> u`` only and 3 for a reciprocated pair.
    """
    S = sp.csr_array(A * out_code + A.T.tocsr() * in_code)
    S.sum_duplicates()
    S.sort_indices()
    return S


def reverse_positions(S: sp.csr_array) -> IntArray:
    """For a structurally symmetric CSR ``S``, the position of ``(v, u)`` for each stored ``(u, v)``."""
    nnz = S.nnz
    P = sp.csr_array((np.arange(nnz, dtype=np.float64), S.indices, S.indptr), shape=S.shape)
    T = P.T.tocsr()
    T.sort_indices()
    return T.data.astype(np.int64)


#: Wedges (two-paths along oriented edges) examined per chunk while listing
#: triangles; a chunk's triangles are at most this many, which bounds memory.
_WEDGE_CHUNK = 1 << 24


# The triangle listing is a compiled loop (numba) rather than numpy: listing
# triangles is a data-dependent walk (mark a node's out-neighbours, scan its
# neighbours' out-lists) that vectorises only by materialising every wedge,
# which was 4x slower and needed a Bloom filter to stay in memory. No library
# exposes the triangles with their edge positions, which both callers need.
@numba.njit(cache=True, nogil=True)
def _triangles_in_range(
    lptr: IntArray, lcol: IntArray, lpos: IntArray, lo: int, hi: int, mark: IntArray, fill: bool,
    x: IntArray, y: IntArray, z: IntArray, pxy: IntArray, pyz: IntArray, pxz: IntArray,
) -> int:  # fmt: skip
    """Count (``fill`` false) or write (``fill`` true) the triangles whose first corner is in ``[lo, hi)``."""
    t = 0
    for a in range(lo, hi):
        for p in range(lptr[a], lptr[a + 1]):
            mark[lcol[p]] = p
        for p1 in range(lptr[a], lptr[a + 1]):
            b = lcol[p1]
            for p2 in range(lptr[b], lptr[b + 1]):
                c = lcol[p2]
                q = mark[c]
                if q >= 0:
                    if fill:
                        x[t] = a
                        y[t] = b
                        z[t] = c
                        pxy[t] = lpos[p1]
                        pyz[t] = lpos[p2]
                        pxz[t] = lpos[q]
                    t += 1
        for p in range(lptr[a], lptr[a + 1]):
            mark[lcol[p]] = -1
    return t


def oriented(S: sp.csr_array) -> tuple[IntArray, IntArray, IntArray]:
    """The ties of symmetric ``S`` oriented from lower to higher (degree, index) rank.

    Returns CSR ``(lptr, lcol, lpos)`` over the same node positions: node ``a``'s
    higher-ranked neighbours are ``lcol[lptr[a]:lptr[a + 1]]`` (sorted), and
    ``lpos`` gives each oriented tie's position in ``S.data``. Every triangle of
    ``S`` is then exactly one wedge ``a -> b -> c`` closed by ``a -> c``.
    """
    n = S.shape[0]
    indptr = S.indptr.astype(np.int64, copy=False)
    indices = S.indices.astype(np.int64, copy=False)
    deg = np.diff(indptr)
    order = np.lexsort((np.arange(n), deg))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)
    rows = np.repeat(np.arange(n, dtype=np.int64), deg)
    up = rank[rows] < rank[indices]
    lpos = np.flatnonzero(up)  # sorted by (row, col), as S is
    lptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[up], minlength=n), out=lptr[1:])
    return lptr, indices[up], lpos


def triangles(S: sp.csr_array) -> Iterator[tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray]]:
    """Enumerate the triangles of the undirected graph with symmetric pattern ``S``.

    ``S`` must be structurally symmetric, loop-free, with sorted indices. Yields
    chunks ``(x, y, z, pxy, pyz, pxz)``: the three corners of each triangle (each
    triangle exactly once) and the positions in ``S.data`` of the stored entries
    ``(x, y)``, ``(y, z)`` and ``(x, z)``.

    Edges are oriented from lower to higher (degree, index) rank, so every
    triangle is found once as a wedge ``x -> y -> z`` closed by ``x -> z``; the
    number of wedges examined is ``O(m^1.5)`` and far smaller on skewed degree
    distributions.
    """
    n = S.shape[0]
    lptr, lcol, lpos = oriented(S)
    if lpos.size == 0:
        return
    outdeg = np.diff(lptr)
    lrow = np.repeat(np.arange(n, dtype=np.int64), outdeg)
    # wedges opened by each node, to cut the node range into bounded chunks
    cum = np.cumsum(np.bincount(lrow, weights=outdeg[lcol], minlength=n))
    mark = np.full(n, -1, dtype=np.int64)
    empty = np.empty(0, dtype=np.int64)
    lo = 0
    while lo < n:
        base = cum[lo - 1] if lo else 0.0
        hi = max(int(np.searchsorted(cum, base + _WEDGE_CHUNK, side="right")), lo + 1)
        hi = min(hi, n)
        count = _triangles_in_range(lptr, lcol, lpos, lo, hi, mark, False, *(empty,) * 6)
        if count:
            out = [np.empty(count, dtype=np.int64) for _ in range(6)]
            _triangles_in_range(lptr, lcol, lpos, lo, hi, mark, True, *out)
            yield out[0], out[1], out[2], out[3], out[4], out[5]
        lo = hi
