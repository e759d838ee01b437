"""The explorer's first view of the stored graph: the network's story before anything else.

On the bundled data that is the transfer-centre system — the national centres, then their
bilateral and branch centres (``PARENT_CENTRE`` links, and every other centre), then the
countries hosting them (``HOSTED_IN``) — and only then what these are tied to; on other data
(no transfer centre) the most connected nodes and what they are tied to.  Synthetic nodes (the
demo's labelled sample, scale tests) and the study's ``Statistic`` nodes are left out unless
asked, and counted.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import networkx as nx

from ontology.vocab import NodeLabel, PropertyName, RelType

__all__ = ["FirstView", "first_view"]

#: Labels of the centres of a national centre's system (below it through PARENT_CENTRE).
_SYSTEM_LABELS = (NodeLabel.BILATERAL_CENTRE, NodeLabel.BRANCH_CENTRE, NodeLabel.TRANSFER_CENTRE)


@dataclass(frozen=True, slots=True)
class FirstView:
    """The node ids of the first view, in the order chosen, and what the filters left out.

    ``synthetic_left_out`` counts the graph's synthetic nodes when they are hidden (else 0);
    ``statistics_left_out`` its real ``Statistic`` nodes when they are hidden (else 0).
    """

    ids: tuple[Hashable, ...]
    synthetic_left_out: int
    statistics_left_out: int


def _labels(G: nx.MultiDiGraph, n: Hashable) -> tuple[str, ...]:
    return tuple(G.nodes[n].get("labels", ()))


def _is_synthetic(G: nx.MultiDiGraph, n: Hashable) -> bool:
    return bool((G.nodes[n].get("props") or {}).get(PropertyName.SYNTHETIC))


def _by_degree(G: nx.MultiDiGraph, nodes: Iterable[Hashable]) -> list[Hashable]:
    return sorted(nodes, key=lambda n: (-G.degree(n), str(n)))


def _linked(G: nx.MultiDiGraph, nodes: Iterable[Hashable], rel: str, *, incoming: bool) -> list[Hashable]:
    found: dict[Hashable, None] = {}
    for n in nodes:
        edges = G.in_edges(n, data="type") if incoming else G.out_edges(n, data="type")
        for u, v, kind in edges:
            if kind == rel:
                found.setdefault(u if incoming else v, None)
    return list(found)


def first_view(
    G: nx.MultiDiGraph, *, limit: int, synthetic: bool = False, statistics: bool = False
) -> FirstView:
    """Choose the first view's nodes: the centre system first, then its depth-1 surroundings.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A typed projection (node attributes ``labels`` and ``props``, edge attribute ``type``).
    limit : int
        Most nodes to choose.
    synthetic, statistics : bool
        Whether synthetic nodes and ``Statistic`` nodes may be chosen.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("N", labels=["TransferCentre", "NationalTransferCentre"])
    >>> G.add_node("B", labels=["TransferCentre", "BilateralCentre"])
    >>> G.add_node("K", labels=["Country"])
    >>> G.add_node("S", labels=["Statistic"])
    >>> G.add_node("E", labels=["Expert"], props={"synthetic": True})
    >>> for u, v, t in [("B", "N", "PARENT_CENTRE"), ("B", "K", "HOSTED_IN"), ("S", "K", "ABOUT"),
    ...                 ("E", "N", "AFFILIATED_WITH")]:
    ...     _ = G.add_edge(u, v, type=t)
    >>> first_view(G, limit=10)
    FirstView(ids=('N', 'B', 'K'), synthetic_left_out=1, statistics_left_out=1)
    >>> first_view(G, limit=10, synthetic=True, statistics=True).ids
    ('N', 'B', 'K', 'E', 'S')
    """
    hidden: set[Hashable] = set()
    fake = real_stats = 0
    for n in G:
        if _is_synthetic(G, n):
            if not synthetic:
                hidden.add(n)
                fake += 1
        elif NodeLabel.STATISTIC in _labels(G, n) and not statistics:
            hidden.add(n)
            real_stats += 1
    chosen: dict[Hashable, None] = {}

    def take(nodes: Iterable[Hashable]) -> None:
        for n in nodes:
            if len(chosen) >= limit:
                return
            if n not in hidden:
                chosen.setdefault(n, None)

    national = _by_degree(G, (n for n in G if NodeLabel.NATIONAL_TRANSFER_CENTRE in _labels(G, n)))
    take(national)
    seen, level = set(national), national
    while level:  # the centres below the national ones, level by level
        below = _linked(G, level, RelType.PARENT_CENTRE, incoming=True)
        level = [n for n in _by_degree(G, below) if n not in seen]
        seen.update(level)
        take(level)
    centres = [n for n in G if any(label in _labels(G, n) for label in _SYSTEM_LABELS)]
    take(_by_degree(G, centres))
    system = list(chosen)
    take(_by_degree(G, _linked(G, system, RelType.HOSTED_IN, incoming=False)))
    seeds = system or _by_degree(G, (n for n in G if n not in hidden))
    take(seeds)
    for seed in list(seeds) + [n for n in chosen if n not in set(seeds)]:
        if len(chosen) >= limit:
            break
        take(_by_degree(G, {*G.successors(seed), *G.predecessors(seed)}))
    return FirstView(tuple(chosen), fake, real_stats)
