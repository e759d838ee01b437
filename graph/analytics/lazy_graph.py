"""A directed graph whose adjacency dicts are built the first time something reads them.

The actor network of a million-relationship graph has about two million ties.  The
kernels read its CSR arrays (`graph.analytics._sparse.remember`), not networkx's dicts,
so building one attribute dict per tie, and the successor and predecessor dicts around
them, cost seconds and about half a gigabyte for nothing, and as long again to free them
at the end of the run.  A `LazyDiGraph` holds its nodes (and their attributes) as usual
and a function that returns its ``(successors, predecessors)`` dicts; networkx reads the
adjacency only through the ``_succ``, ``_pred`` and ``_adj`` attributes, which call that
function once, the first time any of them is read.

Examples
--------
>>> G = LazyDiGraph()
>>> G.add_node("a")
>>> G.add_node("b")
>>> calls = []
>>> def ties():
...     calls.append(1)
...     return {"a": {"b": {"weight": 2}}, "b": {}}, {"a": {}, "b": {"a": {"weight": 2}}}
>>> G.defer_ties(ties)
>>> G.number_of_nodes(), G.ties_built, calls
(2, False, [])
>>> list(G.edges(data="weight")), G.ties_built, calls
([('a', 'b', 2)], True, [1])
>>> G.in_degree("b"), calls
(1, [1])
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

import networkx as nx

__all__ = ["LazyDiGraph", "TieDicts"]

_BUILDING = threading.Lock()

#: ``(successors, predecessors)``: node -> neighbour -> attribute dict, every node a key of both
TieDicts = tuple[dict[Hashable, dict[Hashable, Any]], dict[Hashable, dict[Hashable, Any]]]


def _adjacency(slot: str) -> Any:
    """A property over ``__dict__[slot]`` that builds the pending ties before it is read."""

    def read(self: LazyDiGraph) -> dict[Hashable, dict[Hashable, Any]]:
        if self._pending is not None:
            self._build_ties()
        table: dict[Hashable, dict[Hashable, Any]] = self.__dict__[slot]
        return table

    def write(self: LazyDiGraph, value: dict[Hashable, dict[Hashable, Any]]) -> None:
        self.__dict__[slot] = value

    return property(read, write)


class LazyDiGraph(nx.DiGraph):
    """A `networkx.DiGraph` whose ties may be given as a function, called on first read.

    Until `defer_ties` is called it is an ordinary `networkx.DiGraph`.  After it, the
    node set must not change before the ties are built (the function returns the dicts
    of the nodes the graph had); `graph.analytics._sparse.remember` freezes the graph.
    """

    _pending: Callable[[], TieDicts] | None = None

    def defer_ties(self, build: Callable[[], TieDicts]) -> None:
        """Replace the ties by those `build` returns, built the first time they are read."""
        self._pending = build

    @property
    def ties_built(self) -> bool:
        """Whether the adjacency dicts exist (no pending function)."""
        return self._pending is None

    def _build_ties(self) -> None:
        # one build, and no reader sees the pending mark cleared before the dicts are in place
        # (the API's sessions are shared by threads)
        with _BUILDING:
            build = self._pending
            if build is None:
                return
            succ, pred = build()
            self.__dict__["_lazy_succ"] = succ
            self.__dict__["_lazy_pred"] = pred
            self._pending = None

    # networkx reads and assigns these three attributes; `_adj` is `_succ` in a DiGraph
    _succ = _adj = _adjacency("_lazy_succ")
    _pred = _adjacency("_lazy_pred")
