"""The dated facts behind the Map view's year slider.

The explorer dates what it shows by one set of rules (``viz/static/explorer-time.js``: a node by its
``established``, ``signedOn`` or ``startDate``, an undated centre by its parent centre's founding, a
Belt and Road membership by ``MEMBER_OF.since`` else ``Country.briYear``).  The graph's slider applies
them to the view it draws; the map's applies them to the small subgraph this module picks out of the
projection for a `viz.report.worldmap.WorldMap`:

* the centres on the map and their parent centres (``PARENT_CENTRE``);
* every country and its membership of the Belt and Road bloc (``MEMBER_OF`` → ``Bloc:BRI``);
* the ties of each country's partners (`graph.analytics.coverage.CountryCoverage.partners`) to
  transfer centres, with those centres.

The page works out from it which centres, links and country statuses stood in a year.  The facts
travel as they are stored (properties unchanged): the dating rules are written once, in the page.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from graph.analytics.coverage import CountryCoverage
from ontology.vocab import NodeLabel, RelType
from viz.report.worldmap import WorldMap

__all__ = ["BRI", "map_time"]

#: The Belt and Road bloc's node (as `viz.report.overview.growth_by_year` dates its memberships).
BRI = "Bloc:BRI"


def _labels(G: nx.MultiDiGraph, node: Hashable) -> tuple[str, ...]:
    return tuple(G.nodes[node].get("labels", ()))


def map_time(G: nx.MultiDiGraph, m: WorldMap, coverage: Mapping[str, CountryCoverage]) -> dict[str, Any]:
    """The nodes and relationships that date the map `m` (drawn from the run's `coverage` by country),
    and which of them stand for a country's membership and partners.

    Returns
    -------
    dict
        ``nodes`` (``{"id", "properties"}``), ``edges`` (``{"id", "source", "target", "type",
        "properties"}``), ``centres`` (country code → the centres the run counts in it: it hosts a
        centre in a year where one of them stood), ``members`` (country code → the id of its
        ``MEMBER_OF`` edge to ``Bloc:BRI``, or None: a member with no such edge, of no known year)
        and ``partners`` (country code → ``[edge id, centre id]`` of each tie of its partners to a
        transfer centre).

    Examples
    --------
    >>> from viz.report.worldmap import Centre
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Institution:A", labels=["TransferCentre"], props={"established": "2013"})
    >>> G.add_node("Institution:A-TH", labels=["TransferCentre"], props={})
    >>> G.add_edge("Institution:A-TH", "Institution:A", type="PARENT_CENTRE", props={})
    0
    >>> G.add_node("Country:TH", labels=["Country"], props={"briYear": 2017})
    >>> G.add_edge("Country:TH", "Bloc:BRI", type="MEMBER_OF", props={})
    0
    >>> coverage = {"TH": CountryCoverage("TH", True, ("Institution:A-TH",), (), 0, 0)}
    >>> m = WorldMap([], [Centre("TH", 0.0, 0.0, ("Institution:A-TH",), ("A-TH",))], [])
    >>> facts = map_time(G, m, coverage)
    >>> sorted(n["id"] for n in facts["nodes"])
    ['Country:TH', 'Institution:A', 'Institution:A-TH']
    >>> [e["type"] for e in facts["edges"]], facts["members"], facts["centres"]
    (['MEMBER_OF', 'PARENT_CENTRE'], {'TH': 'Country:TH|MEMBER_OF|Bloc:BRI|0'}, {'TH': ['Institution:A-TH']})
    """
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[str, dict[str, Any]] = {}

    def node(n: Hashable) -> None:
        if str(n) not in nodes and n in G:
            nodes[str(n)] = {"id": str(n), "properties": dict(G.nodes[n].get("props", {}))}

    def edge(u: Hashable, v: Hashable, k: Any, d: dict[str, Any]) -> str:
        edge_id = f"{u}|{d.get('type')}|{v}|{k}"
        edges.setdefault(
            edge_id,
            {
                "id": edge_id,
                "source": str(u),
                "target": str(v),
                "type": str(d.get("type")),
                "properties": dict(d.get("props", {})),
            },
        )
        return edge_id

    dated: set[Hashable] = {i for c in m.centres for i in c.ids}  # the centres whose years count
    centres: dict[str, list[str]] = {}
    members: dict[str, str | None] = {}
    partners: dict[str, list[list[str]]] = {}
    for code, place in sorted(coverage.items()):
        country = f"{NodeLabel.COUNTRY}:{code}"
        if country not in G:
            continue
        node(country)
        if place.centres:
            centres[code] = [str(c) for c in place.centres]
            dated.update(place.centres)
        if place.bri_member:
            members[code] = None
            for u, v, k, d in G.out_edges(country, keys=True, data=True):
                if d.get("type") == RelType.MEMBER_OF and str(v) == BRI:
                    members[code] = edge(u, v, k, d)
        ties = []
        for partner in place.partners:
            if partner not in G:
                continue
            for u, v, k, d in [
                *G.out_edges(partner, keys=True, data=True),
                *G.in_edges(partner, keys=True, data=True),
            ]:
                other = v if u == partner else u
                if NodeLabel.TRANSFER_CENTRE in _labels(G, other):
                    dated.add(other)
                    ties.append([edge(u, v, k, d), str(other)])
        if ties:
            partners[code] = ties
    for centre in sorted(dated, key=str):
        if centre not in G:
            continue
        node(centre)
        for u, parent, k, d in G.out_edges(centre, keys=True, data=True):
            if d.get("type") == RelType.PARENT_CENTRE:
                node(parent)
                edge(u, parent, k, d)
    return {
        "nodes": list(nodes.values()),
        "edges": list(edges.values()),
        "centres": centres,
        "members": members,
        "partners": partners,
    }
