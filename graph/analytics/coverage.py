"""Coverage gaps: countries × fields with technology demand but no centre or partner to serve it.

For each country (by default only Belt and Road members) the function counts the
technology demands located there by field, and checks whether a transfer centre is
hosted in the country (covering that field, or any field when the centre lists none)
and whether any institution of the country is tied to a transfer centre (a partner).
A gap is a (country, field) with demand and neither.

Reads a typed projection (node attributes ``labels``, ``key``, ``props``; edge
attribute ``type``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from graph.typed_arrays import TypedArrays, typed_arrays
from ontology.vocab import NodeLabel, PropertyName, RelType

__all__ = ["CountryCoverage", "CoverageGap", "country_coverage", "coverage_gaps"]


@dataclass(frozen=True, slots=True)
class CoverageGap:
    """A country and field with demand that no centre or partner serves."""

    country: str
    field: str
    demands: int
    offers_elsewhere: int

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class CountryCoverage:
    """What serves one country."""

    country: str
    bri_member: bool
    centres: tuple[Hashable, ...]
    partners: tuple[Hashable, ...]
    demands: int
    offers: int


def _key(G: nx.Graph, node: Hashable) -> str:
    return str(G.nodes[node].get("key", node))


def _links(
    t: TypedArrays, types: Collection[str], target: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The distinct ``(source, target)`` position pairs of the relationships of these types
    whose target is flagged in `target`, sorted."""
    keep = t.of_type(*types) & target[t.dst]
    pair = np.unique(t.src[keep] * max(t.n_nodes, 1) + t.dst[keep])
    return pair // max(t.n_nodes, 1), pair % max(t.n_nodes, 1)


def _incidence(
    rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64], n: int, keep: npt.NDArray[np.bool_]
) -> sp.csr_array:
    """The 0/1 node × node matrix of the pairs whose row is flagged in `keep`."""
    kept = keep[rows]
    data = np.ones(int(kept.sum()), dtype=np.int64)
    return sp.csr_array((data, (rows[kept], cols[kept])), shape=(n, n))


def _field_ancestors(G: nx.MultiDiGraph) -> dict[Hashable, set[Hashable]]:
    """Each field with itself and every broader field (SKOS hierarchy)."""
    t = typed_arrays(G)
    is_field = t.has(NodeLabel.FIELD)
    up_src, up_dst = _links(t, (RelType.BROADER,), is_field)
    parents: dict[int, list[int]] = defaultdict(list)
    for u, v in zip(up_src[is_field[up_src]].tolist(), up_dst[is_field[up_src]].tolist(), strict=True):
        parents[u].append(v)
    up: dict[Hashable, set[Hashable]] = {}
    for f in np.flatnonzero(is_field).tolist():
        seen = {f}
        stack = [f]
        while stack:
            for parent in parents.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        up[t.nodes[f]] = {t.nodes[i] for i in seen}
    return up


def country_coverage(G: nx.MultiDiGraph) -> dict[str, CountryCoverage]:
    """Centres, partners, demands and offers per country (keyed by country code).

    A node located or hosted in a country counts there: a transfer centre as a centre;
    another institution as a partner when it is tied (either way) to a transfer centre;
    a technology demand or offer in the country's counts.
    """
    t = typed_arrays(G)
    n = t.n_nodes
    is_country = t.has(NodeLabel.COUNTRY)
    countries = {p: _key(G, t.nodes[p]) for p in np.flatnonzero(is_country).tolist()}
    place_of, country = _links(t, (RelType.LOCATED_IN, RelType.HOSTED_IN), is_country)
    centre = t.has(NodeLabel.TRANSFER_CENTRE)
    institution = t.has(NodeLabel.INSTITUTION) & ~centre
    demand = t.has(NodeLabel.TECHNOLOGY_DEMAND) & ~centre & ~institution
    offer = t.has(NodeLabel.TECHNOLOGY_OFFER) & ~centre & ~institution & ~demand
    tied = np.zeros(n, dtype=bool)
    tied[t.src[centre[t.dst]]] = True
    tied[t.dst[centre[t.src]]] = True
    centres: dict[str, set[Hashable]] = defaultdict(set)
    partners: dict[str, set[Hashable]] = defaultdict(set)
    for kind, sets in ((centre, centres), (institution & tied, partners)):
        rows = kind[place_of]
        for u, c in zip(place_of[rows].tolist(), country[rows].tolist(), strict=True):
            sets[countries[c]].add(t.nodes[u])
    demands: dict[str, int] = defaultdict(int)
    offers: dict[str, int] = defaultdict(int)
    for kind, counts in ((demand, demands), (offer, offers)):
        per_country = np.bincount(country[kind[place_of]], minlength=n)
        for c in np.flatnonzero(per_country).tolist():
            counts[countries[c]] += int(per_country[c])
    return {
        code: CountryCoverage(
            country=code,
            bri_member=bool(G.nodes[t.nodes[p]].get("props", {}).get(PropertyName.BRI_MEMBER)),
            centres=tuple(sorted(centres[code], key=str)),
            partners=tuple(sorted(partners[code], key=str)),
            demands=demands[code],
            offers=offers[code],
        )
        for p, code in countries.items()
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
    t = typed_arrays(G)
    n = t.n_nodes
    is_field = t.has(NodeLabel.FIELD)
    is_country = t.has(NodeLabel.COUNTRY)
    is_demand = t.has(NodeLabel.TECHNOLOGY_DEMAND)
    is_offer = t.has(NodeLabel.TECHNOLOGY_OFFER) & ~is_demand
    places = _links(t, (RelType.LOCATED_IN, RelType.HOSTED_IN), is_country)
    in_field = _links(t, (RelType.IN_FIELD,), is_field)
    # an offer in a narrow field also counts for every broader field
    up = _field_ancestors(G)
    index = t.index
    anc_rows = [index[f] for f, seen in up.items() for _ in seen]
    anc_cols = [index[a] for seen in up.values() for a in seen]
    closure = sp.csr_array((np.ones(len(anc_rows), dtype=np.int64), (anc_rows, anc_cols)), shape=(n, n))
    # country x field: the demands (offers) located in the country in the field
    demand_counts = (_incidence(*places, n, is_demand).T @ _incidence(*in_field, n, is_demand)).tocoo()
    spread = _incidence(*in_field, n, is_offer) @ closure
    spread.data[:] = 1
    offer_counts = (_incidence(*places, n, is_offer).T @ spread).tocsc()
    # offers of a field anywhere, and per country; "elsewhere" is their difference
    by_code: dict[tuple[str, int], int] = defaultdict(int)
    offers_total: dict[int, int] = defaultdict(int)
    coo = offer_counts.tocoo()
    for c, f, k in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True):
        by_code[(_key(G, t.nodes[c]), f)] += k
        offers_total[f] += k
    demanded: dict[tuple[str, int], int] = defaultdict(int)
    for c, f, k in zip(
        demand_counts.row.tolist(), demand_counts.col.tolist(), demand_counts.data.tolist(), strict=True
    ):
        demanded[(_key(G, t.nodes[c]), f)] += k
    covers_src, covers_dst = _links(t, (RelType.COVERS_FIELD,), is_field)
    covered_by: dict[int, set[int]] = defaultdict(set)
    for u, f in zip(covers_src.tolist(), covers_dst.tolist(), strict=True):
        covered_by[u].add(f)
    centre_fields: dict[str, set[int] | None] = {}
    for code, cov in coverage.items():
        covered: set[int] = set()
        unrestricted = False
        for centre in cov.centres:
            fields = covered_by.get(index[centre], set())
            if not fields:
                unrestricted = True
            covered |= fields
        centre_fields[code] = None if unrestricted else covered
    gaps = []
    for (code, field), count in demanded.items():
        place = coverage.get(code)
        if place is None or (bri_only and not place.bri_member):
            continue
        served_fields = centre_fields.get(code, set())
        served = place.partners or (place.centres and (served_fields is None or field in served_fields))
        if served:
            continue
        elsewhere = offers_total.get(field, 0) - by_code.get((code, field), 0)
        gaps.append(CoverageGap(code, _key(G, t.nodes[field]), count, elsewhere))
    return sorted(gaps, key=lambda g: (-g.demands, g.country, g.field))
