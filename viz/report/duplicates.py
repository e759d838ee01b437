"""Duplicated branch centres: each cluster, its evidence and a recommendation."""

from __future__ import annotations

import networkx as nx

from graph.analytics.duplicates import DuplicateCluster
from graph.analytics.registry import DUPLICATES
from graph.analytics.runs import RunRecord
from viz.report.graphinfo import label_of, name, population_note
from viz.report.model import Section, Table

__all__ = ["duplicates_section", "recommendation"]


def recommendation(cluster: DuplicateCluster) -> str:
    """A recommendation that follows from the cluster's strongest evidence (a duplicate always
    has evidence beyond the host country; co-located centres get none).

    Examples
    --------
    >>> from graph.analytics.duplicates import PairEvidence
    >>> pair = PairEvidence("a", "b", ("MY",), False, 0.0, (), 0.0, (), 0.6, ("p",), ("q",), 0.3,
    ...                     ("similar names",), "duplicate", "medium")
    >>> recommendation(DuplicateCluster(("a", "b"), ("MY",), ("p", "q"), 0.3, (pair,)))[:36]
    'Check whether they are one centre: t'
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
        f"Check whether they are one centre: their names share distinctive words in {hosts}; if so, "
        "keep one record and one programme."
    )


def duplicates_section(run: RunRecord, G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    """The run's duplicated centres (on evidence), then the co-located ones, apart."""
    rid = run.id
    section = Section("duplicates", t["duplicates"], f"analysis run {rid}: results.duplicates")
    found = run.require(DUPLICATES)
    clusters = found.clusters
    section.paragraphs.append(population_note(run))
    section.paragraphs.append(
        f"{len(clusters)} clusters of duplicated centres: centres of different parents in one host country "
        "with evidence beyond it (the same city, shared fields or partners, distinctive words of their names "
        f"in common), score ≥ {run.params.duplicate_min_score}. "
        f"{len(found.co_located)} more pairs only share a host country (co-located, listed apart: no "
        "recommendation follows from that alone)."
    )
    for number, cluster in enumerate(clusters, 1):
        hosts = ", ".join(name(G, f"Country:{h}") for h in cluster.hosts)
        members = "; ".join(label_of(G, m) for m in cluster.members)
        parents = "; ".join(label_of(G, p) for p in cluster.parents)
        confidence = "high" if any(p.confidence == "high" for p in cluster.pairs) else "medium"
        sub = Section(
            f"duplicates-{number}",
            f"{number}. {hosts}",
            f"analysis run {rid}: results.duplicates[{number - 1}]",
        )
        sub.paragraphs.append(
            f"Centres: {members}. Built by: {parents}. Score {cluster.score:.2f}, confidence {confidence}."
        )
        sub.tables.append(
            Table(
                f"{t['evidence']} — {hosts}",
                ["pair", "evidence", "shared host", "field overlap", "shared fields", "partner overlap",
                 "shared partners", "name similarity", "score"],
                [
                    [
                        f"{name(G, p.a)} / {name(G, p.b)}",
                        ", ".join(p.evidence),
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
    if found.co_located:
        sub = Section("duplicates-co-located", t["co_located"], f"analysis run {rid}: results.duplicates")
        sub.paragraphs.append(
            "These centres share a host country and nothing else on record: no common city, field, partner "
            "or distinctive name. Not evidence of duplication; worth knowing when planning the next unit."
        )
        sub.tables.append(
            Table(
                t["co_located"],
                ["centre", "centre", "host", "parents"],
                [
                    [label_of(G, e.a), label_of(G, e.b),
                     ", ".join(name(G, f"Country:{h}") for h in e.shared_hosts),
                     "; ".join(label_of(G, x) for x in sorted({*e.parents_a, *e.parents_b}, key=str))]
                    for e in found.co_located
                ],
                f"run {rid}: results.duplicates.co_located (graph.analytics.duplicates.duplicate_centres)",
            )
        )  # fmt: skip
        section.subsections.append(sub)
    return section
