"""Brokers: Gould–Fernandez roles by partition with z-scores, structural holes, betweenness."""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from graph.analytics.registry import BROKERAGE, CENTRALITY, STRUCTURAL_HOLES
from graph.analytics.results import Z_MIN_EXPECTED, BrokerageResult, HoleMeasures
from graph.analytics.runs import RunRecord
from viz.report.charts import bar_chart
from viz.report.graphinfo import fmt, label_of, population_note, z_or_share
from viz.report.model import Figure, Section, Table

__all__ = ["brokerage_section", "role_leaders", "structural_hole_leaders"]


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
        f"analysis run {rid}: results.brokerage, results.structural_holes, results.centrality",
    )
    brokerage = run.require(BROKERAGE)
    roles = _roles(brokerage)
    partition = brokerage.partition
    groups = brokerage.groups
    section.paragraphs.append(population_note(run))
    section.paragraphs.append(
        "Gould–Fernandez brokerage on the actor network "
        f"({run.graph.actors} institutions and experts, "
        f"{run.graph.actor_ties} ties), actors partitioned by {partition}. "
        "Coordinators broker within their own group, itinerants between two members of another group, "
        "representatives and gatekeepers across their group's boundary, liaisons between two other groups. "
        "z compares each count with its expectation under random ties (as R sna::brokerage); where "
        f"that expectation is below {Z_MIN_EXPECTED} (a sparse network) one role already scores z > 4 and "
        "z stops telling brokers apart, so the share of actors with at least that count is shown instead."
    )
    top = sorted(brokerage.nodes.items(), key=lambda kv: (-kv[1].count("total"), kv[0]))[:15]
    totals = [s.count("total") for s in brokerage.nodes.values()]
    rows = [
        [
            label_of(G, n),
            str(groups.get(n, "")),
            *(f"{s.count(r):g} (z {fmt(s.meaningful_z(r))})" if s.count(r) else "0" for r in roles),
            f"{s.count('total'):g}",
            z_or_share(s, totals),
        ]
        for n, s in top
        if s.count("total") > 0
    ]
    origin = f"run {rid}: results.brokerage.nodes (graph.analytics.brokerage.brokerage_scores)"
    section.tables.append(
        Table(t["top_brokers"], ["actor", partition, *roles, "total", "z (total) or share"], rows, origin)
    )
    leaders = role_leaders(brokerage)
    section.tables.append(
        Table(
            t["by_role"],
            ["role", "actors (count, z)"],
            [
                [role, "; ".join(f"{label_of(G, n)}: {c:g} (z {fmt(z)})" for n, c, z in leaders[role]) or "–"]
                for role in roles
            ],
            f"run {rid}: results.brokerage.nodes (viz.report.brokerage.role_leaders)",
        )
    )
    if brokerage.graph:
        section.tables.append(
            Table(
                t["graph_brokerage"],
                ["role", "observed", "expected", "sd", "z"],
                [[r, fmt(v.raw), fmt(v.expected), fmt(v.sd), fmt(v.z)] for r, v in brokerage.graph.items()],
                f"run {rid}: results.brokerage.graph (graph.analytics.brokerage.brokerage_graph_scores)",
            )
        )
    if rows:
        shown = [(n, s) for n, s in top[:12] if s.count("total") > 0]
        section.figures.append(
            Figure(
                t["top_brokers"],
                bar_chart(
                    [label_of(G, n)[:45] for n, _ in shown],
                    [s.count("total") for _, s in shown],
                    f"{t['top_brokers']} (total, partition: {partition})",
                ),
                origin,
            )
        )
    holes = structural_hole_leaders(run.require(STRUCTURAL_HOLES).nodes)
    section.tables.append(
        Table(
            t["holes"] + " (lowest constraint, effective size ≥ 2)",
            ["actor", "effective size", "efficiency", "constraint", "hierarchy"],
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
            f"run {rid}: results.structural_holes "
            "(graph.analytics.brokerage.structural_holes, weight=weight)",
        )
    )
    cent = run.require(CENTRALITY)
    eps = 0.0 if cent.betweenness_exact else cent.betweenness_epsilon
    ranked = sorted(cent.betweenness.items(), key=lambda kv: (-kv[1], kv[0]))
    btw = [(n, v) for n, v in ranked if v > eps][:10]  # a sampled value within ε of 0 ranks nothing
    bound = "exact" if cent.betweenness_exact else f"sampled, error ≤ {cent.betweenness_epsilon:.3f}"
    if not cent.betweenness_exact and not btw:
        largest = ranked[0][1] if ranked else 0.0
        section.paragraphs.append(
            f"Betweenness was sampled ({cent.betweenness_samples} sources) with an error bound of "
            f"{eps:.3f} (probability {cent.betweenness_delta:g}), larger than every value "
            f"(the largest: {largest:.3f}): "
            "no ranking is shown. Raise --betweenness-exact-threshold or lower the error bound."
        )
    section.tables.append(
        Table(
            f"{t['betweenness']} ({bound})",
            ["actor", "betweenness", "degree", "PageRank"],
            [
                [label_of(G, n), fmt(v), fmt(cent.degree.get(n)), fmt(cent.pagerank.get(n))]
                for n, v in btw
                if v
            ],
            f"run {rid}: results.centrality (graph.analytics.centrality.betweenness, degree, pagerank)",
        )
    )
    return section
