"""Duplicated branch centres: each cluster, its evidence and a recommendation."""

from __future__ import annotations

import networkx as nx

from graph.analytics.duplicates import DuplicateCluster
from graph.analytics.registry import DUPLICATES
from graph.analytics.runs import RunRecord
from viz.i18n import N_, _, ngettext, num
from viz.report.graphinfo import country_node, label_of, name, population_note
from viz.report.model import Section, Table

__all__ = ["duplicates_section", "recommendation"]

#: the kinds of evidence `graph.analytics.duplicates` names (for the catalogue)
EVIDENCE_KINDS = (N_("same city"), N_("shared fields"), N_("shared partners"), N_("similar names"))


def recommendation(cluster: DuplicateCluster, G: nx.Graph | None = None) -> str:
    """A recommendation that follows from the cluster's strongest evidence (a duplicate always
    has evidence beyond the host country; co-located centres get none); host countries by name where
    the graph `G` is given.

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
    hosts = _(", ").join(cluster.hosts if G is None else (name(G, country_node(h)) for h in cluster.hosts))
    if fields >= 0.5 or partners >= 0.5:
        return _(
            "Merge or run jointly: the centres in {hosts} overlap in fields (Jaccard {fields}) or partners "
            "({partners}); one centre with a shared supply–demand pool would serve the same clients."
        ).format(hosts=hosts, fields=f"{fields:.2f}", partners=f"{partners:.2f}")
    if same_city or fields > 0 or partners > 0:
        return _(
            "Share facilities and divide the work: the centres in {hosts} are close (same city: {same}) "
            "and partly overlap; agree who covers which fields and partners."
        ).format(hosts=hosts, same=_("yes") if same_city else _("no"))
    return _(
        "Check whether they are one centre: their names share distinctive words in {hosts}; if so, "
        "keep one record and one programme."
    ).format(hosts=hosts)


def duplicates_section(run: RunRecord, G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    """The run's duplicated centres (on evidence), then the co-located ones, apart."""
    rid = run.id
    section = Section(
        "duplicates",
        t["duplicates"],
        _("analysis run {run}: {keys}").format(run=rid, keys="results.duplicates"),
    )
    found = run.require(DUPLICATES)
    clusters = found.clusters
    section.paragraphs.append(population_note(run))
    section.paragraphs.append(
        ngettext(
            "{n} cluster of duplicated centres: centres of different parents in one host country with "
            "evidence beyond it (the same city, shared fields or partners, distinctive words of their names "
            "in common), score ≥ {score}.",
            "{n} clusters of duplicated centres: centres of different parents in one host country with "
            "evidence beyond it (the same city, shared fields or partners, distinctive words of their names "
            "in common), score ≥ {score}.",
            len(clusters),
        ).format(n=num(len(clusters)), score=run.params.duplicate_min_score)
        + " "
        + ngettext(
            "{n} more pair only shares a host country (co-located, listed apart: no recommendation follows "
            "from that alone).",
            "{n} more pairs only share a host country (co-located, listed apart: no recommendation follows "
            "from that alone).",
            len(found.co_located),
        ).format(n=num(len(found.co_located)))
    )
    for number, cluster in enumerate(clusters, 1):
        hosts = _(", ").join(name(G, f"Country:{h}") for h in cluster.hosts)
        members = _("; ").join(label_of(G, m) for m in cluster.members)
        parents = _("; ").join(label_of(G, p) for p in cluster.parents)
        confidence = _("high") if any(p.confidence == "high" for p in cluster.pairs) else _("medium")
        sub = Section(
            f"duplicates-{number}",
            f"{number}. {hosts}",
            _("analysis run {run}: {keys}").format(run=rid, keys=f"results.duplicates[{number - 1}]"),
        )
        sub.paragraphs.append(
            _("Centres: {members}. Built by: {parents}. Score {score}, confidence {confidence}.").format(
                members=members, parents=parents, score=f"{cluster.score:.2f}", confidence=confidence
            )
        )
        sub.tables.append(
            Table(
                f"{t['evidence']} — {hosts}",
                [_("pair"), _("evidence"), _("shared host"), _("field overlap"), _("shared fields"),
                 _("partner overlap"), _("shared partners"), _("name similarity"), _("score")],
                [
                    [
                        f"{name(G, p.a)} / {name(G, p.b)}",
                        _(", ").join(_(kind) for kind in p.evidence),
                        _(", ").join(p.shared_hosts) + (_(" (same city)") if p.same_city else ""),
                        f"{p.field_jaccard:.2f}",
                        _(", ").join(name(G, f) for f in p.shared_fields) or "–",
                        f"{p.partner_jaccard:.2f}",
                        _(", ").join(name(G, f) for f in p.shared_partners) or "–",
                        f"{p.name_similarity:.2f}",
                        f"{p.score:.2f}",
                    ]
                    for p in cluster.pairs
                ],
                _("run {run}: {keys}").format(
                    run=rid,
                    keys=f"results.duplicates[{number - 1}].pairs "
                    "(graph.analytics.duplicates.duplicate_centres)",
                ),
            )
        )  # fmt: skip
        sub.paragraphs.append(_("Recommendation: {text}").format(text=recommendation(cluster, G)))
        section.subsections.append(sub)
    if found.co_located:
        sub = Section(
            "duplicates-co-located",
            t["co_located"],
            _("analysis run {run}: {keys}").format(run=rid, keys="results.duplicates"),
        )
        sub.paragraphs.append(
            _(
                "These centres share a host country and nothing else on record: no common city, field, "
                "partner or distinctive name. Not evidence of duplication; worth knowing when planning the "
                "next unit."
            )
        )
        sub.tables.append(
            Table(
                t["co_located"],
                [_("centre"), _("centre"), _("host"), _("parents")],
                [
                    [label_of(G, e.a), label_of(G, e.b),
                     _(", ").join(name(G, f"Country:{h}") for h in e.shared_hosts),
                     _("; ").join(label_of(G, x) for x in sorted({*e.parents_a, *e.parents_b}, key=str))]
                    for e in found.co_located
                ],
                _("run {run}: {keys}").format(
                    run=rid,
                    keys="results.duplicates.co_located (graph.analytics.duplicates.duplicate_centres)",
                ),
            )
        )  # fmt: skip
        section.subsections.append(sub)
    return section
