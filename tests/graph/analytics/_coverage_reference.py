"""Coverage as it was computed before it read the projection's arrays: on networkx's dicts.

Kept as the reference `test_coverage_arrays` compares the array version with (the same
countries, centres, partners, counts and gaps, in the same order).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable

import networkx as nx

from graph.analytics.coverage import CountryCoverage, CoverageGap
from ontology.vocab import NodeLabel, PropertyName, RelType


def _has(G: nx.Graph, node: Hashable, label: str) -> bool:
    return label in G.nodes[node].get("labels", ())


def _key(G: nx.Graph, node: Hashable) -> str:
    return str(G.nodes[node].get("key", node))


def _targets(G: nx.MultiDiGraph, node: Hashable, types: Collection[str], label: str) -> set[Hashable]:
    return {v for _, v, d in G.out_edges(node, data=True) if d.get("type") in types and _has(G, v, label)}


def _field_ancestors(G: nx.MultiDiGraph) -> dict[Hashable, set[Hashable]]:
    """Each field with itself and every broader field (SKOS hierarchy)."""
    fields = [n for n in G if _has(G, n, NodeLabel.FIELD)]
    up: dict[Hashable, set[Hashable]] = {}
    for f in fields:
        seen = {f}
        stack = [f]
        while stack:
            node = stack.pop()
            for parent in _targets(G, node, {RelType.BROADER}, NodeLabel.FIELD):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        up[f] = seen
    return up


def country_coverage(G: nx.MultiDiGraph) -> dict[str, CountryCoverage]:
    """Centres, partners, demands and offers per country (keyed by country code)."""
    located = {RelType.LOCATED_IN, RelType.HOSTED_IN}
    countries = {n: _key(G, n) for n in G if _has(G, n, NodeLabel.COUNTRY)}
    centres: dict[str, set[Hashable]] = defaultdict(set)
    partners: dict[str, set[Hashable]] = defaultdict(set)
    demands: dict[str, int] = defaultdict(int)
    offers: dict[str, int] = defaultdict(int)
    for node in G:
        places = [countries[c] for c in _targets(G, node, located, NodeLabel.COUNTRY)]
        if not places:
            continue
        if _has(G, node, NodeLabel.TRANSFER_CENTRE):
            for code in places:
                centres[code].add(node)
        elif _has(G, node, NodeLabel.INSTITUTION):
            tied = any(_has(G, other, NodeLabel.TRANSFER_CENTRE) for other in nx.all_neighbors(G, node))
            if tied:
                for code in places:
                    partners[code].add(node)
        elif _has(G, node, NodeLabel.TECHNOLOGY_DEMAND):
            for code in places:
                demands[code] += 1
        elif _has(G, node, NodeLabel.TECHNOLOGY_OFFER):
            for code in places:
                offers[code] += 1
    return {
        code: CountryCoverage(
            country=code,
            bri_member=bool(G.nodes[node].get("props", {}).get(PropertyName.BRI_MEMBER)),
            centres=tuple(sorted(centres[code], key=str)),
            partners=tuple(sorted(partners[code], key=str)),
            demands=demands[code],
            offers=offers[code],
        )
        for node, code in countries.items()
    }


def coverage_gaps(G: nx.MultiDiGraph, *, bri_only: bool = True) -> list[CoverageGap]:
    """(country, field) pairs with technology demand and no centre or partner serving them.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Typed projection.
    bri_only : bool
        Only Belt and Road member countries (``briMember`` true).

    Returns
    -------
    list of CoverageGap
        Most demands first; ``offers_elsewhere`` counts offers in the same field (or a
        narrower one) located in other countries — supply a broker could bring in.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Country:KE", labels=["Country"], key="KE", props={"briMember": True})
    >>> G.add_node("Country:CN", labels=["Country"], key="CN", props={"briMember": False})
    >>> G.add_node("Field:f", labels=["Field"], key="f", props={})
    >>> G.add_node("TechnologyDemand:d", labels=["TechnologyDemand"], key="d", props={})
    >>> G.add_node("TechnologyOffer:o", labels=["TechnologyOffer"], key="o", props={})
    >>> for u, v, t in [("TechnologyDemand:d", "Country:KE", "LOCATED_IN"),
    ...                 ("TechnologyDemand:d", "Field:f", "IN_FIELD"),
    ...                 ("TechnologyOffer:o", "Country:CN", "LOCATED_IN"),
    ...                 ("TechnologyOffer:o", "Field:f", "IN_FIELD")]:
    ...     _ = G.add_edge(u, v, type=t)
    >>> coverage_gaps(G)
    [CoverageGap(country='KE', field='f', demands=1, offers_elsewhere=1)]
    """
    coverage = country_coverage(G)
    ancestors = _field_ancestors(G)
    located = {RelType.LOCATED_IN, RelType.HOSTED_IN}
    in_field = {RelType.IN_FIELD}
    demand_counts: dict[tuple[str, Hashable], int] = defaultdict(int)
    offer_counts: dict[tuple[str, Hashable], int] = defaultdict(int)
    for node in G:
        is_demand = _has(G, node, NodeLabel.TECHNOLOGY_DEMAND)
        if not (is_demand or _has(G, node, NodeLabel.TECHNOLOGY_OFFER)):
            continue
        places = [_key(G, c) for c in _targets(G, node, located, NodeLabel.COUNTRY)]
        fields = _targets(G, node, in_field, NodeLabel.FIELD)
        # an offer in a narrow field also counts for every broader field
        spread = set().union(*(ancestors.get(f, {f}) for f in fields)) if not is_demand else fields
        counts = demand_counts if is_demand else offer_counts
        for code in places:
            for f in spread:
                counts[(code, f)] += 1
    centre_fields: dict[str, set[Hashable] | None] = {}
    for code, cov in coverage.items():
        covered: set[Hashable] = set()
        unrestricted = False
        for centre in cov.centres:
            fields = _targets(G, centre, {RelType.COVERS_FIELD}, NodeLabel.FIELD)
            if not fields:
                unrestricted = True
            covered |= fields
        centre_fields[code] = None if unrestricted else covered
    gaps = []
    for (code, field), count in demand_counts.items():
        place = coverage.get(code)
        if place is None or (bri_only and not place.bri_member):
            continue
        served_fields = centre_fields.get(code, set())
        served = place.partners or (place.centres and (served_fields is None or field in served_fields))
        if served:
            continue
        elsewhere = sum(n for (c, f), n in offer_counts.items() if f == field and c != code)
        gaps.append(CoverageGap(code, _key(G, field), count, elsewhere))
    return sorted(gaps, key=lambda g: (-g.demands, g.country, g.field))
