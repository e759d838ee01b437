"""The actor network: relationship ties, co-affiliation cliques and stars, partitions."""

from __future__ import annotations

import networkx as nx

from graph.analytics.actors import actor_network
from ontology.vocab import NodeLabel, RelType


def _graph(participants: int, organisers: int) -> nx.MultiDiGraph:
    """One event with `organisers` organising institutions and `participants` other participants."""
    G = nx.MultiDiGraph()
    G.add_node("Event:f", labels=[NodeLabel.EVENT], key="f", props={})
    for i in range(organisers):
        G.add_node(f"Institution:o{i}", labels=[NodeLabel.INSTITUTION], key=f"o{i}", props={})
        G.add_edge(f"Institution:o{i}", "Event:f", type=RelType.ORGANISES)
    for i in range(participants):
        G.add_node(f"Expert:p{i}", labels=[NodeLabel.EXPERT], key=f"p{i}", props={})
        G.add_edge(f"Expert:p{i}", "Event:f", type=RelType.PARTICIPATES_IN)
    return G


def test_small_group_is_a_clique() -> None:
    # 1 organiser + 3 participants = 4 actors <= max_group: 4·3 = 12 directed ties (hand count)
    A = actor_network(_graph(3, 1), max_group=4)
    assert A.number_of_edges() == 12
    assert A.has_edge("Expert:p0", "Expert:p1") and A.has_edge("Expert:p1", "Expert:p0")


def test_large_group_is_a_star_around_its_organisers() -> None:
    # 2 organisers + 6 participants = 8 actors > max_group 4: organiser pairs (1) plus
    # organiser-participant pairs (2·6 = 12) = 13 pairs, both directions = 26 ties; no
    # participant-participant tie.
    A = actor_network(_graph(6, 2), max_group=4)
    assert A.number_of_edges() == 26
    assert not A.has_edge("Expert:p0", "Expert:p1")
    assert A.has_edge("Institution:o0", "Expert:p5") and A.has_edge("Expert:p5", "Institution:o1")
    assert A["Institution:o0"]["Expert:p5"]["types"] == ["CO_AFFILIATION"]


def test_large_group_without_organisers_adds_no_ties() -> None:
    A = actor_network(_graph(6, 0), max_group=4)
    assert A.number_of_nodes() == 6
    assert A.number_of_edges() == 0


def test_star_ties_grow_linearly_with_the_group() -> None:
    # a clique of 1,001 actors would have 1,001·1,000 = 1,001,000 ties; the star has 2·1,000
    A = actor_network(_graph(1000, 1), max_group=10)
    assert A.number_of_edges() == 2000


def test_large_group_counts_what_the_star_leaves_out() -> None:
    # 2 organisers + 6 participants = 8 members > 4: C(8,2) = 28 member pairs, 13 tied
    # (previous test), so 15 left out; with no organiser all C(6,2) = 15 pairs are left out.
    A = actor_network(_graph(6, 2), max_group=4)
    assert A.graph["left_out"] == {"groups": 0, "ties": 15, "star_groups": 1}
    bare = actor_network(_graph(6, 0), max_group=4)
    assert bare.number_of_edges() == 0
    assert bare.graph["left_out"] == {"groups": 1, "ties": 15, "star_groups": 0}
    assert actor_network(_graph(3, 1), max_group=4).graph["left_out"] == {
        "groups": 0,
        "ties": 0,
        "star_groups": 0,
    }


def _projects(sizes: dict[str, list[str]]) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for project, members in sizes.items():
        G.add_node(f"Project:{project}", labels=[NodeLabel.PROJECT], key=project, props={})
        for m in members:
            G.add_node(f"Institution:{m}", labels=[NodeLabel.INSTITUTION], key=m, props={})
            G.add_edge(f"Institution:{m}", f"Project:{project}", type=RelType.TAKES_PART_IN)
    return G


def test_projects_tie_all_participants_with_newman_weights() -> None:
    # p has 4 participants (1/3 per pair), q has a and b (1/1), r has a alone (no tie).
    # By hand: a-b 1/3 + 1 = 4/3; every other pair of p: 1/3.
    G = _projects({"p": ["a", "b", "c", "d"], "q": ["a", "b"], "r": ["a"]})
    A = actor_network(G, max_group=2)  # max_group does not apply to projects
    assert A.graph["project_weighting"] == "newman"
    assert A.graph["left_out"] == {"groups": 0, "ties": 0, "star_groups": 0}
    assert A.number_of_edges() == 12  # C(4,2) = 6 pairs, both directions
    assert abs(A["Institution:a"]["Institution:b"]["weight"] - 4 / 3) < 1e-12
    assert abs(A["Institution:b"]["Institution:a"]["weight"] - 4 / 3) < 1e-12
    assert abs(A["Institution:c"]["Institution:d"]["weight"] - 1 / 3) < 1e-12
    assert A["Institution:c"]["Institution:d"]["types"] == ["CO_PARTICIPATION"]


def test_newman_weights_match_networkx() -> None:
    # networkx's collaboration_weighted_projected_graph implements Newman (2001): sum of 1/(deg(p)-1)
    import random

    rng = random.Random(7)
    orgs = [f"o{i}" for i in range(40)]
    G = _projects({f"p{k}": rng.sample(orgs, rng.randint(1, 45 if k == 0 else 8)) for k in range(30)})
    A = actor_network(G)
    B = nx.Graph()
    B.add_nodes_from((n for n in G if n.startswith("Project:")), bipartite=0)
    B.add_edges_from((u, v) for u, v in G.edges())
    actors = [n for n in G if n.startswith("Institution:")]
    expected = nx.bipartite.collaboration_weighted_projected_graph(B, actors)
    assert A.number_of_edges() == 2 * expected.number_of_edges()
    for u, v, w in expected.edges(data="weight"):
        assert abs(A[u][v]["weight"] - w) < 1e-9 and abs(A[v][u]["weight"] - w) < 1e-9


def test_project_ties_add_to_relationship_ties() -> None:
    G = _projects({"p": ["a", "b", "c"]})
    G.add_edge("Institution:a", "Institution:b", type=RelType.OPERATED_BY)
    A = actor_network(G)
    # one OPERATED_BY tie (1) plus the project's 1/(3-1)
    assert A["Institution:a"]["Institution:b"]["weight"] == 1.5
    assert A["Institution:a"]["Institution:b"]["types"] == ["CO_PARTICIPATION", "OPERATED_BY"]
    assert A["Institution:b"]["Institution:a"]["weight"] == 0.5


def test_a_project_pair_also_in_an_agreement_keeps_both_tie_types() -> None:
    G = _projects({"p": ["a", "b"]})
    G.add_node("Agreement:m", labels=[NodeLabel.AGREEMENT], key="m", props={})
    G.add_edge("Institution:a", "Agreement:m", type=RelType.PARTY_TO)
    G.add_edge("Institution:b", "Agreement:m", type=RelType.PARTY_TO)
    A = actor_network(G)
    # the project's 1/(2-1) plus one co-affiliation tie
    assert A["Institution:a"]["Institution:b"]["weight"] == 2.0
    assert A["Institution:b"]["Institution:a"]["types"] == ["CO_AFFILIATION", "CO_PARTICIPATION"]
