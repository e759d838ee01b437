"""Brokerage opportunities: complementary groups that the network does not (yet) join.

Three questions a centre's planners ask:

(a) **Which group pairs could trade but are not connected?**  Groups partition the
    actors (country, region, income group, centre system, community: any mapping
    actor -> group).  A group *supplies* a field when an actor of the group owns an
    offer in it (``OFFERS``) and *demands* a field when an actor of the group seeks a
    technology in it (``SEEKS``).  Supplier group A and demander group B are
    complementary when A offers in a field and B demands in the same field or in one
    on the same ``BROADER`` chain (a narrower field, as the issue states, or a broader
    one, since a specific offer also answers a broad demand, see
    :mod:`graph.analytics.matching`).  A complementary pair is an *opportunity* when no
    actor of A is within ``k`` hops of an actor of B in the undirected actor network
    (status ``"unconnected"``), or when the two groups have no direct tie and every
    two-step connection runs through one and the same actor (``"single broker"``: one
    person or centre holds the whole relationship).
(b) **Who could broker each pair?**  The actors outside both groups on the shortest
    routes between them (fewest hops from A plus hops to B), ranked by route length,
    then by the Gould–Fernandez brokerage they already do across groups
    (itinerant + representative + gatekeeper + liaison, from
    :func:`graph.analytics.brokerage.gould_fernandez`) and by low Burt constraint
    (:func:`graph.analytics.brokerage.structural_holes`).
(c) **Which triads could an actor close?**  :func:`open_triads`.

Distances between groups come from a breadth-first search started from all members
of every group at once, with a hop limit: each actor carries one bit per group
(numpy ``uint64`` words) and a level ORs the neighbours' bits with
``numpy.bitwise_or.reduceat`` over the CSR adjacency, so ``k`` levels cost ``k`` passes
over the ties whatever the number of groups, instead of all-pairs shortest paths.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from graph.analytics._sparse import adjacency
from graph.analytics.actors import actor_network
from graph.analytics.brokerage import gould_fernandez, structural_holes
from graph.analytics.matching import broader_closure
from graph.ordered_views import undirected_view
from graph.typed_arrays import typed_arrays
from ontology.vocab import NodeLabel, RelType

__all__ = ["BrokerCandidate", "OpenTriad", "Opportunity", "brokerage_opportunities", "open_triads"]

#: Gould–Fernandez roles that span groups (the coordinator works inside one group).
BRIDGING_ROLES = ("itinerant", "representative", "gatekeeper", "liaison")


@dataclass(frozen=True, slots=True)
class BrokerCandidate:
    """An actor who could join two groups.

    ``hops`` is the length of the shortest group-to-group route through the actor
    (hops to the nearest member of one group plus hops to the other); ``bridging`` is
    its Gould–Fernandez count of cross-group roles and ``constraint`` Burt's constraint
    (lower: more structural holes around it).
    """

    node: Hashable
    group: Hashable | None
    hops: int
    bridging: float
    roles: dict[str, float]
    constraint: float | None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Opportunity:
    """A supplier group and a demander group with complementary fields and a thin link.

    ``pairs`` counts the compatible (offer, demand) pairs; ``fields`` lists the supplied
    fields behind them, most pairs first; ``distance`` is the hop distance between the
    groups (``None``: more than ``k``); ``intermediaries`` the number of actors tied to
    both groups.
    """

    supplier: Hashable
    demander: Hashable
    status: str
    pairs: int
    offers: int
    demands: int
    fields: tuple[Hashable, ...]
    distance: int | None
    intermediaries: int
    brokers: tuple[BrokerCandidate, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class OpenTriad:
    """Two contacts of an actor who are not tied to each other.

    ``common`` counts their other shared contacts (fewer: a wider hole to bridge);
    ``strength`` is the weaker of the actor's two ties (stronger: a more credible
    introduction); ``cross_group`` says whether they belong to different groups.
    """

    actor: Hashable
    u: Hashable
    v: Hashable
    common: int
    strength: float
    cross_group: bool | None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


def _group_of(A: nx.Graph, groups: str | Mapping[Hashable, Hashable]) -> dict[Hashable, Hashable]:
    if isinstance(groups, str):
        values = {n: d.get(groups) for n, d in A.nodes(data=True)}
    else:
        values = {n: groups.get(n) for n in A}
    return {n: g for n, g in values.items() if g is not None and g != "(unknown)"}


def _supply_demand(
    G: nx.MultiDiGraph, group_of: Mapping[Hashable, Hashable]
) -> tuple[dict[tuple[Hashable, Hashable], int], dict[tuple[Hashable, Hashable], int]]:
    """``{(group, field): count}`` of offers and of demands owned by the groups' actors.

    An offer (demand) counts once for each group among its owners (``OFFERS``, ``SEEKS``)
    and each of its fields (``IN_FIELD`` targets): read on the projection's arrays, as
    group × item and item × field 0/1 matrices multiplied.
    """
    arrays = typed_arrays(G)
    n, index = arrays.n_nodes, arrays.index
    values = list(dict.fromkeys(group_of.values()))
    gcode = {g: i for i, g in enumerate(values)}
    group = np.full(n, -1, dtype=np.int64)
    for node, g in group_of.items():
        at = index.get(node)
        if at is not None:
            group[at] = gcode[g]
    is_offer = arrays.has(NodeLabel.TECHNOLOGY_OFFER)
    is_demand = arrays.has(NodeLabel.TECHNOLOGY_DEMAND) & ~is_offer
    filed = arrays.of_type(RelType.IN_FIELD)
    out: list[dict[tuple[Hashable, Hashable], int]] = []
    for is_item, owns in ((is_offer, RelType.OFFERS), (is_demand, RelType.SEEKS)):
        owned = arrays.of_type(owns) & is_item[arrays.dst] & (group[arrays.src] >= 0)
        by = np.unique(group[arrays.src[owned]] * max(n, 1) + arrays.dst[owned])
        in_field = filed & is_item[arrays.src]
        of = np.unique(arrays.src[in_field] * max(n, 1) + arrays.dst[in_field])
        owners = sp.csr_array(
            (np.ones(by.size, dtype=np.int64), (by // max(n, 1), by % max(n, 1))), shape=(len(values), n)
        )
        fields = sp.csr_array(
            (np.ones(of.size, dtype=np.int64), (of // max(n, 1), of % max(n, 1))), shape=(n, n)
        )
        counts = (owners @ fields).tocoo()
        out.append(
            {
                (values[g], arrays.nodes[f]): int(c)
                for g, f, c in zip(
                    counts.row.tolist(), counts.col.tolist(), counts.data.tolist(), strict=True
                )
                if c
            }
        )
    return out[0], out[1]


#: Ties gathered per chunk when ORing neighbours' bits (bounds peak memory).
_TIE_CHUNK = 1 << 21


def _or_neighbours(bits: np.ndarray, indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Row ``i`` of the result: OR of ``bits`` over the neighbours of ``i`` (rows in chunks)."""
    out = np.zeros_like(bits)
    n = indptr.size - 1
    start = 0
    while start < n:
        stop = int(np.searchsorted(indptr, indptr[start] + _TIE_CHUNK, side="right")) - 1
        stop = min(max(stop, start + 1), n)
        ptr = indptr[start : stop + 1]
        has = np.diff(ptr) > 0
        if has.any():
            gathered = bits[indices[ptr[0] : ptr[-1]]]
            out[start:stop][has] = np.bitwise_or.reduceat(gathered, (ptr[:-1] - ptr[0])[has], axis=0)
        start = stop
    return out


def _bit(bits: np.ndarray, code: int) -> np.ndarray:
    return ((bits[:, code // 64] >> np.uint64(code % 64)) & np.uint64(1)).astype(bool)


def brokerage_opportunities(
    G: nx.MultiDiGraph,
    groups: str | Mapping[Hashable, Hashable] = "country",
    *,
    A: nx.DiGraph | None = None,
    k: int = 2,
    top: int = 20,
    brokers: int = 5,
    roles: Mapping[Hashable, Mapping[str, float]] | None = None,
    constraint: Mapping[Hashable, float | None] | None = None,
) -> list[Opportunity]:
    """Complementary group pairs that no short path, or only one broker, joins.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Typed projection (offers, demands, owners, fields).
    groups : str or mapping
        Actor-network attribute (``"country"``, ``"region"``, ``"income"``,
        ``"centre_system"``) or a mapping actor -> group (e.g. community membership).
        Actors without a group relay paths but form no pair.
    A : networkx.DiGraph, optional
        The actor network (:func:`graph.analytics.actors.actor_network` of `G` if omitted).
    k : int
        Hop limit: pairs farther apart than ``k`` are ``"unconnected"``.
    top : int
        Opportunities returned, most compatible (offer, demand) pairs first.
    brokers : int
        Candidate brokers listed per opportunity.
    roles, constraint : mapping, optional
        Precomputed Gould–Fernandez counts (by the same groups) and Burt constraint per
        actor; computed on `A` when omitted.

    Returns
    -------
    list of Opportunity

    Examples
    --------
    Kenya seeks what China offers; the Chinese and Kenyan institutions are joined only
    through the broker ``b``:

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Field:f", labels=("Field",), key="f", props={})
    >>> for c in ("CN", "KE", "TH"):
    ...     G.add_node(f"Country:{c}", labels=("Country",), key=c, props={})
    >>> for n, c in (("cn", "CN"), ("ke", "KE"), ("b", "TH")):
    ...     G.add_node(n, labels=("Institution",), key=n, props={})
    ...     _ = G.add_edge(n, f"Country:{c}", type="LOCATED_IN")
    >>> G.add_node("o", labels=("TechnologyOffer",), key="o", props={})
    >>> G.add_node("d", labels=("TechnologyDemand",), key="d", props={})
    >>> for u, v, t in (("cn", "o", "OFFERS"), ("ke", "d", "SEEKS"), ("o", "Field:f", "IN_FIELD"),
    ...                 ("d", "Field:f", "IN_FIELD"), ("cn", "b", "AFFILIATED_WITH"),
    ...                 ("ke", "b", "AFFILIATED_WITH")):
    ...     _ = G.add_edge(u, v, type=t)
    >>> [(o.supplier, o.demander, o.status, o.brokers[0].node) for o in brokerage_opportunities(G)]
    [('CN', 'KE', 'single broker', 'b')]
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    if A is None:
        A = actor_network(G)
    group_of = _group_of(A, groups)
    offers, demands = _supply_demand(G, group_of)
    if not offers or not demands:
        return []
    labels = sorted({g for g, _ in offers} | {g for g, _ in demands} | set(group_of.values()), key=str)
    code = {g: i for i, g in enumerate(labels)}
    closure = broader_closure(G)
    fields = sorted({f for _, f in offers} | {f for _, f in demands}, key=str)
    fcode = {f: i for i, f in enumerate(fields)}
    # R[f, g] = 1 when fields f and g lie on one BROADER chain
    rel = np.zeros((len(fields), len(fields)))
    for f in fields:
        for g in fields:
            if f == g or g in closure.get(f, {}) or f in closure.get(g, {}):
                rel[fcode[f], fcode[g]] = 1.0
    ng = len(labels)
    S = np.zeros((ng, len(fields)))
    D = np.zeros((ng, len(fields)))
    for (g, f), n in offers.items():
        S[code[g], fcode[f]] += n
    for (g, f), n in demands.items():
        D[code[g], fcode[f]] += n
    compat = S @ rel @ D.T  # supplier x demander: compatible (offer, demand) pairs
    np.fill_diagonal(compat, 0.0)

    adj = adjacency(A, None, count_parallel=False)
    U = sp.csr_array(adj.csr() + adj.csr().T)
    U.sum_duplicates()
    U.sort_indices()
    indptr, indices = U.indptr.astype(np.int64), U.indices.astype(np.int64)
    n = adj.n
    g_arr = np.array(
        [code.get(group_of.get(v), -1) if v in group_of else -1 for v in adj.nodes], dtype=np.int64
    )
    words = (ng + 63) // 64
    own = np.zeros((n, words), dtype=np.uint64)
    member = g_arr >= 0
    own[np.flatnonzero(member), g_arr[member] // 64] = np.left_shift(
        np.uint64(1), (g_arr[member] % 64).astype(np.uint64)
    )
    levels = [own]
    for _ in range(k):
        levels.append(levels[-1] | _or_neighbours(levels[-1], indptr, indices))
    # group distance: smallest h at which some member of B carries A's bit
    order = np.argsort(g_arr[member], kind="stable")
    members = np.flatnonzero(member)[order]
    gm = g_arr[members]
    present = np.unique(gm)
    starts = np.searchsorted(gm, present)
    dist = np.full((ng, ng), -1, dtype=np.int64)
    for h in range(k, -1, -1):
        reach = np.zeros((ng, words), dtype=np.uint64)
        if members.size:
            reach[present] = np.bitwise_or.reduceat(levels[h][members], starts, axis=0)
        unpacked = np.unpackbits(reach.view(np.uint8), axis=1, bitorder="little")[:, :ng].astype(bool)
        dist[unpacked.T] = h  # unpacked[B, A]: A within h of B
    # two-step intermediaries: actors tied to both groups (only meaningful without a direct tie)
    nbr = _or_neighbours(own, indptr, indices)
    inc = np.unpackbits(nbr.view(np.uint8), axis=1, bitorder="little")[:, :ng]
    N = sp.csr_array(inc.astype(np.float64))
    between = (N.T @ N).toarray()

    sup, dem = np.nonzero(compat)
    d = dist[sup, dem]
    unconnected = d < 0
    single = (d == 2) & (between[sup, dem] == 1)
    keep = unconnected | single
    sup, dem, d, unconnected = sup[keep], dem[keep], d[keep], unconnected[keep]
    rank = np.lexsort((dem, sup, ~unconnected, -compat[sup, dem]))[:top]
    if rank.size == 0:
        return []
    if unconnected[rank].any():  # one level past k, to find brokers for unconnected pairs
        levels.append(levels[-1] | _or_neighbours(levels[-1], indptr, indices))
    if roles is None:
        roles = gould_fernandez(A, {v: group_of.get(v, "(unknown)") for v in A})
    if constraint is None:
        constraint = {v: s["constraint"] for v, s in structural_holes(A, weight="weight").items()}
    result = []
    for i in rank.tolist():
        a, b = int(sup[i]), int(dem[i])
        dA = _first_level(levels, a)
        dB = _first_level(levels, b)
        via = dA + dB
        outside = (g_arr != a) & (g_arr != b) & (dA >= 0) & (dB >= 0)
        cands = np.flatnonzero(outside)
        if cands.size:
            cands = cands[via[cands] == via[cands].min()]
        listed = []
        for c in cands.tolist():
            node = adj.nodes[c]
            r = {role: float(roles.get(node, {}).get(role, 0)) for role in BRIDGING_ROLES}
            con = constraint.get(node)
            con = None if con is None or con != con else float(con)
            group = labels[g_arr[c]] if g_arr[c] >= 0 else None
            listed.append(BrokerCandidate(node, group, int(via[c]), sum(r.values()), r, con))
        listed.sort(
            key=lambda x: (x.hops, -x.bridging, np.inf if x.constraint is None else x.constraint, str(x.node))
        )
        fields_by = S[a][:, None] * rel * D[b][None, :]
        per_field = fields_by.sum(axis=1)
        top_fields = tuple(fields[j] for j in np.argsort(-per_field, kind="stable") if per_field[j] > 0)
        result.append(
            Opportunity(
                supplier=labels[a],
                demander=labels[b],
                status="unconnected" if unconnected[i] else "single broker",
                pairs=int(compat[a, b]),
                offers=int(S[a].sum()),
                demands=int(D[b].sum()),
                fields=top_fields[:5],
                distance=None if d[i] < 0 else int(d[i]),
                intermediaries=int(between[a, b]),
                brokers=tuple(listed[:brokers]),
            )
        )
    return result


def _first_level(levels: list[np.ndarray], code: int) -> np.ndarray:
    """Hops from every actor to the nearest member of group `code` (-1: beyond the levels)."""
    out = np.full(levels[0].shape[0], -1, dtype=np.int64)
    for h in range(len(levels) - 1, -1, -1):
        out[_bit(levels[h], code)] = h
    return out


def open_triads(
    G: nx.Graph,
    actor: Hashable,
    *,
    groups: str | Mapping[Hashable, Hashable] | None = None,
    weight: str | None = "weight",
    limit: int | None = 20,
    max_contacts: int = 1000,
) -> list[OpenTriad]:
    """Pairs of `actor`'s contacts that are not tied to each other: triads it could close.

    Ties are read in both directions.  Ranking: pairs in different groups first (when
    `groups` is given), then those with fewer other common contacts (a wider hole),
    then by the stronger weakest tie to `actor` (tie weight summed over both
    directions), then by name.

    Parameters
    ----------
    G : networkx graph
        Usually the actor network.
    actor : node
    groups : str or mapping, optional
        Node attribute or mapping node -> group.
    weight : str or None
        Edge attribute of tie strength (missing: 1).
    limit : int or None
        Triads returned (None: all).
    max_contacts : int
        An actor with more contacts is examined through its `max_contacts` strongest
        ties (then by name): the pairs grow with the square of the contacts.

    Returns
    -------
    list of OpenTriad

    Examples
    --------
    ``a`` knows ``x``, ``y`` and ``z``; ``x`` and ``y`` know each other, so the open
    pairs are (x, z) and (y, z).  ``y`` and ``z`` share the contact ``w``, so closing
    (x, z) bridges the wider hole and ranks first:

    >>> G = nx.Graph([("a", "x"), ("a", "y"), ("a", "z"), ("x", "y"), ("y", "w"), ("z", "w")])
    >>> [(t.u, t.v, t.common) for t in open_triads(G, "a")]
    [('x', 'z', 0), ('y', 'z', 1)]
    """
    if actor not in G:
        raise nx.NodeNotFound(f"node {actor!r} is not in the graph")
    und = undirected_view(G)  # neighbours in a fixed order (graph.ordered_views)

    def strength(u: Hashable, v: Hashable) -> float:
        total = 0.0
        for a, b in ((u, v), (v, u)) if G.is_directed() else ((u, v),):
            if G.has_edge(a, b):
                data = G.get_edge_data(a, b)
                items = data.values() if G.is_multigraph() else [data]
                total += sum(float(d.get(weight, 1)) if weight else 1.0 for d in items)
        return total

    nbrs = sorted((v for v in und[actor] if v != actor), key=str)
    if len(nbrs) > max_contacts:
        keep = sorted(nbrs, key=lambda v: (-strength(actor, v), str(v)))[:max_contacts]
        nbrs = sorted(keep, key=str)
    d = len(nbrs)
    if d < 2:
        return []
    pos = {v: i for i, v in enumerate(nbrs)}
    # contacts of each neighbour as a sparse row over a local index (actor excluded)
    local: dict[Hashable, int] = {}
    rows, cols = [], []
    for i, u in enumerate(nbrs):
        for w in und[u]:
            if w != actor and w != u:
                rows.append(i)
                cols.append(local.setdefault(w, len(local)))
    M = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(d, max(len(local), 1)))
    M.sum_duplicates()
    M.data[:] = 1.0
    tied = np.zeros((d, d), dtype=bool)
    for i, u in enumerate(nbrs):
        for w in und[u]:
            j = pos.get(w)
            if j is not None:
                tied[i, j] = tied[j, i] = True
    iu, iv = np.triu_indices(d, 1)
    open_ = ~tied[iu, iv]
    iu, iv = iu[open_], iv[open_]
    C = sp.csr_array(M @ M.T)  # shared contacts (the actor excluded)
    C.sort_indices()
    keys = np.repeat(np.arange(d, dtype=np.int64), np.diff(C.indptr)) * d + C.indices
    want = iu.astype(np.int64) * d + iv
    common = np.zeros(want.size, dtype=np.int64)
    if keys.size:
        at = np.minimum(np.searchsorted(keys, want), keys.size - 1)
        hit = keys[at] == want
        common[hit] = C.data[at[hit]].astype(np.int64)
    group_of = _group_of(G, groups) if groups is not None else None
    ties = np.array([strength(actor, u) for u in nbrs])
    weakest = np.minimum(ties[iu], ties[iv])
    if group_of is not None:
        gl = [group_of.get(u) for u in nbrs]
        cross = np.array(
            [gl[a] is not None and gl[b] is not None and gl[a] != gl[b] for a, b in zip(iu, iv, strict=True)],
            dtype=bool,
        )
    else:
        cross = np.zeros(iu.size, dtype=bool)
    names = np.arange(iu.size)  # nbrs are sorted by name, so (iu, iv) order is name order
    order = np.lexsort((names, -weakest, common, ~cross))
    if limit is not None:
        order = order[:limit]
    return [
        OpenTriad(
            actor,
            nbrs[iu[j]],
            nbrs[iv[j]],
            int(common[j]),
            float(weakest[j]),
            bool(cross[j]) if group_of is not None else None,
        )
        for j in order.tolist()
    ]
