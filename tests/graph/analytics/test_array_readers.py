"""The analyses' readers of the projection's arrays give what their dict versions gave (the
code as it was, spelled out here): the supply and demand per group and field of the
brokerage opportunities, the offers, demands and fields of the matcher, the channel ties."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Hashable, Mapping

import networkx as nx
import numpy as np
import scipy.sparse as sp

from graph.analytics.channels import CHANNEL_TYPES, ChannelFinder
from graph.analytics.matching import Matcher
from graph.analytics.opportunities import _supply_demand
from graph.analytics.population import select
from ontology.vocab import NodeLabel, RelType


def _supply_demand_reference(
    G: nx.MultiDiGraph, group_of: Mapping[Hashable, Hashable]
) -> tuple[Counter[tuple[Hashable, Hashable]], Counter[tuple[Hashable, Hashable]]]:
    offers: Counter[tuple[Hashable, Hashable]] = Counter()
    demands: Counter[tuple[Hashable, Hashable]] = Counter()
    for node, labels in G.nodes(data="labels"):
        labels = labels or ()
        if NodeLabel.TECHNOLOGY_OFFER in labels:
            counts, owns = offers, RelType.OFFERS
        elif NodeLabel.TECHNOLOGY_DEMAND in labels:
            counts, owns = demands, RelType.SEEKS
        else:
            continue
        owner_groups = {
            group_of[u] for u, _, t in G.in_edges(node, data="type") if t == owns and u in group_of
        }
        fields = {v for _, v, t in G.out_edges(node, data="type") if t == RelType.IN_FIELD}
        for g in owner_groups:
            for f in fields:
                counts[(g, f)] += 1
    return offers, demands


def _matcher_reference(G: nx.MultiDiGraph) -> tuple[list[Hashable], list[Hashable], dict[Hashable, object]]:
    offers, demands, fields_of = [], [], {}
    for node, labels in G.nodes(data="labels"):
        labels = labels or ()
        if NodeLabel.TECHNOLOGY_OFFER in labels:
            offers.append(node)
        elif NodeLabel.TECHNOLOGY_DEMAND in labels:
            demands.append(node)
        else:
            continue
        fields_of[node] = tuple(
            sorted({v for _, v, t in G.out_edges(node, data="type") if t == RelType.IN_FIELD}, key=str)
        )
    return offers, demands, fields_of


def _ties_reference(G: nx.MultiDiGraph) -> sp.csr_array:
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    src, dst = [], []
    for u, v, t in G.edges(data="type"):
        if t in CHANNEL_TYPES and u != v:
            src.append(index[u])
            dst.append(index[v])
    s, d = np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)
    W = sp.csr_array(
        (np.ones(2 * s.size), (np.concatenate([s, d]), np.concatenate([d, s]))), shape=(len(nodes),) * 2
    )
    W.sum_duplicates()
    return W


def _random_graph(seed: int) -> nx.MultiDiGraph:
    """Institutions owning offers and demands (some both, some owned twice) in fields, tied
    by channel and other relationships, at random."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    actors = [f"Institution:{i}" for i in range(40)]
    for a in actors:
        G.add_node(a, labels=("Institution",), key=a)
    fields = [f"Field:{i}" for i in range(8)]
    for f in fields:
        G.add_node(f, labels=("Field",), key=f)
    kinds = [("TechnologyOffer",), ("TechnologyDemand",), ("TechnologyOffer", "TechnologyDemand")]
    items = [f"Item:{i}" for i in range(120)]
    for i in items:
        G.add_node(i, labels=rng.choice(kinds), key=i)
        for _ in range(rng.randrange(3)):
            G.add_edge(rng.choice(actors), i, type=rng.choice([RelType.OFFERS, RelType.SEEKS]))
        for _ in range(rng.randrange(3)):
            G.add_edge(i, rng.choice(fields + actors), type=RelType.IN_FIELD)
    for _ in range(300):
        G.add_edge(
            rng.choice(actors), rng.choice(actors), type=rng.choice([*sorted(CHANNEL_TYPES), "LOCATED_IN"])
        )
    return G


def _same(G: nx.MultiDiGraph, group_of: Mapping[Hashable, Hashable]) -> None:
    offers, demands = _supply_demand(G, group_of)
    ref_offers, ref_demands = _supply_demand_reference(G, group_of)
    assert (offers, demands) == (dict(ref_offers), dict(ref_demands))
    m = Matcher(G, text_weight=0.0)
    assert (m.offers, m.demands, list(m.fields_of.items())) == (lambda o, d, f: (o, d, list(f.items())))(
        *_matcher_reference(G)
    )
    ties, ref = ChannelFinder(G, matcher=m).ties, _ties_reference(G)
    assert (ties != ref).nnz == 0 and ties.nnz == ref.nnz


def test_array_readers_equal_the_dict_versions() -> None:
    for seed in range(5):
        G = _random_graph(seed)
        rng = random.Random(seed)
        group_of = {a: rng.choice("ABC") for a in G if a.startswith("Institution:") and rng.random() < 0.8}
        offers, demands = _supply_demand_reference(G, group_of)
        assert offers and demands  # something to compare
        _same(G, group_of)


def test_array_readers_on_the_bundled_dataset(bundle_graph: nx.MultiDiGraph) -> None:
    from graph.analytics.actors import actor_network

    for synthetic in (False, True):
        G, _ = select(bundle_graph, synthetic=synthetic)
        A = actor_network(G)
        _same(G, {n: c for n, c in A.nodes(data="country") if c is not None})
