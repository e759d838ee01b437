"""Country-to-country collaboration through projects, against hand computation."""

from __future__ import annotations

import networkx as nx

from graph.analytics.collaboration import CountryTie, country_collaboration
from ontology.vocab import NodeLabel, RelType


def _graph() -> nx.MultiDiGraph:
    # p: a (CN), b (DE), c (DE), d (no country); q: b (DE), c (DE)
    G = nx.MultiDiGraph()
    for c in ("CN", "DE"):
        G.add_node(f"Country:{c}", labels=[NodeLabel.COUNTRY], key=c, props={})
    located = {"a": "CN", "b": "DE", "c": "DE", "d": None}
    for n, c in located.items():
        G.add_node(f"Institution:{n}", labels=[NodeLabel.INSTITUTION], key=n, props={})
        if c is not None:
            G.add_edge(f"Institution:{n}", f"Country:{c}", type=RelType.LOCATED_IN)
    for p, members in {"p": "abcd", "q": "bc"}.items():
        G.add_node(f"Project:{p}", labels=[NodeLabel.PROJECT], key=p, props={})
        for m in members:
            G.add_edge(f"Institution:{m}", f"Project:{p}", type=RelType.TAKES_PART_IN)
    return G


def test_country_pairs_by_hand() -> None:
    # p has 4 participants: 1/3 per pair; q has 2: 1 per pair.
    # DE-DE: b-c 1/3 + 1 = 4/3, 1 pair, 2 projects; CN-DE: a-b + a-c = 2/3, 2 pairs, 1 project;
    # pairs with d (no country) are left out.
    rows = country_collaboration(_graph())
    assert [(r.country_a, r.country_b, r.organisation_pairs, r.projects) for r in rows] == [
        ("DE", "DE", 1, 2),
        ("CN", "DE", 2, 1),
    ]
    assert abs(rows[0].weight - 4 / 3) < 1e-12 and abs(rows[1].weight - 2 / 3) < 1e-12
    assert all(isinstance(r, CountryTie) for r in rows)


def test_no_projects_no_rows() -> None:
    G = _graph()
    G.remove_nodes_from(["Project:p", "Project:q"])
    assert country_collaboration(G) == []
