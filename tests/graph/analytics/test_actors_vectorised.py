"""The vectorised actor network is the one built tie by tie (`_actors_reference`): same
nodes and attributes, same edge and neighbour order, weights equal to the bit, same types
and counts of what the star rule left out."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph.analytics.actors import actor_network
from graph.analytics.population import select
from ontology.vocab import NodeLabel, RelType
from tests.graph.analytics._actors_reference import actor_network_reference


def _shape(A: nx.DiGraph) -> tuple[object, ...]:
    return (
        list(A.nodes(data=True)),
        [
            (u, [(v, d["weight"], type(d["weight"]), d["types"]) for v, d in nbrs.items()])
            for u, nbrs in A._succ.items()
        ],
        [(v, list(nbrs)) for v, nbrs in A._pred.items()],
        A.graph,
    )


def _random_graph(seed: int) -> nx.MultiDiGraph:
    """Actors, countries, national centres, projects, agreements and events, tied at random."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    countries = [f"Country:{c}" for c in ("CN", "TH", "VN", "KE")]
    for c in countries:
        G.add_node(
            c,
            labels=("Country",),
            label="Country",
            key=c[-2:],
            props={"region": f"R{c[-1]}", "incomeGroup": "x"},
        )
    actors = []
    for i in range(80):
        labels: tuple[str, ...]
        if i % 10 == 0:
            labels = (NodeLabel.NATIONAL_TRANSFER_CENTRE, NodeLabel.INSTITUTION)
        elif i % 3 == 0:
            labels = (NodeLabel.EXPERT,)
        else:
            labels = (NodeLabel.INSTITUTION,)
        n = f"{'Expert' if labels == (NodeLabel.EXPERT,) else 'Institution'}:{rng.randrange(10**6)}-{i}"
        G.add_node(n, labels=labels, label=labels[0], key=n.split(":")[1], props={})
        actors.append(n)
    groups = []
    for i in range(30):
        label = rng.choice([NodeLabel.EVENT, NodeLabel.AGREEMENT, NodeLabel.PROJECT])
        g = f"{label}:{i}"
        G.add_node(g, labels=(label,), label=label, key=str(i), props={})
        groups.append((g, label))
    for a in actors:
        for _ in range(rng.randrange(3)):
            G.add_edge(a, rng.choice(countries), type=rng.choice([RelType.LOCATED_IN, RelType.HOSTED_IN]))
        if rng.random() < 0.3:
            G.add_edge(a, rng.choice(actors), type=RelType.PARENT_CENTRE)
        for _ in range(rng.randrange(4)):
            G.add_edge(
                a, rng.choice(actors), type=rng.choice(["OPERATED_BY", "AFFILIATED_WITH", "PARTNER_OF"])
            )
    for g, label in groups:
        size = rng.choice([1, 2, 3, 5, 8, 12, 25])
        for a in rng.sample(actors, size) + rng.sample(actors, 2):  # a few members twice
            if label == NodeLabel.PROJECT:
                G.add_edge(a, g, type=RelType.TAKES_PART_IN)
            else:
                t = rng.choice(
                    [RelType.PARTICIPATES_IN, RelType.PARTY_TO, RelType.ORGANISES, RelType.ORGANISES]
                )
                G.add_edge(a, g, type=t)
    return G


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("max_group", [0, 3, 10])
def test_vectorised_actor_network_equals_the_tie_by_tie_build(seed: int, max_group: int) -> None:
    G = _random_graph(seed)
    assert _shape(actor_network(G, max_group=max_group)) == _shape(actor_network_reference(G, max_group))


def test_vectorised_actor_network_on_the_bundled_dataset(bundle_graph: nx.MultiDiGraph) -> None:
    for synthetic in (False, True):
        G, _ = select(bundle_graph, synthetic=synthetic)
        assert _shape(actor_network(G)) == _shape(actor_network_reference(G, 10))


def test_empty_graph() -> None:
    A = actor_network(nx.MultiDiGraph())
    assert A.number_of_nodes() == 0 and A.graph["left_out"] == {"groups": 0, "ties": 0, "star_groups": 0}


@pytest.mark.parametrize("seed", range(3))
def test_kept_arrays_are_those_read_from_the_graph(seed: int) -> None:
    from graph.analytics._sparse import adjacency

    A = actor_network(_random_graph(seed), max_group=3)
    R = actor_network_reference(_random_graph(seed), 3)
    for weight in (None, "weight"):
        for kwargs in ({}, {"count_parallel": False}, {"keep_loops": True}):
            kept, read = adjacency(A, weight, **kwargs), adjacency(R, weight, **kwargs)
            assert kept.nodes == read.nodes and kept.directed == read.directed
            for name in ("indptr", "indices", "data"):
                assert getattr(kept, name).tolist() == getattr(read, name).tolist()


def test_degree_from_the_kept_arrays() -> None:
    from graph.analytics.centrality import degree

    A = actor_network(_random_graph(1), max_group=3)
    R = actor_network_reference(_random_graph(1), 3)  # read from its dicts
    for direction in ("all", "in", "out"):
        for normalized in (True, False):
            got = degree(A, direction=direction, normalized=normalized)  # type: ignore[arg-type]
            assert got == degree(R, direction=direction, normalized=normalized)  # type: ignore[arg-type]
            assert list(got) == list(R)
