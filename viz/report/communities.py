"""Communities of the actor network: sizes, their most connected members and the ties between them.

A generic section: it reads only the run's communities and centrality results, so it
describes any loaded network (transfer centres, framework-programme consortia, joint labs).
"""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx

from graph.analytics.registry import CENTRALITY, COLLABORATION, COMMUNITIES
from graph.analytics.runs import RunRecord
from viz.report.graphinfo import country_node, fmt, name, population_note
from viz.report.model import Section, Table

__all__ = ["communities_section"]

_SHOWN = 12
_MEMBERS = 5


def communities_section(run: RunRecord, G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    """The largest communities with their best-connected members, and how many ties bridge them."""
    section = Section("communities", t["communities"], f"analysis run {run.id}: results.communities")
    section.paragraphs.append(population_note(run))
    found = run.get(COMMUNITIES)
    if found is None or not found.membership:
        section.paragraphs.append("No actor network to divide into communities in this population.")
        return section
    sizes = Counter(found.membership.values())
    alone = sum(1 for size in sizes.values() if size == 1)
    section.paragraphs.append(
        f"{len(sizes)} communities ({found.method}, {found.backend}) over {len(found.membership)} actors, "
        f"modularity {fmt(found.modularity)}; {len(found.bridge_edges)} ties join two communities; "
        f"{alone} actors have no tie to any other actor and form a community alone."
    )
    pagerank = run.require(CENTRALITY).pagerank if run.get(CENTRALITY) else {}
    members: dict[int, list[str]] = defaultdict(list)
    for node, community in found.membership.items():
        members[community].append(node)
    bridges: Counter[int] = Counter()
    for edge in found.bridge_edges:
        bridges[found.membership.get(edge.source, -1)] += 1
        bridges[found.membership.get(edge.target, -1)] += 1
    rows = []
    for community, size in sizes.most_common(_SHOWN):
        if size < 2:
            break
        top = sorted(members[community], key=lambda n: (-pagerank.get(n, 0.0), n))[:_MEMBERS]
        rows.append([str(community), str(size), str(bridges[community]), "; ".join(name(G, n) for n in top)])
    section.tables.append(
        Table(
            t["communities"],
            ["community", "actors", "ties to other communities", "members with the highest PageRank"],
            rows,
            f"run {run.id}: results.communities.membership, .bridge_edges × results.centrality.pagerank",
        )
    )
    collaboration = run.get(COLLABORATION)
    across = [tie for tie in (collaboration.ties if collaboration else ()) if tie.country_a != tie.country_b]
    if across:
        section.tables.append(
            Table(
                t["collaboration"],
                ["countries", "weight (Newman)", "organisation pairs", "projects"],
                [
                    [f"{name(G, country_node(x.country_a))} – {name(G, country_node(x.country_b))}",
                     fmt(x.weight), str(x.organisation_pairs), str(x.projects)]
                    for x in across[:_SHOWN + 3]
                ],
                f"run {run.id}: results.collaboration (graph.analytics.collaboration.country_collaboration)",
            )
        )  # fmt: skip
    return section
