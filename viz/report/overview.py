"""Overview: counts by type, country and bloc; growth over time; centres by country."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import networkx as nx

from ontology.vocab import NodeLabel, PropertyName, RelType
from viz.report.charts import bar_chart, growth_chart, stacked_bar_chart
from viz.report.graphinfo import has_label, name, placements, year_of
from viz.report.model import Figure, Section, Table

__all__ = ["centre_kind", "centres_by_country", "counts_by_bloc", "growth_by_year", "overview_section"]

#: Bloc kinds shown in the overview (World Bank statistical regions are left out: 40+ aggregates).
_BLOC_KINDS = ("cooperation mechanism", "intergovernmental organisation")


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
                series["Belt and Road members"][year] += 1
                bri_seen.add(u)
    for node, data in G.nodes(data=True):
        p = data.get("props", {})
        if has_label(G, node, NodeLabel.COUNTRY) and node not in bri_seen and p.get(PropertyName.BRI_MEMBER):
            year = year_of(p.get(PropertyName.BRI_YEAR))
            if year is not None:
                series["Belt and Road members"][year] += 1
        if has_label(G, node, NodeLabel.TRANSFER_CENTRE) and (
            year := year_of(p.get(PropertyName.ESTABLISHED))
        ):
            series["transfer centres"][year] += 1
        if has_label(G, node, NodeLabel.AGREEMENT) and (year := year_of(p.get(PropertyName.SIGNED_ON))):
            series["agreements"][year] += 1
        if has_label(G, node, NodeLabel.EVENT) and (year := year_of(p.get(PropertyName.START_DATE))):
            series["events"][year] += 1
    return {k: dict(v) for k, v in series.items() if v}


def overview_section(G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    """The overview section."""
    section = Section(
        "overview", t["overview"], "graph projection (GraphStore.to_networkx): labels, relationships, dates"
    )
    by_type = Counter(G.nodes[n].get("label", "") for n in G)
    section.paragraphs.append(
        f"The graph holds {G.number_of_nodes()} nodes and {G.number_of_edges()} relationships."
    )
    section.tables.append(
        Table(
            t["nodes_by_type"],
            ["type", "nodes"],
            [[k, str(v)] for k, v in sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))],
            "viz.report.overview.overview_section: Counter of node label over the projection",
        )
    )
    growth = growth_by_year(G)
    if growth:
        section.figures.append(
            Figure(
                t["growth"] + " (" + ", ".join(f"{k}: {sum(v.values())}" for k, v in growth.items()) + ")",
                growth_chart(growth, t["growth"]),
                "viz.report.overview.growth_by_year: TransferCentre.established, MEMBER_OF(Bloc BRI).since "
                "or Country.briYear, Agreement.signedOn, Event.startDate",
            )
        )
        section.tables.append(
            Table(
                t["growth"],
                ["series", "first year", "last year", "items dated"],
                [[k, str(min(v)), str(max(v)), str(sum(v.values()))] for k, v in growth.items()],
                "viz.report.overview.growth_by_year",
            )
        )
    else:
        section.paragraphs.append(
            "No dates (established, since, signedOn, startDate) in the data: no growth chart."
        )
    by_country = centres_by_country(G)
    kinds = ["national", "regional", "bilateral", "branch", "other"]
    ranked = sorted(by_country.items(), key=lambda kv: (-sum(kv[1].values()), name(G, kv[0])))[:30]
    used = [k for k in kinds if any(c[k] for _, c in ranked)]
    if ranked:
        labels = [name(G, c) for c, _ in ranked]
        section.figures.append(
            Figure(
                t["by_country"],
                stacked_bar_chart(labels, {k: [c[k] for _, c in ranked] for k in used}, t["by_country"]),
                "viz.report.overview.centres_by_country: TransferCentre -[HOSTED_IN|LOCATED_IN]-> Country",
            )
        )
        section.tables.append(
            Table(
                t["by_country"],
                ["country", *used, "total"],
                [[name(G, c), *(str(n[k]) for k in used), str(sum(n.values()))] for c, n in ranked],
                "viz.report.overview.centres_by_country",
            )
        )
        section.paragraphs.append(
            f"Transfer centres are placed in {len(by_country)} countries; "
            f"{sum(1 for c in by_country.values() if c['bilateral'] or c['branch'])} "
            "of them host a bilateral "
            "or branch centre."
        )
    blocs = counts_by_bloc(G)
    if blocs:
        section.figures.append(
            Figure(
                t["by_bloc"],
                bar_chart([name(G, b) for b, _, _ in blocs], [m for _, m, _ in blocs], t["by_bloc"]),
                "viz.report.overview.counts_by_bloc: Country -[MEMBER_OF]-> Bloc (blocKind: cooperation "
                "mechanism, intergovernmental organisation)",
            )
        )
        section.tables.append(
            Table(
                t["by_bloc"],
                ["bloc", "member countries", "centres in member countries"],
                [[name(G, b), str(m), str(c)] for b, m, c in blocs],
                "viz.report.overview.counts_by_bloc",
            )
        )
    return section
