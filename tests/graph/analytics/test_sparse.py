"""Tests for the private helpers in graph.analytics._sparse.

Expected values: networkx (``triangles``, ``to_scipy_sparse_array``) and hand
computation.
"""

from __future__ import annotations

import gc
import itertools

import networkx as nx
import numpy as np
import pytest

from graph.analytics import _sparse


@pytest.mark.parametrize("seed", range(3))
def test_triangles_match_networkx(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # Origin: networkx.triangles; a tiny chunk size exercises the chunked loop.
    monkeypatch.setattr(_sparse, "_WEDGE_CHUNK", 7)
    G = nx.gnp_random_graph(60, 0.15, seed=seed)
    adj = _sparse.adjacency(G)
    S = _sparse.symmetrize(adj.csr())
    found = set()
    for x, y, z, pxy, pyz, pxz in _sparse.triangles(S):
        for a, b, c, p1, p2, p3 in zip(x, y, z, pxy, pyz, pxz, strict=True):
            tri = frozenset((adj.nodes[a], adj.nodes[b], adj.nodes[c]))
            assert tri not in found  # each triangle exactly once
            found.add(tri)
            # the positions point at the stored entries (x, y), (y, z), (x, z)
            assert S.indices[p1] == b and S.indices[p2] == c and S.indices[p3] == c
            assert S.indptr[a] <= p1 < S.indptr[a + 1] and S.indptr[a] <= p3 < S.indptr[a + 1]
    expected = {
        frozenset(t)
        for t in itertools.combinations(G, 3)
        if all(G.has_edge(u, v) for u, v in itertools.combinations(t, 2))
    }
    assert found == expected
    assert len(found) == sum(nx.triangles(G).values()) // 3


def test_adjacency_matches_networkx_matrix() -> None:
    # Origin: networkx.to_scipy_sparse_array (sums parallel edges); loops dropped by default.
    M = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "c"), ("c", "c")])
    M["a"]["b"][0]["w"] = 2.5
    adj = _sparse.adjacency(M, "w")
    ref = nx.to_scipy_sparse_array(M, nodelist=adj.nodes, weight="w")
    ref.setdiag(0)
    assert np.allclose(adj.csr().toarray(), ref.toarray())
    assert adj.csr()[0, 1] == 3.5
    assert _sparse.adjacency(M, "w", count_parallel=False).data.tolist() == [3.5, 1.0]
    assert _sparse.adjacency(M, None, count_parallel=False).data.tolist() == [1.0, 1.0]
    assert _sparse.adjacency(M, None, keep_loops=True).m == 3


def test_reverse_positions_and_symmetrize() -> None:
    # Origin: hand computation. 0 -> 1 one way, 1 <-> 2 both ways.
    adj = _sparse.adjacency(nx.DiGraph([(0, 1), (1, 2), (2, 1)]))
    S = _sparse.symmetrize(adj.csr())
    assert S.toarray().tolist() == [[0, 1, 0], [2, 0, 3], [0, 3, 0]]
    rev = _sparse.reverse_positions(S)
    rows = np.repeat(np.arange(3), np.diff(S.indptr))
    assert all(rows[rev[p]] == S.indices[p] and S.indices[rev[p]] == rows[p] for p in range(S.nnz))


def test_gc_paused_restores_state() -> None:
    assert gc.isenabled()
    with _sparse.gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with _sparse.gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("order", [[0, 1, 2, 3], [2, 0, 3, 1], [0, 1, 2, "x"], [np.int64(0), 1, 2, 3]])
def test_adjacency_node_positions(order: list[object]) -> None:
    # Origin: networkx.to_scipy_sparse_array with the same node order.
    G = nx.DiGraph()
    G.add_nodes_from(order)
    G.add_edges_from([(order[0], order[1]), (order[1], order[3]), (order[3], order[2])])
    adj = _sparse.adjacency(G)
    assert adj.nodes == list(G)
    ref = nx.to_scipy_sparse_array(G, nodelist=adj.nodes)
    assert (adj.csr().toarray() == ref.toarray()).all()
