"""Overview: counts by type, country and bloc; growth over time; centres by country."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import networkx as nx

from ontology.vocab import NodeLabel, PropertyName, RelType
from viz.i18n import N_, _, ngettext, num
from viz.report.charts import bar_chart, growth_chart, stacked_bar_chart
from viz.report.graphinfo import has_label, name, placements, plain_name, short_name, type_name, year_of
from viz.report.model import Figure, Section, Table

__all__ = ["centre_kind", "centres_by_country", "counts_by_bloc", "growth_by_year", "overview_section"]

#: Bloc kinds shown in the overview (World Bank statistical regions are left out: 40+ aggregates).
_BLOC_KINDS = ("cooperation mechanism", "intergovernmental organisation")

#: centre kinds (`centre_kind`) and their column names
_KINDS = {
    "national": N_("national"),
    "regional": N_("regional"),
    "bilateral": N_("bilateral"),
    "branch": N_("branch"),
    "other": N_("other"),
}


def centre_kind(G: nx.MultiDiGraph, node: Any) -> str:
    """``national``, ``regional``, ``bilateral``, ``branch`` or ``other`` for a transfer centre.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", labels=("Institution", "BilateralCentre", "TransferCentre"))
    >>> centre_kind(G, "a")
    'bilateral'
    """
    for label, kind in (
        (NodeLabel.BILATERAL_CENTRE, "bilateral"),
        (NodeLabel.BRANCH_CENTRE, "branch"),
        (NodeLabel.NATIONAL_TRANSFER_CENTRE, "national"),
        (NodeLabel.REGIONAL_TRANSFER_CENTRE, "regional"),
    ):
        if has_label(G, node, label):
            return kind
    return "other"


def centres_by_country(G: nx.MultiDiGraph) -> dict[Any, Counter[str]]:
    """Country node → counts of the transfer centres placed there, by kind.

    A centre placed in two countries (conflicting sources) counts in both.
    """
    centres = [n for n in G if has_label(G, n, NodeLabel.TRANSFER_CENTRE)]
    out: dict[Any, Counter[str]] = defaultdict(Counter)
    for centre, countries in placements(G, centres).items():
        for country in countries:
            out[country][centre_kind(G, centre)] += 1
    return out


def counts_by_bloc(G: nx.MultiDiGraph) -> list[tuple[Any, int, int]]:
    """``(bloc, member countries, transfer centres placed in a member)`` for mechanisms and
    intergovernmental organisations, most members first."""
    placed = placements(G, [n for n in G if has_label(G, n, NodeLabel.TRANSFER_CENTRE)])
    centres_in: Counter[Any] = Counter(c for countries in placed.values() for c in countries)
    rows = []
    for bloc in G:
        if not has_label(G, bloc, NodeLabel.BLOC):
            continue
        if G.nodes[bloc].get("props", {}).get(PropertyName.BLOC_KIND) not in _BLOC_KINDS:
            continue
        members = {
            u
            for u, _, d in G.in_edges(bloc, data=True)
            if d.get("type") == RelType.MEMBER_OF and has_label(G, u, NodeLabel.COUNTRY)
        }
        if members:
            rows.append((bloc, len(members), sum(centres_in[m] for m in members)))
    return sorted(rows, key=lambda r: (-r[1], str(r[0])))


def growth_by_year(G: nx.MultiDiGraph) -> dict[str, dict[int, int]]:
    """New items per year, from the dates the graph holds.

    - transfer centres by ``established``;
    - Belt and Road members by the ``since`` of their ``MEMBER_OF`` tie to the BRI bloc
      (else the country's ``briYear``);
    - agreements by ``signedOn``; events by ``startDate``.
    """
    series: dict[str, Counter[int]] = defaultdict(Counter)
    bri_seen: set[Any] = set()
    for u, v, d in G.edges(data=True):
        if (
            d.get("type") == RelType.MEMBER_OF
            and G.nodes[v].get("key") == "BRI"
            and has_label(G, u, NodeLabel.COUNTRY)
        ):
            year = year_of(d.get("props", {}).get(PropertyName.SINCE))
            if year is not None:
                series[_("Belt and Road members")][year] += 1
                bri_seen.add(u)
    for node, data in G.nodes(data=True):
        p = data.get("props", {})
        if has_label(G, node, NodeLabel.COUNTRY) and node not in bri_seen and p.get(PropertyName.BRI_MEMBER):
            year = year_of(p.get(PropertyName.BRI_YEAR))
            if year is not None:
                series[_("Belt and Road members")][year] += 1
        if has_label(G, node, NodeLabel.TRANSFER_CENTRE) and (
            year := year_of(p.get(PropertyName.ESTABLISHED))
        ):
            series[_("transfer centres")][year] += 1
        if has_label(G, node, NodeLabel.AGREEMENT) and (year := year_of(p.get(PropertyName.SIGNED_ON))):
            series[_("agreements")][year] += 1
        if has_label(G, node, NodeLabel.EVENT) and (year := year_of(p.get(PropertyName.START_DATE))):
            series[_("events")][year] += 1
    return {k: dict(v) for k, v in series.items() if v}


def overview_section(G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    """The overview section."""
    section = Section(
        "overview",
        t["overview"],
        _("graph projection ({how}): labels, relationships, dates").format(how="GraphStore.to_networkx"),
    )
    by_type = Counter(G.nodes[n].get("label", "") for n in G)
    section.paragraphs.append(
        _("The graph holds {nodes} and {relationships}.").format(
            nodes=ngettext("{n} node", "{n} nodes", G.number_of_nodes()).format(n=num(G.number_of_nodes())),
            relationships=ngettext("{n} relationship", "{n} relationships", G.number_of_edges()).format(
                n=num(G.number_of_edges())
            ),
        )
    )
    section.tables.append(
        Table(
            t["nodes_by_type"],
            [_("type"), _("nodes")],
            [[type_name(k), num(v)] for k, v in sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))],
            "viz.report.overview.overview_section: " + _("Counter of node label over the projection"),
        )
    )
    growth = growth_by_year(G)
    if growth:
        section.figures.append(
            Figure(
                t["growth"]
                + _(" ({items})").format(
                    items=_(", ").join(k + _(": ") + str(sum(v.values())) for k, v in growth.items())
                ),
                growth_chart(growth, _("{title} (cumulative)").format(title=t["growth"])),
                "viz.report.overview.growth_by_year: TransferCentre.established, MEMBER_OF(Bloc:BRI).since "
                + _("or")
                + " Country.briYear, Agreement.signedOn, Event.startDate",
            )
        )
        section.tables.append(
            Table(
                t["growth"],
                [_("series"), _("first year"), _("last year"), _("items dated")],
                [[k, str(min(v)), str(max(v)), str(sum(v.values()))] for k, v in growth.items()],
                "viz.report.overview.growth_by_year",
            )
        )
    else:
        section.paragraphs.append(
            _("No dates ({properties}) in the data: no growth chart.").format(
                properties="established, since, signedOn, startDate"
            )
        )
    by_country = centres_by_country(G)
    kinds = list(_KINDS)
    ranked = sorted(by_country.items(), key=lambda kv: (-sum(kv[1].values()), plain_name(G, kv[0])))[:30]
    used = [k for k in kinds if any(c[k] for _c, c in ranked)]
    if ranked:
        labels = [short_name(G, c) for c, _n in ranked]
        section.figures.append(
            Figure(
                t["by_country"],
                stacked_bar_chart(
                    labels, {_(_KINDS[k]): [c[k] for _k, c in ranked] for k in used}, t["by_country"]
                ),
                "viz.report.overview.centres_by_country: "
                "(:TransferCentre)-[:HOSTED_IN|LOCATED_IN]->(:Country)",
            )
        )
        section.tables.append(
            Table(
                t["by_country"],
                [_("country"), *(_(_KINDS[k]) for k in used), _("total")],
                [[name(G, c), *(str(n[k]) for k in used), str(sum(n.values()))] for c, n in ranked],
                "viz.report.overview.centres_by_country",
            )
        )
        section.paragraphs.append(
            ngettext(
                "Transfer centres are placed in {n} country; {m} of them hosts a bilateral or branch centre.",
                "Transfer centres are placed in {n} countries; {m} of them host a bilateral or branch "
                "centre.",
                len(by_country),
            ).format(
                n=num(len(by_country)),
                m=num(sum(1 for c in by_country.values() if c["bilateral"] or c["branch"])),
            )
        )
    blocs = counts_by_bloc(G)
    if blocs:
        section.figures.append(
            Figure(
                t["by_bloc"],
                bar_chart(
                    [short_name(G, b) for b, _m, _c in blocs], [m for _b, m, _c in blocs], t["by_bloc"]
                ),
                "viz.report.overview.counts_by_bloc: (:Country)-[:MEMBER_OF]->(:Bloc) (blocKind: "
                + _(", ").join((_("cooperation mechanism"), _("intergovernmental organisation")))
                + ")",
            )
        )
        section.tables.append(
            Table(
                t["by_bloc"],
                [_("bloc"), _("member countries"), _("centres in member countries")],
                [[name(G, b), str(m), str(c)] for b, m, c in blocs],
                "viz.report.overview.counts_by_bloc",
            )
        )
    return section
