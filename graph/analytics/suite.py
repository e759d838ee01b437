"""The analysis suite behind ``transfernet analyze``: every analysis of the registry, one run record.

A run projects the store once (the caller's job), then computes every analysis of
`graph.analytics.registry.REGISTRY` in order through one `~graph.analytics.registry.Session`
(the actor network is built once and shared), and returns a typed
`~graph.analytics.runs.RunRecord` with its parameters, the seconds of each step and the results;
`graph.analytics.runs.save_run` writes it.  Nothing here writes to the graph, so a run never
competes with loads for the store's write lock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import networkx as nx

from graph.analytics._sparse import tie_count
from graph.analytics.params import AnalysisParams
from graph.analytics.registry import REGISTRY, Session
from graph.analytics.runs import GraphCounts, RunRecord
from graph.gcpause import paused_gc
from graph.typed_arrays import typed_arrays

__all__ = ["run_suite"]


@paused_gc()  # millions of acyclic objects: see graph.gcpause
def run_suite(
    G: nx.MultiDiGraph,
    params: AnalysisParams | None = None,
    *,
    on_step: Callable[[str], None] | None = None,
    claims: Mapping[tuple[str, str, str], str] | None = None,
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
    """
    params = params or AnalysisParams()
    started = datetime.now(UTC)
    session = Session(G, on_step=on_step, claims=claims)
    results = {analysis.key: session.result(analysis, params) for analysis in REGISTRY}
    A = session.actors(params)
    return RunRecord(
        id=started.strftime("%Y%m%dT%H%M%S%fZ"),
        started=started.isoformat(),
        params=params,
        graph=GraphCounts(G.number_of_nodes(), typed_arrays(G).n_edges, A.number_of_nodes(), tie_count(A)),
        seconds=dict(session.seconds),
        results=results,
        ended=datetime.now(UTC).isoformat(),
        population=session.population(params)[1],
        warnings=tuple(n.text for n in session.notices),
        notices=tuple(session.notices),
    )
