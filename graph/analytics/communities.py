"""Community detection (Leiden/Louvain modularity) and the ties that bridge communities.

Detection runs on the undirected projection of the graph: a directed pair's
weights are added (``w(u, v) + w(v, u)``), parallel edges add their weights and
self-loops are dropped. The optional python-igraph package supplies the fast C
implementations (Leiden: ~1 s on 500k edges); without it the same call falls
back to networkx's Louvain, which is correct but slow on large graphs.
Modularity is always computed here, with numpy, so every backend reports the
same quantity.
"""

from __future__ import annotations

import importlib.util
import random
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np
import scipy.sparse as sp

from graph.analytics._sparse import adjacency, gc_paused

__all__ = ["CommunityResult", "community_bridges", "detect_communities", "modularity"]

Method = Literal["leiden", "louvain"]
Backend = Literal["auto", "igraph", "networkx"]


@dataclass(frozen=True)
class CommunityResult:
    """A partition into communities with its modularity.

    Attributes
    ----------
    membership : dict
        Node -> community id. Ids run from 0, largest community first (ties
        broken by the first node of the community in graph order).
    communities : list of frozenset
        The communities, indexed by id.
    modularity : float
        Modularity of the partition on the undirected projection, at the
        resolution used.
    method : str
        ``"leiden"`` or ``"louvain"``.
    backend : str
        ``"igraph"`` or ``"networkx"``.
    """

    membership: dict[Hashable, int]
    communities: list[frozenset[Hashable]]
    modularity: float
    method: str
    backend: str


def _projection(G: nx.Graph, weight: str | None) -> tuple[list[Hashable], sp.csr_array]:
    """Node list and symmetric weight matrix of the undirected projection (no loops)."""
    adj = adjacency(G, weight)
    A = adj.csr()
    W = sp.csr_array(A + A.T) if adj.directed else A
    W.sum_duplicates()
    return adj.nodes, W


def _modularity(W: sp.csr_array, labels: np.ndarray, resolution: float) -> float:
    total = float(W.sum())  # 2m
    if total == 0:
        return float("nan")
    k = np.asarray(W.sum(axis=1)).ravel()
    coo = W.tocoo()
    inside = labels[coo.row] == labels[coo.col]
    n_comm = int(labels.max()) + 1 if labels.size else 0
    internal = np.bincount(labels[coo.row[inside]], weights=coo.data[inside], minlength=n_comm)
    strength = np.bincount(labels, weights=k, minlength=n_comm)
    return float(internal.sum() / total - resolution * ((strength / total) ** 2).sum())


def _labels(
    nodes: list[Hashable], membership: Mapping[Hashable, Hashable] | Iterable[Iterable[Hashable]]
) -> np.ndarray:
    if isinstance(membership, CommunityResult):
        membership = membership.membership
    if isinstance(membership, Mapping):
        missing = [v for v in nodes if v not in membership]
        if missing:
            raise nx.NetworkXError(f"{len(missing)} node(s) have no community, e.g. {missing[:3]!r}")
        codes: dict[Hashable, int] = {}
        return np.fromiter(
            (codes.setdefault(membership[v], len(codes)) for v in nodes), dtype=np.int64, count=len(nodes)
        )
    label: dict[Hashable, int] = {}
    for i, block in enumerate(membership):
        for v in block:
            if v in label:
                raise nx.NetworkXError(f"node {v!r} is in more than one community")
            label[v] = i
    missing = [v for v in nodes if v not in label]
    if missing:
        raise nx.NetworkXError(f"{len(missing)} node(s) have no community, e.g. {missing[:3]!r}")
    return np.fromiter((label[v] for v in nodes), dtype=np.int64, count=len(nodes))


def modularity(
    G: nx.Graph,
    communities: Mapping[Hashable, Hashable] | Iterable[Iterable[Hashable]],
    *,
    weight: str | None = "weight",
    resolution: float = 1.0,
) -> float:
    r"""Newman–Girvan modularity of a partition of the undirected projection of ``G``.

    .. math::

       Q = \sum_c \left[\frac{W_c}{2m} - \gamma \left(\frac{K_c}{2m}\right)^2\right]

    with :math:`W_c` the weight of ties inside community ``c`` counted in both
    directions, :math:`K_c` its total strength, :math:`2m` the total strength.

    Parameters
    ----------
    G : NetworkX graph
        A directed graph is projected to undirected with ``w(u, v) + w(v, u)``.
    communities : mapping or iterable of node sets
        Node -> community label, a list of disjoint node sets covering ``G``,
        or a :class:`CommunityResult`.
    weight : str or None, optional (default="weight")
    resolution : float, optional (default=1.0)

    Returns
    -------
    float
        Equal to :func:`networkx.community.modularity` on the projection
        (``nan`` for a graph without edges).

    Examples
    --------
    >>> G = nx.barbell_graph(3, 0)
    >>> round(modularity(G, [{0, 1, 2}, {3, 4, 5}]), 6)
    0.357143
    """
    nodes, W = _projection(G, weight)
    return _modularity(W, _labels(nodes, communities), resolution)


def _canonical(labels: np.ndarray) -> np.ndarray:
    """Relabel: largest community 0, ties by first position."""
    _, first, inverse, counts = np.unique(labels, return_index=True, return_inverse=True, return_counts=True)
    order = np.lexsort((first, -counts))
    new_id = np.empty_like(order)
    new_id[order] = np.arange(order.size)
    return new_id[inverse.ravel()]


def _has_igraph() -> bool:
    return importlib.util.find_spec("igraph") is not None


def _igraph_labels(
    W: sp.csr_array, method: Method, resolution: float, seed: int | None, n_iterations: int
) -> np.ndarray:
    import igraph as ig

    n = W.shape[0]
    upper = sp.triu(W, k=1).tocoo()
    g = ig.Graph(n=n, edges=np.column_stack([upper.row, upper.col]).tolist())
    weights = upper.data.tolist()
    ig.set_random_number_generator(random.Random(seed))
    try:
        if method == "leiden":
            clustering = g.community_leiden(
                objective_function="modularity",
                weights=weights,
                resolution=resolution,
                n_iterations=n_iterations,
            )
        else:
            clustering = g.community_multilevel(weights=weights, resolution=resolution)
    finally:
        ig.set_random_number_generator(random)
    return np.asarray(clustering.membership, dtype=np.int64)


def _networkx_labels(W: sp.csr_array, resolution: float, seed: int | None) -> np.ndarray:
    H = nx.from_scipy_sparse_array(sp.triu(W, k=1) + sp.triu(W, k=1).T)
    parts = nx.community.louvain_communities(H, weight="weight", resolution=resolution, seed=seed)
    labels = np.empty(W.shape[0], dtype=np.int64)
    for i, block in enumerate(parts):
        labels[list(block)] = i
    return labels


def detect_communities(
    G: nx.Graph,
    *,
    method: Method = "leiden",
    weight: str | None = "weight",
    resolution: float = 1.0,
    seed: int | None = 0,
    backend: Backend = "auto",
    n_iterations: int = 2,
) -> CommunityResult:
    """Modularity communities by Leiden (default) or Louvain.

    Parameters
    ----------
    G : NetworkX graph
        Directed graphs are projected to undirected (``w(u, v) + w(v, u)``);
        parallel edges add weights; self-loops are ignored.
    method : {"leiden", "louvain"}, optional (default="leiden")
        Leiden (Traag et al. 2019) guarantees connected communities and
        usually reaches higher modularity than Louvain in less time. The
        networkx backend always runs Louvain.
    weight : str or None, optional (default="weight")
        Edge attribute holding weights (missing attributes weigh 1).
    resolution : float, optional (default=1.0)
        Modularity resolution ``gamma``.
    seed : int or None, optional (default=0)
        Seed of the random node order; the same seed gives the same partition.
    backend : {"auto", "igraph", "networkx"}, optional (default="auto")
        ``"auto"`` uses python-igraph when installed, networkx otherwise.
    n_iterations : int, optional (default=2)
        Leiden iterations (negative: until stable; much slower on large graphs).

    Returns
    -------
    CommunityResult
        Membership, communities, modularity, method and backend.

    Notes
    -----
    With the igraph backend, igraph's global random generator is set to a
    ``random.Random(seed)`` for the call and restored to the ``random`` module
    afterwards, so concurrent igraph calls in other threads are not isolated.

    References
    ----------
    .. [1] Blondel, V. D. et al. (2008). "Fast unfolding of communities in large
       networks." *J. Stat. Mech.* P10008.
    .. [2] Traag, V. A., Waltman, L. and van Eck, N. J. (2019). "From Louvain to
       Leiden: guaranteeing well-connected communities." *Sci. Rep.* 9: 5233.

    Examples
    --------
    >>> G = nx.barbell_graph(5, 0)
    >>> res = detect_communities(G, seed=1)
    >>> sorted(sorted(c) for c in res.communities)
    [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    >>> round(res.modularity, 4)
    0.4524
    """
    if backend not in ("auto", "igraph", "networkx"):
        raise ValueError(f"unknown backend {backend!r}")
    if method not in ("leiden", "louvain"):
        raise ValueError(f"unknown method {method!r}")
    use_igraph = backend == "igraph" or (backend == "auto" and _has_igraph())
    nodes, W = _projection(G, weight)
    n = len(nodes)
    if n == 0:
        return CommunityResult({}, [], float("nan"), method, "igraph" if use_igraph else "networkx")
    if use_igraph:
        raw = _igraph_labels(W, method, resolution, seed, n_iterations)
        used_method, used_backend = method, "igraph"
    else:
        raw = _networkx_labels(W, resolution, seed)
        used_method, used_backend = "louvain", "networkx"
    labels = _canonical(raw)
    with gc_paused():
        blocks: list[list[Hashable]] = [[] for _ in range(int(labels.max()) + 1)]
        for v, c in zip(nodes, labels.tolist(), strict=True):
            blocks[c].append(v)
        membership = dict(zip(nodes, labels.tolist(), strict=True))
        communities = [frozenset(b) for b in blocks]
    return CommunityResult(
        membership=membership,
        communities=communities,
        modularity=_modularity(W, labels, resolution),
        method=used_method,
        backend=used_backend,
    )


def community_bridges(
    G: nx.Graph,
    communities: Mapping[Hashable, Hashable] | Iterable[Iterable[Hashable]],
    *,
    weight: str | None = None,
) -> dict[str, Any]:
    """Ties and nodes that link different communities.

    Parameters
    ----------
    G : NetworkX graph
        Directed or undirected; ties are read as in ``G`` (self-loops ignored,
        parallel edges merged with weights added).
    communities : mapping, iterable of node sets or CommunityResult
        The partition.
    weight : str or None, optional (default=None)
        Edge attribute used for tie strength in the participation coefficient.

    Returns
    -------
    dict
        ``"edges"``: list of ``(u, v)`` ties whose ends lie in different
        communities (each undirected edge once, in graph order);
        ``"nodes"``: for every node with at least one such tie,
        ``{"community": label, "external_ties": k, "communities_reached": r,
        "participation": P}`` with ``k`` the number of neighbours (in or out)
        in other communities, ``r`` the number of other communities they
        belong to, and ``P = 1 - sum_c (k_c / k)^2`` is
        Guimerà and Amaral's participation coefficient over the node's ties
        (in- and out-ties together), ``k_c`` the strength of its ties into
        community ``c``; the ``community`` label is the one given in
        ``communities`` (the block index for a list of sets).

    Examples
    --------
    >>> G = nx.barbell_graph(3, 0)
    >>> res = community_bridges(G, [{0, 1, 2}, {3, 4, 5}])
    >>> res["edges"]
    [(2, 3)]
    >>> res["nodes"][2]
    {'community': 0, 'external_ties': 1, 'communities_reached': 1, 'participation': 0.4444444444444444}
    """
    if isinstance(communities, CommunityResult):
        communities = communities.membership
    adj = adjacency(G, weight)
    nodes = adj.nodes
    labels = _labels(nodes, communities)
    if isinstance(communities, Mapping):
        names: list[Hashable] = [None] * (int(labels.max()) + 1 if labels.size else 0)
        for v, c in zip(nodes, labels.tolist(), strict=True):
            names[c] = communities[v]
    else:
        names = list(range(int(labels.max()) + 1 if labels.size else 0))
        # _labels numbered blocks by position in the iterable, which is what we report
    rows = adj.rows()
    cols = adj.indices
    cross = labels[rows] != labels[cols]
    keep = cross if adj.directed else cross & (rows < cols)
    with gc_paused():
        edges = [(nodes[u], nodes[v]) for u, v in zip(rows[keep].tolist(), cols[keep].tolist(), strict=True)]

    # incident ties of each node (both directions for directed graphs)
    A = adj.csr()
    W = sp.csr_array(A + A.T) if adj.directed else A
    W.sum_duplicates()
    wcoo = W.tocoo()
    n_comm = len(names)
    per = sp.csr_array((wcoo.data, (wcoo.row, labels[wcoo.col])), shape=(adj.n, max(n_comm, 1)))
    per.sum_duplicates()
    strength = np.asarray(per.sum(axis=1)).ravel()
    share2 = np.asarray(per.multiply(per).sum(axis=1)).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        participation = np.where(strength > 0, 1.0 - share2 / strength**2, 0.0)
    prow = np.repeat(np.arange(adj.n), np.diff(per.indptr))
    outside = per.indices != labels[prow]
    reached = np.bincount(prow[outside], minlength=adj.n)
    ext_w = wcoo.row[labels[wcoo.row] != labels[wcoo.col]]
    external = np.bincount(ext_w, minlength=adj.n)
    bridge_nodes = np.flatnonzero(external > 0)
    with gc_paused():
        out_nodes = {
            nodes[i]: {
                "community": names[labels[i]],
                "external_ties": int(external[i]),
                "communities_reached": int(reached[i]),
                "participation": float(participation[i]),
            }
            for i in bridge_nodes.tolist()
        }
    return {"edges": edges, "nodes": out_nodes}
