"""The summary of findings, first in the report: what a planner may act on, each finding with
the population it rests on and the section that holds its detail.

Duplicated centres (with their evidence and confidence), the top brokers with their z-scores
(a z-score only where sna's null model has a spread), the Belt and Road countries that host
no centre and no partner, and the brokerage opportunities.
"""

from __future__ import annotations

import networkx as nx

from graph.analytics.registry import BROKERAGE, COVERAGE, DUPLICATES, OPPORTUNITIES
from graph.analytics.runs import RunRecord
from viz.i18n import _, ngettext, num, run_notices
from viz.report.graphinfo import country_node, name, plain_name, population_note, z_or_share
from viz.report.model import Figure, Section, Table
from viz.report.worldmap import map_svg, world_map

__all__ = ["summary_section"]

_TOP = 5


def summary_section(run: RunRecord, G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    """The findings that matter, each pointing to its detail section."""
    section = Section(
        "summary",
        t["summary"],
        _("analysis run {run}: results").format(run=run.id) + " (graph.analytics.registry)",
    )
    section.paragraphs.append(population_note(run))
    section.paragraphs.extend(
        _("Left out: {warning}").format(warning=w) for w in run_notices(run.notices, run.warnings)
    )
    if run.get(COVERAGE) is not None:
        section.figures.append(
            Figure(
                t["map"],
                map_svg(world_map(G, run), t["map"]),
                _("run {run}: {keys}").format(
                    run=run.id,
                    keys="results.coverage.countries × PARENT_CENTRE, HOSTED_IN "
                    "(viz.report.worldmap.world_map; Natural Earth 1:110m, world-atlas 2.0.2)",
                ),
            )
        )
    rows: list[list[str]] = []
    duplicates = run.get(DUPLICATES)
    if duplicates is not None:
        clusters = duplicates.clusters
        rows.append(
            [
                ngettext(
                    "{n} duplicated centre cluster on evidence beyond the host country",
                    "{n} duplicated centre clusters on evidence beyond the host country",
                    len(clusters),
                ).format(n=num(len(clusters)))
                if clusters
                else _("No duplicated centres on evidence beyond the host country"),
                t["duplicates"],
            ]
        )
        for cluster in clusters[:_TOP]:
            evidence = sorted({kind for pair in cluster.pairs for kind in pair.evidence})
            confidence = _("high") if any(p.confidence == "high" for p in cluster.pairs) else _("medium")
            rows.append(
                [
                    "· "
                    + _("{members} in {hosts}: {evidence} (confidence {confidence})").format(
                        members=_(", ").join(name(G, m) for m in cluster.members),
                        hosts=_(", ").join(name(G, country_node(h)) for h in cluster.hosts),
                        evidence=_(", ").join(_(kind) for kind in evidence),
                        confidence=confidence,
                    ),
                    t["duplicates"],
                ]
            )
        if duplicates.co_located:
            n = len(duplicates.co_located)
            rows.append(
                [
                    ngettext(
                        "{n} pair of centres of different parents only share a host country (co-located)",
                        "{n} pairs of centres of different parents only share a host country (co-located)",
                        n,
                    ).format(n=num(n)),
                    t["duplicates"],
                ]
            )
    brokerage = run.get(BROKERAGE)
    if brokerage is not None:
        ranked = brokerage.top(_TOP)
        rows.append(
            [
                _(
                    "Top brokers by Gould–Fernandez total (z against sna's null model where it has a "
                    "meaning, else their share)"
                )
                if ranked
                else _("No actor brokers between groups in this population"),
                t["brokerage"],
            ]
        )
        totals = [s.count("total") for s in brokerage.nodes.values()]
        for node, scores in ranked[:_TOP]:
            z = z_or_share(scores, totals)
            total = int(scores.count("total"))
            rows.append(
                [
                    "· "
                    + ngettext(
                        "{name}: {total} brokerage role, {z}", "{name}: {total} brokerage roles, {z}", total
                    ).format(name=name(G, node), total=num(total), z=z),
                    t["brokerage"],
                ]
            )
    coverage = run.get(COVERAGE)
    if coverage is not None:
        members = {c: v for c, v in coverage.countries.items() if v.bri_member}
        uncovered = sorted(
            (country_node(c) for c, v in members.items() if not v.centres and not v.partners),
            key=lambda node: plain_name(G, node),
        )
        if members:
            listed = _(", ").join(name(G, node) for node in uncovered[:12]) + (
                " …" if len(uncovered) > 12 else ""
            )
            rows.append(
                [
                    ngettext(
                        "{n} of {m} Belt and Road countries hosts no centre and no partner of one: {listed}",
                        "{n} of {m} Belt and Road countries host no centre and no partner of one: {listed}",
                        len(uncovered),
                    ).format(n=num(len(uncovered)), m=num(len(members)), listed=listed),
                    t["coverage"],
                ]
            )
    opportunities = run.get(OPPORTUNITIES)
    if opportunities is not None:
        if opportunities.pairs:
            n = len(opportunities.pairs)
            rows.append(
                [
                    ngettext(
                        "{n} brokerage opportunity (complementary supply and demand, thin links)",
                        "{n} brokerage opportunities (complementary supply and demand, thin links)",
                        n,
                    ).format(n=num(n)),
                    t["opportunities"],
                ]
            )
        else:
            left_out = bool(run.population and run.population.synthetic_nodes_left_out)
            rows.append(
                [
                    _("No brokerage opportunity: this population holds no technology offers or demands")
                    + (
                        _(
                            " (the labelled synthetic sample is loaded but left out: `transfernet analyze "
                            "--synthetic` shows how the analysis works on it)"
                        )
                        if left_out
                        else ""
                    ),
                    t["opportunities"],
                ]
            )
    section.tables.append(
        Table(
            t["summary"],
            [_("finding"), _("detail in")],
            rows,
            _("run {run}: {keys}").format(
                run=run.id,
                keys="results.duplicates, results.brokerage, results.coverage, results.opportunities "
                "(viz.report.summary)",
            ),
        )
    )
    return section
