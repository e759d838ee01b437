"""Gould–Fernandez brokerage roles for a partition of the nodes.

A node ``b`` *brokers* the ordered pair ``(a, c)`` when ``a -> b -> c`` is a
two-path, ``a``, ``b`` and ``c`` are distinct and there is no tie ``a -> c``
(Gould & Fernandez 1989; the definition used by R ``sna::brokerage``). Group
membership splits every brokered pair into one of five roles (sna's column name
in brackets, two-path written as groups of ``a -> b -> c``):

==============  ========  =============
role            sna       two-path
==============  ========  =============
coordinator     ``w_I``   A -> A -> A
itinerant       ``w_O``   A -> B -> A
representative  ``b_IO``  A -> A -> B
gatekeeper      ``b_OI``  A -> B -> B
liaison         ``b_O``   A -> B -> C
==============  ========  =============

Counts are computed without enumerating two-paths: the number of two-paths of
each role through ``b`` follows from ``b``'s in- and out-neighbours per group
(two sparse products), and the *closed* ones (``a -> c`` present) are exactly the
transitive triples inside triangles of the undirected graph, which are listed
with numpy (see :mod:`graph.analytics._sparse`).

The module also holds Burt's structural-hole measures (:func:`structural_holes`),
which need the same triangles: the indirect investment of ``i`` in ``j`` runs
through contacts ``q`` shared by both.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx
import numba
import numpy as np
import scipy.sparse as sp

from graph.analytics._sparse import adjacency, gc_paused, oriented, reverse_positions, symmetrize, triangles

__all__ = ["ROLES", "brokerage_graph_scores", "brokerage_scores", "gould_fernandez", "structural_holes"]

#: Role names in sna's column order (``w_I, w_O, b_IO, b_OI, b_O``), then the total.
ROLES: tuple[str, ...] = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison", "total")

GroupSpec = str | Mapping[Hashable, Hashable]


def _group_codes(G: nx.Graph, nodes: list[Hashable], groups: GroupSpec) -> tuple[np.ndarray, list[Hashable]]:
    """Integer group code per node (codes in order of first appearance, as sna's ``unique``)."""
    try:
        if isinstance(groups, str):
            attrs = G._node
            labels = [attrs[v][groups] for v in nodes]
        else:
            labels = list(map(groups.__getitem__, nodes))
    except KeyError:
        if isinstance(groups, str):
            missing = [v for v in nodes if groups not in G.nodes[v]]
            what = f"node attribute {groups!r}"
        else:
            missing = [v for v in nodes if v not in groups]
            what = "groups mapping"
        raise nx.NetworkXError(
            f"{len(missing)} node(s) have no group in the {what}, e.g. {missing[:3]!r}"
        ) from None
    distinct = list(dict.fromkeys(labels))
    lookup = {label: i for i, label in enumerate(distinct)}
    codes = np.fromiter(map(lookup.__getitem__, labels), dtype=np.int64, count=len(nodes))
    return codes, distinct


def _binary_csr(indptr: np.ndarray, indices: np.ndarray, n: int) -> sp.csr_array:
    return sp.csr_array((np.ones(indices.shape[0]), indices, indptr), shape=(n, n))


def _counts(A: sp.csr_array, g: np.ndarray, k: int) -> np.ndarray:
    """Raw role counts, shape ``(n, 5)``, for binary loop-free ``A`` and group codes ``g``."""
    n = A.shape[0]
    S = symmetrize(A)  # 1: u->v, 2: v->u, 3: both
    code = S.data.astype(np.int8)
    total = np.empty((n, 5), dtype=np.float64)
    _all_roles(S.indptr.astype(np.int64), S.indices.astype(np.int64), code, g, k, total)
    closed = np.zeros((n, 5), dtype=np.int64)
    lptr, lcol, lpos = oriented(S)
    _closed_roles(lptr, lcol, lpos, code, g, np.full(n, -1, dtype=np.int64), closed)
    return total - closed


@numba.njit(cache=True, nogil=True)
def _all_roles(
    indptr: np.ndarray, indices: np.ndarray, code: np.ndarray, g: np.ndarray, k: int, total: np.ndarray
) -> None:
    """Write into ``total[b, role]`` the two-paths ``a -> b -> c`` (``a != c``) of every role, open or not.

    From ``b``'s in- and out-neighbours per group: with ``ib``/``ob`` the in-/out-
    neighbours in ``b``'s group, ``same`` the pairs of an in- and an
    out-neighbour in one group, and ``rec``/``rec_same`` the reciprocated ties
    (the ``a = c`` two-paths to leave out). Compiled (numba) for the per-node
    group tallies, which as sparse products cost five matrix passes.
    """
    cin = np.zeros(k, dtype=np.int64)
    cout = np.zeros(k, dtype=np.int64)
    for b in range(indptr.shape[0] - 1):
        gb = g[b]
        indeg = outdeg = ib = ob = rec = rec_same = 0
        for p in range(indptr[b], indptr[b + 1]):
            gv = g[indices[p]]
            c = code[p]
            if c & 1:
                outdeg += 1
                cout[gv] += 1
                if gv == gb:
                    ob += 1
            if c & 2:
                indeg += 1
                cin[gv] += 1
                if gv == gb:
                    ib += 1
            if c == 3:
                rec += 1
                if gv == gb:
                    rec_same += 1
        same = 0
        for p in range(indptr[b], indptr[b + 1]):
            gv = g[indices[p]]
            same += cin[gv] * cout[gv]
            cin[gv] = 0
            cout[gv] = 0
        total[b, 0] = ib * ob - rec_same
        total[b, 1] = (same - ib * ob) - (rec - rec_same)
        total[b, 2] = ib * (outdeg - ob)
        total[b, 3] = (indeg - ib) * ob
        total[b, 4] = (indeg - ib) * (outdeg - ob) - (same - ib * ob)


@numba.njit(cache=True, nogil=True, inline="always")
def _role(ga: int, gb: int, gc: int) -> int:
    """Role code of broker group ``gb`` between ``ga`` and ``gc`` (column order of :data:`ROLES`)."""
    if ga == gb:
        return 0 if gb == gc else 2
    if ga == gc:
        return 1
    return 3 if gb == gc else 4


# Compiled (numba): each triangle of the undirected pattern holds up to six
# transitive triples; classifying them in the listing loop avoids materialising
# the triangles (see graph.analytics._sparse.triangles for why it is compiled).
@numba.njit(cache=True, nogil=True)
def _closed_roles(
    lptr: np.ndarray, lcol: np.ndarray, lpos: np.ndarray, code: np.ndarray, g: np.ndarray,
    mark: np.ndarray, closed: np.ndarray,
) -> None:  # fmt: skip
    """Add to ``closed[b, role]`` every transitive triple ``a -> b -> c, a -> c``.

    ``code`` is the symmetrised pattern's data (1: ``u -> v``, 2: ``v -> u``, 3:
    both) and ``(lptr, lcol, lpos)`` its orientation from
    :func:`graph.analytics._sparse.oriented`.
    """
    for x in range(lptr.shape[0] - 1):
        for p in range(lptr[x], lptr[x + 1]):
            mark[lcol[p]] = p
        for p1 in range(lptr[x], lptr[x + 1]):
            y = lcol[p1]
            cxy = code[lpos[p1]]
            for p2 in range(lptr[y], lptr[y + 1]):
                z = lcol[p2]
                q = mark[z]
                if q < 0:
                    continue
                cyz = code[lpos[p2]]
                cxz = code[lpos[q]]
                xy, yx = (cxy & 1) > 0, (cxy & 2) > 0
                yz, zy = (cyz & 1) > 0, (cyz & 2) > 0
                xz, zx = (cxz & 1) > 0, (cxz & 2) > 0
                gx, gy, gz = g[x], g[y], g[z]
                # the six orderings (a, b, c) of the corners, broker b in the middle
                if xy and yz and xz:
                    closed[y, _role(gx, gy, gz)] += 1
                if zy and yx and zx:
                    closed[y, _role(gz, gy, gx)] += 1
                if yx and xz and yz:
                    closed[x, _role(gy, gx, gz)] += 1
                if zx and xy and zy:
                    closed[x, _role(gz, gx, gy)] += 1
                if xz and zy and xy:
                    closed[z, _role(gx, gz, gy)] += 1
                if yz and zx and yx:
                    closed[z, _role(gy, gz, gx)] += 1
        for p in range(lptr[x], lptr[x + 1]):
            mark[lcol[p]] = -1


def _role_array(ga: np.ndarray, gb: np.ndarray, gc: np.ndarray) -> np.ndarray:
    """:func:`_role` of arrays of group codes."""
    ab, bc, ac = ga == gb, gb == gc, ga == gc
    return np.where(ab & bc, 0, np.where(ac, 1, np.where(ab, 2, np.where(bc, 3, 4))))


#: Two-paths examined per chunk by the partial-credit count (bounds peak memory).
_PATH_CHUNK = 1 << 22


def _partial_counts(A: sp.csr_array, g: np.ndarray) -> np.ndarray:
    """Role scores with credit ``1/k`` for a pair brokered by ``k`` nodes, shape ``(n, 5)``.

    ``K = A @ A`` counts the brokers of every pair joined by a two-path; the
    two-paths themselves are then enumerated in chunks (``sum_b indeg(b) *
    outdeg(b)`` of them) and each open one credits ``1 / K[a, c]`` to its broker.
    """
    n = A.shape[0]
    K = sp.csr_array(A @ A)
    K.sort_indices()
    krow = np.repeat(np.arange(n, dtype=np.int64), np.diff(K.indptr))
    kcol = K.indices.astype(np.int64)
    kkey = krow * n + kcol  # sorted
    arow = np.repeat(np.arange(n, dtype=np.int64), np.diff(A.indptr))
    akey = arow * n + A.indices
    # open pairs: a != c and no tie a -> c
    keep = krow != kcol
    if kkey.size:
        at = np.minimum(np.searchsorted(kkey, akey), kkey.size - 1)
        keep[at[kkey[at] == akey]] = False
    open_keys = kkey[keep]
    open_inv = 1.0 / K.data[keep]
    out = np.zeros(5 * n)
    if open_keys.size == 0:
        return out.reshape(n, 5)
    AT = sp.csr_array(A.T.tocsr())
    AT.sort_indices()
    b_of = np.repeat(np.arange(n, dtype=np.int64), np.diff(AT.indptr))  # in-edge a -> b, b-major
    a_of = AT.indices.astype(np.int64)
    outdeg = np.diff(A.indptr).astype(np.int64)
    per_edge = outdeg[b_of]
    cum = np.cumsum(per_edge)
    n_in = b_of.size
    start = 0
    while start < n_in:
        base = int(cum[start - 1]) if start else 0
        stop = max(int(np.searchsorted(cum, base + _PATH_CHUNK, side="right")), start + 1)
        cnt = per_edge[start:stop]
        total = int(cum[stop - 1]) - base
        if total:
            first = cum[start:stop] - cnt - base
            pos_c = np.arange(total, dtype=np.int64) + np.repeat(A.indptr[b_of[start:stop]] - first, cnt)
            c = A.indices[pos_c].astype(np.int64)
            a = np.repeat(a_of[start:stop], cnt)
            b = np.repeat(b_of[start:stop], cnt)
            key = a * n + c
            pos = np.minimum(np.searchsorted(open_keys, key), open_keys.size - 1)
            hit = open_keys[pos] == key
            a, b, c = a[hit], b[hit], c[hit]
            out += np.bincount(
                b * 5 + _role_array(g[a], g[b], g[c]), weights=open_inv[pos[hit]], minlength=5 * n
            )
        start = stop
    return out.reshape(n, 5)


def _prepare(G: nx.Graph, groups: GroupSpec) -> tuple[list[Hashable], sp.csr_array, np.ndarray, int]:
    adj = adjacency(G, None, count_parallel=False)
    codes, labels = _group_codes(G, adj.nodes, groups)
    return adj.nodes, _binary_csr(adj.indptr, adj.indices, adj.n), codes, len(labels)


def gould_fernandez(
    G: nx.Graph, groups: GroupSpec, *, partial_credit: bool = False
) -> dict[Hashable, dict[str, Any]]:
    """Gould–Fernandez brokerage role counts of every node.

    Node ``b`` brokers the ordered pair ``(a, c)`` of distinct other nodes when
    ``a -> b -> c`` and there is no tie ``a -> c``. Each brokered pair is
    counted in one role according to the groups of ``a``, ``b`` and ``c``:

    - *coordinator* (sna ``w_I``): ``a``, ``b``, ``c`` all in one group;
    - *itinerant* (``w_O``): ``a`` and ``c`` in one group, ``b`` in another;
    - *representative* (``b_IO``): ``a`` in ``b``'s group, ``c`` outside it;
    - *gatekeeper* (``b_OI``): ``c`` in ``b``'s group, ``a`` outside it;
    - *liaison* (``b_O``): three different groups.

    The counts equal the ``raw.nli`` matrix of R ``sna::brokerage``.

    Parameters
    ----------
    G : NetworkX graph
        Directed or undirected. An undirected edge is a tie in both directions;
        parallel edges collapse to one tie; self-loops are ignored (also in the
        tie count behind sna's density, which would include them if they were
        in the adjacency matrix given to sna).
    groups : str or mapping
        Name of a node attribute holding each node's group, or a mapping from
        node to group. Every node needs a group.
    partial_credit : bool, optional (default=False)
        If True, a pair ``(a, c)`` brokered by ``k`` nodes credits each of them
        with ``1/k`` instead of 1 (UCINET's option). This enumerates every
        two-path and materialises ``A @ A``, so it costs time and memory in
        proportion to ``sum_b indeg(b) * outdeg(b)`` (seconds for ~10^7
        two-paths).

    Returns
    -------
    dict
        ``{node: {"coordinator": ..., "itinerant": ..., "representative": ...,
        "gatekeeper": ..., "liaison": ..., "total": ...}}``, ints (floats with
        ``partial_credit``).

    Raises
    ------
    NetworkXError
        If a node has no group.

    See Also
    --------
    brokerage_scores : counts with sna's expected values, standard deviations and z-scores.

    Notes
    -----
    The open two-paths of each role through ``b`` are counted as all two-paths
    (products of ``b``'s in- and out-neighbour counts per group, less the
    ``a = c`` cases of reciprocated ties) minus the transitive triples
    ``a -> b -> c, a -> c``, which are read off the triangles of the
    underlying undirected graph. The cost is that of listing triangles,
    ``O(m^1.5)`` in the worst case, instead of the ``O(sum_b indeg(b) outdeg(b))``
    two-paths a direct enumeration visits.

    References
    ----------
    .. [1] Gould, R. V. and Fernandez, R. M. (1989). "Structures of Mediation:
       A Formal Approach to Brokerage in Transaction Networks."
       *Sociological Methodology* 19: 89–126.
    .. [2] Butts, C. T. sna: Tools for Social Network Analysis, ``brokerage``.

    Examples
    --------
    A Chinese hub relays two Chinese offers to a German and a Kenyan partner:

    >>> G = nx.DiGraph([("cn1", "hub"), ("cn2", "hub"), ("hub", "de"), ("hub", "ke")])
    >>> country = {"cn1": "CN", "cn2": "CN", "hub": "CN", "de": "DE", "ke": "KE"}
    >>> gould_fernandez(G, country)["hub"]
    {'coordinator': 0, 'itinerant': 0, 'representative': 4, 'gatekeeper': 0, 'liaison': 0, 'total': 4}

    If a second broker also links ``cn1`` to ``de``, the two share that pair:

    >>> G.add_edges_from([("cn1", "x"), ("x", "de")])
    >>> country["x"] = "FR"
    >>> gould_fernandez(G, country, partial_credit=True)["hub"]["representative"]
    3.5
    """
    nodes, A, g, k = _prepare(G, groups)
    if partial_credit:
        raw = _partial_counts(A, g)
        vals = np.column_stack([raw, raw.sum(axis=1)]).tolist()
    else:
        raw = _counts(A, g, k)
        vals = np.column_stack([raw, raw.sum(axis=1)]).astype(np.int64).tolist()
    with gc_paused():
        return {v: dict(zip(ROLES, row, strict=True)) for v, row in zip(nodes, vals, strict=True)}


def _sna_moments(
    n_groups: np.ndarray, N: float, m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """sna's expectations and variances: per group ``(k, 6)`` and per graph ``(6,)``."""
    n = n_groups.astype(np.float64)
    d = m / (N * (N - 1)) if N > 1 else 0.0  # fewer than two actors: no tie can exist
    p = d**2 * (1 - d)
    a3 = d**3 * (1 - d) ** 3
    a4 = d**4 * (1 - d) ** 2
    a5 = d**5 * (1 - d)
    k = n.shape[0]
    tot, tot2 = n.sum(), (n**2).sum()
    rest = tot - n  # sum(n[-i])
    rest2 = tot2 - n**2  # sum(n[-i]^2)
    nn1 = n * (n - 1)
    rest_nn1 = nn1.sum() - nn1
    nn12 = n * (n - 1) * (n - 2)
    rest_nn12 = nn12.sum() - nn12

    def choose2(x: np.ndarray) -> np.ndarray:
        return x * (x - 1) / 2

    e = np.zeros((k, 6))
    v = np.zeros((k, 6))
    e[:, 0] = p * (n - 1) * (n - 2)
    v[:, 0] = e[:, 0] * (1 - p) + 2 * (n - 1) * (n - 2) * (n - 3) * a3
    e[:, 1] = p * rest_nn1
    v[:, 1] = e[:, 1] * (1 - p) + 2 * rest_nn12 * a3
    e[:, 2] = p * (N - n) * (n - 1)
    v[:, 2] = e[:, 2] * (1 - p) + 2 * ((n - 1) * choose2(N - n) + (N - n) * choose2(n - 1)) * a3
    e[:, 3] = e[:, 2]
    v[:, 3] = v[:, 2]
    e[:, 4] = p * (rest**2 - rest2)
    # 4 * sum_{j != i} n_j * choose(N - n_j - n_i, 2) * a3
    cj = n[None, :] * choose2(N - n[None, :] - n[:, None])
    np.fill_diagonal(cj, 0.0)
    v[:, 4] = e[:, 4] * (1 - p) + 4 * cj.sum(axis=1) * a3
    e[:, 5] = p * (N - 1) * (N - 2)
    v[:, 5] = e[:, 5] * (1 - p) + 2 * (N - 1) * (N - 2) * (N - 3) * a3

    eg = np.zeros(6)
    vg = np.zeros(6)
    eg[0] = p * nn12.sum()
    vg[0] = eg[0] * (1 - p) + (nn12 * ((4 * n - 10) * a3 - 4 * (n - 3) * a4 + (n - 3) * a5)).sum()
    eg[1] = p * (n * (N - n) * (n - 1)).sum()
    x, y = n[:, None], n[None, :]
    outer = x * y * (x - 1) * ((2 * x + 2 * y - 6) * a3 + (N - x - 1) * a5)
    vg[1] = eg[1] * (1 - p) + (outer.sum() - (n * n * (n - 1) * ((4 * n - 6) * a3 + (N - n - 1) * a5)).sum())
    eg[2] = p * (n * (N - n) * (n - 1)).sum()
    vg[2] = eg[2] * (1 - p) + (n * (N - n) * (n - 1) * ((N - 3) * a3 + (n - 2) * a5)).sum()
    eg[3], vg[3] = eg[2], vg[2]
    eg[4] = p * ((x * y * (N - x - y)).sum() - (n * n * (N - 2 * n)).sum())
    vg[4] = eg[4] * (1 - p)
    # sum over distinct i, j, k of n_i n_j n_k (...), one j at a time to bound memory
    ni, nk = n[:, None], n[None, :]
    off = ~np.eye(k, dtype=bool)
    for j in range(k):
        nj = n[j]
        term = (
            (4 * (N - nj) - 2 * (ni + nk + 1)) * a3
            - (4 * (N - nk) - 2 * (ni + nj + 1)) * a4
            + (N - (ni + nk + 1)) * a5
        )
        mask = off.copy()
        mask[j, :] = False
        mask[:, j] = False
        vg[4] += (nj * ni * nk * term)[mask].sum()
    eg[5] = p * N * (N - 1) * (N - 2)
    vg[5] = eg[5] * (1 - p) + N * (N - 1) * (N - 2) * ((4 * N - 10) * a3 - 4 * (N - 3) * a4 + (N - 3) * a5)
    return e, v, eg, vg


def _z(raw: np.ndarray, exp: np.ndarray, sd: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (raw - exp) / sd


def _scores(G: nx.Graph, groups: GroupSpec) -> tuple[list[Hashable], np.ndarray, np.ndarray, np.ndarray]:
    nodes, A, g, k = _prepare(G, groups)
    raw5 = _counts(A, g, k)
    raw = np.column_stack([raw5, raw5.sum(axis=1)])
    sizes = np.bincount(g, minlength=k)
    e, v, eg, vg = _sna_moments(sizes, float(len(nodes)), float(A.nnz))
    return nodes, raw, np.stack([e[g], np.sqrt(v[g])]), np.stack([eg, np.sqrt(vg)])


_STATS = ("raw", "expected", "sd", "z")
_FLAT_KEYS = tuple(role if stat == "raw" else f"{role}_{stat}" for role in ROLES for stat in _STATS)


def _flat_rows(raw: np.ndarray, exp: np.ndarray, sd: np.ndarray) -> list[list[float]]:
    """Rows of ``(role, stat)`` values in the order of :data:`_FLAT_KEYS`."""
    stacked = np.stack([raw, exp, sd, _z(raw, exp, sd)], axis=-1)  # rows x roles x 4
    return stacked.reshape(raw.shape[0], len(_FLAT_KEYS)).tolist()  # (0, 24) when there are no actors


def brokerage_scores(G: nx.Graph, groups: GroupSpec) -> dict[Hashable, dict[str, float]]:
    """Brokerage counts with sna's expected values, standard deviations and z-scores.

    The expectation and variance of each role count are those of R
    ``sna::brokerage`` (Gould & Fernandez's formulas for a Bernoulli graph with
    the observed density ``d = m / (N (N - 1))``, ``m`` the number of directed
    ties), and ``z = (raw - expected) / sd``. They depend only on the size of
    the node's group. A zero standard deviation gives ``z`` of ``nan`` (or
    ``inf``), as in sna.

    Parameters
    ----------
    G : NetworkX graph
        As in :func:`gould_fernandez`.
    groups : str or mapping
        Node attribute name or mapping node -> group.

    Returns
    -------
    dict
        ``{node: {key: value}}`` with flat keys, ready to store as node
        properties: for each role of :data:`ROLES` (``"total"`` included) the
        count under the role's name (a float here) and ``<role>_expected``,
        ``<role>_sd`` and ``<role>_z`` (sna's ``raw.nli``, ``exp.nli``,
        ``sd.nli`` and ``z.nli``).

    See Also
    --------
    gould_fernandez, brokerage_graph_scores

    Examples
    --------
    >>> G = nx.DiGraph([(0, 1), (1, 2), (2, 3), (3, 0)])
    >>> s = brokerage_scores(G, {0: "A", 1: "A", 2: "B", 3: "B"})
    >>> {k: v for k, v in s[1].items() if k.startswith("repr")}  # doctest: +NORMALIZE_WHITESPACE
    {'representative': 1.0, 'representative_expected': 0.14814814814814817,
     'representative_sd': 0.39890109682477815, 'representative_z': 2.135496389036096}

    R's ``brokerage(g, cl)`` gives the same expectation, sd and z for vertex 2 (``b_IO``).
    """
    nodes, raw, (exp, sd), _ = _scores(G, groups)
    with gc_paused():
        rows = _flat_rows(raw, exp, sd)
        return {v: dict(zip(_FLAT_KEYS, row, strict=True)) for v, row in zip(nodes, rows, strict=True)}


def brokerage_graph_scores(G: nx.Graph, groups: GroupSpec) -> dict[str, dict[str, float]]:
    """Network-level brokerage: total of each role with sna's expectation, sd and z.

    Equals sna's ``raw.gli``, ``exp.gli``, ``sd.gli`` and ``z.gli``.

    Parameters
    ----------
    G : NetworkX graph
        As in :func:`gould_fernandez`.
    groups : str or mapping
        Node attribute name or mapping node -> group.

    Returns
    -------
    dict
        ``{role: {"raw": ..., "expected": ..., "sd": ..., "z": ...}}``.

    Examples
    --------
    >>> G = nx.DiGraph([(0, 1), (1, 2), (2, 3), (3, 0)])
    >>> g = brokerage_graph_scores(G, {0: "A", 1: "A", 2: "B", 3: "B"})
    >>> g["total"]["raw"], round(g["total"]["expected"], 12)
    (4.0, 1.777777777778)
    """
    _, raw, _, (eg, sdg) = _scores(G, groups)
    row = _flat_rows(raw.sum(axis=0)[None, :], eg[None, :], sdg[None, :])[0]
    return {role: dict(zip(_STATS, row[4 * i : 4 * i + 4], strict=True)) for i, role in enumerate(ROLES)}


def structural_holes(G: nx.Graph, *, weight: str | None = None) -> dict[Hashable, dict[str, float]]:
    r"""Burt's effective size, efficiency, constraint and hierarchy of every node.

    With mutual weights :math:`a_{ij} = w_{ij} + w_{ji}` (the sum of the
    weights of the ties joining ``i`` and ``j`` in either direction),
    :math:`p_{ij} = a_{ij} / \sum_k a_{ik}` (proportional investment) and
    :math:`m_{ij} = a_{ij} / \max_k a_{ik}` (marginal strength), for a node
    ``i`` with the set :math:`N(i)` of contacts (in- or out-neighbours):

    .. math::

       \text{effective size}_i &= \sum_{j \in N(i)} \Big(1 - \sum_{q} p_{iq} m_{jq}\Big) \\
       \text{efficiency}_i &= \text{effective size}_i / |N(i)| \\
       c_{ij} &= \Big(p_{ij} + \sum_{q} p_{iq} p_{qj}\Big)^2, \qquad
       \text{constraint}_i = \sum_{j \in N(i)} c_{ij} \\
       \text{hierarchy}_i &= \frac{\sum_{j \in N(i)} r_{ij} \ln r_{ij}}{|N(i)| \ln |N(i)|},
       \qquad r_{ij} = \frac{c_{ij}}{\text{constraint}_i / |N(i)|}

    Effective size and constraint are those of :func:`networkx.effective_size`
    and :func:`networkx.constraint`; hierarchy is Burt's Coleman–Theil
    disorder index of the local constraints [1]_ (p. 71; 0 when constraint is
    spread evenly over the contacts, 1 when it is all on one of them).

    Parameters
    ----------
    G : NetworkX graph
        Directed or undirected; directed ties are combined into mutual weights.
        Parallel edges add their weights; self-loops are ignored.
    weight : str or None, optional (default=None)
        Edge attribute holding the tie weight; None (or a missing attribute)
        means weight 1.

    Returns
    -------
    dict
        ``{node: {"effective_size": ..., "efficiency": ..., "constraint": ...,
        "hierarchy": ...}}``. All four are ``nan`` for a node without contacts;
        hierarchy is ``nan`` for a node with a single contact (``0/0``).

    Notes
    -----
    The indirect terms :math:`\sum_q p_{iq} p_{qj}` and
    :math:`\sum_q p_{iq} m_{jq}` are non-zero only when ``i``, ``j`` and ``q``
    form a triangle, so they are accumulated over the triangles of the
    undirected graph instead of a full sparse matrix product.

    Efficiency divides by the number of distinct contacts, Burt's definition;
    for directed graphs this differs from dividing by ``G.degree`` (which
    counts a reciprocated pair twice), as networkx's docstring suggests.

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of
       Competition.* Harvard University Press.
    .. [2] Borgatti, S. (1997). "Structural Holes: Unpacking Burt's Redundancy
       Measures." *Connections* 20(1): 35–38.

    Examples
    --------
    A broker joining two otherwise separate pairs:

    >>> G = nx.Graph([("b", "x1"), ("b", "x2"), ("x1", "x2"), ("b", "y")])
    >>> sh = structural_holes(G)
    >>> {k: round(v, 4) for k, v in sh["b"].items()}
    {'effective_size': 2.3333, 'efficiency': 0.7778, 'constraint': 0.6111, 'hierarchy': 0.0522}
    >>> sh["y"]["constraint"], sh["y"]["hierarchy"]
    (1.0, nan)
    """
    adj = adjacency(G, weight)
    n = adj.n
    P = sp.csr_array(adj.csr() + adj.csr().T)
    P.sum_duplicates()
    P.sort_indices()
    rows = np.repeat(np.arange(n), np.diff(P.indptr))
    a = P.data
    with np.errstate(divide="ignore", invalid="ignore"):
        rowsum = np.bincount(rows, weights=a, minlength=n)
        rowmax = np.zeros(n)
        nonempty = np.diff(P.indptr) > 0
        if a.size:
            rowmax[nonempty] = np.maximum.reduceat(a, P.indptr[:-1][nonempty])
        p = a / rowsum[rows]
        mm = a / rowmax[rows]
    rev = reverse_positions(P)
    indirect = np.zeros(a.shape[0])
    redundancy = np.zeros(n)
    for x, y, z, pxy, pyz, pxz in triangles(P):
        pyx, pzy, pzx = rev[pxy], rev[pyz], rev[pxz]
        nnz = a.shape[0]
        # sum_q p_iq p_qj for each ordered pair of the triangle, q the third corner
        indirect += np.bincount(pxy, p[pxz] * p[pzy], minlength=nnz)
        indirect += np.bincount(pyx, p[pyz] * p[pzx], minlength=nnz)
        indirect += np.bincount(pyz, p[pyx] * p[pxz], minlength=nnz)
        indirect += np.bincount(pzy, p[pzx] * p[pxy], minlength=nnz)
        indirect += np.bincount(pxz, p[pxy] * p[pyz], minlength=nnz)
        indirect += np.bincount(pzx, p[pzy] * p[pyx], minlength=nnz)
        # p_iq m_jq: i = ego, j = contact, q = third corner
        redundancy += np.bincount(x, p[pxz] * mm[pyz] + p[pxy] * mm[pzy], minlength=n)
        redundancy += np.bincount(y, p[pyz] * mm[pxz] + p[pyx] * mm[pzx], minlength=n)
        redundancy += np.bincount(z, p[pzy] * mm[pxy] + p[pzx] * mm[pyx], minlength=n)
    contacts = np.diff(P.indptr).astype(np.float64)
    local = (p + indirect) ** 2
    constraint = np.bincount(rows, weights=local, minlength=n).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        esize = contacts - redundancy
        efficiency = esize / contacts
        ratio = local * contacts[rows] / constraint[rows]
        rlogr = np.where(ratio > 0, ratio * np.log(np.where(ratio > 0, ratio, 1.0)), 0.0)
        hierarchy = np.bincount(rows, weights=rlogr, minlength=n).astype(np.float64)
        hierarchy /= contacts * np.log(contacts)
    isolated = contacts == 0
    for arr in (esize, efficiency, constraint, hierarchy):
        arr[isolated] = np.nan
    hierarchy[contacts == 1] = np.nan
    keys = ("effective_size", "efficiency", "constraint", "hierarchy")
    cols = zip(esize.tolist(), efficiency.tolist(), constraint.tolist(), hierarchy.tolist(), strict=True)
    with gc_paused():
        return {v: dict(zip(keys, vals, strict=True)) for v, vals in zip(adj.nodes, cols, strict=True)}
