"""Communities of the actor network: sizes, their most connected members and the ties between them.

A generic section: it reads only the run's communities and centrality results, so it
describes any loaded network (transfer centres, framework-programme consortia, joint labs).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict

import networkx as nx

from graph.analytics.registry import CENTRALITY, COLLABORATION, COMMUNITIES
from graph.analytics.runs import RunRecord
from viz.i18n import _, ngettext, num
from viz.report.graphinfo import country_node, fmt, name, population_note
from viz.report.model import Section, Table

__all__ = ["communities_section"]

_SHOWN = 12
_MEMBERS = 5


def communities_section(run: RunRecord, G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    """The largest communities with their best-connected members, and how many ties bridge them."""
    section = Section(
        "communities",
        t["communities"],
        _("analysis run {run}: {keys}").format(run=run.id, keys="results.communities"),
    )
    section.paragraphs.append(population_note(run))
    found = run.get(COMMUNITIES)
    if found is None or not found.membership:
        section.paragraphs.append(_("No actor network to divide into communities in this population."))
        return section
    sizes = Counter(found.membership.values())
    alone = sum(1 for size in sizes.values() if size == 1)
    section.paragraphs.append(
        ngettext("{n} community", "{n} communities", len(sizes)).format(n=num(len(sizes)))
        + _(" ({method}, {backend}) over {actors}, modularity {modularity}; ").format(
            method=found.method,
            backend=found.backend,
            actors=ngettext("{n} actor", "{n} actors", len(found.membership)).format(
                n=num(len(found.membership))
            ),
            modularity=fmt(found.modularity),
        )
        + ngettext(
            "{n} tie joins two communities; ", "{n} ties join two communities; ", len(found.bridge_edges)
        ).format(n=num(len(found.bridge_edges)))
        + ngettext(
            "{n} actor has no tie to any other actor and forms a community alone.",
            "{n} actors have no tie to any other actor and form a community alone.",
            alone,
        ).format(n=num(alone))
    )
    pagerank = run.require(CENTRALITY).pagerank if run.get(CENTRALITY) else {}
    members: dict[int, list[str]] = defaultdict(list)
    for node, community in found.membership.items():
        members[community].append(node)
    bridges: Counter[int] = Counter()
    ties = found.bridge_edges
    bridges.update(map(found.membership.get, ties.sources, itertools.repeat(-1)))
    bridges.update(map(found.membership.get, ties.targets, itertools.repeat(-1)))
    rows = []
    for community, size in sizes.most_common(_SHOWN):
        if size < 2:
            break
        top = sorted(members[community], key=lambda n: (-pagerank.get(n, 0.0), n))[:_MEMBERS]
        rows.append(
            [str(community), str(size), str(bridges[community]), _("; ").join(name(G, n) for n in top)]
        )
    section.tables.append(
        Table(
            t["communities"],
            [
                _("community"),
                _("actors"),
                _("ties to other communities"),
                _("members with the highest PageRank"),
            ],
            rows,
            _("run {run}: {keys}").format(
                run=run.id, keys="results.communities.membership, .bridge_edges × results.centrality.pagerank"
            ),
        )
    )
    collaboration = run.get(COLLABORATION)
    across = [tie for tie in (collaboration.ties if collaboration else ()) if tie.country_a != tie.country_b]
    if across:
        section.tables.append(
            Table(
                t["collaboration"],
                [_("countries"), _("weight (Newman)"), _("organisation pairs"), _("projects")],
                [
                    [f"{name(G, country_node(x.country_a))} – {name(G, country_node(x.country_b))}",
                     fmt(x.weight), str(x.organisation_pairs), str(x.projects)]
                    for x in across[:_SHOWN + 3]
                ],
                _("run {run}: {keys}").format(
                    run=run.id,
                    keys="results.collaboration (graph.analytics.collaboration.country_collaboration)",
                ),
            )
        )  # fmt: skip
    return section
