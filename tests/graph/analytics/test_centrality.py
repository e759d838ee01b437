"""Tests for graph.analytics.centrality.

Expected values: networkx (``degree_centrality``, ``pagerank``,
``betweenness_centrality``), hand computation on paths and stars, and the
Hoeffding sample-size formula evaluated by hand.
"""

from __future__ import annotations

import importlib.util
import math

import networkx as nx
import pytest

from graph.analytics.centrality import betweenness, betweenness_sample_size, degree, pagerank


def _graphs() -> dict[str, nx.Graph]:
    graphs: dict[str, nx.Graph] = {
        "karate": nx.karate_club_graph(),
        "gnp_directed": nx.gnp_random_graph(120, 0.04, seed=3, directed=True),
        "scale_free": nx.DiGraph(nx.scale_free_graph(300, seed=4)),
        "disconnected": nx.disjoint_union(nx.path_graph(5), nx.cycle_graph(6)),
    }
    for G in graphs.values():
        G.remove_edges_from(list(nx.selfloop_edges(G)))
    return graphs


GRAPHS = _graphs()
HAS_IGRAPH = importlib.util.find_spec("igraph") is not None
BACKENDS = [
    "numba",
    "numpy",
    pytest.param("igraph", marks=pytest.mark.skipif(not HAS_IGRAPH, reason="igraph")),
]


@pytest.mark.parametrize("name", list(GRAPHS))
def test_degree_matches_networkx(name: str) -> None:
    # Origin: networkx degree_centrality / in_ / out_degree_centrality.
    G = GRAPHS[name]
    assert degree(G) == pytest.approx(nx.degree_centrality(G))
    if G.is_directed():
        assert degree(G, direction="in") == pytest.approx(nx.in_degree_centrality(G))
        assert degree(G, direction="out") == pytest.approx(nx.out_degree_centrality(G))


def test_degree_weighted_and_errors() -> None:
    # Origin: hand computation (strength = sum of weights).
    G = nx.Graph()
    G.add_edge("a", "b", w=2.5)
    G.add_edge("a", "c", w=1.5)
    assert degree(G, weight="w", normalized=False) == {"a": 4.0, "b": 2.5, "c": 1.5}
    with pytest.raises(nx.NetworkXNotImplemented):
        degree(G, direction="in")
    with pytest.raises(ValueError, match="direction"):
        degree(nx.DiGraph(G), direction="sideways")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", list(GRAPHS))
def test_pagerank_matches_networkx(name: str) -> None:
    # Origin: networkx pagerank (same stopping rule, so equal to round-off).
    G = GRAPHS[name]
    assert pagerank(G) == pytest.approx(nx.pagerank(G), abs=1e-12)
    pers = {v: (i % 3) + 1 for i, v in enumerate(G)}
    assert pagerank(G, 0.7, personalization=pers) == pytest.approx(
        nx.pagerank(G, 0.7, personalization=pers), abs=1e-12
    )


def test_pagerank_weighted_multigraph_and_loops() -> None:
    # Origin: networkx pagerank (parallel edges add weights; self-loops kept).
    M = nx.MultiDiGraph([(0, 1), (0, 1), (1, 2), (2, 0), (2, 2), (3, 0)])
    for u, v, k in M.edges(keys=True):
        M[u][v][k]["weight"] = 1 + u + k
    assert pagerank(M) == pytest.approx(nx.pagerank(M), abs=1e-12)
    assert pagerank(M, weight=None) == pytest.approx(nx.pagerank(M, weight=None), abs=1e-12)
    dangling = {0: 1, 1: 0, 2: 0, 3: 3}
    assert pagerank(M, dangling=dangling) == pytest.approx(nx.pagerank(M, dangling=dangling), abs=1e-12)
    assert pagerank(nx.Graph()) == {}
    with pytest.raises(nx.PowerIterationFailedConvergence):
        pagerank(nx.cycle_graph(5, create_using=nx.DiGraph), max_iter=1, nstart={0: 1})


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", list(GRAPHS))
def test_exact_betweenness_matches_networkx(name: str, backend: str) -> None:
    # Origin: networkx betweenness_centrality (Brandes), normalised and raw.
    G = GRAPHS[name]
    res = betweenness(G, backend=backend)  # type: ignore[arg-type]
    assert res.exact and res.epsilon == 0.0 and res.samples == len(G)
    assert res.values == pytest.approx(nx.betweenness_centrality(G), abs=1e-12)
    raw = betweenness(G, normalized=False, batch_size=7, backend=backend)  # type: ignore[arg-type]
    assert raw.values == pytest.approx(nx.betweenness_centrality(G, normalized=False), abs=1e-9)


def test_betweenness_by_hand() -> None:
    # Origin: hand computation. Path 0-1-2-3: node 1 lies on (0,2) and (0,3),
    # 2 of the 3 pairs not involving it; star centre lies on all C(4,2) = 6 pairs.
    assert betweenness(nx.path_graph(4)).values == pytest.approx({0: 0, 1: 2 / 3, 2: 2 / 3, 3: 0})
    star = betweenness(nx.star_graph(4), normalized=False).values
    assert star[0] == 6 and star[1] == 0
    # Two shortest paths 0->1->3 and 0->2->3: nodes 1 and 2 get 1/2 each.
    D = nx.DiGraph([(0, 1), (0, 2), (1, 3), (2, 3)])
    assert betweenness(D, normalized=False).values == {0: 0.0, 1: 0.5, 2: 0.5, 3: 0.0}
    assert betweenness(nx.Graph([(0, 1)])).values == {0: 0.0, 1: 0.0}
    # Origin: networkx; parallel edges do not add shortest paths there either.
    M = nx.MultiGraph([(0, 1), (0, 1), (1, 2), (0, 3), (3, 2), (2, 2)])
    assert betweenness(M).values == pytest.approx(nx.betweenness_centrality(M))


def test_sample_size_formula() -> None:
    # Origin: hand evaluation of k = R^2 ln(2n/delta) / (2 eps^2), R = n/(n-1).
    n, eps, delta = 1000, 0.1, 0.05
    expected = math.ceil((n / (n - 1)) ** 2 * math.log(2 * n / delta) / (2 * eps**2))
    assert betweenness_sample_size(n, eps, delta) == expected == 531


@pytest.mark.parametrize("backend", BACKENDS)
def test_sampled_betweenness_within_bound(backend: str) -> None:
    # Origin: networkx exact betweenness compared with the sampled estimate; the
    # reported Hoeffding epsilon must hold (it is a worst-case bound).
    G = nx.connected_watts_strogatz_graph(600, 6, 0.1, seed=5)
    exact = nx.betweenness_centrality(G)
    kw = {"exact_threshold": 100, "epsilon": 0.1, "delta": 0.1, "seed": 3, "backend": backend}
    res = betweenness(G, **kw)  # type: ignore[arg-type]
    assert not res.exact
    assert res.samples == betweenness_sample_size(600, 0.1, 0.1)
    assert res.epsilon <= 0.1 and res.delta == 0.1
    assert max(abs(res.values[v] - exact[v]) for v in G) <= res.epsilon
    # Same estimator as networkx's k= sampling over the same sources: unbiased
    # scaling n/k; the estimate of the total is close to the exact total.
    assert sum(res.values.values()) == pytest.approx(sum(exact.values()), rel=0.05)
    again = betweenness(G, **kw)  # type: ignore[arg-type]
    assert again.values == res.values  # deterministic with a seed


@pytest.mark.skipif(not HAS_IGRAPH, reason="igraph")
@pytest.mark.parametrize("directed", [False, True])
def test_sampled_backends_agree(directed: bool) -> None:
    # Origin: the backends sum the same sources' dependencies (in another order).
    G = nx.gnp_random_graph(300, 0.03, seed=9, directed=directed)
    a = betweenness(G, exact_threshold=10, samples=40, seed=2, backend="numpy")
    b = betweenness(G, exact_threshold=10, samples=40, seed=2, backend="igraph")
    c = betweenness(G, exact_threshold=10, samples=40, seed=2, backend="numba")
    assert a.values == pytest.approx(b.values, abs=1e-12)
    assert c.values == pytest.approx(b.values, abs=1e-12)
    assert betweenness(G, exact_threshold=10, samples=40, seed=2).values == c.values  # auto is numba
    assert a.epsilon == b.epsilon == c.epsilon
    with pytest.raises(ValueError, match="backend"):
        betweenness(G, backend="gpu")  # type: ignore[arg-type]


def test_sampled_unnormalised_bound_units() -> None:
    # Origin: the bound in raw units is the normalised bound times (n-1)(n-2)/2 (undirected).
    G = nx.path_graph(40)
    res = betweenness(G, normalized=False, exact_threshold=10, samples=20, seed=0, backend="numpy")
    norm = betweenness(G, exact_threshold=10, samples=20, seed=0, backend="numpy")
    assert res.epsilon == pytest.approx(norm.epsilon * 39 * 38 / 2)
    assert res.samples == 20
    assert betweenness(G, exact_threshold=10, samples=500).exact  # samples >= n: exact
