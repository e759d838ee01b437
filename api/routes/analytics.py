"""Network analytics over HTTP: brokerage roles, structural holes, centrality,
communities and their bridges, duplicated branch centres, coverage gaps, brokerage
opportunities and supply–demand channels.

Every endpoint answers from the last stored analysis run (``transfernet analyze``,
:func:`graph.analytics.suite.latest_run`) when the run holds the analysis with the
requested parameters, and otherwise computes it on demand on the API's projection:

- ``fresh`` omitted: the stored run when its parameters match the request (parameters
  left out take the stored run's values), else computed now;
- ``fresh=true``: always computed now (parameters left out take
  :class:`~graph.analytics.suite.AnalysisParams` defaults);
- ``fresh=false``: the stored run only — 404 problem when there is no run (or it lacks
  the analysis), 409 problem when its parameters differ from the request's.

So a store that was never analysed still answers (computed), and a client that must
not trigger computation can say so.  Responses carry their origin (``stored`` or
``computed``), the run id and timestamp and the parameters used.  Rows are keyed by
node id with the node's name and type; ``sort``, ``order``, ``offset`` and ``limit``
page them.  ``Accept: text/csv`` gives the same rows as CSV (header, quoting by the
csv module); an Accept that allows neither JSON nor CSV gets a 406 problem.

Adding an analysis is a few lines: an entry in ``_SECTIONS`` (results key, parameter
names, on-demand computation), a row model, a row builder and an endpoint calling
:func:`_answer`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import threading
import weakref
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import networkx as nx
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from api.deps import ProjectionDep, SettingsDep
from api.problems import PROBLEM_MEDIA_TYPE, Problem, ProblemError
from graph.analytics.actors import PARTITIONS, actor_network
from graph.analytics.brokerage import ROLES, brokerage_graph_scores, brokerage_scores, structural_holes
from graph.analytics.centrality import betweenness, degree, pagerank
from graph.analytics.communities import community_bridges, detect_communities
from graph.analytics.coverage import country_coverage, coverage_gaps
from graph.analytics.duplicates import duplicate_centres
from graph.analytics.suite import AnalysisParams, AnalysisRun, load_run
from ontology.vocab import NodeLabel, PropertyName

__all__ = ["CSV_MEDIA_TYPE", "negotiate", "router", "to_csv"]

router = APIRouter(prefix="/analytics", tags=["analytics"])

JSON_MEDIA_TYPE = "application/json"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
_OFFERS = (JSON_MEDIA_TYPE, "text/csv")  # in order of preference on equal quality


# --- content negotiation and CSV -------------------------------------------------------


def _ranges(accept: str) -> list[tuple[str, str, float]]:
    out = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if "/" not in media:
            continue
        kind, _, sub = media.lower().partition("/")
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = -1.0  # a malformed weight: ignore the range
        if 0.0 <= q <= 1.0:
            out.append((kind.strip(), sub.strip(), q))
    return out


def negotiate(accept: str | None) -> str:
    """The media type to answer with: ``application/json`` or ``text/csv``.

    Hand-written (RFC 9110 section 12.5.1, media ranges with ``q`` weights, the most
    specific range deciding) because the application needs two offers only and no
    maintained negotiation library is among its dependencies.

    Raises `ProblemError` 406 when the header allows neither.

    Examples
    --------
    >>> negotiate(None), negotiate("*/*"), negotiate("text/csv"), negotiate("text/*")
    ('application/json', 'application/json', 'text/csv', 'text/csv')
    >>> negotiate("text/csv;q=0.5, application/json;q=0.4")
    'text/csv'
    >>> negotiate("image/png")
    Traceback (most recent call last):
    ...
    api.problems.ProblemError: This resource is available as application/json or text/csv.
    """
    if accept is None or not accept.strip():
        return JSON_MEDIA_TYPE
    ranges = _ranges(accept)
    best, best_q = None, 0.0
    for offer in _OFFERS:
        kind, _, sub = offer.partition("/")
        matches = [
            (2 * (k == kind) + (s == sub), q)
            for k, s, q in ranges
            if (k == kind or k == "*") and (s == sub or s == "*") and not (k == "*" and s != "*")
        ]
        if matches:
            q = max(matches)[1]
            if q > best_q:
                best, best_q = offer, q
    if best is None:
        raise ProblemError(
            406, "This resource is available as application/json or text/csv.", kind="not-acceptable"
        )
    return best


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        if all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
            return ";".join(str(v) for v in value)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def to_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """Rows as CSV text with a header; lists of scalars joined by ``;``, nested values as JSON.

    Examples
    --------
    >>> print(to_csv(["id", "name", "groups"], [{"id": "a", "name": 'Say "hi", ok', "groups": ["x", "y"]}]))
    id,name,groups
    a,"Say ""hi"", ok",x;y
    <BLANKLINE>
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


# --- where results come from: the stored run or a computation now -----------------------


Params = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Section:
    """One analysis: its key in a run's results, its parameters, its computation.

    ``params`` name the parameters the results depend on; those of
    :class:`~graph.analytics.suite.AnalysisParams` take its defaults, the others
    ``defaults`` (which also stand for a stored run that does not record them).
    """

    key: str
    params: tuple[str, ...]
    compute: Callable[[nx.MultiDiGraph, Params], Any]
    defaults: Mapping[str, Any] = field(default_factory=dict)


_actor_cache: weakref.WeakKeyDictionary[nx.MultiDiGraph, dict[int, nx.DiGraph]] = weakref.WeakKeyDictionary()
_actor_lock = threading.Lock()


def _actors(G: nx.MultiDiGraph, max_group: int) -> nx.DiGraph:
    """The actor network of a projection, built once per projection and `max_group`."""
    with _actor_lock:
        per_graph = _actor_cache.setdefault(G, {})
        if max_group not in per_graph:
            per_graph[max_group] = actor_network(G, max_group=max_group)
        return per_graph[max_group]


def _groups(A: nx.DiGraph, partition: str) -> dict[Hashable, str]:
    return {n: (d.get(partition) or "(unknown)") for n, d in A.nodes(data=True)}


def _brokerage(G: nx.MultiDiGraph, p: Params) -> dict[str, Any]:
    A = _actors(G, p["max_group"])
    groups = _groups(A, p["partition"])
    return {
        "partition": p["partition"],
        "roles": list(ROLES),
        "nodes": brokerage_scores(A, groups),
        "graph": brokerage_graph_scores(A, groups),
        "groups": groups,
    }


def _centrality(G: nx.MultiDiGraph, p: Params) -> dict[str, Any]:
    A = _actors(G, p["max_group"])
    btw = betweenness(
        A,
        exact_threshold=p["betweenness_exact_threshold"],
        epsilon=p["betweenness_epsilon"],
        seed=p["seed"],
    )
    return {
        "degree": degree(A),
        "pagerank": pagerank(A, weight="weight"),
        "betweenness": btw.values,
        "betweenness_exact": btw.exact,
        "betweenness_epsilon": btw.epsilon,
        "betweenness_delta": btw.delta,
        "betweenness_samples": btw.samples,
    }


def _communities(G: nx.MultiDiGraph, p: Params) -> dict[str, Any]:
    A = _actors(G, p["max_group"])
    comm = detect_communities(A, seed=p["seed"])
    return {
        "membership": comm.membership,
        "modularity": comm.modularity,
        "method": comm.method,
        "backend": comm.backend,
        "sizes": [len(c) for c in comm.communities],
        "bridges": community_bridges(A, comm.membership),
    }


def _duplicates(G: nx.MultiDiGraph, p: Params) -> list[dict[str, Any]]:
    clusters = duplicate_centres(
        G,
        min_score=p["duplicate_min_score"],
        require_different_parent=p["duplicate_require_different_parent"],
    )
    return [c.to_dict() for c in clusters]


def _coverage(G: nx.MultiDiGraph, p: Params) -> dict[str, Any]:
    return {
        "gaps": [g.to_dict() for g in coverage_gaps(G, bri_only=p["coverage_bri_only"])],
        "countries": {code: asdict(c) for code, c in country_coverage(G).items()},
    }


def _opportunities(G: nx.MultiDiGraph, p: Params) -> dict[str, Any]:
    from graph.analytics.opportunities import brokerage_opportunities  # only this analysis needs it

    A = _actors(G, p["max_group"])
    found = brokerage_opportunities(
        G,
        _groups(A, p["partition"]),
        A=A,
        k=p["opportunities_k"],
        top=p["opportunities_top"],
        brokers=p["opportunities_brokers"],
    )
    return {"partition": p["partition"], "k": p["opportunities_k"], "pairs": [o.to_dict() for o in found]}


def _channels(G: nx.MultiDiGraph, p: Params, demands: Sequence[Hashable] | None = None) -> dict[str, Any]:
    """Channels of the given demands, or of the first ``channels_demands`` ones in node order
    (a stored run picks them from the opportunities first)."""
    from graph.analytics.channels import ChannelFinder  # only this analysis needs it

    finder = ChannelFinder(G)
    chosen = list(demands) if demands is not None else finder.matcher.demands[: p["channels_demands"]]
    return {
        str(d): [
            c.to_dict()
            for c in finder.channels(d, offers=p["channels_offers"], max_hops=p["channels_max_hops"])
        ]
        for d in chosen
    }


# The same steps as graph.analytics.suite.run_suite, one analysis at a time.
_SECTIONS: dict[str, _Section] = {
    "brokerage": _Section("brokerage", ("partition", "max_group"), _brokerage),
    "structural_holes": _Section(
        "structural_holes",
        ("max_group",),
        lambda G, p: structural_holes(_actors(G, p["max_group"]), weight="weight"),
    ),
    "centrality": _Section(
        "centrality",
        ("max_group", "seed", "betweenness_exact_threshold", "betweenness_epsilon"),
        _centrality,
    ),
    "communities": _Section("communities", ("max_group", "seed"), _communities),
    "duplicates": _Section(
        "duplicates", ("duplicate_min_score", "duplicate_require_different_parent"), _duplicates
    ),
    "coverage": _Section("coverage", ("coverage_bri_only",), _coverage),
    # the per-country table of the same results does not depend on coverage_bri_only
    "countries": _Section("coverage", (), _coverage),
    "opportunities": _Section(
        "opportunities",
        ("partition", "max_group", "opportunities_k", "opportunities_top", "opportunities_brokers"),
        _opportunities,
        {"opportunities_k": 2, "opportunities_top": 20, "opportunities_brokers": 5},
    ),
    "channels": _Section(
        "channels",
        ("channels_demands", "channels_offers", "channels_max_hops"),
        _channels,
        {"channels_demands": 10, "channels_offers": 5, "channels_max_hops": 4},
    ),
}


def _jsonable(value: Any) -> Any:
    """As the suite stores results: NaN/inf as None, floats to 10 places, keys as text."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, 10)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    return value


_run_cache: dict[str, tuple[float, AnalysisRun]] = {}
_run_lock = threading.Lock()


def _latest_run(runs_dir: Path) -> AnalysisRun | None:
    """`graph.analytics.suite.latest_run`, parsed once per run file (runs are never rewritten)."""
    runs = sorted(runs_dir.glob("analysis-*.json.gz"))
    if not runs:
        return None
    path = runs[-1]
    with _run_lock:
        mtime = path.stat().st_mtime
        cached = _run_cache.get(str(runs_dir))
        if cached is None or cached[0] != mtime or cached[1].id not in path.name:
            cached = (mtime, load_run(path))
            _run_cache[str(runs_dir)] = cached
        return cached[1]


class RunInfo(BaseModel):
    """Where the results come from."""

    source: Literal["stored", "computed"] = Field(
        description=(
            "`stored`: the last run saved by `transfernet analyze`; `computed`: computed for this request."
        )
    )
    run_id: str | None = Field(description="The stored run's id (None when computed).")
    timestamp: str = Field(description="When the results were computed (ISO 8601, UTC).")
    parameters: dict[str, Any] = Field(description="The parameters of this analysis.")


@dataclass(frozen=True, slots=True)
class _Results:
    info: RunInfo
    value: Any
    graph: nx.MultiDiGraph


def _results(
    section: _Section,
    requested: Mapping[str, Any],
    fresh: bool | None,
    settings: SettingsDep,
    projection: ProjectionDep,
) -> _Results:
    asked = {k: v for k, v in requested.items() if v is not None}
    if fresh is not True:
        run = _latest_run(Path(settings.runs_dir))
        if run is not None and section.key in run.results:
            used = {k: run.params.get(k, section.defaults.get(k)) for k in section.params}
            differing = sorted(k for k, v in asked.items() if used.get(k) != v)
            if not differing:
                info = RunInfo(source="stored", run_id=run.id, timestamp=run.started, parameters=used)
                return _Results(info, run.results[section.key], projection.graph)
            if fresh is False:
                stored = ", ".join(f"{k}={used.get(k)!r}" for k in differing)
                raise ProblemError(
                    409,
                    f"The stored run {run.id} was computed with {stored}; ask with fresh=true or omit fresh.",
                    kind="run-parameters-differ",
                )
        elif fresh is False:
            raise ProblemError(
                404,
                f"No stored analysis run holds {section.key!r}; run `transfernet analyze` or omit fresh.",
                kind="no-analysis-run",
            )
    params = {**asdict(AnalysisParams()), **section.defaults, **asked}
    graph = projection.graph
    value = _jsonable(section.compute(graph, params))
    info = RunInfo(
        source="computed",
        run_id=None,
        timestamp=datetime.now(UTC).isoformat(),
        parameters={k: params[k] for k in section.params},
    )
    return _Results(info, value, graph)


# --- rows ------------------------------------------------------------------------------


def _name(G: nx.MultiDiGraph, node: Hashable) -> str | None:
    """The node's name (a title for offers and demands)."""
    if node not in G:
        return None
    props = G.nodes[node].get("props", {})
    name = props.get(PropertyName.NAME, props.get(PropertyName.TITLE))
    return str(name) if name is not None else None


def _type(G: nx.MultiDiGraph, node: Hashable) -> str | None:
    return str(G.nodes[node].get("label")) if node in G else None


def _who(G: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    return {"id": node, "name": _name(G, node), "type": _type(G, node)}


class NodeRow(BaseModel):
    """A node the measure is about."""

    id: str = Field(examples=["Institution:CASTTC"])
    name: str | None = Field(default=None, examples=["China-Arab States Technology Transfer Center"])
    type: str | None = Field(default=None, examples=["NationalTransferCentre"])


class BrokerageRow(NodeRow):
    """Gould–Fernandez counts with R ``sna::brokerage`` expected values, sd and z-scores."""

    group: str | None = Field(default=None, description="The node's group in the partition.")
    coordinator: float | None = None
    coordinator_expected: float | None = None
    coordinator_sd: float | None = None
    coordinator_z: float | None = None
    itinerant: float | None = None
    itinerant_expected: float | None = None
    itinerant_sd: float | None = None
    itinerant_z: float | None = None
    representative: float | None = None
    representative_expected: float | None = None
    representative_sd: float | None = None
    representative_z: float | None = None
    gatekeeper: float | None = None
    gatekeeper_expected: float | None = None
    gatekeeper_sd: float | None = None
    gatekeeper_z: float | None = None
    liaison: float | None = None
    liaison_expected: float | None = None
    liaison_sd: float | None = None
    liaison_z: float | None = None
    total: float | None = None
    total_expected: float | None = None
    total_sd: float | None = None
    total_z: float | None = None


class StructuralHolesRow(NodeRow):
    """Burt's measures on the weighted actor network (None where undefined, e.g. isolates)."""

    effective_size: float | None = None
    efficiency: float | None = None
    constraint: float | None = None
    hierarchy: float | None = None


class CentralityRow(NodeRow):
    """Normalised degree, weighted PageRank and (exact or sampled) normalised betweenness."""

    degree: float | None = None
    pagerank: float | None = None
    betweenness: float | None = None


class CommunityRow(NodeRow):
    """A node's community; the bridge measures are None for nodes without ties to other communities."""

    community: int | None = None
    community_size: int | None = None
    external_ties: int | None = None
    communities_reached: int | None = None
    participation: float | None = None


class BridgeRow(BaseModel):
    """A tie between two communities."""

    source: str
    source_name: str | None = None
    source_community: int | None = None
    target: str
    target_name: str | None = None
    target_community: int | None = None


class DuplicateRow(BaseModel):
    """A cluster of possibly duplicated centres with its evidence (one entry per scored pair)."""

    cluster: int = Field(description="Rank of the cluster by score in the run (1 = highest).")
    score: float
    members: list[str]
    member_names: list[str | None]
    hosts: list[str]
    parents: list[str]
    pairs: list[dict[str, Any]]


class CoverageGapRow(BaseModel):
    """A country and field with technology demand that no centre or partner serves."""

    country: str = Field(examples=["Country:KE"])
    country_name: str | None = None
    field: str = Field(examples=["Field:2.2"])
    field_name: str | None = None
    demands: int
    offers_elsewhere: int


class CountryCoverageRow(BaseModel):
    """What serves one country: centres hosted there, partner institutions, demands and offers."""

    country: str
    country_name: str | None = None
    bri_member: bool | None = None
    centres: list[str]
    partners: list[str]
    demands: int
    offers: int


class AnalyticsPage[RowT: BaseModel](BaseModel):
    """One page of an analysis' rows."""

    analysis: str
    run: RunInfo
    total: int = Field(description="Rows before offset and limit.")
    offset: int
    limit: int
    sort: str
    order: Literal["asc", "desc"]
    summary: dict[str, Any] = Field(default_factory=dict, description="Analysis-level values.")
    items: list[RowT]


def _sorted(
    rows: list[dict[str, Any]], value: Callable[[dict[str, Any]], Any], order: str, tie: str
) -> list[dict[str, Any]]:
    """Sort by `value` (None last in either order), ties by `tie` ascending.

    Examples
    --------
    >>> rows = [{"id": "b", "x": 1}, {"id": "a", "x": None}, {"id": "c", "x": 1}, {"id": "d", "x": 2}]
    >>> [r["id"] for r in _sorted(rows, lambda r: r["x"], "desc", "id")]
    ['d', 'b', 'c', 'a']
    >>> [r["id"] for r in _sorted(rows, lambda r: r["x"], "asc", "id")]
    ['b', 'c', 'd', 'a']
    """
    by_tie = sorted(rows, key=lambda r: str(r.get(tie)))
    present = [r for r in by_tie if value(r) is not None]
    present.sort(key=value, reverse=order == "desc")  # stable: ties stay in `tie` order
    return present + [r for r in by_tie if value(r) is None]


Order = Annotated[Literal["asc", "desc"], Query(description="Sort direction.")]
Limit = Annotated[int, Query(ge=1, le=10_000, description="Most rows returned.")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Rows skipped after sorting.")]
Fresh = Annotated[
    bool | None,
    Query(
        description=(
            "Omitted: the stored run when it matches the request, else computed now. "
            "true: always computed now. false: the stored run only (404 without one, 409 when its "
            "parameters differ)."
        )
    ),
]
MaxGroup = Annotated[
    int | None,
    Query(
        ge=2,
        le=500,
        description="Agreements/events with up to this many actors tie them all; larger ones tie them "
        "to their organisers only.",
    ),
]
Seed = Annotated[int | None, Query(ge=0, le=2**31 - 1, description="Random seed (communities, sampling).")]


def _answer(
    media: str,
    analysis: str,
    results: _Results,
    rows: list[dict[str, Any]],
    model: type[BaseModel],
    *,
    sort: str,
    order: str,
    offset: int,
    limit: int,
    tie: str = "id",
    key: Callable[[dict[str, Any]], Any] | None = None,
    summary: dict[str, Any] | None = None,
) -> Response:
    ordered = _sorted(rows, key or (lambda r: r.get(sort)), order, tie)
    page = ordered[offset : offset + limit]
    columns = list(model.model_fields)
    if media != JSON_MEDIA_TYPE:
        headers = {
            "Vary": "Accept",
            "X-Analysis-Source": results.info.source,
            "X-Analysis-Timestamp": results.info.timestamp,
            "X-Total-Count": str(len(ordered)),
        }
        if results.info.run_id:
            headers["X-Analysis-Run"] = results.info.run_id
        return Response(to_csv(columns, page), media_type=CSV_MEDIA_TYPE, headers=headers)
    body = {
        "analysis": analysis,
        "run": results.info.model_dump(),
        "total": len(ordered),
        "offset": offset,
        "limit": limit,
        "sort": sort,
        "order": order,
        "summary": summary or {},
        "items": [{c: r.get(c) for c in columns} for r in page],
    }
    return JSONResponse(body, headers={"Vary": "Accept"})


def _responses(example: dict[str, Any], csv_example: str) -> dict[int | str, dict[str, Any]]:
    problem = {PROBLEM_MEDIA_TYPE: {"schema": Problem.model_json_schema()}}
    return {
        200: {
            "description": "The analysis rows (JSON, or CSV with `Accept: text/csv`).",
            "content": {
                JSON_MEDIA_TYPE: {"example": example},
                "text/csv": {"schema": {"type": "string"}, "example": csv_example},
            },
        },
        404: {"description": "fresh=false and no stored run holds this analysis.", "content": problem},
        406: {"description": "The Accept header allows neither JSON nor CSV.", "content": problem},
        409: {"description": "fresh=false and the stored run's parameters differ.", "content": problem},
        422: {"description": "Invalid parameters.", "content": problem},
    }


_RUN_EXAMPLE = {
    "source": "stored",
    "run_id": "20260101T000000000000Z",
    "timestamp": "2026-01-01T00:00:00+00:00",
    "parameters": {"partition": "country", "max_group": 10},
}
_CASTTC = {"id": "Institution:CASTTC", "name": "China-Arab States Technology Transfer Center"}


def _example(analysis: str, sort: str, item: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "analysis": analysis,
        "run": _RUN_EXAMPLE,
        "total": 1,
        "offset": 0,
        "limit": 100,
        "sort": sort,
        "order": "desc",
        "summary": extra,
        "items": [item],
    }


# --- endpoints -------------------------------------------------------------------------


PartitionParam = Annotated[
    str | None,
    Query(
        description="Node attribute of the actor network that defines the groups.",
        json_schema_extra={"enum": list(PARTITIONS)},
        examples=["country"],
    ),
]


def _check_partition(partition: str | None) -> None:
    if partition is not None and partition not in PARTITIONS:
        raise ProblemError(
            422,
            f"Unknown partition {partition!r}; use one of {', '.join(PARTITIONS)}.",
            kind="unknown-partition",
        )


def _group_name(G: nx.MultiDiGraph, partition: str, group: Any) -> str | None:
    """A readable name for a group: the country's or the national centre's name, else the group."""
    if partition == "country":
        return _name(G, _country_id(str(group))) or str(group)
    if partition == "centre_system":
        return _name(G, f"{NodeLabel.INSTITUTION}:{group}") or str(group)
    return None if group is None else str(group)


BrokerageSort = Literal[
    "id",
    "name",
    "group",
    "coordinator",
    "itinerant",
    "representative",
    "gatekeeper",
    "liaison",
    "total",
    "coordinator_z",
    "itinerant_z",
    "representative_z",
    "gatekeeper_z",
    "liaison_z",
    "total_z",
]


@router.get(
    "/brokerage",
    operation_id="analytics_brokerage",
    response_model=AnalyticsPage[BrokerageRow],
    responses=_responses(
        _example(
            "brokerage",
            "total",
            {**_CASTTC, "type": "NationalTransferCentre", "group": "CN", "total": 12.0, "total_z": 3.1},
            graph={"total": {"raw": 42.0, "expected": 30.5, "sd": 6.2, "z": 1.85}},
        ),
        "id,name,type,group,coordinator,...\nInstitution:CASTTC,China-Arab States Technology Transfer "
        "Center,NationalTransferCentre,CN,0.0,...\n",
    ),
)
def brokerage(
    request: Request,
    settings: SettingsDep,
    projection: ProjectionDep,
    partition: PartitionParam = None,
    max_group: MaxGroup = None,
    fresh: Fresh = None,
    sort: Annotated[BrokerageSort, Query(description="Column to sort by.")] = "total",
    order: Order = "desc",
    offset: Offset = 0,
    limit: Limit = 100,
) -> Response:
    """Gould–Fernandez brokerage roles of every actor for a partition (country, region, income, centre
    system), with R ``sna::brokerage`` expected values and z-scores; the summary holds the graph-level
    scores."""
    media = negotiate(request.headers.get("accept"))
    _check_partition(partition)
    res = _results(
        _SECTIONS["brokerage"], {"partition": partition, "max_group": max_group}, fresh, settings, projection
    )
    G, value = res.graph, res.value
    groups = value.get("groups", {})
    rows = [{**_who(G, n), "group": groups.get(n), **scores} for n, scores in value["nodes"].items()]
    summary = {"partition": value.get("partition"), "roles": value.get("roles"), "graph": value.get("graph")}
    return _answer(
        media,
        "brokerage",
        res,
        rows,
        BrokerageRow,
        sort=sort,
        order=order,
        offset=offset,
        limit=limit,
        summary=summary,
    )


HolesSort = Literal["id", "name", "effective_size", "efficiency", "constraint", "hierarchy"]


@router.get(
    "/structural-holes",
    operation_id="analytics_structural_holes",
    response_model=AnalyticsPage[StructuralHolesRow],
    responses=_responses(
        _example(
            "structural_holes",
            "effective_size",
            {
                **_CASTTC,
                "type": "NationalTransferCentre",
                "effective_size": 15.0,
                "efficiency": 1.0,
                "constraint": 0.0667,
                "hierarchy": 0.0,
            },
        ),
        "id,name,type,effective_size,efficiency,constraint,hierarchy\n"
        "Institution:CASTTC,China-Arab States Technology Transfer Center,NationalTransferCentre,15.0,1.0,"
        "0.0666666667,0.0\n",
    ),
)
def structural_holes_(
    request: Request,
    settings: SettingsDep,
    projection: ProjectionDep,
    max_group: MaxGroup = None,
    fresh: Fresh = None,
    sort: Annotated[HolesSort, Query(description="Column to sort by.")] = "effective_size",
    order: Order = "desc",
    offset: Offset = 0,
    limit: Limit = 100,
) -> Response:
    """Burt's effective size, efficiency, constraint and hierarchy of every actor (weighted ties)."""
    media = negotiate(request.headers.get("accept"))
    res = _results(_SECTIONS["structural_holes"], {"max_group": max_group}, fresh, settings, projection)
    rows = [{**_who(res.graph, n), **m} for n, m in res.value.items()]
    return _answer(
        media,
        "structural_holes",
        res,
        rows,
        StructuralHolesRow,
        sort=sort,
        order=order,
        offset=offset,
        limit=limit,
    )


CentralitySort = Literal["id", "name", "degree", "pagerank", "betweenness"]


@router.get(
    "/centrality",
    operation_id="analytics_centrality",
    response_model=AnalyticsPage[CentralityRow],
    responses=_responses(
        _example(
            "centrality",
            "pagerank",
            {
                **_CASTTC,
                "type": "NationalTransferCentre",
                "degree": 0.2027,
                "pagerank": 0.0542,
                "betweenness": 0.0096,
            },
            betweenness_exact=True,
        ),
        "id,name,type,degree,pagerank,betweenness\n"
        "Institution:CASTTC,China-Arab States Technology Transfer Center,NationalTransferCentre,"
        "0.2027027027,0.0542013149,0.0096260644\n",
    ),
)
def centrality(
    request: Request,
    settings: SettingsDep,
    projection: ProjectionDep,
    max_group: MaxGroup = None,
    seed: Seed = None,
    betweenness_exact_threshold: Annotated[
        int | None, Query(ge=0, le=10_000_000, description="Exact betweenness up to this many actors.")
    ] = None,
    betweenness_epsilon: Annotated[
        float | None, Query(gt=0, le=1, description="Error bound of sampled betweenness.")
    ] = None,
    fresh: Fresh = None,
    sort: Annotated[CentralitySort, Query(description="Column to sort by.")] = "pagerank",
    order: Order = "desc",
    offset: Offset = 0,
    limit: Limit = 100,
) -> Response:
    """Degree, PageRank and betweenness of every actor (betweenness exact below the threshold, sampled
    with an error bound above it; the summary says which)."""
    media = negotiate(request.headers.get("accept"))
    requested = {
        "max_group": max_group,
        "seed": seed,
        "betweenness_exact_threshold": betweenness_exact_threshold,
        "betweenness_epsilon": betweenness_epsilon,
    }
    res = _results(_SECTIONS["centrality"], requested, fresh, settings, projection)
    value = res.value
    measures = ("degree", "pagerank", "betweenness")
    nodes = sorted({n for m in measures for n in value.get(m, {})})
    rows = [{**_who(res.graph, n), **{m: value.get(m, {}).get(n) for m in measures}} for n in nodes]
    summary = {k: v for k, v in value.items() if k.startswith("betweenness_")}
    return _answer(
        media,
        "centrality",
        res,
        rows,
        CentralityRow,
        sort=sort,
        order=order,
        offset=offset,
        limit=limit,
        summary=summary,
    )


CommunitySort = Literal[
    "id", "name", "community", "community_size", "external_ties", "communities_reached", "participation"
]


@router.get(
    "/communities",
    operation_id="analytics_communities",
    response_model=AnalyticsPage[CommunityRow],
    responses=_responses(
        _example(
            "communities",
            "community",
            {
                **_CASTTC,
                "type": "NationalTransferCentre",
                "community": 0,
                "community_size": 15,
                "external_ties": 1,
                "communities_reached": 1,
                "participation": 0.125,
            },
            modularity=0.7957,
            method="leiden",
            backend="igraph",
            sizes=[15, 9, 8],
        ),
        "id,name,type,community,community_size,external_ties,communities_reached,participation\n"
        "Institution:CASTTC,China-Arab States Technology Transfer Center,NationalTransferCentre,"
        "0,15,1,1,0.125\n",
    ),
)
def communities(
    request: Request,
    settings: SettingsDep,
    projection: ProjectionDep,
    max_group: MaxGroup = None,
    seed: Seed = None,
    fresh: Fresh = None,
    sort: Annotated[CommunitySort, Query(description="Column to sort by.")] = "community",
    order: Order = "asc",
    offset: Offset = 0,
    limit: Limit = 100,
) -> Response:
    """Community of every actor (Leiden, or Louvain without igraph) with its bridge measures
    (ties to other communities, Guimerà–Amaral participation); the summary holds the modularity."""
    media = negotiate(request.headers.get("accept"))
    res = _results(
        _SECTIONS["communities"], {"max_group": max_group, "seed": seed}, fresh, settings, projection
    )
    value = res.value
    membership: dict[str, int] = value.get("membership", {})
    sizes: dict[int, int] = {}
    for c in membership.values():
        sizes[c] = sizes.get(c, 0) + 1
    bridge_nodes = value.get("bridges", {}).get("nodes", {})
    rows = []
    for n, c in membership.items():
        b = bridge_nodes.get(n, {})
        rows.append(
            {
                **_who(res.graph, n),
                "community": c,
                "community_size": sizes[c],
                "external_ties": b.get("external_ties"),
                "communities_reached": b.get("communities_reached"),
                "participation": b.get("participation"),
            }
        )
    summary = {k: value.get(k) for k in ("modularity", "method", "backend", "sizes")}
    summary["bridges"] = len(value.get("bridges", {}).get("edges", []))
    return _answer(
        media,
        "communities",
        res,
        rows,
        CommunityRow,
        sort=sort,
        order=order,
        offset=offset,
        limit=limit,
        summary=summary,
    )


BridgeSort = Literal["source", "target", "source_community", "target_community"]


@router.get(
    "/communities/bridges",
    operation_id="analytics_community_bridges",
    response_model=AnalyticsPage[BridgeRow],
    responses=_responses(
        _example(
            "community_bridges",
            "source",
            {
                "source": "Institution:CASTTC",
                "source_name": _CASTTC["name"],
                "source_community": 0,
                "target": "Institution:most",
                "target_name": "Ministry of Science and Technology",
                "target_community": 5,
            },
        ),
        "source,source_name,source_community,target,target_name,target_community\n"
        "Institution:CASTTC,China-Arab States Technology Transfer Center,0,Institution:most,"
        "Ministry of Science and Technology,5\n",
    ),
)
def community_bridges_(
    request: Request,
    settings: SettingsDep,
    projection: ProjectionDep,
    max_group: MaxGroup = None,
    seed: Seed = None,
    fresh: Fresh = None,
    sort: Annotated[BridgeSort, Query(description="Column to sort by.")] = "source",
    order: Order = "asc",
    offset: Offset = 0,
    limit: Limit = 100,
) -> Response:
    """Ties between communities (each undirected tie once)."""
    media = negotiate(request.headers.get("accept"))
    res = _results(
        _SECTIONS["communities"], {"max_group": max_group, "seed": seed}, fresh, settings, projection
    )
    membership = res.value.get("membership", {})
    G = res.graph
    rows = [
        {
            "source": u,
            "source_name": _name(G, u),
            "source_community": membership.get(u),
            "target": v,
            "target_name": _name(G, v),
            "target_community": membership.get(v),
        }
        for u, v in res.value.get("bridges", {}).get("edges", [])
    ]
    return _answer(
        media,
        "community_bridges",
        res,
        rows,
        BridgeRow,
        sort=sort,
        order=order,
        offset=offset,
        limit=limit,
        tie="target",
    )


@router.get(
    "/duplicates",
    operation_id="analytics_duplicates",
    response_model=AnalyticsPage[DuplicateRow],
    responses=_responses(
        _example(
            "duplicates",
            "score",
            {
                "cluster": 1,
                "score": 0.35,
                "members": ["Institution:BRICSTTC-BR", "Institution:CLTTC-BR"],
                "member_names": ["BRICS Technology Transfer Center Brazil", "China-Latin America TTC Brazil"],
                "hosts": ["BR"],
                "parents": ["Institution:BRICSTTC", "Institution:CLTTC"],
                "pairs": [
                    {
                        "a": "Institution:BRICSTTC-BR",
                        "b": "Institution:CLTTC-BR",
                        "shared_hosts": ["BR"],
                        "field_jaccard": 0.0,
                        "name_similarity": 0.36,
                        "score": 0.35,
                    }
                ],
            },
        ),
        "cluster,score,members,member_names,hosts,parents,pairs\n"
        '1,0.35,Institution:BRICSTTC-BR;Institution:CLTTC-BR,...,BR,Institution:BRICSTTC;Institution:CLTTC,"[...]"\n',
    ),
)
def duplicates(
    request: Request,
    settings: SettingsDep,
    projection: ProjectionDep,
    min_score: Annotated[float | None, Query(ge=0, le=1, description="Lowest cluster score kept.")] = None,
    different_parent: Annotated[
        bool | None, Query(description="Only pairs built by different parent centres or provinces.")
    ] = None,
    fresh: Fresh = None,
    sort: Annotated[Literal["cluster", "score"], Query(description="Column to sort by.")] = "score",
    order: Order = "desc",
    offset: Offset = 0,
    limit: Limit = 100,
) -> Response:
    """Clusters of possibly duplicated branch centres (same host country or city, overlapping fields and
    partners, different parents), each with its pairwise evidence and score."""
    media = negotiate(request.headers.get("accept"))
    requested = {"duplicate_min_score": min_score, "duplicate_require_different_parent": different_parent}
    res = _results(_SECTIONS["duplicates"], requested, fresh, settings, projection)
    rows = [
        {
            "cluster": i,
            "score": c.get("score"),
            "members": [str(m) for m in c.get("members", [])],
            "member_names": [_name(res.graph, m) for m in c.get("members", [])],
            "hosts": [str(h) for h in c.get("hosts", [])],
            "parents": [str(p) for p in c.get("parents", [])],
            "pairs": c.get("pairs", []),
        }
        for i, c in enumerate(sorted(res.value, key=lambda c: -(c.get("score") or 0.0)), start=1)
    ]
    return _answer(
        media,
        "duplicates",
        res,
        rows,
        DuplicateRow,
        sort=sort,
        order=order,
        offset=offset,
        limit=limit,
        tie="cluster",
    )


def _country_id(code: str) -> str:
    return f"{NodeLabel.COUNTRY}:{code}"


def _field_id(key: str) -> str:
    return f"{NodeLabel.FIELD}:{key}"


BriOnly = Annotated[bool | None, Query(description="Only Belt and Road member countries.")]


@router.get(
    "/coverage-gaps",
    operation_id="analytics_coverage_gaps",
    response_model=AnalyticsPage[CoverageGapRow],
    responses=_responses(
        _example(
            "coverage_gaps",
            "demands",
            {
                "country": "Country:KE",
                "country_name": "Kenya",
                "field": "Field:2.11",
                "field_name": "Other engineering and technologies",
                "demands": 3,
                "offers_elsewhere": 5,
            },
        ),
        "country,country_name,field,field_name,demands,offers_elsewhere\n"
        "Country:KE,Kenya,Field:2.11,Other engineering and technologies,3,5\n",
    ),
)
def coverage_gaps_(
    request: Request,
    settings: SettingsDep,
    projection: ProjectionDep,
    bri_only: BriOnly = None,
    fresh: Fresh = None,
    sort: Annotated[
        Literal["country", "field", "demands", "offers_elsewhere"], Query(description="Column to sort by.")
    ] = "demands",
    order: Order = "desc",
    offset: Offset = 0,
    limit: Limit = 100,
) -> Response:
    """Countries × technology fields with demand and no centre or partner serving them, with the number of
    offers in that field elsewhere (supply a broker could bring in)."""
    media = negotiate(request.headers.get("accept"))
    res = _results(_SECTIONS["coverage"], {"coverage_bri_only": bri_only}, fresh, settings, projection)
    G = res.graph
    rows = []
    for gap in res.value.get("gaps", []):
        country, fid = _country_id(gap["country"]), _field_id(gap["field"])
        rows.append(
            {
                "country": country,
                "country_name": _name(G, country),
                "field": fid,
                "field_name": _name(G, fid),
                "demands": gap["demands"],
                "offers_elsewhere": gap["offers_elsewhere"],
            }
        )
    return _answer(
        media,
        "coverage_gaps",
        res,
        rows,
        CoverageGapRow,
        sort=sort,
        order=order,
        offset=offset,
        limit=limit,
        tie="country",
    )


@router.get(
    "/coverage",
    operation_id="analytics_country_coverage",
    response_model=AnalyticsPage[CountryCoverageRow],
    responses=_responses(
        _example(
            "country_coverage",
            "centres",
            {
                "country": "Country:EG",
                "country_name": "Egypt",
                "bri_member": True,
                "centres": ["Institution:CASTTC-EG"],
                "partners": [],
                "demands": 0,
                "offers": 0,
            },
        ),
        "country,country_name,bri_member,centres,partners,demands,offers\n"
        "Country:EG,Egypt,true,Institution:CASTTC-EG,,0,0\n",
    ),
)
def country_coverage_(
    request: Request,
    settings: SettingsDep,
    projection: ProjectionDep,
    fresh: Fresh = None,
    sort: Annotated[
        Literal["country", "centres", "partners", "demands", "offers"],
        Query(description="Column to sort by (centres/partners: by their number)."),
    ] = "centres",
    order: Order = "desc",
    offset: Offset = 0,
    limit: Limit = 100,
) -> Response:
    """What serves each country: the centres hosted there, partner institutions, demands and offers."""
    media = negotiate(request.headers.get("accept"))
    res = _results(_SECTIONS["countries"], {}, fresh, settings, projection)
    G = res.graph
    rows = []
    for code, c in res.value.get("countries", {}).items():
        country = _country_id(code)
        rows.append(
            {
                "country": country,
                "country_name": _name(G, country),
                "bri_member": c.get("bri_member"),
                "centres": [str(x) for x in c.get("centres", [])],
                "partners": [str(x) for x in c.get("partners", [])],
                "demands": c.get("demands", 0),
                "offers": c.get("offers", 0),
            }
        )
    return _answer(
        media,
        "country_coverage",
        res,
        rows,
        CountryCoverageRow,
        sort=sort,
        order=order,
        offset=offset,
        limit=limit,
        tie="country",
        key=(lambda r: len(r[sort])) if sort in ("centres", "partners") else None,
    )


class OpportunityRow(BaseModel):
    """A supplier group and a demander group with complementary fields and a thin link."""

    rank: int = Field(description="Rank by compatible (offer, demand) pairs (1 = most).")
    supplier: str
    supplier_name: str | None = None
    demander: str
    demander_name: str | None = None
    status: str = Field(description="`unconnected` (farther than k hops) or `single broker`.")
    pairs: int
    offers: int
    demands: int
    distance: int | None = None
    intermediaries: int
    fields: list[str]
    field_names: list[str | None]
    brokers: list[str] = Field(description="Candidate brokers, best first (node ids).")
    broker_names: list[str | None]
    broker_details: list[dict[str, Any]] = Field(description="Hops, bridging brokerage, constraint.")


@router.get(
    "/opportunities",
    operation_id="analytics_opportunities",
    response_model=AnalyticsPage[OpportunityRow],
    responses=_responses(
        _example(
            "opportunities",
            "pairs",
            {
                "rank": 1,
                "supplier": "CN",
                "supplier_name": "China",
                "demander": "KE",
                "demander_name": "Kenya",
                "status": "single broker",
                "pairs": 3,
                "offers": 2,
                "demands": 1,
                "distance": 2,
                "intermediaries": 1,
                "fields": ["Field:ford:2.7"],
                "field_names": ["Environmental engineering"],
                "brokers": ["Institution:CAICC"],
                "broker_names": ["China-Africa Innovation Cooperation Center"],
                "broker_details": [
                    {"node": "Institution:CAICC", "hops": 2, "bridging": 4.0, "constraint": 0.5}
                ],
            },
        ),
        "rank,supplier,supplier_name,demander,demander_name,status,pairs,offers,demands,distance,...\n"
        "1,CN,China,KE,Kenya,single broker,3,2,1,2,...\n",
    ),
)
def opportunities(
    request: Request,
    settings: SettingsDep,
    projection: ProjectionDep,
    partition: PartitionParam = None,
    max_group: MaxGroup = None,
    k: Annotated[
        int | None, Query(ge=1, le=6, description="Hop limit: groups farther apart are unconnected.")
    ] = None,
    top: Annotated[
        int | None, Query(ge=1, le=1000, description="Opportunities computed, most pairs first.")
    ] = None,
    brokers: Annotated[
        int | None, Query(ge=1, le=50, description="Candidate brokers per opportunity.")
    ] = None,
    fresh: Fresh = None,
    sort: Annotated[
        Literal["rank", "pairs", "offers", "demands", "distance", "intermediaries"],
        Query(description="Column to sort by."),
    ] = "rank",
    order: Order = "asc",
    offset: Offset = 0,
    limit: Limit = 100,
) -> Response:
    """Brokerage opportunities: supplier and demander groups (by the partition) with complementary
    technology fields that no short path, or only one broker, joins; with the candidate brokers."""
    media = negotiate(request.headers.get("accept"))
    _check_partition(partition)
    requested = {
        "partition": partition,
        "max_group": max_group,
        "opportunities_k": k,
        "opportunities_top": top,
        "opportunities_brokers": brokers,
    }
    res = _results(_SECTIONS["opportunities"], requested, fresh, settings, projection)
    G, part = res.graph, str(res.info.parameters["partition"])
    rows = []
    for i, o in enumerate(res.value.get("pairs", []), start=1):
        candidates = o.get("brokers", [])
        rows.append(
            {
                "rank": i,
                "supplier": str(o["supplier"]),
                "supplier_name": _group_name(G, part, o["supplier"]),
                "demander": str(o["demander"]),
                "demander_name": _group_name(G, part, o["demander"]),
                "status": o.get("status"),
                "pairs": o.get("pairs"),
                "offers": o.get("offers"),
                "demands": o.get("demands"),
                "distance": o.get("distance"),
                "intermediaries": o.get("intermediaries"),
                "fields": [str(f) for f in o.get("fields", [])],
                "field_names": [_name(G, f) for f in o.get("fields", [])],
                "brokers": [str(b["node"]) for b in candidates],
                "broker_names": [_name(G, b["node"]) for b in candidates],
                "broker_details": candidates,
            }
        )
    return _answer(
        media,
        "opportunities",
        res,
        rows,
        OpportunityRow,
        sort=sort,
        order=order,
        offset=offset,
        limit=limit,
        tie="rank",
    )


class ChannelRow(BaseModel):
    """A path from a demand's owner to the owner of a matching offer."""

    demand: str
    demand_name: str | None = None
    rank: int = Field(description="Rank of the channel among the demand's (1 = best).")
    offer: str
    offer_name: str | None = None
    length: int = Field(description="Hops, the SEEKS and OFFERS hops included.")
    strength: int = Field(description="Fewest relationships between two consecutive nodes.")
    score: float | None = Field(default=None, description="Match score of the offer.")
    relation: str | None = Field(default=None, description="How the offer's field relates to the demand's.")
    brokers: list[str]
    broker_names: list[str | None]
    nodes: list[str]
    node_names: list[str | None]
    hops: list[dict[str, Any]]


@router.get(
    "/channels",
    operation_id="analytics_channels",
    response_model=AnalyticsPage[ChannelRow],
    responses=_responses(
        _example(
            "channels",
            "demand",
            {
                "demand": "TechnologyDemand:ke-solar-pumps",
                "demand_name": "Solar water pumps",
                "rank": 1,
                "offer": "TechnologyOffer:cn-pv-pump",
                "offer_name": "PV pumping system",
                "length": 4,
                "strength": 1,
                "score": 0.82,
                "relation": "same field",
                "brokers": ["Institution:CAICC"],
                "broker_names": ["China-Africa Innovation Cooperation Center"],
                "nodes": [
                    "TechnologyDemand:ke-solar-pumps",
                    "Institution:ke-water",
                    "Institution:CAICC",
                    "Institution:cn-pv",
                    "TechnologyOffer:cn-pv-pump",
                ],
                "node_names": [
                    "Solar water pumps",
                    "Kenya Water Agency",
                    "China-Africa Innovation Cooperation Center",
                    "PV maker",
                    "PV pumping system",
                ],
                "hops": [
                    {
                        "source": "TechnologyDemand:ke-solar-pumps",
                        "target": "Institution:ke-water",
                        "source_label": "TechnologyDemand",
                        "target_label": "Institution",
                        "types": ["SEEKS"],
                        "forward": False,
                    }
                ],
            },
        ),
        "demand,demand_name,rank,offer,offer_name,length,strength,score,relation,brokers,...\n"
        "TechnologyDemand:ke-solar-pumps,Solar water pumps,1,TechnologyOffer:cn-pv-pump,PV pumping system,"
        "4,1,0.82,same field,Institution:CAICC,...\n",
    ),
)
def channels(
    request: Request,
    settings: SettingsDep,
    projection: ProjectionDep,
    demand: Annotated[
        str | None,
        Query(max_length=500, description="Only this demand (node id); computed when the run lacks it."),
    ] = None,
    demands: Annotated[
        int | None, Query(ge=1, le=200, description="Demands computed when no demand is given.")
    ] = None,
    offers: Annotated[int | None, Query(ge=1, le=50, description="Matching offers per demand.")] = None,
    max_hops: Annotated[
        int | None, Query(ge=1, le=6, description="Longest route between the owners.")
    ] = None,
    fresh: Fresh = None,
    sort: Annotated[
        Literal["demand", "length", "strength", "score"], Query(description="Column to sort by.")
    ] = "demand",
    order: Order = "asc",
    offset: Offset = 0,
    limit: Limit = 100,
) -> Response:
    """Supply–demand channels: for a technology demand, the matching offers (SKOS field hierarchy and
    text) and the best explainable paths from its owner through centres, experts and agreements to
    each offer's owner.  Without ``demand``: the demands of the stored run (chosen from the brokerage
    opportunities first), or the first ``demands`` demands when computed."""
    media = negotiate(request.headers.get("accept"))
    section = _SECTIONS["channels"]
    requested = {"channels_demands": demands, "channels_offers": offers, "channels_max_hops": max_hops}
    res = _results(section, requested, fresh, settings, projection)
    if demand is not None and demand not in res.value:
        G = res.graph
        if demand not in G or NodeLabel.TECHNOLOGY_DEMAND not in G.nodes[demand].get("labels", ()):
            raise ProblemError(404, f"No TechnologyDemand {demand!r}.", kind="not-found")
        if fresh is False:
            raise ProblemError(404, f"The stored run has no channels for {demand!r}.", kind="no-analysis-run")
        one = _Section(section.key, section.params, lambda G, p: _channels(G, p, [demand]), section.defaults)
        res = _results(one, requested, True, settings, projection)
    G = res.graph
    rows = []
    for d, found in res.value.items():
        if demand is not None and d != demand:
            continue
        for i, c in enumerate(found, start=1):
            match = c.get("match", {})
            rows.append(
                {
                    "demand": str(d),
                    "demand_name": _name(G, d),
                    "rank": i,
                    "offer": str(c.get("offer")),
                    "offer_name": _name(G, c.get("offer")),
                    "length": c.get("length"),
                    "strength": c.get("strength"),
                    "score": match.get("score"),
                    "relation": match.get("relation"),
                    "brokers": [str(b) for b in c.get("brokers", [])],
                    "broker_names": [_name(G, b) for b in c.get("brokers", [])],
                    "nodes": [str(n) for n in c.get("nodes", [])],
                    "node_names": [_name(G, n) for n in c.get("nodes", [])],
                    "hops": c.get("hops", []),
                }
            )
    return _answer(
        media,
        "channels",
        res,
        rows,
        ChannelRow,
        sort=sort,
        order=order,
        offset=offset,
        limit=limit,
        tie="demand",
        key=(lambda r: (r["demand"], r["rank"])) if sort == "demand" else None,
    )
