"""One country's page: status, centres, partners, fields, agreements, brokers, gaps.

The study recommends country research reports; this page gathers what the graph and
the latest analysis run know about one country (``transfernet report --country TH``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph.analytics.registry import BROKERAGE, COVERAGE
from graph.analytics.results import RoleScores
from graph.analytics.runs import RunRecord
from ontology.vocab import NodeLabel, PropertyName, RelType
from viz.report.charts import path_chart
from viz.report.graphinfo import country_node, fmt, has_label, label_of, name, props
from viz.report.model import Figure, Section, Table
from viz.report.overview import centre_kind

__all__ = ["UnknownCountryError", "country_nodes", "country_sections", "reaching_brokers"]

#: Node types a broker's path to the country may not pass through (hubs that tie everything).
_HUBS = (NodeLabel.COUNTRY, NodeLabel.BLOC, NodeLabel.FIELD, NodeLabel.STATISTIC)


_ORGANISATION_KINDS = ("cooperation mechanism", "intergovernmental organisation")


class UnknownCountryError(LookupError):
    """The country code names no country of the graph."""


def _resolve(G: nx.MultiDiGraph, code: str) -> Any:
    node = country_node(code.strip())
    if node not in G or not has_label(G, node, NodeLabel.COUNTRY):
        raise UnknownCountryError(
            f"no country {code.strip().upper()!r} in the graph (use an ISO 3166-1 alpha-2 code)"
        )
    return node


def country_nodes(G: nx.MultiDiGraph, country: Any) -> dict[str, list[Any]]:
    """What the graph places in a country: ``centres`` (placed there), ``partner_of`` (centres the
    country is a BILATERAL_PARTNER_OF), ``institutions`` (other institutions located there),
    ``offers`` and ``demands`` (located there or held by an actor located there)."""
    here = {
        u
        for u, _, d in G.in_edges(country, data=True)
        if d.get("type") in (RelType.HOSTED_IN, RelType.LOCATED_IN)
    }
    centres = sorted((n for n in here if has_label(G, n, NodeLabel.TRANSFER_CENTRE)), key=str)
    institutions = sorted(
        (
            n
            for n in here
            if has_label(G, n, NodeLabel.INSTITUTION) and not has_label(G, n, NodeLabel.TRANSFER_CENTRE)
        ),
        key=str,
    )
    partner_of = sorted(
        (v for _, v, d in G.out_edges(country, data=True) if d.get("type") == RelType.BILATERAL_PARTNER_OF),
        key=str,
    )
    offers, demands = set(), set()
    for n in here:
        if has_label(G, n, NodeLabel.TECHNOLOGY_OFFER):
            offers.add(n)
        if has_label(G, n, NodeLabel.TECHNOLOGY_DEMAND):
            demands.add(n)
        for _, v, d in G.out_edges(n, data=True):
            if d.get("type") == RelType.OFFERS:
                offers.add(v)
            elif d.get("type") == RelType.SEEKS:
                demands.add(v)
    return {
        "centres": centres,
        "partner_of": partner_of,
        "institutions": institutions,
        "offers": sorted(offers, key=str),
        "demands": sorted(demands, key=str),
    }


def _fields(G: nx.MultiDiGraph, items: list[Any]) -> Counter[Any]:
    out: Counter[Any] = Counter()
    for item in items:
        for _, v, d in G.out_edges(item, data=True):
            if d.get("type") in (RelType.IN_FIELD, RelType.COVERS_FIELD) and has_label(G, v, NodeLabel.FIELD):
                out[v] += 1
    return out


def reaching_brokers(
    G: nx.MultiDiGraph, run: RunRecord, targets: Iterable[Any], max_hops: int = 3
) -> list[tuple[str, RoleScores, list[Any]]]:
    """Brokers of the run (total brokerage > 0) within ``max_hops`` of the country's centres and
    institutions, not passing through countries, blocs, fields or statistics: ``(broker,
    scores, path)``, most brokerage first."""
    scores = run.require(BROKERAGE).nodes
    brokers = {n for n, s in scores.items() if s.count("total") > 0 and n in G}
    allowed = [n for n in G if not any(has_label(G, n, h) for h in _HUBS)]
    H = nx.Graph(G.subgraph(allowed))
    found = []
    for broker in brokers:
        best = None
        for target in targets:
            if target not in H:
                continue
            try:
                path = nx.shortest_path(H, broker, target)
            except nx.NetworkXNoPath:
                continue
            if len(path) - 1 <= max_hops and (best is None or len(path) < len(best)):
                best = path
        if best is not None:
            found.append((broker, scores[broker], best))
    return sorted(found, key=lambda r: (-r[1].count("total"), len(r[2]), r[0]))


def _rel(G: nx.MultiDiGraph, a: Any, b: Any) -> str:
    for x, y, arrow in ((a, b, "→"), (b, a, "←")):
        data = G.get_edge_data(x, y)
        if data:
            return f"{arrow}{next(iter(data.values())).get('type', '')}"
    return ""


def country_sections(G: nx.MultiDiGraph, run: RunRecord, code: str, t: dict[str, str]) -> list[Section]:
    """The sections of one country's page (raises `UnknownCountryError` for an unknown code)."""
    country = _resolve(G, code)
    rid = run.id
    p = props(G, country)
    here = country_nodes(G, country)
    sections = []
    # status
    s = Section(
        "country-status", t["country_status"], f"graph projection: node {country}, MEMBER_OF, Statistic ABOUT"
    )
    blocs = [
        (v, d.get("props", {}))
        for _, v, d in G.out_edges(country, data=True)
        if d.get("type") == RelType.MEMBER_OF and has_label(G, v, NodeLabel.BLOC)
    ]
    bri = next((bp for b, bp in blocs if G.nodes[b].get("key") == "BRI"), None)
    bri_since = (bri or {}).get(PropertyName.SINCE) or p.get(PropertyName.BRI_YEAR) or "?"
    bri_text = (
        f"a Belt and Road partner since {bri_since}"
        if bri is not None or p.get(PropertyName.BRI_MEMBER)
        else "not recorded as a Belt and Road partner"
    )
    s.paragraphs.append(
        f"{name(G, country)}{' · ' + p[PropertyName.NAME_ZH] if p.get(PropertyName.NAME_ZH) else ''} "
        f"({G.nodes[country].get('key')}): {bri_text}; "
        f"income group {p.get(PropertyName.INCOME_GROUP) or '–'}; "
        f"region {p.get(PropertyName.REGION) or '–'}."
    )
    organisations = sorted(
        name(G, b) for b, _ in blocs
        if G.nodes[b].get("props", {}).get(PropertyName.BLOC_KIND) in _ORGANISATION_KINDS
    )  # fmt: skip
    s.tables.append(
        Table(
            t["country_status"],
            ["item", "value", "sources"],
            [
                ["Belt and Road", bri_text, "; ".join((bri or {}).get(PropertyName.SOURCES, []) or [])],
                ["income group", str(p.get(PropertyName.INCOME_GROUP) or "–"), ""],
                ["lending category", str(p.get(PropertyName.LENDING_CATEGORY) or "–"), ""],
                ["region", str(p.get(PropertyName.REGION) or "–"), ""],
                ["organisations", ", ".join(organisations) or "–", ""],
                ["country record", "", "; ".join(p.get(PropertyName.SOURCES, []) or [])],
            ],
            f"graph projection: {country} properties and (:Country)-[:MEMBER_OF]->(:Bloc)",
        )
    )
    stats = [u for u, _, d in G.in_edges(country, data=True) if d.get("type") == RelType.ABOUT]
    if stats:
        s.tables.append(
            Table(
                "Statistics about the country",
                ["measure", "value", "as of", "sources"],
                [
                    [str(props(G, u).get(PropertyName.MEASURE, "")), fmt(props(G, u).get(PropertyName.VALUE)),
                     fmt(props(G, u).get(PropertyName.AS_OF)),
                     "; ".join(props(G, u).get(PropertyName.SOURCES, []))]
                    for u in sorted(stats, key=str)
                ],
                f"graph projection: (:Statistic)-[:ABOUT]->({country})",
            )
        )  # fmt: skip
    sections.append(s)
    # centres
    s = Section(
        "country-centres",
        t["country_centres"],
        "graph projection: HOSTED_IN, LOCATED_IN, PARENT_CENTRE, BILATERAL_PARTNER_OF",
    )
    centre_rows = []
    for c in dict.fromkeys(here["centres"] + here["partner_of"]):
        parents = [v for _, v, d in G.out_edges(c, data=True) if d.get("type") == RelType.PARENT_CENTRE]
        centre_rows.append(
            [
                label_of(G, c),
                centre_kind(G, c),
                ", ".join(name(G, x) for x in parents) or "–",
                "placed here" if c in here["centres"] else "partner country",
                str(props(G, c).get(PropertyName.STATUS) or ""),
                "; ".join(props(G, c).get(PropertyName.SOURCES, []) or []),
            ]
        )
    s.paragraphs.append(
        f"{len(here['centres'])} transfer centres are placed in {name(G, country)} "
        f"({sum(1 for c in here['centres'] if centre_kind(G, c) in ('bilateral', 'branch'))} "
        "bilateral or branch); "
        f"it is the partner country of {len(here['partner_of'])}."
    )
    if centre_rows:
        s.tables.append(
            Table(
                t["country_centres"],
                ["centre", "kind", "parent centre", "relation", "status", "sources"],
                centre_rows,
                f"viz.report.country.country_nodes: centres placed in or partnered with {country}",
            )
        )
    sections.append(s)
    # partners
    s = Section(
        "country-partners", t["country_partners"], "graph projection: institutions LOCATED_IN the country"
    )
    if here["institutions"]:
        s.tables.append(
            Table(
                t["country_partners"],
                ["institution", "type", "tied to (centres)"],
                [
                    [
                        label_of(G, n),
                        str(G.nodes[n].get("label", "")),
                        ", ".join(sorted({name(G, m) for m in nx.all_neighbors(G, n)
                                          if has_label(G, m, NodeLabel.TRANSFER_CENTRE)})) or "–",
                    ]
                    for n in here["institutions"]
                ],
                f"viz.report.country.country_nodes: institutions located in {country}",
            )
        )  # fmt: skip
    else:
        s.paragraphs.append(f"No partner institution located in {name(G, country)} is recorded.")
    sections.append(s)
    # fields
    s = Section(
        "country-fields", t["country_fields"], "graph projection: OFFERS, SEEKS, IN_FIELD, LOCATED_IN"
    )
    offered, sought = _fields(G, here["offers"]), _fields(G, here["demands"])
    s.paragraphs.append(
        f"{len(here['offers'])} technology offers and {len(here['demands'])} technology demands "
        "are located in "
        f"{name(G, country)} or held by actors located there."
        + ("" if here["offers"] or here["demands"] else " No offers/demands in the data for this country.")
    )
    if offered or sought:
        fields = sorted(set(offered) | set(sought), key=lambda f: (-(offered[f] + sought[f]), name(G, f)))
        s.tables.append(
            Table(
                t["country_fields"],
                ["field", "offers", "demands"],
                [[name(G, f), str(offered[f]), str(sought[f])] for f in fields[:40]],
                f"viz.report.country: (offer|demand)-[:IN_FIELD]->(Field) for items of {country}",
            )
        )
    sections.append(s)
    # agreements
    s = Section("country-agreements", t["country_agreements"], "graph projection: PARTY_TO")
    actors = set(here["centres"]) | set(here["institutions"])
    agreements = sorted(
        {
            (u, v)
            for u in actors
            for _, v, d in G.out_edges(u, data=True)
            if d.get("type") == RelType.PARTY_TO
        },
        key=str,
    )
    if agreements:
        s.tables.append(
            Table(
                t["country_agreements"],
                ["agreement", "party here", "signed on", "sources"],
                [[label_of(G, a), name(G, u), fmt(props(G, a).get(PropertyName.SIGNED_ON)),
                  "; ".join(props(G, a).get(PropertyName.SOURCES, []) or [])] for u, a in agreements],
                f"graph projection: (x)-[:PARTY_TO]->(:Agreement), x placed in {country}",
            )
        )  # fmt: skip
    else:
        s.paragraphs.append(f"No agreement with a party placed in {name(G, country)} is recorded.")
    sections.append(s)
    # brokers
    s = Section(
        "country-brokers", t["country_brokers"], f"analysis run {rid}: results.brokerage × graph paths"
    )
    reach = reaching_brokers(G, run, actors | set(here["partner_of"]))
    if reach:
        s.tables.append(
            Table(
                t["country_brokers"],
                ["broker", "total brokerage", "z (total)", "hops", "path"],
                [
                    [label_of(G, b), f"{sc.count('total'):g}", fmt(sc.total_z), str(len(path) - 1),
                     " ".join(name(G, x) + (f" {_rel(G, x, y)}" if y is not None else "")
                              for x, y in zip(path, [*path[1:], None], strict=True))]
                    for b, sc, path in reach[:15]
                ],
                f"run {rid}: results.brokerage.nodes; viz.report.country.reaching_brokers "
                "(networkx shortest_path, "
                "≤ 3 hops, not through countries, blocs, fields, statistics)",
            )
        )  # fmt: skip
        s.figures.append(
            Figure(
                f"{t['paths']} — {t['country_brokers']}",
                path_chart(
                    [[(name(G, x), _rel(G, x, y) or None if y is not None else None)
                      for x, y in zip(path, [*path[1:], None], strict=True)] for _, _, path in reach[:6]],
                    f"{t['country_brokers']}: {name(G, country)}",
                ),
                "viz.report.country.reaching_brokers",
            )
        )  # fmt: skip
    else:
        s.paragraphs.append(f"No broker of the run reaches {name(G, country)} within 3 hops.")
    sections.append(s)
    # gaps
    s = Section("country-gaps", t["country_gaps"], f"analysis run {rid}: results.coverage")
    coverage = run.require(COVERAGE)
    code_key = str(G.nodes[country].get("key"))
    entry = coverage.countries.get(code_key)
    gaps = [g for g in coverage.gaps if g.country == code_key]
    centres, partners = (entry.centres, entry.partners) if entry else ((), ())
    served = bool(centres or partners)
    s.paragraphs.append(
        f"{name(G, country)} is {'served' if served else 'not served'}: "
        f"{len(centres)} centres, "
        f"{len(partners)} partners of a centre, {entry.demands if entry else 0} demands, "
        f"{entry.offers if entry else 0} offers; {len(gaps)} field gaps."
    )
    if gaps:
        s.tables.append(
            Table(
                t["country_gaps"],
                ["field", "demands", "offers elsewhere"],
                [[name(G, g.field), str(g.demands), str(g.offers_elsewhere)] for g in gaps],
                f"run {rid}: results.coverage.gaps (country = {G.nodes[country].get('key')})",
            )
        )
    sections.append(s)
    return sections
