"""Every analysis declared once: key, parameters, computation, typed result.

`run_suite` (``transfernet analyze``) computes every analysis of `REGISTRY` in order
and keeps the results in a run record; the API serves a stored result or computes the
same analysis now through the same `Session` — one code path, so a fresh answer and a
stored one agree whenever their parameters do.

An analysis names the fields of `~graph.analytics.params.AnalysisParams` its own
computation reads (`Analysis.params`) and the analyses whose results it uses
(`Analysis.needs`); `Analysis.depends_on` is the union over that chain, the parameters
a stored result must match.  A `Session` holds one projection's actor network and
results, each computed once per parameters.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any, cast

import networkx as nx

from graph.analytics.actors import actor_network
from graph.analytics.brokerage import brokerage_graph_scores, brokerage_scores, structural_holes
from graph.analytics.centrality import betweenness, degree, pagerank
from graph.analytics.communities import community_bridges, detect_communities
from graph.analytics.coverage import country_coverage, coverage_gaps
from graph.analytics.duplicates import PairEvidence, duplicate_centres
from graph.analytics.notices import MANY_ACTORS, NO_ACTORS, Notice
from graph.analytics.params import AnalysisParams
from graph.analytics.partners import ProjectedNetwork
from graph.analytics.population import Population, select
from graph.analytics.results import (
    BridgeEdges,
    BridgeMeasures,
    BrokerageResult,
    CentralityResult,
    ChannelsResult,
    CollaborationResult,
    CommunitiesResult,
    CoverageResult,
    DuplicatesResult,
    GraphRoleScore,
    HoleMeasures,
    OpportunitiesResult,
    RoleScores,
    StructuralHolesResult,
    finite,
    node_key,
)
from graph.typed_arrays import typed_arrays
from ontology.vocab import NodeLabel, RelType

__all__ = [
    "BROKERAGE",
    "CENTRALITY",
    "CHANNELS",
    "COLLABORATION",
    "COMMUNITIES",
    "COVERAGE",
    "DUPLICATES",
    "OPPORTUNITIES",
    "POPULATION_PARAMS",
    "REGISTRY",
    "STRUCTURAL_HOLES",
    "Analysis",
    "Session",
    "UnknownDemandError",
    "analysis",
    "check_demand",
]


#: Parameters every analysis depends on: which population it answers about.
POPULATION_PARAMS: tuple[str, ...] = ("synthetic", "scenario")


class UnknownDemandError(LookupError):
    """A demand asked for by id is not a technology demand of the graph."""


@dataclass(frozen=True, slots=True)
class Analysis[R]:
    """One analysis: its key in a run record, its parameters, its computation, its result type.

    ``narrow``, when given, answers a narrower question from a result computed with
    other parameters (the channels of one demand from a run that holds them), or None.
    """

    key: str
    title: str
    params: tuple[str, ...]
    compute: Callable[[Session, AnalysisParams], R]
    result: type[R]
    needs: tuple[Analysis[Any], ...] = ()
    narrow: Callable[[R, AnalysisParams, AnalysisParams], R | None] | None = None

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Every parameter the result depends on, its needs' included, in `AnalysisParams` order.

        Examples
        --------
        >>> OPPORTUNITIES.depends_on[:4], "seed" in OPPORTUNITIES.depends_on
        (('synthetic', 'scenario', 'partition', 'max_group'), False)
        """
        names = {*POPULATION_PARAMS, *self.params}
        for need in self.needs:
            names.update(need.depends_on)
        return tuple(n for n in AnalysisParams.model_fields if n in names)

    def values(self, params: AnalysisParams) -> dict[str, Any]:
        """The values of `depends_on` in `params`."""
        return {name: getattr(params, name) for name in self.depends_on}


class Session:
    """One projection's analyses, each computed once per parameters (thread-safe).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The typed projection (`GraphStore.to_networkx`).
    on_step : callable, optional
        Called with the title of each step as it starts (progress display).
    keep : int
        Results kept, least recently used dropped first (the API asks for many
        parameter combinations; a run for one).
    keep_networks : int
        Actor and projected networks kept, least recently used dropped first: each is as
        large as the population's ties, and ``max_group`` alone admits 499 of them, so a
        client sweeping it must not grow a server without bound.
    """

    def __init__(
        self,
        G: nx.MultiDiGraph,
        *,
        on_step: Callable[[str], None] | None = None,
        keep: int = 64,
        keep_networks: int = 3,
        claims: Mapping[tuple[str, str, str], str] | None = None,
    ) -> None:
        self.graph = G
        self.claims = claims  # relationship stages when the projection carries no relationship properties
        self.on_step = on_step
        self.keep = keep
        self.keep_networks = keep_networks
        self.seconds: dict[str, float] = {}
        #: What the analyses left out and why, one sentence each (shown with the results)
        #: what the run left out beyond the population, and why (`graph.analytics.notices`)
        self.notices: list[Notice] = []
        self._populations: dict[tuple[bool, str], tuple[nx.MultiDiGraph, Population]] = {}
        self._actors: OrderedDict[tuple[bool, str, int], nx.DiGraph] = OrderedDict()
        self._projected: OrderedDict[tuple[bool, str, int], ProjectedNetwork] = OrderedDict()
        self._results: OrderedDict[tuple[str, tuple[Any, ...]], Any] = OrderedDict()
        self._lock = threading.RLock()
        self._nested: list[float] = []  # seconds of the steps called by each running step

    def _timed[T](self, title: str, fn: Callable[[], T]) -> T:
        """Run a step, adding its own seconds (those of the steps it calls excluded) to `seconds`."""
        if self.on_step is not None:
            self.on_step(title)
        self._nested.append(0.0)
        t0 = time.perf_counter()
        try:
            value = fn()
        finally:
            spent = time.perf_counter() - t0
            inner = self._nested.pop()
            if self._nested:
                self._nested[-1] += spent
            self.seconds[title] = round(self.seconds.get(title, 0.0) + spent - inner, 3)
        return value

    def population(self, params: AnalysisParams) -> tuple[nx.MultiDiGraph, Population]:
        """The part of the projection ``params`` answers about (`graph.analytics.population`)."""
        key = (params.synthetic, params.scenario)
        with self._lock:
            if key not in self._populations:
                self._populations[key] = self._timed(
                    "population",
                    lambda: select(
                        self.graph, synthetic=params.synthetic, scenario=params.scenario, claims=self.claims
                    ),
                )
            return self._populations[key]

    def graph_for(self, params: AnalysisParams) -> nx.MultiDiGraph:
        """The population's graph."""
        return self.population(params)[0]

    def actors(self, params: AnalysisParams) -> nx.DiGraph:
        """The actor network (`graph.analytics.actors.actor_network`) of the population for
        ``params.max_group``."""
        key = (params.synthetic, params.scenario, params.max_group)
        with self._lock:
            if key in self._actors:
                self._actors.move_to_end(key)
            else:
                G = self.graph_for(params)
                A = self._timed("actor network", lambda: actor_network(G, max_group=params.max_group))
                self._actors[key] = A
                _bound(self._actors, self.keep_networks)
                left = A.graph.get("left_out") or {}
                if left.get("groups"):
                    values = {
                        "groups": left["groups"],
                        "max_group": params.max_group,
                        "ties": left.get("ties", 0),
                    }
                    self.notices.append(Notice(MANY_ACTORS, values))
                population = self.population(params)[1]
                if A.number_of_nodes() == 0 and population.synthetic_nodes_left_out:
                    self.notices.append(Notice(NO_ACTORS, {"synthetic": population.synthetic_nodes_left_out}))
            return self._actors[key]

    def projected(self, params: AnalysisParams) -> ProjectedNetwork:
        """The actor network of `actors` read undirected, with the groups behind its ties
        (`graph.analytics.partners`): partners of one actor, the most central part."""
        key = (params.synthetic, params.scenario, params.max_group)
        with self._lock:
            if key in self._projected:
                self._projected.move_to_end(key)
            else:
                G, A = self.graph_for(params), self.actors(params)
                self._projected[key] = self._timed(
                    "projected network", lambda: ProjectedNetwork(G, A, max_group=params.max_group)
                )
                _bound(self._projected, self.keep_networks)
            return self._projected[key]

    def groups(self, params: AnalysisParams) -> dict[Hashable, str]:
        """Every actor's group in ``params.partition`` (``"(unknown)"`` when it has none)."""
        return {n: (d.get(params.partition) or "(unknown)") for n, d in self.actors(params).nodes(data=True)}

    def result[R](self, analysis: Analysis[R], params: AnalysisParams) -> R:
        """The result of `analysis` for `params`, computed now or earlier in this session."""
        key = (analysis.key, tuple(analysis.values(params).values()))
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return cast(R, self._results[key])
            value = self._timed(analysis.title, lambda: analysis.compute(self, params))
            self._results[key] = value
            while len(self._results) > self.keep:
                self._results.popitem(last=False)
            return value


def _bound(kept: OrderedDict[Any, Any], size: int) -> None:
    """Drop the least recently used entries of `kept` beyond `size`."""
    while len(kept) > max(size, 1):
        kept.popitem(last=False)


# --- the computations ------------------------------------------------------------------


def _brokerage(s: Session, p: AnalysisParams) -> BrokerageResult:
    from graph.analytics.brokerage import ROLES

    A, groups = s.actors(p), s.groups(p)
    nodes = {node_key(n): RoleScores.of(scores) for n, scores in brokerage_scores(A, groups).items()}
    graph = {
        role: GraphRoleScore(**{k: finite(v) for k, v in stats.items()})
        for role, stats in brokerage_graph_scores(A, groups).items()
    }
    return BrokerageResult(
        p.partition, tuple(ROLES), nodes, graph, {node_key(n): str(g) for n, g in groups.items()}
    )


def _structural_holes(s: Session, p: AnalysisParams) -> StructuralHolesResult:
    measures = structural_holes(s.actors(p), weight="weight")
    return StructuralHolesResult(
        {node_key(n): HoleMeasures(**{k: finite(v) for k, v in m.items()}) for n, m in measures.items()}
    )


def _floats(values: Mapping[Hashable, Any]) -> dict[str, float]:
    return {node_key(n): float(v) for n, v in values.items()}


def _centrality(s: Session, p: AnalysisParams) -> CentralityResult:
    A = s.actors(p)
    btw = betweenness(
        A, exact_threshold=p.betweenness_exact_threshold, epsilon=p.betweenness_epsilon, seed=p.seed
    )
    return CentralityResult(
        degree=_floats(degree(A)),
        pagerank=_floats(pagerank(A, weight="weight")),
        betweenness=_floats(btw.values),
        betweenness_exact=btw.exact,
        betweenness_epsilon=float(btw.epsilon),
        betweenness_delta=float(btw.delta),
        betweenness_samples=int(btw.samples),
    )


def _communities(s: Session, p: AnalysisParams) -> CommunitiesResult:
    A = s.actors(p)
    comm = detect_communities(A, seed=p.seed)
    bridges = community_bridges(A, comm.membership)
    return CommunitiesResult(
        membership={node_key(n): int(c) for n, c in comm.membership.items()},
        modularity=finite(comm.modularity),
        method=comm.method,
        backend=comm.backend,
        sizes=tuple(len(c) for c in comm.communities),
        bridge_nodes={
            node_key(n): BridgeMeasures(
                int(b["community"]),
                int(b["external_ties"]),
                int(b["communities_reached"]),
                finite(b["participation"]),
            )
            for n, b in bridges["nodes"].items()
        },
        bridge_edges=_bridge_edges(bridges["edges"], all(type(n) is str for n in A)),
    )


def _bridge_edges(edges: list[tuple[Hashable, Hashable]], text_ids: bool) -> BridgeEdges:
    """The bridge ties as results, two columns (a million on a large network: the keys of text
    ids are the ids themselves)."""
    if not edges:
        return BridgeEdges()
    sources, targets = zip(*edges, strict=True)
    if text_ids:
        return BridgeEdges(sources, targets)
    return BridgeEdges(tuple(map(node_key, sources)), tuple(map(node_key, targets)))


def _collaboration(s: Session, p: AnalysisParams) -> CollaborationResult:
    from graph.analytics.collaboration import country_collaboration  # only this analysis needs it

    ties = country_collaboration(s.graph_for(p), s.actors(p))
    return CollaborationResult(tuple(sorted(ties, key=lambda t: (-t.weight, t.country_a, t.country_b))))


def _duplicates(s: Session, p: AnalysisParams) -> DuplicatesResult:
    co_located: list[PairEvidence] = []
    clusters = duplicate_centres(
        s.graph_for(p),
        min_score=p.duplicate_min_score,
        require_different_parent=p.duplicate_require_different_parent,
        co_located=co_located,
    )
    return DuplicatesResult(tuple(clusters), tuple(sorted(co_located, key=lambda e: (-e.score, str(e.a)))))


def _coverage(s: Session, p: AnalysisParams) -> CoverageResult:
    return CoverageResult(
        tuple(coverage_gaps(s.graph_for(p), bri_only=p.coverage_bri_only)),
        dict(country_coverage(s.graph_for(p))),
    )


class _RoleCounts(Mapping[Hashable, Mapping[str, float]]):
    """The brokerage result as the opportunities kernel reads it (node -> role -> count)."""

    def __init__(self, nodes: Mapping[str, RoleScores]) -> None:
        self._nodes = nodes

    def __getitem__(self, node: Hashable) -> Mapping[str, float]:
        return {k: v for k, v in asdict(self._nodes[node_key(node)]).items() if v is not None}

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)


def _opportunities(s: Session, p: AnalysisParams) -> OpportunitiesResult:
    from graph.analytics.opportunities import brokerage_opportunities  # only this analysis needs it

    roles = s.result(BROKERAGE, p)
    holes = s.result(STRUCTURAL_HOLES, p)
    found = brokerage_opportunities(
        s.graph_for(p),
        s.groups(p),
        A=s.actors(p),
        k=p.opportunities_k,
        top=p.opportunities_top,
        brokers=p.opportunities_brokers,
        roles=_RoleCounts(roles.nodes),
        constraint={n: m.constraint for n, m in holes.nodes.items()},
    )
    return OpportunitiesResult(p.partition, p.opportunities_k, tuple(found))


def _chosen_demands(s: Session, p: AnalysisParams, demands: list[Hashable], fields_of: Any) -> list[Hashable]:
    """At most ``channels_demands`` demands: first from the opportunities (a demand of the
    demander group in a field of the pair, best pair first), then in node order."""
    arrays = typed_arrays(s.graph_for(p))  # the projection's dicts are not read (graph.lazy_graph)
    groups = s.groups(p)
    owner_group = {d: {groups.get(u) for u in arrays.starts_of(d, RelType.SEEKS)} for d in demands}
    chosen: list[Hashable] = []
    for o in s.result(OPPORTUNITIES, p).pairs:
        fields = set(o.fields)
        for d in demands:
            if d not in chosen and o.demander in owner_group[d] and fields & set(fields_of[d]):
                chosen.append(d)
                break
    taken = set(chosen)
    chosen += [d for d in demands if d not in taken][: max(p.channels_demands - len(chosen), 0)]
    return chosen[: p.channels_demands]


def check_demand(G: nx.MultiDiGraph, p: AnalysisParams) -> None:
    """Raise `UnknownDemandError` unless ``p.channels_demand`` (when given) is a technology demand
    of the population `G` (the run checks it before it starts, so that it fails before writing).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("TechnologyDemand:d1", labels=["TechnologyDemand"])
    >>> check_demand(G, AnalysisParams(channels_demand="TechnologyDemand:d1"))
    >>> check_demand(G, AnalysisParams(channels_demand="TechnologyDemand:d2"))
    Traceback (most recent call last):
    graph.analytics.registry.UnknownDemandError: No TechnologyDemand 'TechnologyDemand:d2'.
    """
    d = p.channels_demand
    if d is not None and (d not in G or NodeLabel.TECHNOLOGY_DEMAND not in G.nodes[d].get("labels", ())):
        raise UnknownDemandError(f"No TechnologyDemand {d!r}.")


def _channels(s: Session, p: AnalysisParams) -> ChannelsResult:
    from graph.analytics.channels import ChannelFinder  # only this analysis needs it

    G = s.graph_for(p)
    check_demand(G, p)
    if p.channels_demands == 0 and p.channels_demand is None:
        return ChannelsResult({}, {})
    finder = ChannelFinder(G)
    matcher = finder.matcher
    if p.channels_demand is not None:
        chosen: list[Hashable] = [p.channels_demand]
    else:
        chosen = _chosen_demands(s, p, list(matcher.demands), matcher.fields_of)
    return ChannelsResult(
        {node_key(d): tuple(matcher.match(d, p.channels_offers)) for d in chosen},
        {
            node_key(d): tuple(finder.channels(d, offers=p.channels_offers, max_hops=p.channels_max_hops))
            for d in chosen
        },
    )


def _one_demand(
    result: ChannelsResult, asked: AnalysisParams, stored: AnalysisParams
) -> ChannelsResult | None:
    """The channels of the one demand asked for, when a result with the same options holds them."""
    d = asked.channels_demand
    same = (asked.channels_offers, asked.channels_max_hops) == (
        stored.channels_offers,
        stored.channels_max_hops,
    )
    if d is None or not same or d not in result.channels:
        return None
    return ChannelsResult({d: result.matching.get(d, ())}, {d: result.channels[d]})


BROKERAGE: Analysis[BrokerageResult] = Analysis(
    "brokerage", "brokerage", ("partition", "max_group"), _brokerage, BrokerageResult
)
STRUCTURAL_HOLES: Analysis[StructuralHolesResult] = Analysis(
    "structural_holes", "structural holes", ("max_group",), _structural_holes, StructuralHolesResult
)
CENTRALITY: Analysis[CentralityResult] = Analysis(
    "centrality",
    "centrality",
    ("max_group", "seed", "betweenness_exact_threshold", "betweenness_epsilon"),
    _centrality,
    CentralityResult,
)
COMMUNITIES: Analysis[CommunitiesResult] = Analysis(
    "communities", "communities", ("max_group", "seed"), _communities, CommunitiesResult
)
COLLABORATION: Analysis[CollaborationResult] = Analysis(
    "collaboration", "country collaboration", ("max_group",), _collaboration, CollaborationResult
)
DUPLICATES: Analysis[DuplicatesResult] = Analysis(
    "duplicates",
    "duplicated centres",
    ("duplicate_min_score", "duplicate_require_different_parent"),
    _duplicates,
    DuplicatesResult,
)
COVERAGE: Analysis[CoverageResult] = Analysis(
    "coverage", "coverage", ("coverage_bri_only",), _coverage, CoverageResult
)
OPPORTUNITIES: Analysis[OpportunitiesResult] = Analysis(
    "opportunities",
    "brokerage opportunities",
    ("partition", "opportunities_k", "opportunities_top", "opportunities_brokers"),
    _opportunities,
    OpportunitiesResult,
    needs=(BROKERAGE, STRUCTURAL_HOLES),
)
CHANNELS: Analysis[ChannelsResult] = Analysis(
    "channels",
    "supply-demand channels",
    ("channels_demands", "channels_offers", "channels_max_hops", "channels_demand"),
    _channels,
    ChannelsResult,
    needs=(OPPORTUNITIES,),
    narrow=_one_demand,
)

#: Every analysis, in the order a run computes them.
REGISTRY: tuple[Analysis[Any], ...] = (
    BROKERAGE,
    STRUCTURAL_HOLES,
    CENTRALITY,
    COMMUNITIES,
    COLLABORATION,
    DUPLICATES,
    COVERAGE,
    OPPORTUNITIES,
    CHANNELS,
)


def analysis(key: str) -> Analysis[Any]:
    """The analysis of a run-record key.

    Examples
    --------
    >>> analysis("centrality").title
    'centrality'
    """
    for a in REGISTRY:
        if a.key == key:
            return a
    raise KeyError(f"no analysis {key!r}; the registry has {', '.join(a.key for a in REGISTRY)}")
