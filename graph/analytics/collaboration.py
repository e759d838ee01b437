"""Country-to-country collaboration through shared projects.

The organisation ties of the actor network's projects (Newman's collaboration weights,
see `graph.analytics.actors.project_weights`) summed per pair of countries: how strongly
two countries' organisations work together, how many organisation pairs and how many
projects make up that tie.  A country paired with itself counts its domestic
collaboration.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass

import networkx as nx

from graph.analytics.actors import actor_network, project_weights

__all__ = ["CountryTie", "country_collaboration"]


@dataclass(frozen=True, slots=True)
class CountryTie:
    """The collaboration between two countries (``country_a <= country_b``)."""

    country_a: str
    country_b: str
    #: summed Newman weight of the organisation pairs (one in each country)
    weight: float
    #: organisation pairs (one in each country) that share at least one project
    organisation_pairs: int
    #: projects with a participant in each country (two in the country, for a domestic tie)
    projects: int


def country_collaboration(G: nx.MultiDiGraph, A: nx.DiGraph | None = None) -> list[CountryTie]:
    """Collaboration between countries through the projects of `G`, strongest first.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The store's projection (``Project`` nodes, ``TAKES_PART_IN`` edges).
    A : networkx.DiGraph, optional
        Its actor network (for each actor's ``country``); built when not given.
        Participants without a country are left out.

    Returns
    -------
    list of CountryTie
        Sorted by weight (descending), then by the country pair.

    Examples
    --------
    Project p: a (CN), b (CN), c (DE); project q: a (CN), c (DE).  By hand: a-c share p
    (1/2) and q (1/1): 1.5; b-c share p: 0.5; so CN-DE 2.0 over 2 pairs and 2 projects;
    a-b share p: CN-CN 0.5, one pair, one project.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["p", "q"], labels=["Project"], props={})
    >>> for n, c in [("a", "CN"), ("b", "CN"), ("c", "DE")]:
    ...     G.add_node(n, labels=["Institution"], key=n, props={})
    ...     G.add_node(c, labels=["Country"], key=c, props={})
    ...     _ = G.add_edge(n, c, type="LOCATED_IN")
    >>> for u, v in [("a", "p"), ("b", "p"), ("c", "p"), ("a", "q"), ("c", "q")]:
    ...     _ = G.add_edge(u, v, type="TAKES_PART_IN")
    >>> for tie in country_collaboration(G):
    ...     print(tie.country_a, tie.country_b, tie.weight, tie.organisation_pairs, tie.projects)
    CN DE 2.0 2 2
    CN CN 0.5 1 1
    """
    A = actor_network(G) if A is None else A
    country: dict[Hashable, str] = {n: c for n, c in A.nodes(data="country") if c is not None}
    nodes, W, members = project_weights(G, set(A))
    weight: defaultdict[tuple[str, str], float] = defaultdict(float)
    pairs: Counter[tuple[str, str]] = Counter()
    for i, j, w in zip(W.row.tolist(), W.col.tolist(), W.data.tolist(), strict=True):
        ci, cj = country.get(nodes[i]), country.get(nodes[j])
        if ci is None or cj is None:
            continue
        key = (ci, cj) if ci <= cj else (cj, ci)
        weight[key] += w
        pairs[key] += 1
    projects: Counter[tuple[str, str]] = Counter()
    for participants in members.values():
        counts = Counter(country[u] for u in participants if u in country)
        present = sorted(counts)
        for x, a in enumerate(present):
            if counts[a] >= 2:
                projects[(a, a)] += 1
            for b in present[x + 1 :]:
                projects[(a, b)] += 1
    rows = [CountryTie(a, b, weight[(a, b)], pairs[(a, b)], projects[(a, b)]) for a, b in weight]
    return sorted(rows, key=lambda t: (-t.weight, t.country_a, t.country_b))
