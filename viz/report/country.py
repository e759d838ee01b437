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
from viz.i18n import N_, _, current, ngettext, num
from viz.report.charts import path_chart
from viz.report.graphinfo import (
    cite,
    country_node,
    fmt,
    has_label,
    label_of,
    name,
    plain_name,
    props,
    short_name,
    stage_name,
    type_name,
)
from viz.report.model import Figure, Section, Table
from viz.report.overview import centre_kind

__all__ = ["REGIONS", "UnknownCountryError", "country_nodes", "country_sections", "reaching_brokers"]

#: Node types a broker's path to the country may not pass through (hubs that tie everything).
_HUBS = (NodeLabel.COUNTRY, NodeLabel.BLOC, NodeLabel.FIELD, NodeLabel.STATISTIC)


_ORGANISATION_KINDS = ("cooperation mechanism", "intergovernmental organisation")

#: the World Bank's regions (``Country.region``), for the catalogue
REGIONS = (
    N_("East Asia & Pacific"), N_("Europe & Central Asia"), N_("Latin America & Caribbean"),
    N_("Middle East & North Africa"), N_("North America"), N_("South Asia"), N_("Sub-Saharan Africa"),
)  # fmt: skip


def _sources(value: object) -> str:
    """A ``sources`` list for a table cell (`viz.report.graphinfo.cite`)."""
    return _("; ").join(cite(str(s)) for s in value) if isinstance(value, list | tuple) else ""


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
        for _u, v, d in G.out_edges(n, data=True):
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
        for _u, v, d in G.out_edges(item, data=True):
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
        "country-status",
        t["country_status"],
        _("graph projection: node {node}, {patterns}").format(
            node=country, patterns="(:Country)-[:MEMBER_OF]->(:Bloc), (:Statistic)-[:ABOUT]->(:Country)"
        ),
    )
    blocs = [
        (v, d.get("props", {}))
        for _u, v, d in G.out_edges(country, data=True)
        if d.get("type") == RelType.MEMBER_OF and has_label(G, v, NodeLabel.BLOC)
    ]
    bri = next((bp for b, bp in blocs if G.nodes[b].get("key") == "BRI"), None)
    bri_since = (bri or {}).get(PropertyName.SINCE) or p.get(PropertyName.BRI_YEAR) or "?"
    bri_text = (
        _("a Belt and Road partner since {year}").format(year=bri_since)
        if bri is not None or p.get(PropertyName.BRI_MEMBER)
        else _("not recorded as a Belt and Road partner")
    )
    english, local = str(p.get(PropertyName.NAME) or name(G, country)), p.get(PropertyName.NAME_ZH)
    both = (
        (f"{local} · {english}" if current().lang == "zh" else f"{english} · {local}") if local else english
    )
    income = _(str(p.get(PropertyName.INCOME_GROUP) or "–"))
    region = _(str(p.get(PropertyName.REGION) or "–"))
    s.paragraphs.append(
        _("{country} ({code}): {bri}; income group {income}; region {region}.").format(
            country=both, code=G.nodes[country].get("key"), bri=bri_text, income=income, region=region
        )
    )
    organisations = sorted(
        name(G, b) for b, _bp in blocs
        if G.nodes[b].get("props", {}).get(PropertyName.BLOC_KIND) in _ORGANISATION_KINDS
    )  # fmt: skip
    s.tables.append(
        Table(
            t["country_status"],
            [_("item"), _("value"), _("sources")],
            [
                [_("Belt and Road"), bri_text, _sources((bri or {}).get(PropertyName.SOURCES))],
                [_("income group"), income, ""],
                [_("lending category"), str(p.get(PropertyName.LENDING_CATEGORY) or "–"), ""],
                [_("region"), region, ""],
                [_("organisations"), _(", ").join(organisations) or "–", ""],
                [_("country record"), "", _sources(p.get(PropertyName.SOURCES))],
            ],
            _("graph projection: properties of {node} and {pattern}").format(
                node=country, pattern="(:Country)-[:MEMBER_OF]->(:Bloc)"
            ),
        )
    )
    stats = [u for u, _v, d in G.in_edges(country, data=True) if d.get("type") == RelType.ABOUT]
    if stats:
        s.tables.append(
            Table(
                _("Statistics about the country"),
                [_("measure"), _("value"), _("as of"), _("sources")],
                [
                    [str(props(G, u).get(PropertyName.MEASURE, "")), fmt(props(G, u).get(PropertyName.VALUE)),
                     fmt(props(G, u).get(PropertyName.AS_OF)),
                     _sources(props(G, u).get(PropertyName.SOURCES))]
                    for u in sorted(stats, key=str)
                ],
                _("graph projection: {pattern}").format(pattern=f"(:Statistic)-[:ABOUT]->({country})"),
            )
        )  # fmt: skip
    sections.append(s)
    # centres
    s = Section(
        "country-centres",
        t["country_centres"],
        _("graph projection: {types}").format(
            types="HOSTED_IN, LOCATED_IN, PARENT_CENTRE, BILATERAL_PARTNER_OF"
        ),
    )
    centre_rows = []
    for c in dict.fromkeys(here["centres"] + here["partner_of"]):
        parents = [v for _u, v, d in G.out_edges(c, data=True) if d.get("type") == RelType.PARENT_CENTRE]
        centre_rows.append(
            [
                label_of(G, c),
                _(centre_kind(G, c)),
                _(", ").join(name(G, x) for x in parents) or "–",
                _("placed here") if c in here["centres"] else _("partner country"),
                stage_name(str(props(G, c).get(PropertyName.LIFECYCLE) or "")) or "–",
                str(props(G, c).get(PropertyName.STATUS) or ""),
                _sources(props(G, c).get(PropertyName.SOURCES)),
            ]
        )
    s.paragraphs.append(
        ngettext(
            "{n} transfer centre is placed in {country} ({m} bilateral or branch); it is the partner country "
            "of {k}.",
            "{n} transfer centres are placed in {country} ({m} bilateral or branch); it is the partner "
            "country of {k}.",
            len(here["centres"]),
        ).format(
            n=num(len(here["centres"])),
            country=name(G, country),
            m=num(sum(1 for c in here["centres"] if centre_kind(G, c) in ("bilateral", "branch"))),
            k=num(len(here["partner_of"])),
        )
    )
    if centre_rows:
        s.tables.append(
            Table(
                t["country_centres"],
                [
                    _("centre"),
                    _("kind"),
                    _("parent centre"),
                    _("relation"),
                    _("stage"),
                    _("status (source's words)"),
                    _("sources"),
                ],
                centre_rows,
                "viz.report.country.country_nodes: "
                + _("centres placed in or partnered with {node}").format(node=country),
            )
        )
    sections.append(s)
    # partners
    s = Section(
        "country-partners",
        t["country_partners"],
        _("graph projection: {pattern}").format(pattern="(:Institution)-[:LOCATED_IN]->(:Country)"),
    )
    if here["institutions"]:
        s.tables.append(
            Table(
                t["country_partners"],
                [_("institution"), _("type"), _("tied to (centres)")],
                [
                    [
                        label_of(G, n),
                        type_name(str(G.nodes[n].get("label", ""))),
                        _(", ").join(sorted({name(G, m) for m in nx.all_neighbors(G, n)
                                          if has_label(G, m, NodeLabel.TRANSFER_CENTRE)})) or "–",
                    ]
                    for n in here["institutions"]
                ],
                "viz.report.country.country_nodes: "
                + _("institutions located in {node}").format(node=country),
            )
        )  # fmt: skip
    else:
        s.paragraphs.append(
            _("No partner institution located in {country} is recorded.").format(country=name(G, country))
        )
    sections.append(s)
    # fields
    s = Section(
        "country-fields",
        t["country_fields"],
        _("graph projection: {types}").format(types="OFFERS, SEEKS, IN_FIELD, LOCATED_IN"),
    )
    offered, sought = _fields(G, here["offers"]), _fields(G, here["demands"])
    s.paragraphs.append(
        _(
            "{offers} technology offers and {demands} technology demands are located in {country} or held "
            "by actors located there."
        ).format(offers=num(len(here["offers"])), demands=num(len(here["demands"])), country=name(G, country))
        + ("" if here["offers"] or here["demands"] else _(" No offers/demands in the data for this country."))
    )
    if offered or sought:
        fields = sorted(
            set(offered) | set(sought), key=lambda f: (-(offered[f] + sought[f]), plain_name(G, f))
        )
        s.tables.append(
            Table(
                t["country_fields"],
                [_("field"), _("offers"), _("demands")],
                [[name(G, f), str(offered[f]), str(sought[f])] for f in fields[:40]],
                "viz.report.country: (:TechnologyOffer|TechnologyDemand)-[:IN_FIELD]->(:Field) "
                + _("for items of {node}").format(node=country),
            )
        )
    sections.append(s)
    # agreements
    s = Section(
        "country-agreements", t["country_agreements"], _("graph projection: {types}").format(types="PARTY_TO")
    )
    actors = set(here["centres"]) | set(here["institutions"])
    agreements = sorted(
        {
            (u, v)
            for u in actors
            for _u, v, d in G.out_edges(u, data=True)
            if d.get("type") == RelType.PARTY_TO
        },
        key=str,
    )
    if agreements:
        s.tables.append(
            Table(
                t["country_agreements"],
                [_("agreement"), _("party here"), _("signed on"), _("sources")],
                [[label_of(G, a), name(G, u), fmt(props(G, a).get(PropertyName.SIGNED_ON)),
                  _sources(props(G, a).get(PropertyName.SOURCES))] for u, a in agreements],
                _("graph projection: {pattern}, x placed in {node}").format(
                    pattern="(x)-[:PARTY_TO]->(:Agreement)", node=country
                ),
            )
        )  # fmt: skip
    else:
        s.paragraphs.append(
            _("No agreement with a party placed in {country} is recorded.").format(country=name(G, country))
        )
    sections.append(s)
    # brokers
    s = Section(
        "country-brokers",
        t["country_brokers"],
        _("analysis run {run}: {keys}").format(run=rid, keys="results.brokerage") + _(" × graph paths"),
    )
    reach = reaching_brokers(G, run, actors | set(here["partner_of"]))
    if reach:
        s.tables.append(
            Table(
                t["country_brokers"],
                [_("broker"), _("total brokerage"), _("z (total)"), _("hops"), _("path")],
                [
                    [label_of(G, b), f"{sc.count('total'):g}", fmt(sc.total_z), str(len(path) - 1),
                     " ".join(name(G, x) + (f" {_rel(G, x, y)}" if y is not None else "")
                              for x, y in zip(path, [*path[1:], None], strict=True))]
                    for b, sc, path in reach[:15]
                ],
                _("run {run}: {keys}").format(
                    run=rid, keys="results.brokerage.nodes; viz.report.country.reaching_brokers"
                )
                + _(" (networkx shortest_path, ≤ 3 hops, not through countries, blocs, fields, statistics)"),
            )
        )  # fmt: skip
        s.figures.append(
            Figure(
                f"{t['paths']} — {t['country_brokers']}",
                path_chart(
                    [[(short_name(G, x), _rel(G, x, y) or None if y is not None else None)
                      for x, y in zip(path, [*path[1:], None], strict=True)] for _b, _sc, path in reach[:6]],
                    _("{title}: {country}").format(
                        title=t["country_brokers"], country=short_name(G, country)
                    ),
                ),
                "viz.report.country.reaching_brokers",
            )
        )  # fmt: skip
    else:
        s.paragraphs.append(
            _("No broker of the run reaches {country} within 3 hops.").format(country=name(G, country))
        )
    sections.append(s)
    # gaps
    s = Section(
        "country-gaps",
        t["country_gaps"],
        _("analysis run {run}: {keys}").format(run=rid, keys="results.coverage"),
    )
    coverage = run.require(COVERAGE)
    code_key = str(G.nodes[country].get("key"))
    entry = coverage.countries.get(code_key)
    gaps = [g for g in coverage.gaps if g.country == code_key]
    centres, partners = (entry.centres, entry.partners) if entry else ((), ())
    served = bool(centres or partners)
    s.paragraphs.append(
        (
            _("{country} is served: {centres}, {partners}, {demands}, {offers}; {gaps}.")
            if served
            else _("{country} is not served: {centres}, {partners}, {demands}, {offers}; {gaps}.")
        ).format(
            country=name(G, country),
            centres=ngettext("{n} centre", "{n} centres", len(centres)).format(n=num(len(centres))),
            partners=ngettext("{n} partner of a centre", "{n} partners of a centre", len(partners)).format(
                n=num(len(partners))
            ),
            demands=ngettext("{n} demand", "{n} demands", entry.demands if entry else 0).format(
                n=num(entry.demands if entry else 0)
            ),
            offers=ngettext("{n} offer", "{n} offers", entry.offers if entry else 0).format(
                n=num(entry.offers if entry else 0)
            ),
            gaps=ngettext("{n} field gap", "{n} field gaps", len(gaps)).format(n=num(len(gaps))),
        )
    )
    if gaps:
        s.tables.append(
            Table(
                t["country_gaps"],
                [_("field"), _("demands"), _("offers elsewhere")],
                [[name(G, g.field), str(g.demands), str(g.offers_elsewhere)] for g in gaps],
                _("run {run}: {keys}").format(
                    run=rid, keys=f"results.coverage.gaps (country = '{G.nodes[country].get('key')}')"
                ),
            )
        )
    sections.append(s)
    return sections
