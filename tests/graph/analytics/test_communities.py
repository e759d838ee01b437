"""Tests for graph.analytics.communities.

Expected values: networkx ``community.modularity`` (same definition), the
known maximum modularity of Zachary's karate club (0.4198, Brandes et al. 2008,
"On Modularity Clustering", IEEE TKDE 20(2)), planted partitions that any
modularity method recovers (ring of cliques), and hand computation.
"""

from __future__ import annotations

import importlib.util
import math

import networkx as nx
import pytest

from graph.analytics.communities import CommunityResult, community_bridges, detect_communities, modularity

HAS_IGRAPH = importlib.util.find_spec("igraph") is not None
BACKENDS = [pytest.param("igraph", marks=pytest.mark.skipif(not HAS_IGRAPH, reason="igraph")), "networkx"]


def _projection(G: nx.Graph, weight: str | None) -> nx.Graph:
    H = nx.Graph()
    H.add_nodes_from(G)
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        w = d.get(weight, 1) if weight else 1
        if H.has_edge(u, v):
            H[u][v]["w"] += w
        else:
            H.add_edge(u, v, w=w)
    return H


def test_modularity_matches_networkx() -> None:
    # Origin: networkx community.modularity.
    G = nx.karate_club_graph()
    parts = nx.community.label_propagation_communities(G)
    for weight in (None, "weight"):
        for gamma in (0.5, 1.0, 2.0):
            ref = nx.community.modularity(G, parts, weight=weight or "none", resolution=gamma)
            assert modularity(G, parts, weight=weight, resolution=gamma) == pytest.approx(ref, abs=1e-12)
    # directed graph: modularity of the undirected projection w(u,v) + w(v,u)
    D = nx.gnp_random_graph(60, 0.08, seed=2, directed=True)
    membership = {v: v % 4 for v in D}
    blocks = [{v for v in D if v % 4 == c} for c in range(4)]
    ref = nx.community.modularity(_projection(D, None), blocks, weight="w")
    assert modularity(D, membership) == pytest.approx(ref, abs=1e-12)
    assert math.isnan(modularity(nx.empty_graph(3), [{0, 1, 2}]))


def test_modularity_by_hand() -> None:
    # Origin: hand computation. Barbell of two triangles joined by one edge, m = 7:
    # each side has 3 internal edges and degree sum 7: Q = 2 * (3/7 - (7/14)^2) = 5/14.
    G = nx.barbell_graph(3, 0)
    assert modularity(G, [{0, 1, 2}, {3, 4, 5}]) == pytest.approx(5 / 14, abs=1e-15)
    assert modularity(G, {v: "all" for v in G}) == pytest.approx(0.0, abs=1e-15)


def test_modularity_rejects_bad_partitions() -> None:
    G = nx.path_graph(3)
    with pytest.raises(nx.NetworkXError, match="no community"):
        modularity(G, [{0, 1}])
    with pytest.raises(nx.NetworkXError, match="more than one"):
        modularity(G, [{0, 1}, {1, 2}])


@pytest.mark.parametrize("backend", BACKENDS)
def test_ring_of_cliques_recovered(backend: str) -> None:
    # Origin: planted partition; 8 cliques of 6 joined in a ring are the optimum.
    G = nx.ring_of_cliques(8, 6)
    res = detect_communities(G, backend=backend, seed=3)  # type: ignore[arg-type]
    assert sorted(sorted(c) for c in res.communities) == [list(range(6 * i, 6 * i + 6)) for i in range(8)]
    assert res.backend == backend
    assert res.modularity == pytest.approx(nx.community.modularity(G, res.communities), abs=1e-12)
    assert set(res.membership) == set(G)
    assert [len(c) for c in res.communities] == sorted((len(c) for c in res.communities), reverse=True)


@pytest.mark.parametrize("backend", BACKENDS)
def test_karate_near_optimum_and_deterministic(backend: str) -> None:
    # Origin: maximum modularity of the karate club is 0.4198 (Brandes et al. 2008).
    G = nx.karate_club_graph()
    res = detect_communities(G, weight=None, backend=backend, seed=7)  # type: ignore[arg-type]
    assert 0.40 <= res.modularity <= 0.4198 + 1e-4
    again = detect_communities(G, weight=None, backend=backend, seed=7)  # type: ignore[arg-type]
    assert again.membership == res.membership


@pytest.mark.skipif(not HAS_IGRAPH, reason="igraph")
def test_louvain_method_and_directed_input() -> None:
    # Origin: networkx modularity of the projection, for the partition returned.
    D = nx.DiGraph(nx.scale_free_graph(400, seed=11))
    res = detect_communities(D, method="louvain", weight=None, seed=0)
    assert res.method == "louvain"
    H = _projection(D, None)
    assert res.modularity == pytest.approx(nx.community.modularity(H, res.communities, weight="w"), abs=1e-12)


def test_invalid_arguments_and_empty() -> None:
    with pytest.raises(ValueError, match="backend"):
        detect_communities(nx.path_graph(3), backend="gephi")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="method"):
        detect_communities(nx.path_graph(3), method="infomap")  # type: ignore[arg-type]
    empty = detect_communities(nx.Graph())
    assert empty.membership == {} and math.isnan(empty.modularity)


def test_community_bridges_by_hand() -> None:
    # Origin: hand computation on the barbell of two triangles.
    G = nx.barbell_graph(3, 0)
    res = community_bridges(G, {0: "x", 1: "x", 2: "x", 3: "y", 4: "y", 5: "y"})
    assert res["edges"] == [(2, 3)]
    assert set(res["nodes"]) == {2, 3}
    # node 3: neighbours 2 (x), 4 and 5 (y): P = 1 - ((1/3)^2 + (2/3)^2) = 4/9
    assert res["nodes"][3] == {
        "community": "y",
        "external_ties": 1,
        "communities_reached": 1,
        "participation": pytest.approx(4 / 9),
    }


def test_community_bridges_directed_weighted() -> None:
    # Origin: hand computation. Hub h in A has ties to B (weight 3, both directions:
    # strength 6) and to C (weight 1) and inside A to a (weight 2).
    D = nx.DiGraph()
    D.add_edge("h", "b", w=3)
    D.add_edge("b", "h", w=3)
    D.add_edge("h", "c", w=1)
    D.add_edge("a", "h", w=2)
    parts = [{"h", "a"}, {"b"}, {"c"}]
    res = community_bridges(D, parts, weight="w")
    assert sorted(res["edges"]) == [("b", "h"), ("h", "b"), ("h", "c")]
    h = res["nodes"]["h"]
    assert h["community"] == 0 and h["external_ties"] == 2 and h["communities_reached"] == 2
    assert h["participation"] == pytest.approx(1 - (6**2 + 1**2 + 2**2) / 9**2)
    assert "a" not in res["nodes"]
    # a CommunityResult is accepted too
    cr = CommunityResult({"h": 0, "a": 0, "b": 1, "c": 2}, [], 0.0, "leiden", "igraph")
    assert community_bridges(D, cr)["edges"] == res["edges"]
