"""Duplicated branch centres: each cluster, its evidence and a recommendation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from viz.report.graphinfo import label_of, name
from viz.report.model import Section, Table

__all__ = ["duplicates_section", "recommendation"]


def recommendation(cluster: Mapping[str, Any]) -> str:
    """A recommendation that follows from the cluster's strongest evidence.

    Examples
    --------
    >>> recommendation({"hosts": ["MY"], "pairs": [{"field_jaccard": 0.0, "partner_jaccard": 0.0,
    ...     "same_city": False}]})[:40]
    'Coordinate: the parent centres share the'
    """
    pairs = cluster.get("pairs", [])
    fields = max((p.get("field_jaccard") or 0 for p in pairs), default=0)
    partners = max((p.get("partner_jaccard") or 0 for p in pairs), default=0)
    same_city = any(p.get("same_city") for p in pairs)
    hosts = ", ".join(cluster.get("hosts", []))
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


def duplicates_section(run: Mapping[str, Any], G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    """The duplicated-centre clusters of ``results.duplicates``."""
    rid = run["id"]
    params = run.get("params", {})
    section = Section("duplicates", t["duplicates"], f"analysis run {rid}: results.duplicates")
    clusters = run["results"].get("duplicates") or []
    section.paragraphs.append(
        f"{len(clusters)} clusters of centres hosted in the same country by different parents "
        f"(score ≥ {params.get('duplicate_min_score', '–')}; "
        "evidence: shared host and city, field and partner "
        "overlap (Jaccard), cross-script name similarity)."
    )
    for number, cluster in enumerate(clusters, 1):
        hosts = ", ".join(name(G, f"Country:{h}") for h in cluster["hosts"])
        members = "; ".join(label_of(G, m) for m in cluster["members"])
        parents = "; ".join(label_of(G, p) for p in cluster["parents"])
        sub = Section(
            f"duplicates-{number}",
            f"{number}. {hosts}",
            f"analysis run {rid}: results.duplicates[{number - 1}]",
        )
        sub.paragraphs.append(f"Centres: {members}. Built by: {parents}. Score {cluster['score']:.2f}.")
        sub.tables.append(
            Table(
                f"{t['evidence']} — {hosts}",
                ["pair", "shared host", "field overlap", "shared fields", "partner overlap",
                 "shared partners",
                 "name similarity", "score"],
                [
                    [
                        f"{name(G, p['a'])} / {name(G, p['b'])}",
                        ", ".join(p["shared_hosts"]) + (" (same city)" if p.get("same_city") else ""),
                        f"{p['field_jaccard']:.2f}",
                        ", ".join(name(G, f) for f in p.get("shared_fields", [])) or "–",
                        f"{p['partner_jaccard']:.2f}",
                        ", ".join(name(G, f) for f in p.get("shared_partners", [])) or "–",
                        f"{p['name_similarity']:.2f}",
                        f"{p['score']:.2f}",
                    ]
                    for p in cluster["pairs"]
                ],
                f"run {rid}: results.duplicates[{number - 1}].pairs "
                "(graph.analytics.duplicates.duplicate_centres)",
            )
        )  # fmt: skip
        sub.paragraphs.append("Recommendation: " + recommendation(cluster))
        section.subsections.append(sub)
    return section
