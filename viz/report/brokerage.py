"""Brokers: Gould–Fernandez roles by partition with z-scores, structural holes, betweenness."""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from graph.analytics.registry import BROKERAGE, CENTRALITY, STRUCTURAL_HOLES
from graph.analytics.results import Z_MIN_EXPECTED, BrokerageResult, HoleMeasures
from graph.analytics.runs import RunRecord
from viz.i18n import N_, _, ngettext, num
from viz.report.charts import bar_chart
from viz.report.graphinfo import fmt, group_name, label_of, population_note, short_name, z_or_share
from viz.report.model import Figure, Section, Table

__all__ = ["ROLE_NAMES", "brokerage_section", "role_leaders", "structural_hole_leaders"]

#: Gould–Fernandez roles and the partitions, for the catalogue
ROLE_NAMES = (
    N_("coordinator"), N_("itinerant"), N_("representative"), N_("gatekeeper"), N_("liaison"), N_("total"),
    N_("country"), N_("region"), N_("income"), N_("centre_system"),
)  # fmt: skip


def _roles(brokerage: BrokerageResult) -> list[str]:
    return [r for r in brokerage.roles if r != "total"]


def role_leaders(
    brokerage: BrokerageResult, top: int = 5
) -> dict[str, list[tuple[str, float, float | None]]]:
    """For each role, the actors with the highest count: ``(actor, count, z)``, count > 0.

    Examples
    --------
    >>> from graph.analytics.results import RoleScores
    >>> b = BrokerageResult("country", ("gatekeeper", "total"), {
    ...     "a": RoleScores(gatekeeper=3.0, gatekeeper_z=2.5), "b": RoleScores(gatekeeper=0.0)}, {}, {})
    >>> role_leaders(b)
    {'gatekeeper': [('a', 3.0, 2.5)]}
    """
    out = {}
    for role in _roles(brokerage):
        ranked = sorted(
            ((n, s.count(role), s.z(role)) for n, s in brokerage.nodes.items()),
            key=lambda r: (-r[1], r[0]),
        )
        out[role] = [r for r in ranked[:top] if r[1] > 0]
    return out


def structural_hole_leaders(
    holes: Mapping[str, HoleMeasures], top: int = 10, min_effective_size: float = 2.0
) -> list[tuple[str, HoleMeasures]]:
    """Actors with the lowest Burt constraint among those with effective size ≥ ``min_effective_size``.

    Examples
    --------
    >>> h = {"a": HoleMeasures(constraint=0.5, effective_size=2.0), "b": HoleMeasures(constraint=0.2,
    ...      effective_size=1.0), "c": HoleMeasures(constraint=0.3, effective_size=4.0)}
    >>> [n for n, _ in structural_hole_leaders(h)]
    ['c', 'a']
    """
    eligible = [
        (n, h)
        for n, h in holes.items()
        if h.constraint is not None and (h.effective_size or 0) >= min_effective_size
    ]
    return sorted(eligible, key=lambda kv: (kv[1].constraint or 0.0, kv[0]))[:top]


def brokerage_section(run: RunRecord, G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    """Brokers and structural holes from the run's brokerage, structural-hole and centrality results."""
    rid = run.id
    section = Section(
        "brokerage",
        t["brokerage"],
        _("analysis run {run}: {keys}").format(
            run=rid, keys="results.brokerage, results.structural_holes, results.centrality"
        ),
    )
    brokerage = run.require(BROKERAGE)
    roles = _roles(brokerage)
    partition = brokerage.partition
    groups = brokerage.groups
    section.paragraphs.append(population_note(run))
    section.paragraphs.append(
        _(
            "Gould–Fernandez brokerage on the actor network ({actors}, {ties}), actors partitioned by "
            "{partition}. Coordinators broker within their own group, itinerants between two members of "
            "another group, representatives and gatekeepers across their group's boundary, liaisons between "
            "two other groups. z compares each count with its expectation under random ties (as R "
            "sna::brokerage); where that expectation is below {minimum} (a sparse network) one role already "
            "scores z > 4 and z stops telling brokers apart, so the share of actors with at least that count "
            "is shown instead."
        ).format(
            actors=ngettext(
                "{n} institution or expert", "{n} institutions and experts", run.graph.actors
            ).format(n=num(run.graph.actors)),
            ties=ngettext("{n} tie", "{n} ties", run.graph.actor_ties).format(n=num(run.graph.actor_ties)),
            partition=_(partition),
            minimum=Z_MIN_EXPECTED,
        )
    )
    top = brokerage.top(15)
    totals = [s.count("total") for s in brokerage.nodes.values()]
    rows = [
        [
            label_of(G, n),
            group_name(G, partition, groups.get(n)),
            *(f"{s.count(r):g} (z {fmt(s.meaningful_z(r))})" if s.count(r) else "0" for r in roles),
            f"{s.count('total'):g}",
            z_or_share(s, totals),
        ]
        for n, s in top
    ]
    origin = _("run {run}: {keys}").format(
        run=rid, keys="results.brokerage.nodes (graph.analytics.brokerage.brokerage_scores)"
    )
    section.tables.append(
        Table(
            t["top_brokers"],
            [_("actor"), _(partition), *(_(r) for r in roles), _("total"), _("z (total) or share")],
            rows,
            origin,
        )
    )
    leaders = role_leaders(brokerage)
    section.tables.append(
        Table(
            t["by_role"],
            [_("role"), _("actors (count, z)")],
            [
                [
                    _(role),
                    _("; ").join(f"{label_of(G, n)}: {c:g} (z {fmt(z)})" for n, c, z in leaders[role]) or "–",
                ]
                for role in roles
            ],
            _("run {run}: {keys}").format(
                run=rid, keys="results.brokerage.nodes (viz.report.brokerage.role_leaders)"
            ),
        )
    )
    if brokerage.graph:
        section.tables.append(
            Table(
                t["graph_brokerage"],
                [_("role"), _("observed"), _("expected"), _("sd"), "z"],
                [
                    [_(r), fmt(v.raw), fmt(v.expected), fmt(v.sd), fmt(v.z)]
                    for r, v in brokerage.graph.items()
                ],
                _("run {run}: {keys}").format(
                    run=rid, keys="results.brokerage.graph (graph.analytics.brokerage.brokerage_graph_scores)"
                ),
            )
        )
    if rows:
        shown = top[:12]
        section.figures.append(
            Figure(
                t["top_brokers"],
                bar_chart(
                    [f"{short_name(G, n)} ({n})"[:45] for n, _s in shown],
                    [s.count("total") for _n, s in shown],
                    _("{title} (total, partition: {partition})").format(
                        title=t["top_brokers"], partition=_(partition)
                    ),
                ),
                origin,
            )
        )
    holes = structural_hole_leaders(run.require(STRUCTURAL_HOLES).nodes)
    section.tables.append(
        Table(
            t["holes"] + _(" (lowest constraint, effective size ≥ 2)"),
            [_("actor"), _("effective size"), _("efficiency"), _("constraint"), _("hierarchy")],
            [
                [
                    label_of(G, n),
                    fmt(h.effective_size),
                    fmt(h.efficiency),
                    fmt(h.constraint),
                    fmt(h.hierarchy),
                ]
                for n, h in holes
            ],
            _("run {run}: {keys}").format(
                run=rid,
                keys="results.structural_holes (graph.analytics.brokerage.structural_holes, weight='weight')",
            ),
        )
    )
    cent = run.require(CENTRALITY)
    eps = 0.0 if cent.betweenness_exact else cent.betweenness_epsilon
    ranked = sorted(cent.betweenness.items(), key=lambda kv: (-kv[1], kv[0]))
    btw = [(n, v) for n, v in ranked if v > eps][:10]  # a sampled value within ε of 0 ranks nothing
    bound = (
        _("exact")
        if cent.betweenness_exact
        else _("sampled, error ≤ {epsilon}").format(epsilon=f"{cent.betweenness_epsilon:.3f}")
    )
    if not cent.betweenness_exact and not btw:
        largest = ranked[0][1] if ranked else 0.0
        section.paragraphs.append(
            _(
                "Betweenness was sampled ({samples} sources) with an error bound of {epsilon} (probability "
                "{delta}), larger than every value (the largest: {largest}): no ranking is shown. Raise "
                "--betweenness-exact-threshold or lower the error bound."
            ).format(
                samples=num(cent.betweenness_samples),
                epsilon=f"{eps:.3f}",
                delta=f"{cent.betweenness_delta:g}",
                largest=f"{largest:.3f}",
            )
        )
    section.tables.append(
        Table(
            _("{title} ({bound})").format(title=t["betweenness"], bound=bound),
            [_("actor"), _("betweenness"), _("degree"), "PageRank"],
            [
                [label_of(G, n), fmt(v), fmt(cent.degree.get(n)), fmt(cent.pagerank.get(n))]
                for n, v in btw
                if v
            ],
            _("run {run}: {keys}").format(
                run=rid,
                keys="results.centrality (graph.analytics.centrality.betweenness, centrality.degree, "
                "centrality.pagerank)",
            ),
        )
    )
    return section
