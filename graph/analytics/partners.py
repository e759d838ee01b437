"""The projected organisation network: partners of one actor, and the network's most central part.

A collaboration dataset (organisations ``TAKES_PART_IN`` projects, parties to agreements,
participants of events) is a two-mode network; drawn as stored, an organisation is a
star of projects and its partners are two hops away.  Its one-mode projection is the
actor network (`graph.analytics.actors.actor_network`): two organisations are tied when
they share a project (Newman's ``1/(n-1)`` per project of ``n`` participants), a small
agreement or event (the star rule for large ones), or a stored relationship.  This
module reads that network undirected and adds the evidence of each tie: how many
projects, agreements and events tie the two, and the first few of them.

- the **tie weight** of two actors is the larger of the actor network's two directed
  weights: a co-participation adds its weight to both directions, a stored relationship
  (``u OPERATED_BY v``) to one, so the larger one counts every tie once;
- an actor's **strength** is the sum of its tie weights (weighted degree);
- the **shared groups** of a tie are the projects both take part in, and the
  agreements and events both belong to that tie them (every pair of a small group; in
  a larger one only pairs with an organiser, as the actor network ties them); the
  evidence lists the smallest of them first (they weigh most).

`ProjectedNetwork` indexes one actor network once (its undirected ties, strengths and
memberships); `Session.projected` (`graph.analytics.registry`) keeps one per population.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import networkx as nx

from graph.analytics.actors import group_hubs, group_members, project_members
from graph.analytics.results import node_key

__all__ = ["PROJECTED_TIE", "Core", "NotAnActorError", "Partner", "Partners", "ProjectedNetwork", "Tie"]

#: Type of a tie of the projected network in a view (derived, not a stored relationship).
PROJECTED_TIE = "PROJECTED_TIE"


class NotAnActorError(LookupError):
    """The node is not an actor of the projected network (not an institution or expert, or
    left out of the population: synthetic, or not established)."""


@dataclass(frozen=True, slots=True)
class Tie:
    """A tie of the projected network between ``a`` and ``b`` (``a < b`` as text)."""

    a: str
    b: str
    #: the larger of the actor network's two directed weights (Newman weight of shared projects
    #: plus one per other tie)
    weight: float
    #: projects, agreements and events that tie the two
    shared: int
    #: the first few of them (smallest first), node ids
    evidence: tuple[str, ...]
    #: the actor network's tie types behind it (``CO_PARTICIPATION``, ``CO_AFFILIATION``, stored types)
    types: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Partner:
    """A partner of one actor, with the tie between them."""

    id: str
    tie: Tie


@dataclass(frozen=True, slots=True)
class Partners:
    """The partners of ``node``, strongest tie first (at most the limit asked for)."""

    node: str
    partners: tuple[Partner, ...]
    #: every partner of the node, shown or not
    total: int

    @property
    def left_out(self) -> int:
        """Partners not shown because of the limit."""
        return self.total - len(self.partners)


@dataclass(frozen=True, slots=True)
class Core:
    """The most central part of the projected network: the strongest actors and their ties."""

    #: ``(actor id, strength)``, strongest first
    actors: tuple[tuple[str, float], ...]
    #: the ties among them, strongest first
    ties: tuple[Tie, ...]
    #: actors with at least one tie, shown or not
    total_actors: int
    #: ties of the whole network
    total_ties: int

    @property
    def actors_left_out(self) -> int:
        """Actors with ties that are not among the strongest shown."""
        return self.total_actors - len(self.actors)

    @property
    def ties_left_out(self) -> int:
        """Ties with at least one end outside the core."""
        return self.total_ties - len(self.ties)


def _sorted_pair(u: Hashable, v: Hashable) -> tuple[Hashable, Hashable]:
    return (u, v) if str(u) <= str(v) else (v, u)


class ProjectedNetwork:
    """The undirected, weighted view of an actor network, with the groups behind its ties.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The population's projection the actor network was built from.
    A : networkx.DiGraph
        Its actor network (`graph.analytics.actors.actor_network`).
    max_group : int
        The ``max_group`` `A` was built with (which agreements and events tie all members).
    evidence : int
        How many shared groups a tie lists.

    Examples
    --------
    Project p has three participants (1/2 per pair), q two (1/1): by hand a-b weigh
    1/2 + 1 = 1.5 over 2 shared projects, a-c and b-c 1/2 over one.

    >>> from graph.analytics.actors import actor_network
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["p", "q"], labels=["Project"], props={})
    >>> for n in "abc":
    ...     G.add_node(n, labels=["Institution"], key=n, props={})
    >>> for u, v in [("a", "p"), ("b", "p"), ("c", "p"), ("a", "q"), ("b", "q")]:
    ...     _ = G.add_edge(u, v, type="TAKES_PART_IN")
    >>> P = ProjectedNetwork(G, actor_network(G), max_group=10)
    >>> [(p.id, p.tie.weight, p.tie.shared, p.tie.evidence) for p in P.partners("a").partners]
    [('b', 1.5, 2, ('q', 'p')), ('c', 0.5, 1, ('p',))]
    >>> P.strength("a"), P.core(top=2).actors, P.core(top=2).ties_left_out
    (2.0, (('a', 2.0), ('b', 2.0)), 2)
    """

    def __init__(self, G: nx.MultiDiGraph, A: nx.DiGraph, *, max_group: int, evidence: int = 3) -> None:
        self.evidence = evidence
        self.max_group = max_group
        U = nx.Graph()
        U.add_nodes_from(A)
        types: defaultdict[tuple[Hashable, Hashable], set[str]] = defaultdict(set)
        for u, v, d in A.edges(data=True):
            pair = _sorted_pair(u, v)
            w = float(d.get("weight", 1.0))
            if U.has_edge(*pair):
                U.edges[pair]["weight"] = max(U.edges[pair]["weight"], w)
            else:
                U.add_edge(*pair, weight=w)
            types[pair].update(d.get("types", ()))
        for pair, kinds in types.items():
            U.edges[pair]["types"] = tuple(sorted(kinds))
        self.graph = U
        self._strength: dict[Hashable, float] = dict(U.degree(weight="weight"))
        actors = set(A)
        #: group -> (size, members, hubs): projects tie every pair (hubs = members)
        self._groups: dict[Hashable, tuple[int, set[Hashable], set[Hashable]]] = {}
        for project, participants in project_members(G, actors).items():
            if len(participants) >= 2:
                everyone = set(participants)
                self._groups[project] = (len(everyone), everyone, everyone)
        for group, (members, organisers) in group_members(G, actors).items():
            self._groups[group] = (len(members), members, group_hubs(members, organisers, max_group))
        self._member_of: defaultdict[Hashable, list[Hashable]] = defaultdict(list)
        for group, (_, belong, _) in sorted(self._groups.items(), key=lambda g: (g[1][0], str(g[0]))):
            for m in belong:
                self._member_of[m].append(group)  # smallest group first

    def __contains__(self, node: object) -> bool:
        return node in self.graph

    def strength(self, node: Hashable) -> float:
        """The sum of `node`'s tie weights."""
        return self._strength[node]

    def tie(self, u: Hashable, v: Hashable) -> Tie:
        """The tie between two actors, with the groups behind it (KeyError when untied)."""
        a, b = _sorted_pair(u, v)
        data = self.graph.edges[a, b]
        theirs = set(self._member_of.get(b, ()))
        shared = [
            g
            for g in self._member_of.get(a, ())
            if g in theirs and (a in self._groups[g][2] or b in self._groups[g][2])
        ]
        return Tie(
            node_key(a),
            node_key(b),
            float(data["weight"]),
            len(shared),
            tuple(node_key(g) for g in shared[: self.evidence]),
            tuple(data.get("types", ())),
        )

    def partners(self, node: Hashable, *, limit: int | None = None) -> Partners:
        """The partners of `node`, strongest tie first, at most `limit` of them.

        Raises
        ------
        NotAnActorError
            `node` is not an actor of this network.
        """
        if node not in self.graph:
            raise NotAnActorError(node)
        nbrs = self.graph[node]
        order = sorted(nbrs, key=lambda v: (-round(nbrs[v]["weight"], 9), str(v)))
        shown = order if limit is None else order[: max(limit, 0)]
        return Partners(
            node_key(node), tuple(Partner(node_key(v), self.tie(node, v)) for v in shown), len(order)
        )

    def core(self, *, top: int) -> Core:
        """The `top` actors of greatest strength (equal strengths by id) and the ties among them.

        Actors without a tie are never part of the core.
        """
        tied = [n for n in self._strength if self.graph.degree(n) > 0]
        # rounded: sums of 1/(n-1) in another order differ in the last bits, not in rank
        ranked = sorted(tied, key=lambda n: (-round(self._strength[n], 9), str(n)))[: max(top, 0)]
        chosen = set(ranked)
        ties = self._ties_among(chosen)
        return Core(
            tuple((node_key(n), self._strength[n]) for n in ranked),
            tuple(sorted(ties, key=lambda t: (-t.weight, t.a, t.b))),
            len(tied),
            self.graph.number_of_edges(),
        )

    def _ties_among(self, chosen: Iterable[Hashable]) -> list[Tie]:
        keep = set(chosen)
        return [self.tie(u, v) for u, v in self.graph.subgraph(keep).edges()]
