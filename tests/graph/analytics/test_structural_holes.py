"""Tests for graph.analytics.brokerage.structural_holes (Burt's measures).

Origins of expected values:

- networkx 3.x ``constraint`` and ``effective_size`` evaluated node by node
  (``nodes=list(G)``, the documented formulas). networkx's all-nodes sparse
  ``effective_size`` divides each column, not each row, by the row maximum, so it
  disagrees with its own per-node path on weighted or directed graphs; it is
  used here only on unweighted undirected graphs, where the two coincide;
- the UCINET/igraph values quoted in networkx's own tests;
- hand computation for hierarchy (networkx and igraph have none).
"""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from graph.analytics.brokerage import structural_holes


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-9


def _weighted(G: nx.Graph, seed: int) -> nx.Graph:
    rng = random.Random(seed)
    for u, v in G.edges():
        G[u][v]["w"] = rng.choice([0.5, 1, 2, 3, 7])
    return G


GRAPHS = {
    "karate": nx.karate_club_graph(),
    "gnp_undirected": nx.gnp_random_graph(50, 0.12, seed=1),
    "gnp_directed": nx.gnp_random_graph(50, 0.1, seed=2, directed=True),
    "scale_free_directed": nx.DiGraph(nx.scale_free_graph(80, seed=3)),
    "les_miserables": nx.les_miserables_graph(),
}
for _G in GRAPHS.values():
    _G.remove_edges_from(list(nx.selfloop_edges(_G)))
    _G.add_node("isolate")


def _mutual(G: nx.Graph, weight: str | None) -> nx.Graph:
    """Undirected graph whose edge weight is the mutual weight w(u, v) + w(v, u)."""
    H = nx.Graph()
    H.add_nodes_from(G)
    for u, v, d in G.edges(data=True):
        w = d.get(weight, 1) if weight else 1
        if H.has_edge(u, v):
            H[u][v]["mw"] += w
        else:
            H.add_edge(u, v, mw=w)
    return H


@pytest.mark.parametrize("name", list(GRAPHS))
@pytest.mark.parametrize("weight", [None, "w"])
def test_matches_networkx(name: str, weight: str | None) -> None:
    # Origin: networkx constraint (all-nodes path) and effective_size / constraint
    # evaluated node by node. networkx's per-node paths return nan for a directed
    # node with in-ties only (they test ``G[v]``, the successors), so directed
    # graphs are also checked on the undirected graph of mutual weights, where
    # every networkx path agrees.
    G = _weighted(GRAPHS[name].copy(), seed=len(name))
    res = structural_holes(G, weight=weight)
    nodes = list(G)
    con = nx.constraint(G, nodes=nodes, weight=weight)
    con_all = nx.constraint(G, weight=weight)
    esize = nx.effective_size(G, nodes=nodes, weight=weight)
    H = _mutual(G, weight)
    con_h = nx.constraint(H, nodes=nodes, weight="mw")
    esize_h = nx.effective_size(H, nodes=nodes, weight="mw")
    for v in G:
        contacts = len(set(nx.all_neighbors(G, v)))
        assert _same(res[v]["constraint"], con_all[v])
        assert _same(res[v]["constraint"], con_h[v])
        assert _same(res[v]["effective_size"], esize_h[v])
        if not G.is_directed() or G.out_degree(v):
            assert _same(res[v]["constraint"], con[v])
            assert _same(res[v]["effective_size"], esize[v])
        if contacts:
            assert res[v]["efficiency"] == pytest.approx(esize_h[v] / contacts, abs=1e-12)


@pytest.mark.parametrize("name", ["karate", "gnp_undirected", "les_miserables"])
def test_matches_networkx_sparse_effective_size_undirected(name: str) -> None:
    # Origin: networkx effective_size all-nodes (sparse) path, unweighted undirected.
    G = GRAPHS[name]
    res = structural_holes(G)
    esize = nx.effective_size(G)
    assert all(_same(res[v]["effective_size"], esize[v]) for v in G)
    # efficiency = effective size / degree for simple undirected graphs
    assert all(_same(res[v]["efficiency"], esize[v] / G.degree(v) if G.degree(v) else math.nan) for v in G)


def test_ucinet_values_from_networkx_tests() -> None:
    # Origin: UCINET/igraph values quoted in networkx's test_structuralholes.py.
    D = nx.DiGraph([(0, 1), (0, 2), (1, 0), (2, 1)])
    res = structural_holes(D)
    assert [round(res[v]["constraint"], 3) for v in D] == [1.003, 1.003, 1.389]
    assert [round(res[v]["effective_size"], 3) for v in D] == [1.167, 1.167, 1.0]
    nx.set_edge_attributes(D, {(0, 1): 2, (0, 2): 2, (1, 0): 1, (2, 1): 1}, "weight")
    res = structural_holes(D, weight="weight")
    assert [round(res[v]["constraint"], 3) for v in D] == [0.840, 1.143, 1.378]
    # Borgatti's example (Connections 20(1)), values as in networkx's tests
    G = nx.Graph(
        [("A", "B"), ("A", "F"), ("A", "G"), ("A", "E"), ("E", "G"),
         ("F", "G"), ("B", "G"), ("B", "D"), ("D", "G"), ("G", "C")]
    )  # fmt: skip
    res = structural_holes(G)
    assert res["G"]["effective_size"] == pytest.approx(4.67, abs=1e-2)
    assert res["A"]["effective_size"] == pytest.approx(2.50, abs=1e-2)
    assert res["C"]["effective_size"] == pytest.approx(1.0, abs=1e-12)
    assert res["G"]["constraint"] == pytest.approx(0.400, abs=1e-3)
    assert res["A"]["constraint"] == pytest.approx(0.595, abs=1e-3)
    assert res["C"]["constraint"] == pytest.approx(1.0, abs=1e-12)


def test_hierarchy_by_hand() -> None:
    # Origin: hand computation. b has contacts x1, x2 (tied to each other) and y.
    # p_b. = 1/3; c(b,x1) = c(b,x2) = (1/3 + 1/3 * 1/2)^2 = 1/4, c(b,y) = 1/9,
    # C = 11/18; r = c / (C/3): 27/22 (twice) and 6/11;
    # H = (2 * 27/22 ln 27/22 + 6/11 ln 6/11) / (3 ln 3) = 0.0522045454...
    G = nx.Graph([("b", "x1"), ("b", "x2"), ("x1", "x2"), ("b", "y")])
    res = structural_holes(G)
    r1, r2 = 27 / 22, 6 / 11
    expected = (2 * r1 * math.log(r1) + r2 * math.log(r2)) / (3 * math.log(3))
    assert res["b"]["hierarchy"] == pytest.approx(expected, rel=1e-12)
    assert res["b"]["hierarchy"] == pytest.approx(0.0522045454, abs=1e-10)
    assert res["b"]["constraint"] == pytest.approx(11 / 18, rel=1e-12)
    # x1: contacts b and x2, p = 1/2 each; p(x2,b) = 1/2, p(b,x2) = 1/3, so
    # c(x1,b) = (1/2 + 1/2 * 1/2)^2 and c(x1,x2) = (1/2 + 1/2 * 1/3)^2
    c_b, c_x2 = (1 / 2 + 1 / 4) ** 2, (1 / 2 + 1 / 6) ** 2
    C = c_b + c_x2
    rb, rx = c_b / (C / 2), c_x2 / (C / 2)
    assert res["x1"]["constraint"] == pytest.approx(C, rel=1e-12)
    assert res["x1"]["hierarchy"] == pytest.approx(
        (rb * math.log(rb) + rx * math.log(rx)) / (2 * math.log(2))
    )
    assert math.isnan(res["y"]["hierarchy"])  # one contact: 0/0


def test_hierarchy_zero_when_constraint_even_and_one_when_concentrated() -> None:
    # Origin: hand computation. A star's centre spreads constraint evenly: H = 0.
    res = structural_holes(nx.star_graph(5))
    assert res[0]["hierarchy"] == pytest.approx(0.0, abs=1e-15)
    assert res[0]["constraint"] == pytest.approx(5 * (1 / 5) ** 2)
    # Weighted: nearly all of ego's investment in one contact makes H approach 1.
    G = nx.Graph()
    G.add_edge("ego", "big", w=1e6)
    G.add_edge("ego", "small", w=1.0)
    assert structural_holes(G, weight="w")["ego"]["hierarchy"] == pytest.approx(1.0, abs=1e-4)


def test_isolates_multigraph_and_loops() -> None:
    # Origin: networkx conventions (nan for isolates; parallel edges add weights as
    # in nx.adjacency_matrix); self-loops are ignored.
    G = nx.MultiGraph([(0, 1), (0, 1), (1, 2)])
    G.add_edge(2, 2)
    G.add_node(9)
    res = structural_holes(G)
    assert all(math.isnan(x) for x in res[9].values())
    S = nx.Graph()
    S.add_edge(0, 1, weight=2)
    S.add_edge(1, 2, weight=1)
    expected = structural_holes(S, weight="weight")
    for v in S:
        for k in ("constraint", "effective_size"):
            assert res[v][k] == pytest.approx(expected[v][k])


def test_empty_graph() -> None:
    assert structural_holes(nx.Graph()) == {}
