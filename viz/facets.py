"""Filter facets of nodes: the countries, blocs and fields a node is tied to.

A node's country facet holds the countries it is directly tied to (located in, hosted
in, partner of…) or itself when it is a country; its bloc facet the blocs it or its
countries belong to; its field facet the fields it is directly tied to.  Facets are
read from the projection, so they follow whatever relationships the ontology defines.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import networkx as nx

from ontology.vocab import NodeLabel

__all__ = ["FACET_LABELS", "facets"]

#: Facet name → node label whose keys are the facet's values.
FACET_LABELS: dict[str, str] = {
    "country": NodeLabel.COUNTRY,
    "bloc": NodeLabel.BLOC,
    "field": NodeLabel.FIELD,
}


_MAX_INCOMING = 500


def _is(graph: nx.MultiDiGraph, node: Hashable, label: str) -> bool:
    return label in graph.nodes[node].get("labels", ())


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
    country, bloc, field = FACET_LABELS["country"], FACET_LABELS["bloc"], FACET_LABELS["field"]
    out: dict[Hashable, dict[str, list[str]]] = {}
    for node in nodes:
        if node not in graph:
            continue
        # Relationships point from a thing to its country, bloc and field (LOCATED_IN,
        # MEMBER_OF, COVERS_FIELD…), so a node's successors give its facets.  Incoming
        # ties are read only for small nodes (a bloc's member countries): a hub such as a
        # country has tens of thousands of them and none is a facet of the hub.
        around = list(graph.successors(node))
        if graph.in_degree(node) <= _MAX_INCOMING:
            around.extend(graph.predecessors(node))
        countries = {n for n in around if _is(graph, n, country)}
        if _is(graph, node, country):
            countries.add(node)
        blocs = {n for n in around if _is(graph, n, bloc)}
        for c in countries:
            blocs.update(n for n in graph.successors(c) if _is(graph, n, bloc))
        fields = {n for n in around if _is(graph, n, field)}
        out[node] = {
            "country": sorted(str(graph.nodes[n].get("key", n)) for n in countries),
            "bloc": sorted(str(graph.nodes[n].get("key", n)) for n in blocs),
            "field": sorted(str(graph.nodes[n].get("key", n)) for n in fields),
        }
    return out
