"""Filter facets of nodes: the countries, blocs and fields a node is tied to.

A node's country facet holds the countries it is directly tied to (located in, hosted
in, partner of…) or itself when it is a country; its bloc facet the blocs it or its
countries belong to; its field facet the fields it is directly tied to.  Facets are
read from the projection, so they follow whatever relationships the ontology defines.
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable, Iterable

import networkx as nx

from ontology.vocab import NodeLabel

__all__ = ["FACET_LABELS", "facets", "prepare_facets"]

#: Facet name → node label whose keys are the facet's values.
FACET_LABELS: dict[str, str] = {
    "country": NodeLabel.COUNTRY,
    "bloc": NodeLabel.BLOC,
    "field": NodeLabel.FIELD,
}


_MAX_INCOMING = 500

#: Per projected graph: the nodes of each facet label, and the node count they were read
#: at (a graph that grew since is read again).  Facets intersect a node's neighbours with
#: these sets instead of reading every neighbour's labels: a node with hundreds of
#: neighbours took 30 ms the other way.
_FACET_NODES: weakref.WeakKeyDictionary[nx.Graph, tuple[int, dict[str, frozenset[Hashable]]]] = (
    weakref.WeakKeyDictionary()
)


def _facet_nodes(graph: nx.MultiDiGraph) -> dict[str, frozenset[Hashable]]:
    cached = _FACET_NODES.get(graph)
    if cached is not None and cached[0] == graph.number_of_nodes():
        return cached[1]
    wanted = set(FACET_LABELS.values())
    found: dict[str, set[Hashable]] = {label: set() for label in wanted}
    for node, labels in graph.nodes(data="labels", default=()):
        for label in wanted.intersection(labels):
            found[label].add(node)
    sets = {label: frozenset(nodes) for label, nodes in found.items()}
    _FACET_NODES[graph] = (graph.number_of_nodes(), sets)
    return sets


def prepare_facets(graph: nx.MultiDiGraph) -> None:
    """Read `graph`'s facet nodes now (a projection hook) rather than on the first view.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Country:TH", labels=["Country"], key="TH")
    >>> prepare_facets(G)
    >>> sorted(_FACET_NODES[G][1]["Country"])
    ['Country:TH']
    """
    _facet_nodes(graph)


def facets(graph: nx.MultiDiGraph, nodes: Iterable[Hashable]) -> dict[Hashable, dict[str, list[str]]]:
    """Facet values of each node in `nodes`.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Country:TH", labels=["Country"], key="TH")
    >>> G.add_node("Bloc:ASEAN", labels=["Bloc"], key="ASEAN")
    >>> G.add_node("Institution:x", labels=["Institution"], key="x")
    >>> _ = G.add_edge("Institution:x", "Country:TH", key="LOCATED_IN")
    >>> _ = G.add_edge("Country:TH", "Bloc:ASEAN", key="MEMBER_OF")
    >>> facets(G, ["Institution:x"])["Institution:x"]
    {'country': ['TH'], 'bloc': ['ASEAN'], 'field': []}
    """
    sets = _facet_nodes(graph)
    countries_all = sets[FACET_LABELS["country"]]
    blocs_all = sets[FACET_LABELS["bloc"]]
    fields_all = sets[FACET_LABELS["field"]]
    succ, pred, attrs = graph._succ, graph._pred, graph._node

    def keys(found: Iterable[Hashable]) -> list[str]:
        return sorted(str(attrs[n].get("key", n)) for n in found)

    out: dict[Hashable, dict[str, list[str]]] = {}
    for node in nodes:
        if node not in succ:
            continue
        # Relationships point from a thing to its country, bloc and field (LOCATED_IN,
        # MEMBER_OF, COVERS_FIELD…), so a node's successors give its facets.  Incoming
        # ties are read only for small nodes (a bloc's member countries): a hub such as a
        # country has tens of thousands of them and none is a facet of the hub.
        around = set(succ[node])
        if len(pred[node]) <= _MAX_INCOMING:
            around.update(pred[node])
        countries = around & countries_all
        if node in countries_all:
            countries.add(node)
        blocs = around & blocs_all
        for c in countries:
            blocs.update(succ[c].keys() & blocs_all)
        out[node] = {"country": keys(countries), "bloc": keys(blocs), "field": keys(around & fields_all)}
    return out
