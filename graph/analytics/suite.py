"""The analysis suite behind ``transfernet analyze``: every measure, one run record.

A run projects the store once, builds the actor network, computes brokerage roles
(with sna expected values and z-scores) for the chosen partition, Burt's
structural-hole measures, degree / PageRank / betweenness, communities and their
bridges, duplicated centres and coverage gaps, brokerage opportunities and the
supply–demand matches and channels of a bounded number of demands, and saves
everything as one JSON run record (gzip) under the data directory's ``runs/`` with
its parameters, timings and time.  The API and the reports read the latest run;
nothing here writes to the graph, so a run never competes with loads for the store's
write lock.
"""

from __future__ import annotations

import gzip
import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx

from graph.analytics.actors import PARTITIONS, actor_network
from graph.analytics.brokerage import ROLES, brokerage_graph_scores, brokerage_scores, structural_holes
from graph.analytics.centrality import betweenness, degree, pagerank
from graph.analytics.communities import community_bridges, detect_communities
from graph.analytics.coverage import country_coverage, coverage_gaps
from graph.analytics.duplicates import duplicate_centres
from graph.analytics.opportunities import Opportunity, brokerage_opportunities
from graph.gcpause import paused_gc
from ontology.vocab import RelType

__all__ = ["AnalysisParams", "AnalysisRun", "latest_run", "load_run", "run_suite", "save_run"]


@dataclass(frozen=True, slots=True)
class AnalysisParams:
    """Parameters of a run (all recorded in the run)."""

    partition: str = "country"
    max_group: int = 10
    betweenness_exact_threshold: int = 2000
    betweenness_epsilon: float | None = None
    seed: int = 0
    duplicate_min_score: float = 0.25
    duplicate_require_different_parent: bool = True
    coverage_bri_only: bool = True
    opportunities_k: int = 2
    opportunities_top: int = 20
    opportunities_brokers: int = 5
    channels_demands: int = 10
    channels_offers: int = 5
    channels_max_hops: int = 4


@dataclass(slots=True)
class AnalysisRun:
    """One run of the suite."""

    id: str
    started: str
    params: dict[str, Any]
    graph: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    ended: str | None = None  # when the analyses finished (ISO 8601, UTC); None in older records

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


def _clean(value: Any) -> Any:
    """JSON-safe copy: NaN/inf become None, tuples lists, keys strings.

    Exact types first (a run holds millions of floats and strings); subclasses and numpy
    scalars take the general path.

    Examples
    --------
    >>> _clean({1: (0.1 + 0.2, float("nan")), "s": {"x"}})
    {'1': [0.3, None], 's': ['x']}
    """
    t = type(value)
    if t is float:
        return round(value, 10) if math.isfinite(value) else None
    if t is str or t is int or t is bool or value is None:
        return value
    if t is dict:
        return {k if type(k) is str else str(k): _clean(v) for k, v in value.items()}
    if t is list or t is tuple:
        return [_clean(v) for v in value]
    if isinstance(value, float):
        return _clean(float(value))
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    return value


@paused_gc()  # millions of acyclic objects: see graph.gcpause
def run_suite(
    G: nx.MultiDiGraph,
    params: AnalysisParams | None = None,
    *,
    on_step: Callable[[str], None] | None = None,
) -> AnalysisRun:
    """Run every analysis on a typed projection and return the run record.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        ``GraphStore.to_networkx()`` (or any graph typed the same way).
    params : AnalysisParams
        The run's parameters (defaults: partition by country).
    on_step : callable, optional
        Called with the name of each step as it starts (progress display).
    """
    params = params or AnalysisParams()
    if params.partition not in PARTITIONS:
        raise ValueError(f"unknown partition {params.partition!r}; use one of {', '.join(PARTITIONS)}")
    started = datetime.now(UTC)
    run = AnalysisRun(
        id=started.strftime("%Y%m%dT%H%M%S%fZ"),
        started=started.isoformat(),
        params=asdict(params),
        graph={"nodes": G.number_of_nodes(), "relationships": G.number_of_edges()},
    )

    def step(name: str, fn: Callable[[], Any]) -> Any:
        if on_step is not None:
            on_step(name)
        t0 = time.perf_counter()
        value = fn()
        run.seconds[name] = round(time.perf_counter() - t0, 3)
        return value

    A: nx.DiGraph = step("actor network", lambda: actor_network(G, max_group=params.max_group))
    run.graph.update(actors=A.number_of_nodes(), actor_ties=A.number_of_edges())
    groups = {n: (d.get(params.partition) or "(unknown)") for n, d in A.nodes(data=True)}
    broker = step("brokerage", lambda: brokerage_scores(A, groups))
    run.results["brokerage"] = {
        "partition": params.partition,
        "roles": list(ROLES),
        "nodes": broker,
        "graph": step("brokerage (graph level)", lambda: brokerage_graph_scores(A, groups)),
        "groups": groups,
    }
    run.results["structural_holes"] = step("structural holes", lambda: structural_holes(A, weight="weight"))
    btw = step(
        "betweenness",
        lambda: betweenness(
            A,
            exact_threshold=params.betweenness_exact_threshold,
            epsilon=params.betweenness_epsilon,
            seed=params.seed,
        ),
    )
    run.results["centrality"] = {
        "degree": step("degree", lambda: degree(A)),
        "pagerank": step("pagerank", lambda: pagerank(A, weight="weight")),
        "betweenness": btw.values,
        "betweenness_exact": btw.exact,
        "betweenness_epsilon": btw.epsilon,
        "betweenness_delta": btw.delta,
        "betweenness_samples": btw.samples,
    }
    comm = step("communities", lambda: detect_communities(A, seed=params.seed))
    bridges = step("community bridges", lambda: community_bridges(A, comm.membership))
    run.results["communities"] = {
        "membership": comm.membership,
        "modularity": comm.modularity,
        "method": comm.method,
        "backend": comm.backend,
        "sizes": [len(c) for c in comm.communities],
        "bridges": bridges,
    }
    clusters = step(
        "duplicated centres",
        lambda: duplicate_centres(
            G,
            min_score=params.duplicate_min_score,
            require_different_parent=params.duplicate_require_different_parent,
        ),
    )
    run.results["duplicates"] = [c.to_dict() for c in clusters]
    gaps = step("coverage gaps", lambda: coverage_gaps(G, bri_only=params.coverage_bri_only))
    coverage = step("country coverage", lambda: country_coverage(G))
    run.results["coverage"] = {
        "gaps": [g.to_dict() for g in gaps],
        "countries": {code: asdict(c) for code, c in coverage.items()},
    }
    opportunities = step(
        "brokerage opportunities",
        lambda: brokerage_opportunities(
            G,
            groups,
            A=A,
            k=params.opportunities_k,
            top=params.opportunities_top,
            brokers=params.opportunities_brokers,
            roles=broker,
            constraint={v: s["constraint"] for v, s in run.results["structural_holes"].items()},
        ),
    )
    run.results["opportunities"] = {
        "partition": params.partition,
        "k": params.opportunities_k,
        "pairs": [o.to_dict() for o in opportunities],
    }
    if params.channels_demands > 0:
        run.results.update(
            step("supply-demand channels", lambda: _channels(G, opportunities, groups, params))
        )
    run.results = _clean(run.results)
    run.ended = datetime.now(UTC).isoformat()
    return run


def _channels(
    G: nx.MultiDiGraph, opportunities: list[Opportunity], groups: Mapping[Any, Any], params: AnalysisParams
) -> dict[str, Any]:
    """Matches and channels of at most ``channels_demands`` demands.

    The demands come first from the opportunities (a demand of the demander group in a
    field of the pair, best pair first), then in node order.
    """
    from graph.analytics.channels import ChannelFinder  # imported here: only this step needs it

    finder = ChannelFinder(G)
    demands = finder.matcher.demands
    chosen: list[Any] = []
    owner_group: dict[Any, set[Any]] = {}
    for d in demands:
        owners = {u for u, _, t in G.in_edges(d, data="type") if t == RelType.SEEKS}
        owner_group[d] = {groups.get(u) for u in owners}
    for o in opportunities:
        fields = set(o.fields)
        for d in demands:
            if d not in chosen and o.demander in owner_group[d] and fields & set(finder.matcher.fields_of[d]):
                chosen.append(d)
                break
    chosen += [d for d in demands if d not in set(chosen)][: max(params.channels_demands - len(chosen), 0)]
    chosen = chosen[: params.channels_demands]
    matching = {d: [m.to_dict() for m in finder.matcher.match(d, params.channels_offers)] for d in chosen}
    channels = {
        d: [
            c.to_dict()
            for c in finder.channels(d, offers=params.channels_offers, max_hops=params.channels_max_hops)
        ]
        for d in chosen
    }
    return {"matching": matching, "channels": channels}


@paused_gc()  # millions of acyclic objects: see graph.gcpause
def save_run(run: AnalysisRun, runs_dir: str | Path) -> Path:
    """Write the run as ``runs_dir/analysis-<id>.json.gz`` and return its path."""
    folder = Path(runs_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"analysis-{run.id}.json.gz"
    tmp = path.with_suffix(".tmp")
    # one dumps + one write at level 6: json.dump into a level-9 gzip stream took 29 s for a
    # 70 MB record (55k actors), this takes 6 s for a file 7% larger
    # the fields as they are, not `to_dict`'s deep copy (1.8 s for 55k actors): dumps only reads
    record = {f.name: getattr(run, f.name) for f in fields(run)}
    data = json.dumps(record, ensure_ascii=False).encode("utf-8")
    with gzip.open(tmp, "wb", compresslevel=6) as handle:
        handle.write(data)
    tmp.replace(path)  # readers never see a half-written run
    return path


def load_run(path: str | Path) -> AnalysisRun:
    """Read a saved run."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    return AnalysisRun(**data)


def latest_run(runs_dir: str | Path) -> AnalysisRun | None:
    """The most recent saved run, or None."""
    runs = sorted(Path(runs_dir).glob("analysis-*.json.gz"))
    return load_run(runs[-1]) if runs else None
