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
