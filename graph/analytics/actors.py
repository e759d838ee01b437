"""The actor network: who is tied to whom among institutions and experts.

Brokerage, structural holes, centrality and communities are measured on actors, not on
countries, fields or documents.  The actor network keeps every relationship between
two actors (affiliation, parent centre, operated by, built by…) in its stored
direction, and adds co-affiliation ties (both directions) for agreements and events:

- in a group of at most ``max_group`` actors (a workshop, a multi-party agreement)
  every member is tied to every other one;
- in a larger group (a forum, an expo) members are tied to the group's organisers
  only: a forum with hundreds of participants says little about who knows whom, but
  its organisers did meet them all.  Building the clique instead would dominate the
  network and make it quadratic in the group size (on the generator's
  1M-relationship graph, cliques of events up to 50 actors gave 8.1 million ties and
  4.7 billion wedges; the star rule keeps the ties linear in the participations).
  What the star rule leaves out is counted on the returned graph:
  ``A.graph["left_out"] = {"groups": k, "ties": m, "star_groups": s}`` (``k`` large groups
  without an organiser, so none of their members is tied through them; ``m`` member
  pairs of large groups left untied; ``s`` large groups tied as stars), so a caller can
  warn with the numbers.

Collaboration projects (``Project`` nodes, joined through ``TAKES_PART_IN``) are an
affiliation network done properly: every project ties all its participants, however
many, with Newman's collaboration weighting (M. E. J. Newman, "Scientific collaboration
networks. II.", Phys. Rev. E 64, 016132, 2001): a project of ``n`` participants adds
``1/(n-1)`` to the weight of each pair of them, so each participant spreads one unit of
tie strength over its partners in the project.  It is computed at once as
``W = B D B^T`` (``B`` the sparse actor-project incidence matrix, ``D`` the diagonal of
``1/(n-1)``, diagonal of ``W`` dropped): memory grows with the sum of squared project
sizes, 2,025 entries for a 45-partner project.  ``A.graph["project_weighting"]`` is
``"newman"``.

Each actor gets the partition attributes the analyses group by: ``country`` (the
country it is located or hosted in), ``region`` and ``income`` (that country's World
Bank region and income group) and ``centre_system`` (the national centre it belongs
to through parent-centre links, or its own key for a national centre).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable

import networkx as nx
import numpy as np
import scipy.sparse as sp

from graph.analytics._sparse import gc_paused
from ontology.vocab import NodeLabel, PropertyName, RelType

__all__ = [
    "PARTITIONS",
    "PROJECT_TIE",
    "actor_network",
    "group_hubs",
    "group_members",
    "project_members",
    "project_weights",
]

#: Node attributes of the actor network usable as a partition.
PARTITIONS: tuple[str, ...] = ("country", "region", "income", "centre_system")

_ACTOR_LABELS = (NodeLabel.INSTITUTION, NodeLabel.EXPERT)
_GROUP_LABELS = (NodeLabel.AGREEMENT, NodeLabel.EVENT)
_GROUP_TIES = {RelType.PARTY_TO, RelType.PARTICIPATES_IN, RelType.ORGANISES}
_PLACE_TIES = {RelType.LOCATED_IN, RelType.HOSTED_IN}

#: Tie type of two actors taking part in one project (in the edges' ``types``).
PROJECT_TIE = "CO_PARTICIPATION"


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


def project_weights(
    G: nx.MultiDiGraph, actors: set[Hashable] | None = None
) -> tuple[list[Hashable], sp.coo_array, dict[Hashable, list[Hashable]]]:
    """Newman's collaboration weights between the participants of the projects of `G`.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A typed projection (node attribute ``labels``, edge attribute ``type``).
    actors : set, optional
        The nodes that count as participants (default: institutions and experts).

    Returns
    -------
    nodes : list
        The participants, in matrix order (sorted by ``str``).
    weights : scipy.sparse.coo_array
        The upper triangle (``i < j``) of ``W = B D B^T``: the summed ``1/(n-1)`` of the
        projects (``n`` participants) that ``nodes[i]`` and ``nodes[j]`` share.
    members : dict
        The participants of each project (projects with one participant included).

    Examples
    --------
    A project of three participants and one of two (hand computation: a-b share both,
    1/2 + 1/1; a-c and b-c share the first, 1/2 each):

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["p", "q"], labels=["Project"])
    >>> G.add_nodes_from("abc", labels=["Institution"])
    >>> for u, v in [("a", "p"), ("b", "p"), ("c", "p"), ("a", "q"), ("b", "q")]:
    ...     _ = G.add_edge(u, v, type="TAKES_PART_IN")
    >>> nodes, W, _ = project_weights(G)
    >>> sorted((nodes[i], nodes[j], float(w)) for i, j, w in zip(W.row, W.col, W.data))
    [('a', 'b', 1.5), ('a', 'c', 0.5), ('b', 'c', 0.5)]
    """
    members = project_members(G, actors)
    nodes = sorted({u for m in members.values() for u in m}, key=str)
    index = {u: i for i, u in enumerate(nodes)}
    groups = [m for m in members.values() if len(m) >= 2]
    rows = np.fromiter((index[u] for m in groups for u in m), dtype=np.int64)
    sizes = np.array([len(m) for m in groups], dtype=np.int64)
    cols = np.repeat(np.arange(len(groups), dtype=np.int64), sizes)
    B = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(len(nodes), len(groups)))
    D = sp.diags_array(1.0 / (sizes - 1)) if len(groups) else sp.csr_array((0, 0))
    W = sp.triu(B @ D @ B.T, k=1, format="coo") if len(groups) else sp.coo_array((len(nodes), len(nodes)))
    return nodes, sp.coo_array(W), members


def project_members(
    G: nx.MultiDiGraph, actors: set[Hashable] | None = None
) -> dict[Hashable, list[Hashable]]:
    """The participants of each project of `G` (``TAKES_PART_IN``), sorted by ``str``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A typed projection (node attribute ``labels``, edge attribute ``type``).
    actors : set, optional
        The nodes that count as participants (default: institutions and experts).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p", labels=["Project"])
    >>> G.add_nodes_from("ab", labels=["Institution"])
    >>> _ = G.add_edge("b", "p", type="TAKES_PART_IN")
    >>> _ = G.add_edge("a", "p", type="TAKES_PART_IN")
    >>> project_members(G)
    {'p': ['a', 'b']}
    """
    members: dict[Hashable, list[Hashable]] = {}
    for project in G:
        if NodeLabel.PROJECT not in G.nodes[project].get("labels", ()):
            continue
        seen: dict[Hashable, None] = {}
        for u, _, d in G.in_edges(project, data=True):
            if d.get("type") == RelType.TAKES_PART_IN and (
                _has(G, u, _ACTOR_LABELS) if actors is None else u in actors
            ):
                seen[u] = None
        members[project] = sorted(seen, key=str)
    return members


def group_members(
    G: nx.MultiDiGraph, actors: set[Hashable]
) -> dict[Hashable, tuple[set[Hashable], set[Hashable]]]:
    """The members and organisers among `actors` of each agreement and event of `G`.

    Members are tied through ``PARTY_TO``, ``PARTICIPATES_IN`` or ``ORGANISES``; organisers
    through ``ORGANISES``.  Groups with fewer than two members are left out.
    """
    groups: dict[Hashable, tuple[set[Hashable], set[Hashable]]] = {}
    for group in G:
        if not _has(G, group, _GROUP_LABELS):
            continue
        members: set[Hashable] = set()
        organisers: set[Hashable] = set()
        for u, _, d in G.in_edges(group, data=True):
            if u in actors and d.get("type") in _GROUP_TIES:
                members.add(u)
                if d.get("type") == RelType.ORGANISES:
                    organisers.add(u)
        if len(members) >= 2:
            groups[group] = (members, organisers)
    return groups


def group_hubs(members: set[Hashable], organisers: set[Hashable], max_group: int) -> set[Hashable]:
    """The members of an agreement or event tied to every other member: all of them in a
    group of at most `max_group`, its organisers in a larger one (the star rule).

    Two members are tied through the group when either of them is a hub.

    Examples
    --------
    >>> sorted(group_hubs({"a", "b", "c"}, {"a"}, 3)), sorted(group_hubs({"a", "b", "c"}, {"a"}, 2))
    (['a', 'b', 'c'], ['a'])
    """
    return members if len(members) <= max_group else organisers


def actor_network(G: nx.MultiDiGraph, *, max_group: int = 10) -> nx.DiGraph:
    """Build the weighted, directed actor network of a typed projection.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The store's projection (node attributes ``labels``, ``key``, ``props``; edge
        attribute ``type``).
    max_group : int
        Agreements and events with at most this many actors tie all their members to
        each other; larger ones tie their members to their organisers only.  Projects
        tie all their participants, whatever their number (Newman weights).

    Returns
    -------
    networkx.DiGraph
        Actors with attributes ``label``, ``country``, ``region``, ``income``,
        ``centre_system``; edges with ``weight`` (number of ties, plus the Newman weight
        of shared projects) and ``types``; graph attributes ``left_out`` (what the star
        rule left untied) and ``project_weighting`` (``"newman"``).

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
    with gc_paused():  # millions of small dicts, none in cycles: the collector only slows it
        return _actor_network(G, max_group)


def _actor_network(G: nx.MultiDiGraph, max_group: int) -> nx.DiGraph:
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
