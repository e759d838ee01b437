"""Supply–demand channels: how a demand's owner can reach the owners of matching offers.

For a technology demand, the matching offers come from :mod:`graph.analytics.matching`
(SKOS field hierarchy plus text similarity).  A *channel* is a path from the demand
through its owner (``SEEKS``), then through institutions, centres, experts and
agreements, to the owner of an offer (``OFFERS``) and the offer.  Only the
relationships that make a working tie are followed (:data:`CHANNEL_TYPES`: affiliation,
party to an agreement, parent / operating / building / hosting centre, bilateral
partner, co-organising an event); places, fields and other offers are not channels.

Channels are ranked by

1. length (fewer hops first);
2. broker availability: the number of transfer centres and technology brokers among
   the intermediaries (more first);
3. tie strength: the weakest hop's number of relationships (more first);
4. the match score of the offer.

Shortest routes are found with one hop-limited breadth-first search from the demand's
owners (``scipy.sparse.csgraph``, compiled) and one back from each offer owner; the
paths themselves, with their relationship types and directions, come from
:func:`graph.paths.k_shortest_paths` on the small subgraph of nodes that lie on routes
of at most ``max_hops`` between the two owners.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from graph.analytics.matching import Match, Matcher
from graph.paths import Hop, k_shortest_paths
from graph.projection import parallel_key
from graph.typed_arrays import typed_arrays
from ontology.vocab import NodeLabel, RelType

__all__ = ["CHANNEL_TYPES", "Channel", "ChannelFinder", "demand_channels"]

#: Relationship types a channel may follow between the two owners.
CHANNEL_TYPES: frozenset[str] = frozenset(
    {
        RelType.AFFILIATED_WITH,
        RelType.PARTY_TO,
        RelType.PARENT_CENTRE,
        RelType.OPERATED_BY,
        RelType.BUILT_BY,
        RelType.HOSTED_BY,
        RelType.BILATERAL_PARTNER_OF,
        RelType.ORGANISES,
    }
)
_BROKER_LABELS = (NodeLabel.TRANSFER_CENTRE, NodeLabel.TECHNOLOGY_BROKER)
#: Largest subgraph handed to Yen's algorithm (nodes on shortest routes beyond it are cut).
_MAX_ROUTE_NODES = 400


@dataclass(frozen=True, slots=True)
class Channel:
    """A path from a demand to a matching offer, hop by hop.

    ``hops`` start with the demand's ``SEEKS`` (walked backwards) and end with the
    offer's ``OFFERS``; each hop names both ends, their labels, the relationship
    types and whether it follows the stored direction.  ``brokers`` are the
    intermediaries that are transfer centres or technology brokers; ``strength`` is
    the smallest number of relationships joining two consecutive nodes.
    """

    demand: Hashable
    offer: Hashable
    match: Match
    nodes: tuple[Hashable, ...]
    hops: tuple[dict[str, Any], ...]
    strength: int
    brokers: tuple[Hashable, ...]

    @property
    def length(self) -> int:
        """Number of hops, the ``SEEKS`` and ``OFFERS`` hops included."""
        return len(self.hops)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "demand": self.demand,
            "offer": self.offer,
            "length": self.length,
            "strength": self.strength,
            "brokers": list(self.brokers),
            "nodes": list(self.nodes),
            "hops": [dict(h) for h in self.hops],
            "match": self.match.to_dict(),
        }


def _rank_key(c: Channel) -> tuple[Any, ...]:
    return (c.length, -len(c.brokers), -c.strength, -c.match.score, str(c.offer), tuple(map(str, c.nodes)))


def _label(G: nx.Graph, node: Hashable) -> str:
    data = G.nodes[node]
    return str(data.get("label") or next(iter(data.get("labels", ()) or ()), ""))


class ChannelFinder:
    """The channel relationships of a projection as a CSR graph, built once.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Typed projection.
    rel_types : collection of str
        Relationship types a channel may follow (default :data:`CHANNEL_TYPES`).
    matcher : Matcher, optional
        Reused for the matching offers (built on `G` when omitted).
    """

    def __init__(
        self,
        G: nx.MultiDiGraph,
        *,
        rel_types: Collection[str] = CHANNEL_TYPES,
        matcher: Matcher | None = None,
    ) -> None:
        self.G = G
        self.rel_types = frozenset(rel_types)
        self.matcher = matcher if matcher is not None else Matcher(G)
        arrays = typed_arrays(G)
        self.nodes = arrays.nodes
        self.index = arrays.index
        self.arrays = arrays
        tie = arrays.of_type(*self.rel_types) & (arrays.src != arrays.dst)
        n = len(self.nodes)
        s, d = arrays.src[tie], arrays.dst[tie]
        W = sp.csr_array(
            (np.ones(2 * s.size), (np.concatenate([s, d]), np.concatenate([d, s]))), shape=(n, n)
        )
        W.sum_duplicates()
        self.ties = W  # number of channel relationships between two nodes, both directions

    def _owners(self, node: Hashable, rel: str) -> list[Hashable]:
        return sorted(self.arrays.starts_of(node, rel), key=str)  # the projection's dicts are not read

    def _hop(self, u: Hashable, v: Hashable, types: tuple[str, ...], forward: bool) -> dict[str, Any]:
        return {
            "source": u,
            "target": v,
            "source_label": _label(self.G, u),
            "target_label": _label(self.G, v),
            "types": list(types),
            "forward": forward,
        }

    def _channel(self, match: Match, owner_d: Hashable, owner_o: Hashable, hops: tuple[Hop, ...]) -> Channel:
        G = self.G
        listed = [self._hop(match.demand, owner_d, (str(RelType.SEEKS),), False)]
        listed += [self._hop(h.source, h.target, h.types, h.forward) for h in hops]
        listed.append(self._hop(owner_o, match.offer, (str(RelType.OFFERS),), True))
        nodes = (match.demand, owner_d, *(h.target for h in hops), match.offer)
        strengths = [int(self.ties[self.index[h.source], self.index[h.target]]) for h in hops]
        inner = nodes[2:-2]  # between the two owners
        brokers = tuple(
            x for x in inner if any(lab in G.nodes[x].get("labels", ()) for lab in _BROKER_LABELS)
        )
        return Channel(
            match.demand, match.offer, match, nodes, tuple(listed), min(strengths, default=1), brokers
        )

    def channels(
        self,
        demand: Hashable,
        *,
        offers: int = 5,
        max_hops: int = 4,
        per_offer: int = 2,
        limit: int | None = 10,
    ) -> list[Channel]:
        """The best channels from `demand` to its `offers` best matching offers.

        Parameters
        ----------
        demand : node
            A ``TechnologyDemand`` node.
        offers : int
            Matching offers considered (best match first).
        max_hops : int
            Longest route between the two owners (the ``SEEKS``/``OFFERS`` hops not counted).
        per_offer : int
            Channels kept per (demand owner, offer owner) pair: the best of the
            ``4 * per_offer`` shortest paths (Yen's algorithm).
        limit : int or None
            Channels returned.
        """
        matches = self.matcher.match(demand, offers)
        owners_d = [o for o in self._owners(demand, RelType.SEEKS) if o in self.index]
        if not owners_d or not matches:
            return []
        src = [self.index[o] for o in owners_d]
        ds, _, sources = dijkstra(
            self.ties, directed=False, indices=src, unweighted=True, limit=max_hops + 0.5,
            return_predecessors=True, min_only=True,
        )  # fmt: skip
        found: list[Channel] = []
        for match in matches:
            for owner_o in self._owners(match.offer, RelType.OFFERS):
                t = self.index.get(owner_o)
                if t is None or not np.isfinite(ds[t]):
                    continue
                owner_d = self.nodes[int(sources[t])]
                if int(ds[t]) == 0:
                    found.append(self._channel(match, owner_d, owner_o, ()))
                    continue
                dt = dijkstra(self.ties, directed=False, indices=t, unweighted=True, limit=max_hops + 0.5)
                # nodes on routes of at most max_hops, those on the shortest routes first
                on_route = np.flatnonzero(ds + dt <= max_hops)
                on_route = on_route[np.argsort(ds[on_route] + dt[on_route], kind="stable")][:_MAX_ROUTE_NODES]
                H = _ordered_subgraph(self.G, [self.nodes[i] for i in on_route])
                if owner_d not in H or owner_o not in H:
                    continue
                # Yen lists equal-length paths in arbitrary order: take a few more, keep the best
                paths = k_shortest_paths(
                    H, owner_d, owner_o, 4 * per_offer, rel_types=self.rel_types, max_hops=max_hops
                )
                pair = sorted((self._channel(match, owner_d, owner_o, p.hops) for p in paths), key=_rank_key)
                found += pair[:per_offer]
        found.sort(key=_rank_key)
        return found if limit is None else found[:limit]


def _ordered_subgraph(G: nx.MultiDiGraph, nodes: list[Hashable]) -> nx.MultiDiGraph:
    """The subgraph of `nodes`: its nodes in the order given, their neighbours in `G`'s order.

    Not ``G.subgraph(nodes)``: a view of a few nodes of a large graph iterates the *set* of
    those nodes, whose order follows Python's per-process string hashing, so tied routes
    came out in another order from one run to the next.

    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "c"), ("c", "d")])
    >>> sorted(_ordered_subgraph(G, ["c", "a"]).edges())
    [('a', 'c')]
    """
    # from the projection's arrays (its relationship dicts are not read: graph.lazy_graph); a
    # node's relationships there are in its successor dict's order, neighbours and keys
    t = typed_arrays(G)
    keep = set(nodes)
    H = nx.MultiDiGraph()
    H.add_nodes_from((n, G.nodes[n]) for n in nodes)  # attribute dicts shared, read only
    attrs = [{"type": name} for name in t.type_names]  # what the path search reads
    edges: list[tuple[Hashable, Hashable, str, dict[str, str]]] = []
    for u in nodes:
        outgoing, _ = t.incident(t.index[u])
        seen: dict[tuple[Hashable, int], int] = {}
        for d, c in zip(t.dst[outgoing].tolist(), t.kind[outgoing].tolist(), strict=True):
            v = t.nodes[d]
            if v in keep:
                n = seen[v, c] = seen.get((v, c), 0) + 1
                edges.append((u, v, parallel_key(t.type_names[c], n), attrs[c]))
    H.add_edges_from(edges)
    return H


def demand_channels(G: nx.MultiDiGraph, demand: Hashable, **options: Any) -> list[Channel]:
    """Matching offers of `demand` and the best channels to them (see :meth:`ChannelFinder.channels`).

    Examples
    --------
    The Kenyan institute seeks a technology that a Chinese university offers; the
    Kenyan's expert is affiliated with a centre that signed an agreement with the
    university (four hops between the owners), and a broker affiliated with both
    offers a shorter channel (two hops):

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Field:f", labels=("Field",), key="f", props={})
    >>> for n, labels in (("ke", ("Institution",)), ("cn", ("Institution",)),
    ...                   ("centre", ("Institution", "TransferCentre")), ("e", ("Expert",)),
    ...                   ("m", ("Agreement",)), ("b", ("Expert", "TechnologyBroker")),
    ...                   ("d", ("TechnologyDemand",)), ("o", ("TechnologyOffer",))):
    ...     G.add_node(n, labels=labels, label=labels[-1], key=n, props={})
    >>> for u, v, t in (("ke", "d", "SEEKS"), ("cn", "o", "OFFERS"), ("d", "Field:f", "IN_FIELD"),
    ...                 ("o", "Field:f", "IN_FIELD"), ("e", "ke", "AFFILIATED_WITH"),
    ...                 ("e", "centre", "AFFILIATED_WITH"), ("centre", "m", "PARTY_TO"),
    ...                 ("cn", "m", "PARTY_TO"), ("b", "ke", "AFFILIATED_WITH"),
    ...                 ("b", "cn", "AFFILIATED_WITH")):
    ...     _ = G.add_edge(u, v, type=t)
    >>> [(c.length, c.nodes, c.brokers) for c in demand_channels(G, "d")]  # doctest: +NORMALIZE_WHITESPACE
    [(4, ('d', 'ke', 'b', 'cn', 'o'), ('b',)),
     (6, ('d', 'ke', 'e', 'centre', 'm', 'cn', 'o'), ('centre',))]
    >>> [(h["source"], h["types"], h["forward"]) for h in demand_channels(G, "d")[0].hops]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('d', ['SEEKS'], False), ('ke', ['AFFILIATED_WITH'], False),
     ('b', ['AFFILIATED_WITH'], True), ('cn', ['OFFERS'], True)]
    """
    finder_options = {k: options.pop(k) for k in ("rel_types", "matcher") if k in options}
    return ChannelFinder(G, **finder_options).channels(demand, **options)
