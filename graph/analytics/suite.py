"""The analysis suite behind ``transfernet analyze``: every analysis of the registry, one run record.

A run projects the store once (the caller's job), then computes every analysis of
`graph.analytics.registry.REGISTRY` in order through one `~graph.analytics.registry.Session`
(the actor network is built once and shared), and returns a typed
`~graph.analytics.runs.RunRecord` with its parameters, the seconds of each step and the results;
`graph.analytics.runs.save_run` writes it.  Nothing here writes to the graph, so a run never
competes with loads for the store's write lock.

A `Checkpoint` lets the caller start work on some results while the other analyses run:
``transfernet analyze`` writes the actors' scores (`graph.analytics.writeback`) once the four
analyses they come from are done, while the rest of the suite runs (the write waits on the
store server, a process of its own).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import networkx as nx

from graph.analytics._sparse import tie_count
from graph.analytics.params import AnalysisParams
from graph.analytics.registry import REGISTRY, Session, check_demand
from graph.analytics.runs import GraphCounts, RunRecord
from graph.gcpause import paused_gc
from graph.typed_arrays import typed_arrays

__all__ = ["Checkpoint", "run_suite"]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A call made as soon as some analyses of a run are done, before the others.

    Attributes
    ----------
    after : collection of str
        Keys of analyses of the registry (`graph.analytics.registry.Analysis.key`).
    call : callable
        Called once, in the suite's thread, with the run so far: a `RunRecord` with the final
        run's id, parameters and graph counts and the results of the analyses done (no end
        time yet).  It should hand long work to another thread; what it raises stops the run.
    """

    after: Collection[str]
    call: Callable[[RunRecord], object]


@paused_gc()  # millions of acyclic objects: see graph.gcpause
def run_suite(
    G: nx.MultiDiGraph,
    params: AnalysisParams | None = None,
    *,
    on_step: Callable[[str], None] | None = None,
    claims: Mapping[tuple[str, str, str], str] | None = None,
    checkpoint: Checkpoint | None = None,
) -> RunRecord:
    """Run every analysis of the registry on a typed projection and return the run record.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        ``GraphStore.to_networkx()`` (or any graph typed the same way).
    params : AnalysisParams
        The run's parameters (defaults: partition by country).
    on_step : callable, optional
        Called with the title of each step as it starts (progress display).
    claims : mapping, optional
        Relationship lifecycle stages (`graph.claims.relationship_stages`) when `G` was
        projected without relationship properties.
    checkpoint : Checkpoint, optional
        Called once the analyses it names are done.  The parameters the analyses check
        against the graph (``channels_demand``) are checked before the first analysis, so a
        run with a wrong one fails before the checkpoint.

    Raises
    ------
    ValueError
        `checkpoint` names an analysis the registry does not have.
    graph.analytics.registry.UnknownDemandError
        ``params.channels_demand`` is not a technology demand of the population.
    """
    params = params or AnalysisParams()
    started = datetime.now(UTC)
    session = Session(G, on_step=on_step, claims=claims)
    if checkpoint is not None and not set(checkpoint.after) <= {a.key for a in REGISTRY}:
        unknown = sorted(set(checkpoint.after) - {a.key for a in REGISTRY})
        raise ValueError(f"checkpoint after {', '.join(unknown)}: not analyses of the registry")
    if params.channels_demand is not None:
        check_demand(session.graph_for(params), params)
    results: dict[str, Any] = {}
    for analysis in REGISTRY:
        results[analysis.key] = session.result(analysis, params)
        if checkpoint is not None and set(checkpoint.after) <= results.keys():
            checkpoint.call(_record(session, G, params, started, dict(results), ended=None))
            checkpoint = None
    return _record(session, G, params, started, results, ended=datetime.now(UTC).isoformat())


def _record(
    session: Session,
    G: nx.MultiDiGraph,
    params: AnalysisParams,
    started: datetime,
    results: dict[str, Any],
    *,
    ended: str | None,
) -> RunRecord:
    A = session.actors(params)
    return RunRecord(
        id=started.strftime("%Y%m%dT%H%M%S%fZ"),
        started=started.isoformat(),
        params=params,
        graph=GraphCounts(G.number_of_nodes(), typed_arrays(G).n_edges, A.number_of_nodes(), tie_count(A)),
        seconds=dict(session.seconds),
        results=results,
        ended=ended,
        population=session.population(params)[1],
        warnings=tuple(n.text for n in session.notices),
        notices=tuple(session.notices),
    )
