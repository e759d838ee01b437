"""Coverage on the projection's arrays equals coverage on networkx's dicts
(`_coverage_reference`, the code as it was): same countries in the same order, same centres,
partners and counts, same gaps in the same order."""

from __future__ import annotations

import random

import networkx as nx

from graph.analytics.coverage import country_coverage, coverage_gaps
from graph.analytics.population import select
from ontology.vocab import NodeLabel, RelType
from tests.graph.analytics import _coverage_reference as reference


def _random_graph(seed: int) -> nx.MultiDiGraph:
    """Countries (two share a code), fields in a hierarchy, centres, institutions, demands,
    offers and nodes of several of these kinds at once, tied at random."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()

    def node(n: str, labels: tuple[str, ...], **props: object) -> str:
        G.add_node(n, labels=labels, key=n.split(":", 1)[1].split("#")[0], props=props)
        return n

    countries = [node(f"Country:{c}", ("Country",), briMember=rng.random() < 0.7) for c in "ABCDEFGHIJKLMNOP"]
    countries.append(node("Country:A#twin", ("Country",), briMember=False))
    fields = [node(f"Field:{i}", ("Field",)) for i in range(12)]
    for i, f in enumerate(fields[1:], start=1):
        G.add_edge(f, fields[rng.randrange(i)], type=RelType.BROADER)
    G.add_edge(fields[0], fields[5], type=RelType.BROADER)  # a cycle in the hierarchy
    kinds: list[tuple[str, ...]] = [
        (NodeLabel.INSTITUTION, NodeLabel.TRANSFER_CENTRE),
        (NodeLabel.INSTITUTION,),
        (NodeLabel.TECHNOLOGY_DEMAND,),
        (NodeLabel.TECHNOLOGY_OFFER,),
        (NodeLabel.TECHNOLOGY_DEMAND, NodeLabel.TECHNOLOGY_OFFER),
        (NodeLabel.INSTITUTION, NodeLabel.TECHNOLOGY_DEMAND),
        (NodeLabel.EXPERT,),
    ]
    others = [node(f"N:{i}", rng.choice(kinds)) for i in range(150)]
    for _ in range(700):
        u = rng.choice(others)
        kind = rng.random()
        if kind < 0.35:
            G.add_edge(u, rng.choice(countries), type=rng.choice([RelType.LOCATED_IN, RelType.HOSTED_IN]))
        elif kind < 0.75:
            G.add_edge(u, rng.choice(fields), type=rng.choice([RelType.IN_FIELD, RelType.COVERS_FIELD]))
        elif kind < 0.8:
            G.add_edge(u, rng.choice(others), type=rng.choice(["AFFILIATED_WITH", "PARTNER_OF"]))
        else:  # a relationship of a place type to something that is no country or field
            G.add_edge(u, rng.choice(others), type=rng.choice([RelType.LOCATED_IN, RelType.IN_FIELD]))
    return G


def _same(G: nx.MultiDiGraph) -> None:
    assert list(country_coverage(G).items()) == list(reference.country_coverage(G).items())
    for bri_only in (True, False):
        assert coverage_gaps(G, bri_only=bri_only) == reference.coverage_gaps(G, bri_only=bri_only)


def test_coverage_on_arrays_equals_the_dict_version() -> None:
    graphs = [_random_graph(seed) for seed in range(8)]
    # the graphs have gaps to compare (84 in all: counted with the reference)
    assert sum(len(reference.coverage_gaps(G, bri_only=False)) for G in graphs) == 84
    for G in graphs:
        _same(G)


def test_coverage_on_arrays_on_the_bundled_dataset(bundle_graph: nx.MultiDiGraph) -> None:
    for synthetic in (False, True):
        G, _ = select(bundle_graph, synthetic=synthetic)
        _same(G)
