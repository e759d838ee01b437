"""Vectorised building blocks shared by the analytics kernels.

Nothing here is public API: the functions convert a networkx graph to compressed
sparse rows once, and enumerate triangles of the underlying undirected graph with
numpy, which is what brokerage (closed two-paths) and Burt's measures (indirect
ties through shared contacts) both need.
"""

from __future__ import annotations

import gc
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

__all__ = ["Adjacency", "adjacency", "gc_paused", "reverse_positions", "symmetrize", "triangles"]

IntArray = np.ndarray
FloatArray = np.ndarray

#: Wedges examined per chunk while listing triangles (bounds peak memory).
_WEDGE_CHUNK = 1 << 22


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


def adjacency(
    G: nx.Graph, weight: str | None = None, *, count_parallel: bool = True, keep_loops: bool = False
) -> Adjacency:
    """Convert ``G`` to an :class:`Adjacency` in one pass over its adjacency dicts.

    With ``weight=None`` every edge weighs 1; in a multigraph parallel edges are
    summed (as :func:`networkx.adjacency_matrix` does) unless ``count_parallel`` is
    false, in which case every tie weighs 1. Self-loops are dropped unless
    ``keep_loops``.
    """
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


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _bloom_bit(values: IntArray) -> np.ndarray:
    """One of 64 bits per value, by Fibonacci hashing."""
    with np.errstate(over="ignore"):
        return np.left_shift(np.uint64(1), (values.astype(np.uint64) * _GOLDEN) >> np.uint64(58))


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
    indptr = S.indptr.astype(np.int64, copy=False)
    indices = S.indices.astype(np.int64, copy=False)
    deg = np.diff(indptr)
    order = np.lexsort((np.arange(n), deg))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)
    rows = np.repeat(np.arange(n, dtype=np.int64), deg)
    up = rank[rows] < rank[indices]
    lpos = np.flatnonzero(up)  # positions in S of the oriented edges, sorted by (row, col)
    lrow = rows[up]
    lcol = indices[up]
    if lpos.size == 0:
        return
    outdeg = np.bincount(lrow, minlength=n)
    lptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(outdeg, out=lptr[1:])
    ktype = np.int32 if n * n < np.iinfo(np.int32).max else np.int64
    keys = (lrow * n + lcol).astype(ktype)  # sorted: rows ascending, columns sorted within a row
    # 64-bit Bloom signature of each out-list: most open wedges fail this cheap
    # test and never reach the binary search
    bit = _bloom_bit(lcol)
    bloom = np.zeros(n, dtype=np.uint64)
    nonempty = outdeg > 0
    bloom[nonempty] = np.bitwise_or.reduceat(bit, lptr[:-1][nonempty])
    per_edge = outdeg[lcol]  # wedges x -> y -> z opened by edge (x, y)
    cum = np.cumsum(per_edge)
    start = 0
    n_edges = lpos.size
    while start < n_edges:
        base = int(cum[start - 1]) if start else 0
        stop = int(np.searchsorted(cum, base + _WEDGE_CHUNK, side="right"))
        stop = max(stop, start + 1)
        cnt = per_edge[start:stop]
        total = int(cum[stop - 1]) - base
        if total:
            first = cum[start:stop] - cnt - base  # first wedge of each edge within the chunk
            # wedge w of edge e: z = lcol[lptr[lcol[e]] + (w - first[e])]
            e2 = np.arange(total, dtype=np.int64) + np.repeat(lptr[lcol[start:stop]] - first, cnt)
            z = lcol[e2]
            maybe = np.flatnonzero(np.repeat(bloom[lrow[start:stop]], cnt) & _bloom_bit(z))
            wanted = np.repeat(lrow[start:stop] * n, cnt)[maybe].astype(ktype) + z[maybe].astype(ktype)
            pos = np.searchsorted(keys, wanted)
            np.minimum(pos, n_edges - 1, out=pos)
            found = keys[pos] == wanted
            hit, pos = maybe[found], pos[found]
            if hit.size:
                e1 = start + np.searchsorted(cum[start:stop] - base, hit, side="right")
                e2, e3 = e2[hit], pos
                yield lrow[e1], lcol[e1], lcol[e2], lpos[e1], lpos[e2], lpos[e3]
        start = stop
