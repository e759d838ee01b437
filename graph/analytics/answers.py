"""Where a result comes from: the stored run, or the registry's computation now.

`answer` is the one code path of "stored or fresh": a stored run's result is served
when its parameters match the question (parameters left out take the stored run's
values); otherwise the same analysis of the registry is computed on the projection's
`~graph.analytics.registry.Session` with the parameters asked for (the others at their
defaults).  Whichever way, equal parameters give equal results.

- ``fresh`` None: the stored run when it matches, else computed now;
- ``fresh`` True: always computed now;
- ``fresh`` False: the stored run only (`NoStoredResult` without one,
  `StoredParametersDiffer` when its parameters differ).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import networkx as nx

from graph.analytics.params import AnalysisParams
from graph.analytics.population import Population
from graph.analytics.registry import Analysis, Session
from graph.analytics.runs import RunRecord

__all__ = ["Answer", "NoStoredResult", "StoredParametersDiffer", "answer", "session_for"]


class NoStoredResult(LookupError):
    """``fresh=False`` and no stored run holds the analysis."""


class StoredParametersDiffer(ValueError):
    """``fresh=False`` and the stored run was computed with other parameters."""


@dataclass(frozen=True, slots=True)
class Answer[R]:
    """A result with its origin: the stored run's (id, start) or computed now."""

    source: Literal["stored", "computed"]
    run_id: str | None
    timestamp: str
    params: AnalysisParams
    value: R
    population: Population | None = None  # what the result covers (None: a run saved without it)


_sessions: weakref.WeakKeyDictionary[nx.MultiDiGraph, Session] = weakref.WeakKeyDictionary()
_sessions_lock = threading.Lock()


def session_for(G: nx.MultiDiGraph) -> Session:
    """The session of a projection (one per projection object, dropped with it)."""
    with _sessions_lock:
        session = _sessions.get(G)
        if session is None:
            session = _sessions[G] = Session(G)
        return session


def answer[R](
    analysis: Analysis[R],
    asked: Mapping[str, Any],
    *,
    fresh: bool | None,
    run: RunRecord | None,
    graph: nx.MultiDiGraph,
) -> Answer[R]:
    """The result of `analysis` for the parameters `asked` (field name -> value; None = not asked).

    Parameters
    ----------
    analysis : Analysis
        An analysis of the registry.
    asked : mapping
        `AnalysisParams` fields given by the caller; missing or None values are not asked.
    fresh : bool or None
        See the module docstring.
    run : RunRecord or None
        The latest stored run.
    graph : networkx.MultiDiGraph
        The projection to compute on.

    Raises
    ------
    NoStoredResult, StoredParametersDiffer
        With ``fresh=False`` only.
    """
    given = {k: v for k, v in asked.items() if v is not None}
    if fresh is not True:
        stored = run.get(analysis) if run is not None else None
        if run is not None and stored is not None:
            differing = sorted(k for k, v in given.items() if getattr(run.params, k) != v)
            if not differing:
                return Answer("stored", run.id, run.started, run.params, stored, run.population)
            if analysis.narrow is not None:
                wanted = run.params.model_copy(update=given)
                narrowed = analysis.narrow(stored, wanted, run.params)
                if narrowed is not None:
                    return Answer("stored", run.id, run.started, wanted, narrowed, run.population)
            if fresh is False:
                values = ", ".join(f"{k}={getattr(run.params, k)!r}" for k in differing)
                raise StoredParametersDiffer(
                    f"The stored run {run.id} was computed with {values}; ask with fresh=true or omit fresh."
                )
        elif fresh is False:
            raise NoStoredResult(
                f"No stored analysis run holds {analysis.key!r}; run `transfernet analyze` or omit fresh."
            )
    params = AnalysisParams(**given)
    session = session_for(graph)
    value = session.result(analysis, params)
    population = session.population(params)[1]
    return Answer("computed", None, datetime.now(UTC).isoformat(), params, value, population)
