"""An undirected view of a directed graph whose neighbours come in a fixed order.

networkx's ``G.to_undirected(as_view=True)`` lists a node's neighbours as the *set*
union of its successors and predecessors, in the order of Python's per-process string
hashing: a breadth-first search or Yen's algorithm over it returned another of several
equally short paths in each process (a path, an introducer or a supply-demand channel
changed when the server restarted).  This view lists successors first, then the
predecessors that are not successors, each in insertion order; everything else is
networkx's view.  Written here because networkx offers no ordered union view.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph([("a", "x"), ("c", "a"), ("a", "b"), ("d", "a")])
>>> list(undirected_view(G)["a"])
['x', 'b', 'c', 'd']
>>> sorted(undirected_view(G).edges("c"))
[('c', 'a')]
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from itertools import chain
from typing import Any

import networkx as nx
from networkx.classes import coreviews

__all__ = ["undirected_view"]


class _OrderedUnionAtlas(coreviews.UnionAtlas):
    __slots__ = ()

    def __iter__(self) -> Iterator[Hashable]:
        return iter(dict.fromkeys(chain(self._succ, self._pred)))


class _OrderedUnionMultiInner(coreviews.UnionMultiInner):
    __slots__ = ()

    def __iter__(self) -> Iterator[Hashable]:
        return iter(dict.fromkeys(chain(self._succ, self._pred)))

    def __getitem__(self, node: Hashable) -> _OrderedUnionAtlas:
        in_succ, in_pred = node in self._succ, node in self._pred
        if not (in_succ or in_pred):
            raise KeyError(node)
        return _OrderedUnionAtlas(self._succ[node] if in_succ else {}, self._pred[node] if in_pred else {})


class _OrderedUnionMultiAdjacency(coreviews.UnionMultiAdjacency):
    __slots__ = ()

    def __getitem__(self, node: Hashable) -> _OrderedUnionMultiInner:
        return _OrderedUnionMultiInner(self._succ[node], self._pred[node])


class _OrderedUnionAdjacency(coreviews.UnionAdjacency):
    __slots__ = ()

    def __getitem__(self, node: Hashable) -> _OrderedUnionAtlas:
        return _OrderedUnionAtlas(self._succ[node], self._pred[node])


def undirected_view(G: Any) -> nx.Graph:
    """`G` read undirected (a view, O(1) beyond networkx's own check), neighbours in a fixed order."""
    if not G.is_directed():
        return G
    view = G.to_undirected(as_view=True)
    if G.is_multigraph():
        view._adj = _OrderedUnionMultiAdjacency(G._succ, G._pred)
    else:
        view._adj = _OrderedUnionAdjacency(G._succ, G._pred)
    return view
