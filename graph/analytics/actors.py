"""The actor network: who is tied to whom among institutions and experts.

Brokerage, structural holes, centrality and communities are measured on actors, not on
countries, fields or documents.  The actor network keeps every relationship between
two actors (affiliation, parent centre, operated by, built by…) in its stored
direction, and adds co-affiliation ties between actors that are parties to the same
agreement or take part in the same event (both directions).  Events and agreements
with more than ``max_group`` actors are left out of the co-affiliation step: an expo
with thousands of visitors says little about who knows whom, and its clique would
dominate the network.

Each actor gets the partition attributes the analyses group by: ``country`` (the
country it is located or hosted in), ``region`` and ``income`` (that country's World
Bank region and income group) and ``centre_system`` (the national centre it belongs
to through parent-centre links, or its own key for a national centre).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable

import networkx as nx

from ontology.vocab import NodeLabel, PropertyName, RelType

__all__ = ["PARTITIONS", "actor_network"]

#: Node attributes of the actor network usable as a partition.
PARTITIONS: tuple[str, ...] = ("country", "region", "income", "centre_system")

_ACTOR_LABELS = (NodeLabel.INSTITUTION, NodeLabel.EXPERT)
_GROUP_LABELS = (NodeLabel.AGREEMENT, NodeLabel.EVENT)
_GROUP_TIES = {RelType.PARTY_TO, RelType.PARTICIPATES_IN, RelType.ORGANISES}
_PLACE_TIES = {RelType.LOCATED_IN, RelType.HOSTED_IN}


def _has(G: nx.Graph, node: Hashable, labels: tuple[str, ...]) -> bool:
    carried = G.nodes[node].get("labels", ())
    return any(label in carried for label in labels)


def _centre_system(G: nx.MultiDiGraph, node: Hashable) -> str | None:
    """The national centre above `node` through PARENT_CENTRE links (or itself)."""
    seen = {node}
    current = node
    while True:
        if NodeLabel.NATIONAL_TRANSFER_CENTRE in G.nodes[current].get("labels", ()):
            return str(G.nodes[current].get("key", current))
        parents = [v for _, v, d in G.out_edges(current, data=True) if d.get("type") == RelType.PARENT_CENTRE]
        parents = [p for p in parents if p not in seen]
        if not parents:
            return None
        current = sorted(parents, key=str)[0]
        seen.add(current)


def actor_network(G: nx.MultiDiGraph, *, max_group: int = 50) -> nx.DiGraph:
    """Build the weighted, directed actor network of a typed projection.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The store's projection (node attributes ``labels``, ``key``, ``props``; edge
        attribute ``type``).
    max_group : int
        Agreements and events with more actors than this add no co-affiliation ties.

    Returns
    -------
    networkx.DiGraph
        Actors with attributes ``label``, ``country``, ``region``, ``income``,
        ``centre_system``; edges with ``weight`` (number of ties) and ``types``.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Country:TH", labels=["Country"], key="TH", props={"region": "East Asia & Pacific"})
    >>> for n in ("a", "b", "c"):
    ...     G.add_node(f"Institution:{n}", labels=["Institution"], key=n, props={})
    >>> G.add_node("Agreement:m", labels=["Agreement"], key="m", props={})
    >>> _ = G.add_edge("Institution:a", "Country:TH", type="LOCATED_IN")
    >>> _ = G.add_edge("Institution:a", "Agreement:m", type="PARTY_TO")
    >>> _ = G.add_edge("Institution:b", "Agreement:m", type="PARTY_TO")
    >>> _ = G.add_edge("Institution:c", "Institution:a", type="OPERATED_BY")
    >>> A = actor_network(G)
    >>> for edge in sorted(A.edges()):
    ...     print(*edge)
    Institution:a Institution:b
    Institution:b Institution:a
    Institution:c Institution:a
    >>> A.nodes["Institution:a"]["country"], A.nodes["Institution:a"]["region"]
    ('TH', 'East Asia & Pacific')
    """
    A = nx.DiGraph()
    actors = [n for n in G if _has(G, n, _ACTOR_LABELS)]
    for node in actors:
        data = G.nodes[node]
        places = sorted(
            (v for _, v, d in G.out_edges(node, data=True) if d.get("type") in _PLACE_TIES),
            key=str,
        )
        country = places[0] if places else None
        cprops = G.nodes[country].get("props", {}) if country is not None else {}
        A.add_node(
            node,
            label=data.get("label", ""),
            country=str(G.nodes[country].get("key")) if country is not None else None,
            region=cprops.get(PropertyName.REGION),
            income=cprops.get(PropertyName.INCOME_GROUP),
            centre_system=_centre_system(G, node),
        )
    types: dict[tuple[Hashable, Hashable], set[str]] = defaultdict(set)

    def tie(u: Hashable, v: Hashable, kind: str) -> None:
        if u == v:
            return
        if A.has_edge(u, v):
            A[u][v]["weight"] += 1
        else:
            A.add_edge(u, v, weight=1)
        types[(u, v)].add(kind)

    for u, v, d in G.edges(data=True):
        if u in A and v in A:
            tie(u, v, str(d.get("type", "")))
    for group in G:
        if not _has(G, group, _GROUP_LABELS):
            continue
        members = sorted(
            {u for u, _, d in G.in_edges(group, data=True) if u in A and d.get("type") in _GROUP_TIES},
            key=str,
        )
        if len(members) < 2 or len(members) > max_group:
            continue
        for i, u in enumerate(members):
            for v in members[i + 1 :]:
                tie(u, v, "CO_AFFILIATION")
                tie(v, u, "CO_AFFILIATION")
    for (u, v), kinds in types.items():
        A[u][v]["types"] = sorted(kinds)
    return A
