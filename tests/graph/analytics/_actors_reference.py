"""The actor network as it was built before it was vectorised: tie by tie, on networkx.

Kept as the reference `test_actors_vectorised` compares the vectorised build with (same
nodes, attributes, edge order, weights to the bit, types, counts of what was left out).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable

import networkx as nx

from graph.analytics.actors import PROJECT_TIE, group_hubs, group_members, project_weights
from ontology.vocab import NodeLabel, PropertyName, RelType

_ACTOR_LABELS = (NodeLabel.INSTITUTION, NodeLabel.EXPERT)
_PLACE_TIES = {RelType.LOCATED_IN, RelType.HOSTED_IN}


def _has(G: nx.Graph, node: Hashable, labels: tuple[str, ...]) -> bool:
    carried = G.nodes[node].get("labels", ())
    return any(label in carried for label in labels)


def _centre_system(G: nx.MultiDiGraph, node: Hashable) -> str | None:
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


def actor_network_reference(G: nx.MultiDiGraph, max_group: int) -> nx.DiGraph:
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
    nodes, W, _ = project_weights(G, set(A))
    fresh = []  # pairs tied by projects only: added at once, their types set here
    for i, j, w in zip(W.row.tolist(), W.col.tolist(), W.data.tolist(), strict=True):
        u, v = nodes[i], nodes[j]
        if not (A.has_edge(u, v) or A.has_edge(v, u)):
            fresh.append((u, v, {"weight": w, "types": [PROJECT_TIE]}))
            fresh.append((v, u, {"weight": w, "types": [PROJECT_TIE]}))
            continue
        for a, b in ((u, v), (v, u)):
            if A.has_edge(a, b):
                A[a][b]["weight"] += w
            else:
                A.add_edge(a, b, weight=w)
            types[(a, b)].add(PROJECT_TIE)
    A.add_edges_from(fresh)
    left_groups = left_ties = star_groups = 0
    for members, organisers in group_members(G, set(A)).values():
        hubs = group_hubs(members, organisers, max_group)  # clique, or star around organisers
        pairs = {(u, v) if str(u) < str(v) else (v, u) for u in hubs for v in members if u != v}
        if len(members) > max_group:
            left_ties += len(members) * (len(members) - 1) // 2 - len(pairs)
            if organisers:
                star_groups += 1
            else:
                left_groups += 1
        for u, v in sorted(pairs, key=lambda pair: (str(pair[0]), str(pair[1]))):
            tie(u, v, "CO_AFFILIATION")
            tie(v, u, "CO_AFFILIATION")
    for (u, v), kinds in types.items():
        A[u][v]["types"] = sorted(kinds.union(A[u][v].get("types", ())))
    A.graph["left_out"] = {"groups": left_groups, "ties": left_ties, "star_groups": star_groups}
    A.graph["project_weighting"] = "newman"
    return A
