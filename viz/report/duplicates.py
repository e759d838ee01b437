"""Duplicated branch centres: each cluster, its evidence and a recommendation."""

from __future__ import annotations

import networkx as nx

from graph.analytics.duplicates import DuplicateCluster
from graph.analytics.registry import DUPLICATES
from graph.runs import RunRecord
from viz.report.graphinfo import label_of, name
from viz.report.model import Section, Table

__all__ = ["duplicates_section", "recommendation"]


def recommendation(cluster: DuplicateCluster) -> str:
    """A recommendation that follows from the cluster's strongest evidence.

    Examples
    --------
    >>> from graph.analytics.duplicates import PairEvidence
    >>> pair = PairEvidence("a", "b", ("MY",), False, 0.0, (), 0.0, (), 0.1, ("p",), ("q",), 0.3)
    >>> recommendation(DuplicateCluster(("a", "b"), ("MY",), ("p", "q"), 0.3, (pair,)))[:40]
    'Coordinate: the parent centres share the'
    """
    pairs = cluster.pairs
    fields = max((p.field_jaccard for p in pairs), default=0.0)
    partners = max((p.partner_jaccard for p in pairs), default=0.0)
    same_city = any(p.same_city for p in pairs)
    hosts = ", ".join(cluster.hosts)
    if fields >= 0.5 or partners >= 0.5:
        return (
            f"Merge or run jointly: the centres in {hosts} overlap in fields (Jaccard {fields:.2f}) "
            "or partners "
            f"({partners:.2f}); one centre with a shared supply–demand pool would serve the same clients."
        )
    if same_city or fields > 0 or partners > 0:
        return (
            f"Share facilities and divide the work: the centres in {hosts} are close (same city: "
            f"{'yes' if same_city else 'no'}) and partly overlap; agree who covers which fields and partners."
        )
    return (
        f"Coordinate: the parent centres share the host country {hosts} "
        "without recorded overlap in fields or "
        "partners; exchange supply–demand information and agree a division of fields before either expands."
    )


def duplicates_section(run: RunRecord, G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    """The duplicated-centre clusters of the run."""
    rid = run.id
    section = Section("duplicates", t["duplicates"], f"analysis run {rid}: results.duplicates")
    clusters = run.require(DUPLICATES).clusters
    section.paragraphs.append(
        f"{len(clusters)} clusters of centres hosted in the same country by different parents "
        f"(score ≥ {run.params.duplicate_min_score}; "
        "evidence: shared host and city, field and partner "
        "overlap (Jaccard), cross-script name similarity)."
    )
    for number, cluster in enumerate(clusters, 1):
        hosts = ", ".join(name(G, f"Country:{h}") for h in cluster.hosts)
        members = "; ".join(label_of(G, m) for m in cluster.members)
        parents = "; ".join(label_of(G, p) for p in cluster.parents)
        sub = Section(
            f"duplicates-{number}",
            f"{number}. {hosts}",
            f"analysis run {rid}: results.duplicates[{number - 1}]",
        )
        sub.paragraphs.append(f"Centres: {members}. Built by: {parents}. Score {cluster.score:.2f}.")
        sub.tables.append(
            Table(
                f"{t['evidence']} — {hosts}",
                ["pair", "shared host", "field overlap", "shared fields", "partner overlap",
                 "shared partners",
                 "name similarity", "score"],
                [
                    [
                        f"{name(G, p.a)} / {name(G, p.b)}",
                        ", ".join(p.shared_hosts) + (" (same city)" if p.same_city else ""),
                        f"{p.field_jaccard:.2f}",
                        ", ".join(name(G, f) for f in p.shared_fields) or "–",
                        f"{p.partner_jaccard:.2f}",
                        ", ".join(name(G, f) for f in p.shared_partners) or "–",
                        f"{p.name_similarity:.2f}",
                        f"{p.score:.2f}",
                    ]
                    for p in cluster.pairs
                ],
                f"run {rid}: results.duplicates[{number - 1}].pairs "
                "(graph.analytics.duplicates.duplicate_centres)",
            )
        )  # fmt: skip
        sub.paragraphs.append("Recommendation: " + recommendation(cluster))
        section.subsections.append(sub)
    return section
