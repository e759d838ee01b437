"""Degree, PageRank and betweenness centrality on sparse matrices.

Betweenness runs Brandes' algorithm for a batch of sources at once: breadth-first
search levels and dependency accumulation are sparse products of a
``(batch, n)`` frontier with the adjacency matrix. Below a size threshold every
node is a source (exact values); above it a uniform sample of sources gives an
unbiased estimate with a Hoeffding bound on the error of every node at once.
The same sources run by default through a compiled Brandes (numba, one breadth-first
search per source, sources spread over the cores), or through igraph's C implementation
(``backend=``); all backends sum the same dependencies.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Literal

import networkx as nx
import numba
import numpy as np
import scipy.sparse as sp

from graph.analytics._sparse import adjacency, degree_counts

__all__ = ["BetweennessResult", "betweenness", "betweenness_sample_size", "degree", "pagerank"]


def degree(
    G: nx.Graph,
    *,
    direction: Literal["all", "in", "out"] = "all",
    weight: str | None = None,
    normalized: bool = True,
) -> dict[Hashable, float]:
    """Degree centrality of every node.

    Parameters
    ----------
    G : NetworkX graph
    direction : {"all", "in", "out"}, optional (default="all")
        Which ties of a directed graph to count; must be ``"all"`` for an
        undirected graph.
    weight : str or None, optional (default=None)
        Edge attribute to sum instead of counting edges (strength).
    normalized : bool, optional (default=True)
        Divide by ``n - 1``, as :func:`networkx.degree_centrality` does.

    Returns
    -------
    dict
        Node -> centrality. With ``normalized=True`` and no weight this equals
        :func:`networkx.degree_centrality` (``in_degree_centrality``,
        ``out_degree_centrality`` for ``direction="in"``/``"out"``).

    Examples
    --------
    >>> G = nx.DiGraph([(0, 1), (0, 2), (1, 2)])
    >>> degree(G)
    {0: 1.0, 1: 1.0, 2: 1.0}
    >>> degree(G, direction="in", normalized=False)
    {0: 0.0, 1: 1.0, 2: 2.0}
    """
    n = G.number_of_nodes()
    scale = 1.0 / (n - 1) if normalized and n > 1 else 1.0
    counts = (
        degree_counts(G, direction)
        if weight is None and direction in ("all", "in", "out") and (direction == "all" or G.is_directed())
        else None
    )
    if counts is not None:  # a graph whose arrays were kept: its counts, computed once
        return dict(zip(G, (counts * scale).tolist(), strict=True))
    if direction == "all":
        view = G.degree(weight=weight)
    elif not G.is_directed():
        raise nx.NetworkXNotImplemented(f"direction={direction!r} needs a directed graph")
    elif direction == "in":
        view = G.in_degree(weight=weight)
    elif direction == "out":
        view = G.out_degree(weight=weight)
    else:
        raise ValueError(f"direction must be 'all', 'in' or 'out', not {direction!r}")
    return {v: float(d) * scale for v, d in view}


def pagerank(
    G: nx.Graph,
    alpha: float = 0.85,
    *,
    personalization: Mapping[Hashable, float] | None = None,
    weight: str | None = "weight",
    tol: float = 1.0e-6,
    max_iter: int = 100,
    nstart: Mapping[Hashable, float] | None = None,
    dangling: Mapping[Hashable, float] | None = None,
) -> dict[Hashable, float]:
    """PageRank by power iteration on a scipy sparse matrix.

    Same parameters, stopping rule and result as :func:`networkx.pagerank`
    (undirected edges are ties both ways, parallel edges add their weights,
    dangling nodes' rank is spread by ``dangling`` or ``personalization``),
    with a faster graph-to-matrix conversion.

    Parameters
    ----------
    G : NetworkX graph
    alpha : float, optional (default=0.85)
        Damping factor.
    personalization : mapping, optional
        Teleport distribution (node -> weight, missing nodes 0); uniform if None.
    weight : str or None, optional (default="weight")
        Edge attribute used as weight; missing attributes weigh 1.
    tol : float, optional (default=1e-6)
        Stop when the L1 change is below ``n * tol``.
    max_iter : int, optional (default=100)
    nstart : mapping, optional
        Starting vector.
    dangling : mapping, optional
        Where the rank of nodes without out-ties goes; ``personalization`` if None.

    Returns
    -------
    dict
        Node -> PageRank, summing to 1.

    Raises
    ------
    PowerIterationFailedConvergence
        If ``max_iter`` iterations do not reach ``tol``.

    Examples
    --------
    >>> G = nx.DiGraph([(0, 1), (1, 2), (2, 0), (2, 1)])
    >>> pr = pagerank(G)
    >>> {v: round(r, 4) for v, r in pr.items()}
    {0: 0.2148, 1: 0.3974, 2: 0.3878}
    >>> ref = nx.pagerank(G)
    >>> all(abs(pr[v] - ref[v]) < 1e-12 for v in G)
    True
    """
    adj = adjacency(G, weight, keep_loops=True)
    n = adj.n
    if n == 0:
        return {}
    A = adj.csr()
    out_w = np.asarray(A.sum(axis=1)).ravel()
    inv = np.zeros(n)
    np.divide(1.0, out_w, out=inv, where=out_w != 0)
    AT = sp.csr_array(A.T.tocsr().multiply(inv[None, :]))  # AT @ x == x @ (D^-1 A)

    def vector(values: Mapping[Hashable, float] | None, what: str) -> np.ndarray:
        if values is None:
            return np.full(n, 1.0 / n)
        vec = np.array([float(values.get(v, 0.0)) for v in adj.nodes])
        total = vec.sum()
        if total == 0:
            raise ZeroDivisionError(f"{what} sums to zero")
        return vec / total

    x = vector(nstart, "nstart")
    p = vector(personalization, "personalization")
    dangling_weights = p if dangling is None else vector(dangling, "dangling")
    is_dangling = np.flatnonzero(out_w == 0)
    for _ in range(max_iter):
        xlast = x
        x = alpha * (AT @ x + x[is_dangling].sum() * dangling_weights) + (1 - alpha) * p
        if np.abs(x - xlast).sum() < n * tol:
            return dict(zip(adj.nodes, x.tolist(), strict=True))
    raise nx.PowerIterationFailedConvergence(max_iter)


@dataclass(frozen=True)
class BetweennessResult:
    """Betweenness values with the guarantee that comes with them.

    Attributes
    ----------
    values : dict
        Node -> betweenness (normalised as :func:`networkx.betweenness_centrality`
        when requested).
    exact : bool
        True when every node was a source (the values are exact).
    epsilon : float
        Additive error bound, in the units of ``values``: with probability at
        least ``1 - delta`` every node's estimate is within ``epsilon`` of its
        exact value. 0 for exact results.
    delta : float
        Failure probability of the bound (0 for exact results).
    samples : int
        Number of source nodes used.
    """

    values: dict[Hashable, float]
    exact: bool
    epsilon: float
    delta: float
    samples: int


def _hoeffding_range(n: int) -> float:
    # One sampled source s contributes n * delta_s(v) / ((n-1)(n-2)), delta_s(v) <= n - 2.
    return n / (n - 1)


def betweenness_sample_size(n: int, epsilon: float, delta: float = 0.1) -> int:
    """Sources needed for normalised betweenness within ``epsilon`` at every node.

    By Hoeffding's inequality and a union bound over the ``n`` nodes, the
    source-sampling estimate of normalised betweenness (each sampled source
    contributes a value in ``[0, n/(n-1)]``) is within ``epsilon`` of the exact
    value at every node with probability at least ``1 - delta`` once the
    number of sources is ``k >= R^2 ln(2n/delta) / (2 epsilon^2)``,
    ``R = n/(n-1)``. Sampling without replacement satisfies the same bound
    (Hoeffding 1963, section 6).

    Parameters
    ----------
    n : int
        Number of nodes (at least 3).
    epsilon : float
        Additive error on normalised betweenness (values in ``[0, 1]``).
    delta : float, optional (default=0.1)
        Failure probability.

    Returns
    -------
    int
        Number of sources ``k``.

    Examples
    --------
    >>> betweenness_sample_size(100_000, 0.05, 0.1)
    2902
    """
    r = _hoeffding_range(n)
    return math.ceil(r * r * math.log(2 * n / delta) / (2 * epsilon * epsilon))


def _hoeffding_epsilon(n: int, k: int, delta: float) -> float:
    r = _hoeffding_range(n)
    return r * math.sqrt(math.log(2 * n / delta) / (2 * k))


def _brandes_batch(A: sp.csr_array, AT: sp.csr_array, sources: np.ndarray) -> np.ndarray:
    """Sum over ``sources`` of Brandes' dependencies ``delta_s(v)`` (unweighted).

    Dense ``(batch, n)`` state is addressed through flat indices ``row * n + col``.
    """
    n = A.shape[0]
    b = sources.shape[0]
    dist = np.full(b * n, -1, dtype=np.int32)
    sigma = np.zeros(b * n)
    start = np.arange(b, dtype=np.int64) * n + sources
    dist[start] = 0
    sigma[start] = 1.0
    frontier = sp.csr_array(
        (np.ones(b), sources.astype(A.indices.dtype), np.arange(b + 1, dtype=A.indptr.dtype)), shape=(b, n)
    )
    itype = A.indices.dtype
    levels: list[tuple[np.ndarray, np.ndarray]] = []
    depth = 0
    while frontier.nnz:
        nxt = sp.csr_array(frontier @ A)
        counts = np.diff(nxt.indptr)
        row = np.repeat(np.arange(b, dtype=np.int64), counts)
        flat = row * n + nxt.indices
        new = dist[flat] < 0
        flat, s = flat[new], nxt.data[new]
        depth += 1
        dist[flat] = depth
        sigma[flat] = s
        indptr = np.zeros(b + 1, dtype=itype)
        np.cumsum(np.bincount(row[new], minlength=b), out=indptr[1:])
        levels.append((flat, indptr))
        frontier = sp.csr_array((s, (flat % n).astype(itype), indptr), shape=(b, n))
    dep = np.zeros(b * n)
    # levels[d - 1] holds the nodes at distance d; push dependencies from d to d - 1
    for d in range(len(levels), 1, -1):
        flat, indptr = levels[d - 1]
        coef = (1.0 + dep[flat]) / sigma[flat]
        back = sp.csr_array(sp.csr_array((coef, (flat % n).astype(itype), indptr), shape=(b, n)) @ AT)
        bflat = np.repeat(np.arange(b, dtype=np.int64) * n, np.diff(back.indptr)) + back.indices
        keep = dist[bflat] == d - 1
        bflat = bflat[keep]
        dep[bflat] += sigma[bflat] * back.data[keep]
    return dep.reshape(b, n).sum(axis=0)


#: Sources are cut into this many interleaved chunks, each summed on its own then added
#: in chunk order: the sum does not depend on the number of threads.
_CHUNKS = 8


@numba.njit(cache=True, nogil=True, parallel=True)
def _numba_dependencies(indptr: np.ndarray, indices: np.ndarray, n: int, sources: np.ndarray) -> np.ndarray:
    """``sum_s delta_s(v)`` (Brandes 2001, unweighted): a breadth-first search per source
    counts shortest paths, then dependencies are pulled from each node's successors on
    shortest paths, farthest nodes first."""
    k = sources.shape[0]
    chunks = min(k, _CHUNKS)
    acc = np.zeros((max(chunks, 1), n))
    for c in numba.prange(chunks):
        dist = np.full(n, -1, dtype=np.int64)
        sigma = np.zeros(n)
        delta = np.zeros(n)
        order = np.empty(n, dtype=np.int64)
        row = acc[c]
        for i in range(c, k, chunks):
            s = sources[i]
            dist[s] = 0
            sigma[s] = 1.0
            order[0] = s
            head, tail = 0, 1
            while head < tail:
                v = order[head]
                head += 1
                dv = dist[v] + 1
                for p in range(indptr[v], indptr[v + 1]):
                    w = indices[p]
                    if dist[w] < 0:
                        dist[w] = dv
                        order[tail] = w
                        tail += 1
                    if dist[w] == dv:
                        sigma[w] += sigma[v]
            for j in range(tail - 1, -1, -1):
                v = order[j]
                dv = dist[v] + 1
                d = 0.0
                for p in range(indptr[v], indptr[v + 1]):
                    w = indices[p]
                    if dist[w] == dv:
                        d += sigma[v] / sigma[w] * (1.0 + delta[w])
                delta[v] = d
                if v != s:
                    row[v] += d
            for j in range(tail):
                v = order[j]
                dist[v] = -1
                sigma[v] = 0.0
                delta[v] = 0.0
    return acc.sum(axis=0)


def _igraph_dependencies(
    indptr: np.ndarray, indices: np.ndarray, n: int, directed: bool, sources: np.ndarray | None
) -> np.ndarray:
    """``sum_s delta_s(v)`` by igraph's C implementation (all sources when ``sources`` is None)."""
    import igraph as ig

    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    keep = np.ones(rows.size, dtype=bool) if directed else rows < indices
    g = ig.Graph(n=n, edges=np.column_stack([rows[keep], indices[keep]]), directed=directed)
    vals = np.asarray(g.betweenness(directed=directed, sources=None if sources is None else sources.tolist()))
    # igraph counts an undirected pair once: half the sum of the sources' dependencies
    return vals if directed else 2.0 * vals


def betweenness(
    G: nx.Graph,
    *,
    normalized: bool = True,
    exact_threshold: int = 2000,
    samples: int | None = None,
    epsilon: float | None = None,
    delta: float = 0.1,
    seed: int | None = 0,
    batch_size: int = 64,
    backend: Literal["auto", "numba", "numpy", "igraph"] = "auto",
) -> BetweennessResult:
    """Shortest-path betweenness, exact for small graphs and sampled for large ones.

    Parameters
    ----------
    G : NetworkX graph
        Unweighted; directed or undirected. Self-loops are ignored and parallel
        edges collapse to one tie (as in networkx's unweighted betweenness).
    normalized : bool, optional (default=True)
        Divide by ``(n-1)(n-2)`` as :func:`networkx.betweenness_centrality`;
        otherwise raw pair counts (halved for undirected graphs).
    exact_threshold : int, optional (default=2000)
        Graphs with at most this many nodes are computed exactly.
    samples : int, optional
        Number of sampled sources above the threshold. Takes precedence over
        ``epsilon``.
    epsilon : float, optional
        Target additive error on normalised values; sets the number of sources
        with :func:`betweenness_sample_size`. If neither ``samples`` nor
        ``epsilon`` is given, 256 sources are used.
    delta : float, optional (default=0.1)
        Failure probability of the reported bound.
    seed : int or None, optional (default=0)
        Seed of the source sample.
    batch_size : int, optional (default=64)
        Sources processed together by the numpy backend (memory
        ``~ 3 * 8 * batch_size * n`` bytes).
    backend : {"auto", "numba", "numpy", "igraph"}, optional (default="auto")
        ``"numba"`` (and ``"auto"``): compiled Brandes, one breadth-first search per
        source, the sources spread over the cores; ``"numpy"``: batched Brandes on
        scipy sparse products; ``"igraph"``: python-igraph's C Brandes over the same
        sources. All give the same values (to rounding: sums in another order).

    Returns
    -------
    BetweennessResult
        ``values`` plus ``exact``, ``epsilon``, ``delta`` and ``samples``. For a
        sample, with probability at least ``1 - delta`` every value is within
        ``epsilon`` of the exact one (Hoeffding bound, see
        :func:`betweenness_sample_size`).

    Notes
    -----
    Exact values equal :func:`networkx.betweenness_centrality`; sampled values
    are the same estimator as its ``k=`` option (sources drawn without
    replacement, scaled by ``n / k``). The bound is a worst case over all
    nodes; actual errors are usually much smaller.

    References
    ----------
    .. [1] Brandes, U. (2001). "A faster algorithm for betweenness centrality."
       *Journal of Mathematical Sociology* 25(2): 163–177.
    .. [2] Brandes, U. and Pich, C. (2007). "Centrality estimation in large
       networks." *International Journal of Bifurcation and Chaos* 17(7).
    .. [3] Hoeffding, W. (1963). "Probability inequalities for sums of bounded
       random variables." *JASA* 58(301): 13–30.

    Examples
    --------
    >>> res = betweenness(nx.path_graph(4))
    >>> res.values, res.exact
    ({0: 0.0, 1: 0.6666666666666666, 2: 0.6666666666666666, 3: 0.0}, True)
    >>> res = betweenness(nx.path_graph(50), exact_threshold=10, samples=25, seed=1)
    >>> res.exact, res.samples, round(res.epsilon, 3)
    (False, 25, 0.379)
    """
    adj = adjacency(G, None, count_parallel=False)
    n = adj.n
    nodes = adj.nodes
    if n < 3:
        return BetweennessResult(dict.fromkeys(nodes, 0.0), True, 0.0, 0.0, n)
    if backend not in ("auto", "numba", "numpy", "igraph"):
        raise ValueError(f"unknown backend {backend!r}")
    if n <= exact_threshold:
        k = n
    elif samples is not None:
        k = min(int(samples), n)
    elif epsilon is not None:
        k = min(betweenness_sample_size(n, epsilon, delta), n)
    else:
        k = min(256, n)
    exact = k >= n
    rng = np.random.default_rng(seed)
    sources = np.arange(n) if exact else np.sort(rng.choice(n, size=k, replace=False))
    if backend in ("auto", "numba"):
        total = _numba_dependencies(adj.indptr, adj.indices, n, sources.astype(np.int64))
    elif backend == "igraph":
        total = _igraph_dependencies(adj.indptr, adj.indices, n, adj.directed, None if exact else sources)
    else:
        itype = np.int32 if max(n, adj.m) < np.iinfo(np.int32).max else np.int64
        A = sp.csr_array((np.ones(adj.m), adj.indices.astype(itype), adj.indptr.astype(itype)), shape=(n, n))
        AT = sp.csr_array(A.T.tocsr())
        total = np.zeros(n)
        for start in range(0, k, batch_size):
            total += _brandes_batch(A, AT, sources[start : start + batch_size])
    scale = 1.0 / ((n - 1) * (n - 2)) if normalized else (1.0 if adj.directed else 0.5)
    scale *= n / k
    values = dict(zip(nodes, (total * scale).tolist(), strict=True))
    if exact:
        return BetweennessResult(values, True, 0.0, 0.0, k)
    eps = _hoeffding_epsilon(n, k, delta)
    if not normalized:
        eps *= (n - 1) * (n - 2) * (1.0 if adj.directed else 0.5)
    return BetweennessResult(values, False, eps, delta, k)
