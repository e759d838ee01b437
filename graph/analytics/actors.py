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
from collections.abc import Hashable, Iterable
from functools import partial

import networkx as nx
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from graph.analytics._sparse import gc_paused, remember
from graph.lazy_graph import LazyDiGraph, TieDicts
from graph.typed_arrays import typed_arrays
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


def _first_by_str(nodes: list[Hashable], positions: list[int]) -> int:
    """The position whose node sorts first as text (the first one among equals)."""
    return min(positions, key=lambda p: str(nodes[p]))


def _group_pairs(
    group: np.ndarray, member: np.ndarray, organiser: np.ndarray, rank: np.ndarray, max_group: int
) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """The member pairs the groups tie, ``(a, b)`` with ``str(a) < str(b)``, in the order
    `_actor_network` ties them (groups in node order, pairs sorted), and what the star rule
    left out.

    ``group``, ``member``, ``organiser``: one row per membership (an actor may appear more
    than once in a group; it is an organiser if any of its rows is).
    """
    none = np.empty(0, dtype=np.int64)
    counts = {"groups": 0, "ties": 0, "star_groups": 0}
    if group.size == 0:
        return none, none, counts
    order = np.lexsort((rank[member], group))
    group, member, organiser = group[order], member[order], organiser[order]
    start = np.ones(group.size, dtype=bool)
    start[1:] = (group[1:] != group[:-1]) | (member[1:] != member[:-1])
    org = np.logical_or.reduceat(organiser, np.flatnonzero(start))
    group, member = group[start], member[start]
    first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    size = np.diff(np.r_[first, group.size])
    big = size > max_group
    orgs = np.add.reduceat(org.astype(np.int64), first)
    real = size >= 2  # groups with fewer than two members are no groups
    rest = size - orgs
    counts["ties"] = int((rest * (rest - 1) // 2)[big & real].sum())
    counts["star_groups"] = int((big & real & (orgs > 0)).sum())
    counts["groups"] = int((big & real & (orgs == 0)).sum())
    g = np.repeat(np.arange(first.size), size)
    hub = np.where(big[g], org, True) & real[g]
    rows = np.flatnonzero(hub)
    reps = size[g[rows]]
    at = np.repeat(rows, reps)
    other = np.repeat(first[g[rows]], reps) + (
        np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    )
    keep = (other != at) & (~hub[other] | (at < other))
    at, other = at[keep], other[keep]
    lo, hi = np.minimum(at, other), np.maximum(at, other)
    order = np.lexsort((hi, lo))
    return member[lo[order]], member[hi[order]], counts


def _project_weights(
    project: np.ndarray, member: np.ndarray, rank: np.ndarray
) -> tuple[np.ndarray, sp.coo_array]:
    """`project_weights` on arrays: one row per participation (project position in node
    order, actor position; an actor may appear twice), `rank` the actors' order as text.

    Returns the participants' actor positions in matrix order and the same matrix as
    `project_weights` (built from the same rows in the same order, so equal to the bit).
    """
    order = np.lexsort((rank[member], project))
    project, member = project[order], member[order]
    if project.size:
        keep = np.r_[True, (project[1:] != project[:-1]) | (member[1:] != member[:-1])]
        project, member = project[keep], member[keep]
    parts = np.unique(member)
    parts = parts[np.argsort(rank[parts], kind="stable")]
    where = np.zeros(int(rank.size), dtype=np.int64)
    where[parts] = np.arange(parts.size)
    first = np.flatnonzero(np.r_[True, project[1:] != project[:-1]]) if project.size else project
    size = np.diff(np.r_[first, project.size]).astype(np.int64)
    grouped = np.repeat(size >= 2, size)
    rows = where[member[grouped]]
    sizes = size[size >= 2]
    cols = np.repeat(np.arange(sizes.size, dtype=np.int64), sizes)
    n = parts.size
    if not sizes.size:
        return parts, sp.coo_array((n, n))
    B = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, sizes.size))
    D = sp.diags_array(1.0 / (sizes - 1))
    return parts, sp.coo_array(sp.triu(B @ D @ B.T, k=1, format="coo"))


def _distinct(
    values: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """The distinct `values` ascending, where each one's run starts in the sorted order, that
    order, and each value's index among the distinct ones.

    ``np.unique(return_index=True, return_inverse=True)`` with one unstable sort instead of
    its stable one (2-3x faster on millions of values); a distinct value's first position is
    ``np.minimum.reduceat(order, starts)``, whatever the order within a run.

    >>> keys, starts, order, inverse = _distinct(np.array([7, 3, 7, 5, 3]))
    >>> keys.tolist(), np.minimum.reduceat(order, starts).tolist(), inverse.tolist()
    ([3, 5, 7], [1, 3, 0], [2, 0, 2, 1, 0])
    """
    order = np.argsort(values)
    ranked = values[order]
    new = np.empty(ranked.size, dtype=bool)
    new[:1] = True
    np.not_equal(ranked[1:], ranked[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    inverse = np.empty(ranked.size, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return ranked[starts], starts, order, inverse


def _tie_dicts(
    actors: list[Hashable],
    us: np.ndarray,
    vs: np.ndarray,
    weight: np.ndarray,
    has_project: np.ndarray,
    counts: np.ndarray,
    masks: np.ndarray,
    names: list[str],
) -> TieDicts:
    """The successor and predecessor dicts of the actor network's ties (pairs in the order
    they entered the graph): one attribute dict per pair, shared by both directions; each
    node's successors (predecessors) are its pairs in pair order."""
    ints = counts.tolist()
    weights = [w if p else i for w, p, i in zip(weight.tolist(), has_project.tolist(), ints, strict=True)]
    spelled = {m: sorted(names[k] for k in range(len(names)) if m >> k & 1) for m in set(masks.tolist())}
    ties = [{"weight": w, "types": list(spelled[m])} for w, m in zip(weights, masks.tolist(), strict=True)]
    na = len(actors)
    out: list[dict[Hashable, dict[Hashable, object]]] = []
    for by, other in ((us, vs), (vs, us)):
        table: dict[Hashable, dict[Hashable, object]] = {node: {} for node in actors}
        grouped = np.argsort(by, kind="stable")
        cuts = np.searchsorted(by[grouped], np.arange(na + 1)).tolist()
        ends = [actors[x] for x in other[grouped].tolist()]
        dicts = [ties[x] for x in grouped.tolist()]
        for i, node in enumerate(actors):
            lo, hi = cuts[i], cuts[i + 1]
            if lo < hi:
                table[node] = dict(zip(ends[lo:hi], dicts[lo:hi], strict=True))
        out.append(table)
    return out[0], out[1]


def _actor_network(G: nx.MultiDiGraph, max_group: int) -> nx.DiGraph:
    """The actor network built on arrays: the same graph (attributes, node and edge order,
    weights to the bit) as tying the relationships, projects and groups one by one.

    The ties are a sequence of events (the stored relationships in edge order; the project
    pairs already tied, then the others; the group pairs): a directed pair enters the graph
    at its first event, and its weight is its count of relationships, plus its Newman
    weight, plus one per group, added in that order.
    """
    t = typed_arrays(G)
    nodes, src, dst, names = t.nodes, t.src, t.dst, list(t.type_names)
    is_actor = t.has(*_ACTOR_LABELS)
    actor_pos = np.flatnonzero(is_actor)
    actors = [nodes[i] for i in actor_pos.tolist()]
    na = len(actors)
    apos = np.full(len(nodes), -1, dtype=np.int64)
    apos[actor_pos] = np.arange(na)
    code = {name: c for c, name in enumerate(names)}
    kinds = t.kind.astype(np.int64)

    def codes_of(types: Iterable[str]) -> np.ndarray:
        return np.asarray([code[t] for t in types if t in code], dtype=np.int64)

    # node attributes: the country (first place as text), its region and income, the centre system
    from_actor = is_actor[src] if src.size else np.zeros(0, dtype=bool)
    place = from_actor & np.isin(kinds, codes_of(_PLACE_TIES))
    places: dict[int, list[int]] = defaultdict(list)
    for u, v in zip(src[place].tolist(), dst[place].tolist(), strict=True):
        places[u].append(v)
    parent = np.isin(kinds, codes_of({RelType.PARENT_CENTRE}))
    parents: dict[int, list[int]] = defaultdict(list)
    for u, v in zip(src[parent].tolist(), dst[parent].tolist(), strict=True):
        parents[u].append(v)
    national = t.has(NodeLabel.NATIONAL_TRANSFER_CENTRE)
    data = G._node

    def centre_system(i: int) -> str | None:
        seen = {i}
        current = i
        while True:
            if national[current]:
                return str(data[nodes[current]].get("key", nodes[current]))
            up = [p for p in parents.get(current, ()) if p not in seen]
            if not up:
                return None
            current = _first_by_str(nodes, up)
            seen.add(current)

    A = LazyDiGraph()  # its ties are given below (`defer_ties`), every actor's included
    for i, node in zip(actor_pos.tolist(), actors, strict=True):
        at = places.get(i)
        country = _first_by_str(nodes, at) if at else None
        cdata = data[nodes[country]] if country is not None else {}
        cprops = cdata.get("props", {}) if country is not None else {}
        A._node[node] = {
            "label": data[node].get("label", ""),
            "country": str(cdata.get("key")) if country is not None else None,
            "region": cprops.get(PropertyName.REGION),
            "income": cprops.get(PropertyName.INCOME_GROUP),
            "centre_system": centre_system(i),
        }

    # the events: stored relationships between two actors
    stored = from_actor & is_actor[dst] & (src != dst) if src.size else from_actor
    su, sv, sk = apos[src[stored]], apos[dst[stored]], kinds[stored]
    rank = np.empty(na, dtype=np.int64)
    rank[sorted(range(na), key=lambda a: str(actors[a]))] = np.arange(na)
    # projects: the pairs already tied (either way) first, then the others
    takes_part = from_actor & t.has(NodeLabel.PROJECT)[dst] & (kinds == code.get(RelType.TAKES_PART_IN, -1))
    ppos, W = _project_weights(dst[takes_part], apos[src[takes_part]], rank)
    pi, pj, pw = ppos[W.row], ppos[W.col], np.asarray(W.data, dtype=np.float64)
    tied = np.isin(pi * na + pj, su * na + sv) | np.isin(pj * na + pi, su * na + sv)
    order = np.r_[np.flatnonzero(tied), np.flatnonzero(~tied)]
    pi, pj, pw = pi[order], pj[order], pw[order]
    pu, pv, pww = np.c_[pi, pj].ravel(), np.c_[pj, pi].ravel(), np.repeat(pw, 2)
    # groups: every member pair of a small one, organiser pairs of a large one
    is_group = t.has(*_GROUP_LABELS)
    member = from_actor & is_group[dst] & np.isin(kinds, codes_of(_GROUP_TIES)) if src.size else from_actor
    organises = kinds[member] == code.get(RelType.ORGANISES, -1)
    ga, gb, left = _group_pairs(dst[member], apos[src[member]], organises, rank, max_group)
    gu, gv = np.c_[ga, gb].ravel(), np.c_[gb, ga].ravel()

    project_code, affiliation_code = len(names), len(names) + 1
    names = [*names, PROJECT_TIE, "CO_AFFILIATION"]
    eu = np.r_[su, pu, gu].astype(np.int64)
    ev = np.r_[sv, pv, gv].astype(np.int64)
    ek = np.r_[sk, np.full(pu.size, project_code), np.full(gu.size, affiliation_code)].astype(np.int64)
    phase = np.repeat(np.arange(3), [su.size, pu.size, gu.size])
    keys, starts, by_key, inverse = _distinct(eu * max(na, 1) + ev)
    npairs = keys.size
    # pairs numbered in the order they enter the graph: the rank of each key's first event
    # among the first events (a scatter, not a sort: the first events are distinct positions)
    first = np.minimum.reduceat(by_key, starts) if npairs else starts
    entered = np.zeros(eu.size, dtype=bool)
    entered[first] = True
    rank_of = (np.cumsum(entered) - 1)[first]
    pair = rank_of[inverse]
    n_stored = np.bincount(pair[phase == 0], minlength=npairs)
    n_group = np.bincount(pair[phase == 2], minlength=npairs)
    has_project = np.zeros(npairs, dtype=bool)
    has_project[pair[phase == 1]] = True
    newman = np.zeros(npairs)
    newman[pair[phase == 1]] = pww
    weight = n_stored + newman  # float64, as int + float in Python
    for k in range(int(n_group[has_project].max(initial=0))):  # + 1.0 per group, one at a time
        weight[has_project & (n_group > k)] += 1.0
    # tie types: the sorted names of each pair's kinds (a bit per kind)
    order = np.empty(npairs, dtype=np.int64)  # pair number -> its key (`rank_of` inverted)
    order[rank_of] = np.arange(npairs)
    if len(names) <= 62:  # the OR of each key's run of events in key order
        bits = np.left_shift(np.int64(1), ek[by_key])
        masks = np.bitwise_or.reduceat(bits, starts)[order] if npairs else np.zeros(0, dtype=np.int64)
    else:
        masks = np.zeros(npairs, dtype=object)
        for k in np.unique(ek).tolist():  # a few dozen kinds at most
            masks[np.unique(pair[ek == k])] |= 1 << k
    first_key = keys[order]
    us, vs = first_key // max(na, 1), first_key % max(na, 1)
    # the tie dicts (one per pair, millions on a large network) are built only if something
    # reads them: the kernels read the CSR below (`remember`)
    A.defer_ties(partial(_tie_dicts, actors, us, vs, weight, has_project, n_stored + n_group, masks, names))
    A.graph["left_out"] = left
    A.graph["project_weighting"] = "newman"
    # the kernels' CSR (rows in node order, columns sorted), as `adjacency` would read it
    # from the dicts; `keys` are already sorted by (row, column)
    indptr = np.zeros(na + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys // max(na, 1), minlength=na), out=indptr[1:])
    values = np.where(has_project, weight, n_stored + n_group)[rank_of]  # key order
    remember(A, indptr, (keys % max(na, 1)).astype(np.int64), {None: np.ones(npairs), "weight": values})
    return A
