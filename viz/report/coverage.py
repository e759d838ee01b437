"""Coverage gaps by country and field, and which Belt and Road countries a centre reaches."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import networkx as nx

from graph.analytics.coverage import CoverageGap
from graph.analytics.registry import COVERAGE
from graph.analytics.runs import RunRecord
from ontology.vocab import PropertyName
from viz.i18n import N_, _, ngettext, num
from viz.report.charts import stacked_bar_chart
from viz.report.graphinfo import country_node, name, population_note, props
from viz.report.model import Figure, Section, Table

__all__ = ["INCOME_GROUPS", "coverage_section", "gaps_by"]

#: the World Bank's income groups (``Country.incomeGroup``), for the catalogue
INCOME_GROUPS = (N_("High income"), N_("Upper middle income"), N_("Lower middle income"), N_("Low income"))


_NO_INCOME = N_("(no income group)")


def _income(G: nx.MultiDiGraph, code: str) -> str:
    """A country's World Bank income group in the current language."""
    return _(str(props(G, country_node(code)).get(PropertyName.INCOME_GROUP) or _NO_INCOME))


def gaps_by(gaps: Sequence[CoverageGap], key: str) -> list[tuple[str, int, int]]:
    """Gaps grouped by ``country`` or ``field``: ``(value, gaps, demands)``, most demands first.

    Examples
    --------
    >>> gaps_by([CoverageGap("KE", "f1", 2, 0), CoverageGap("KE", "f2", 1, 0)], "country")
    [('KE', 2, 3)]
    """
    count: Counter[str] = Counter()
    demand: Counter[str] = Counter()
    for gap in gaps:
        value = str(getattr(gap, key))
        count[value] += 1
        demand[value] += gap.demands
    return sorted(((k, count[k], demand[k]) for k in count), key=lambda r: (-r[2], -r[1], r[0]))


def coverage_section(run: RunRecord, G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    """Gaps and reach: the run's coverage results."""
    rid = run.id
    section = Section(
        "coverage", t["coverage"], _("analysis run {run}: {keys}").format(run=rid, keys="results.coverage")
    )
    coverage = run.require(COVERAGE)
    gaps = coverage.gaps
    countries = coverage.countries
    members = {c: v for c, v in countries.items() if v.bri_member}
    served = {c for c, v in members.items() if v.centres or v.partners}
    section.paragraphs.append(population_note(run))
    section.paragraphs.append(
        ngettext(
            "{n} of {m} Belt and Road countries hosts a transfer centre or a partner of one; "
            "{rest} host neither.",
            "{n} of {m} Belt and Road countries host a transfer centre or a partner of one; "
            "{rest} host neither.",
            len(served),
        ).format(n=num(len(served)), m=num(len(members)), rest=num(len(members) - len(served)))
    )
    origin = _("run {run}: {keys}").format(
        run=rid, keys="results.coverage.countries (graph.analytics.coverage.country_coverage)"
    )
    by_income: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code in members:
        income = _income(G, code)
        by_income[income][0 if code in served else 1] += 1
    incomes = sorted(by_income, key=lambda k: -sum(by_income[k]))
    if incomes:
        section.figures.append(
            Figure(
                t["served"],
                stacked_bar_chart(
                    incomes,
                    {
                        _("served"): [by_income[k][0] for k in incomes],
                        _("not served"): [by_income[k][1] for k in incomes],
                    },
                    _("{title} (World Bank income group)").format(title=t["served"]),
                ),
                origin + " × Country.incomeGroup",
            )
        )
        section.tables.append(
            Table(
                t["served"],
                [_("income group"), _("served"), _("not served"), _("not served (countries)")],
                [
                    [
                        k,
                        str(by_income[k][0]),
                        str(by_income[k][1]),
                        _(", ").join(
                            sorted(name(G, country_node(c)) for c in members if c not in served
                                   and _income(G, c) == k)
                        ),
                    ]
                    for k in incomes
                ],
                origin,
            )
        )  # fmt: skip
    if not gaps:
        section.paragraphs.append(
            _(
                "No country × field gap can be shown: no technology demand located in an unserved Belt and "
                "Road country is recorded (no offers/demands in the data, or every demand is served). Load "
                "technology demands to see gaps."
            )
        )
        return section
    gap_origin = _("run {run}: {keys}").format(
        run=rid, keys="results.coverage.gaps (graph.analytics.coverage.coverage_gaps)"
    )
    section.tables.append(
        Table(
            t["gaps_country"],
            [_("country"), _("fields with a gap"), _("demands")],
            [[name(G, country_node(c)), str(n), str(d)] for c, n, d in gaps_by(gaps, "country")[:40]],
            gap_origin + _(" grouped by country"),
        )
    )
    section.tables.append(
        Table(
            t["gaps_field"],
            [_("field"), _("countries with a gap"), _("demands")],
            [[name(G, f), str(n), str(d)] for f, n, d in gaps_by(gaps, "field")[:40]],
            gap_origin + _(" grouped by field"),
        )
    )
    section.tables.append(
        Table(
            t["coverage"],
            [_("country"), _("field"), _("demands"), _("offers elsewhere")],
            [
                [name(G, country_node(g.country)), name(G, g.field), str(g.demands),
                 str(g.offers_elsewhere)]
                for g in gaps[:50]
            ],
            gap_origin,
        )
    )  # fmt: skip
    return section
