"""Tests for graph.analytics.brokerage.

Expected values come from three places, named on each test:

- R ``sna::brokerage`` (sna 2.7-1): fixtures in ``data/brokerage_sna.json`` written by
  ``data/make_reference.R`` (inputs and outputs side by side);
- hand computation on small graphs (the reasoning is in the comments);
- a brute-force enumeration of two-paths written independently in this file.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.analytics.brokerage import ROLES, brokerage_graph_scores, brokerage_scores, gould_fernandez

DATA = Path(__file__).parent / "data" / "brokerage_sna.json"
SNA = json.loads(DATA.read_text())
SNA_COLUMNS = ["w_I", "w_O", "b_IO", "b_OI", "b_O", "t"]


def _num(x: Any) -> float:
    return float(x.replace("Inf", "inf")) if isinstance(x, str) else float(x)


def _close(a: float, b: float) -> bool:
    if math.isnan(b):
        return math.isnan(a)
    if math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def _graph(case: dict[str, Any]) -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_nodes_from(range(case["n"]))
    G.add_edges_from(tuple(e) for e in case["edges"])
    return G


def _brute_force(G: nx.Graph, group: dict[Any, Any], partial: bool = False) -> dict[Any, Counter[str]]:
    """Enumerate every two-path a -> b -> c with a, b, c distinct and no a -> c."""
    D = G if G.is_directed() else G.to_directed()
    ties = {(u, v) for u, v in D.edges() if u != v}
    brokers: dict[tuple[Any, Any], list[Any]] = {}
    for b in D:
        for a in D.predecessors(b):
            for c in D.successors(b):
                if len({a, b, c}) == 3 and (a, c) not in ties:
                    brokers.setdefault((a, c), []).append(b)
    out: dict[Any, Counter[str]] = {v: Counter() for v in D}
    for (a, c), bs in brokers.items():
        for b in set(bs):
            ga, gb, gc = group[a], group[b], group[c]
            if ga == gb == gc:
                role = "coordinator"
            elif ga == gc:
                role = "itinerant"
            elif ga == gb:
                role = "representative"
            elif gb == gc:
                role = "gatekeeper"
            else:
                role = "liaison"
            credit = 1 / len(set(bs)) if partial else 1
            out[b][role] += credit
            out[b]["total"] += credit
    return out


@pytest.mark.parametrize("case", SNA["cases"], ids=[c["name"] for c in SNA["cases"]])
def test_counts_match_sna(case: dict[str, Any]) -> None:
    # Origin: R sna::brokerage raw.nli (data/make_reference.R).
    G = _graph(case)
    groups = dict(enumerate(case["groups"]))
    result = gould_fernandez(G, groups)
    for i, row in enumerate(case["raw_nli"]):
        assert [result[i][r] for r in ROLES] == row


@pytest.mark.parametrize("case", SNA["cases"], ids=[c["name"] for c in SNA["cases"]])
def test_scores_match_sna(case: dict[str, Any]) -> None:
    # Origin: R sna::brokerage exp.nli, sd.nli, z.nli, *.gli (data/make_reference.R).
    G = _graph(case)
    groups = dict(enumerate(case["groups"]))
    scores = brokerage_scores(G, groups)
    for i in range(case["n"]):
        for j, role in enumerate(ROLES):
            s = scores[i]
            assert s[role] == case["raw_nli"][i][j]
            assert _close(s[f"{role}_expected"], _num(case["exp_nli"][i][j]))
            assert _close(s[f"{role}_sd"], _num(case["sd_nli"][i][j]))
            assert _close(s[f"{role}_z"], _num(case["z_nli"][i][j]))
        assert len(scores[i]) == 24
    graph = brokerage_graph_scores(G, groups)
    for j, role in enumerate(ROLES):
        assert graph[role]["raw"] == _num(case["raw_gli"][j])
        assert _close(graph[role]["expected"], _num(case["exp_gli"][j]))
        assert _close(graph[role]["sd"], _num(case["sd_gli"][j]))
        assert _close(graph[role]["z"], _num(case["z_gli"][j]))


def test_fixture_columns_are_sna_order() -> None:
    assert SNA["columns"] == SNA_COLUMNS
    assert len(SNA["cases"]) >= 15


@pytest.mark.parametrize("case", [c for c in SNA["cases"] if "_graph_" in c["name"]], ids=lambda c: c["name"])
def test_undirected_graph_counts_both_directions(case: dict[str, Any]) -> None:
    # Origin: R sna::brokerage on the symmetric adjacency matrix (mode="graph" cases).
    G = nx.Graph(_graph(case))
    result = gould_fernandez(G, dict(enumerate(case["groups"])))
    for i, row in enumerate(case["raw_nli"]):
        assert [result[i][r] for r in ROLES] == row


def test_role_of_each_path_pattern_by_hand() -> None:
    # Origin: hand computation; one two-path 0 -> 1 -> 2, broker 1.
    G = nx.DiGraph([(0, 1), (1, 2)])
    patterns = {
        ("A", "A", "A"): "coordinator",
        ("A", "B", "A"): "itinerant",
        ("A", "A", "B"): "representative",
        ("A", "B", "B"): "gatekeeper",
        ("A", "B", "C"): "liaison",
    }
    for labels, role in patterns.items():
        res = gould_fernandez(G, dict(enumerate(labels)))
        assert res[1] == {r: int(r in (role, "total")) for r in ROLES}
        assert res[0]["total"] == res[2]["total"] == 0


def test_closed_and_reciprocated_by_hand() -> None:
    # Origin: hand computation. 0 -> 1 -> 2 closed by 0 -> 2: nobody brokers.
    G = nx.DiGraph([(0, 1), (1, 2), (0, 2)])
    assert all(v["total"] == 0 for v in gould_fernandez(G, dict.fromkeys(G, "A")).values())
    # 0 <-> 1 <-> 2: node 1 brokers (0, 2) and (2, 0), but never (0, 0).
    G = nx.DiGraph([(0, 1), (1, 0), (1, 2), (2, 1)])
    res = gould_fernandez(G, {0: "A", 1: "B", 2: "A"})
    assert res[1]["itinerant"] == 2 and res[1]["total"] == 2


def test_group_attribute_and_multigraph_and_loops() -> None:
    # Origin: hand computation. Parallel edges and self-loops do not change ties.
    M = nx.MultiDiGraph([("cn", "hub"), ("cn", "hub"), ("hub", "de"), ("hub", "hub")])
    nx.set_node_attributes(M, {"cn": "CN", "hub": "CN", "de": "DE"}, "country")
    res = gould_fernandez(M, "country")
    assert res["hub"]["representative"] == 1
    assert res["hub"]["total"] == 1
    U = nx.MultiGraph([("a", "b"), ("a", "b"), ("b", "c")])
    res = gould_fernandez(U, {"a": 1, "b": 2, "c": 3})
    assert res["b"]["liaison"] == 2  # a -> b -> c and c -> b -> a


def test_missing_group_raises() -> None:
    G = nx.DiGraph([(0, 1), (1, 2)])
    with pytest.raises(nx.NetworkXError, match="no group"):
        gould_fernandez(G, {0: "A", 1: "A"})
    with pytest.raises(nx.NetworkXError, match="node attribute 'country'"):
        gould_fernandez(G, "country")


@pytest.mark.parametrize("seed", range(4))
def test_counts_match_brute_force_on_random_graphs(seed: int) -> None:
    # Origin: brute-force enumeration in this file (independent of the vectorised code).
    G = nx.gnp_random_graph(40, 0.12, seed=seed, directed=True)
    G.add_edges_from((v, u) for u, v in list(G.edges())[::3])  # some reciprocated ties
    group = {v: v % (seed + 2) for v in G}
    expected = _brute_force(G, group)
    result = gould_fernandez(G, group)
    for v in G:
        assert result[v] == {r: expected[v][r] for r in ROLES}


@pytest.mark.parametrize("seed", range(4))
def test_partial_credit_matches_brute_force(seed: int) -> None:
    # Origin: brute-force enumeration in this file, credit 1/k per pair with k brokers.
    G = nx.gnp_random_graph(30, 0.15, seed=seed, directed=seed != 3)
    group = {v: v % 3 for v in G}
    expected = _brute_force(G, group, partial=True)
    result = gould_fernandez(G, group, partial_credit=True)
    for v in G:
        for r in ROLES:
            assert result[v][r] == pytest.approx(expected[v][r], abs=1e-12)
    # Every brokered ordered pair hands out exactly one unit of credit.
    n_pairs = sum(1 for _ in _brokered_pairs(G if G.is_directed() else G.to_directed()))
    assert sum(res["total"] for res in result.values()) == pytest.approx(n_pairs)


def _brokered_pairs(G: nx.DiGraph) -> set[tuple[int, int]]:
    return {
        (a, c)
        for b in G
        for a, c in itertools.product(G.predecessors(b), G.successors(b))
        if len({a, b, c}) == 3 and not G.has_edge(a, c)
    }


def test_partial_credit_hand_example() -> None:
    # Origin: hand computation. (cn1, de) has two brokers (hub and x), 1/2 each.
    G = nx.DiGraph([("cn1", "hub"), ("cn2", "hub"), ("hub", "de"), ("hub", "ke"), ("cn1", "x"), ("x", "de")])
    country = {"cn1": "CN", "cn2": "CN", "hub": "CN", "de": "DE", "ke": "KE", "x": "FR"}
    res = gould_fernandez(G, country, partial_credit=True)
    assert res["hub"]["representative"] == pytest.approx(3.5)
    assert res["x"]["liaison"] == pytest.approx(0.5)


def test_empty_and_edgeless_graphs() -> None:
    assert gould_fernandez(nx.DiGraph(), {}) == {}
    G = nx.empty_graph(3, create_using=nx.DiGraph)
    assert gould_fernandez(G, dict.fromkeys(G, "A"))[0]["total"] == 0


def test_no_actors_give_no_scores_not_an_error() -> None:
    # a population with no actor (every node synthetic and left out) used to fail with
    # "cannot reshape array of size 0"
    assert brokerage_scores(nx.DiGraph(), {}) == {}
