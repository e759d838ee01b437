"""Graphs whose adjacency dicts are built the first time something reads them.

Most of what touches every node or relationship reads arrays (the projection's
`graph.typed_arrays`, the actor network's CSR `graph.analytics._sparse.remember`), not
networkx's dicts.  Building those dicts for a million relationships (one entry per
relationship, the successor and predecessor dicts around them) costs seconds and hundreds
of megabytes, and as long again to free them, for nothing when no one reads them.  A lazy
graph holds its nodes (and their attributes) as usual and a function that returns its
``(successors, predecessors)`` dicts; networkx reads the adjacency only through the
``_succ``, ``_pred`` and ``_adj`` attributes, which call that function once, the first
time any of them is read.

`LazyDiGraph` is the actor network's class, `LazyMultiDiGraph` the projection's and the
population's (`graph.projection.build_networkx`, `graph.analytics.population.select`).

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

__all__ = ["LazyDiGraph", "LazyMultiDiGraph", "TieDicts", "ties_built"]

_BUILDING = threading.RLock()  # a lazy graph built from another builds that one inside

#: ``(successors, predecessors)``: node -> neighbour -> attributes (a key dict of
#: attributes in a multigraph), every node a key of both
TieDicts = tuple[dict[Hashable, dict[Hashable, Any]], dict[Hashable, dict[Hashable, Any]]]


def _adjacency(slot: str) -> Any:
    """A property over ``__dict__[slot]`` that builds the pending ties before it is read."""

    def read(self: _LazyTies) -> dict[Hashable, dict[Hashable, Any]]:
        if self._pending is not None:
            self._build_ties()
        table: dict[Hashable, dict[Hashable, Any]] = self.__dict__[slot]
        return table

    def write(self: _LazyTies, value: dict[Hashable, dict[Hashable, Any]]) -> None:
        self.__dict__[slot] = value

    return property(read, write)


class _LazyTies:
    """What a lazy directed graph adds to its networkx class (see the module docstring).

    Until `defer_ties` is called it is an ordinary graph.  After it, the node set must not
    change before the ties are built (the function returns the dicts of the nodes the
    graph had): the lazy graphs of transfernet are frozen (`networkx.freeze`) or read only.
    """

    __dict__: dict[str, Any]
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

    def __getstate__(self) -> dict[str, Any]:
        # a pickled (or deep-copied) graph carries its ties, not the function that builds them
        if self._pending is not None:
            self._build_ties()
        state = dict(self.__dict__)
        state.pop("_pending", None)
        return state

    # networkx reads and assigns these three attributes; `_adj` is `_succ` in a directed graph
    _succ = _adj = _adjacency("_lazy_succ")
    _pred = _adjacency("_lazy_pred")


class LazyDiGraph(_LazyTies, nx.DiGraph):
    """A `networkx.DiGraph` whose ties may be given as a function, called on first read."""


class LazyMultiDiGraph(_LazyTies, nx.MultiDiGraph):
    """A `networkx.MultiDiGraph` whose relationships may be given as a function, called on
    first read (its successor and predecessor dicts share one key dict per pair, as
    networkx's do).

    Examples
    --------
    >>> G = LazyMultiDiGraph()
    >>> G.add_nodes_from("ab")
    >>> keys = {"T": {"type": "T"}}
    >>> G.defer_ties(lambda: ({"a": {"b": keys}, "b": {}}, {"a": {}, "b": {"a": keys}}))
    >>> G.ties_built, list(G.edges(keys=True)), G.ties_built
    (False, [('a', 'b', 'T')], True)
    """


def ties_built(G: nx.Graph) -> bool:
    """Whether `G`'s adjacency dicts exist (always, for a graph that is not lazy).

    >>> ties_built(nx.DiGraph())
    True
    """
    return not isinstance(G, _LazyTies) or G.ties_built
