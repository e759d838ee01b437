"""The explorer page, its static assets and the data it draws."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel, Field

from api.deps import PopulationDep, ProjectionDep, RunsDep, StoreDep
from api.problems import ProblemError, problem_doc
from graph.analytics.partners import NotAnActorError
from graph.analytics.registry import BROKERAGE, CENTRALITY, COMMUNITIES, COVERAGE, DUPLICATES
from graph.paths import neighbourhood
from viz.explorer import ASSETS, asset_path, legend_json, render_explorer, terms_json
from viz.first_view import first_view
from viz.i18n import use
from viz.map_time import map_time
from viz.projected import core_view, partners_view, prefers_projected
from viz.report.graphinfo import population_note
from viz.view import view_of

__all__ = ["page_router", "router"]

page_router = APIRouter(tags=["explorer"])
router = APIRouter(prefix="/explore", tags=["explorer"])


@page_router.get(
    "/explore", response_class=HTMLResponse, operation_id="explorer_page", include_in_schema=False
)
def explorer_page() -> HTMLResponse:
    """The graph explorer."""
    return HTMLResponse(render_explorer(api_base="/api/v1", static_base="/explore/static"))


@page_router.get("/explore/static/{name}", operation_id="explorer_asset", include_in_schema=False)
def explorer_asset(name: str) -> FileResponse:
    """A static asset of the explorer (served locally: the page works offline)."""
    if name not in ASSETS or not asset_path(name).is_file():
        raise ProblemError(404, f"No asset {name!r}.", kind="not-found")
    media = "text/javascript" if name.endswith(".js") else "text/css"
    return FileResponse(asset_path(name), media_type=media, headers={"Cache-Control": "max-age=3600"})


@router.get("/legend", operation_id="explorer_legend")
def explorer_legend(store: StoreDep) -> dict[str, Any]:
    """Colours and shapes of node types, derived from the ontology, and the ontology's English and
    Chinese names of node types, properties, relationship types and lifecycle stages (``stages``:
    ``tn:lifecycleStages``, by notation)."""
    return {"types": legend_json(store.schema), **terms_json(store.schema)}


#: Nodes of the initial view: of the stored graph, and of the projected network (each one drawn
#: with its ties to the others: the core of a collaboration network is dense).
VIEW_LIMIT, PROJECTED_LIMIT = 400, 150


@router.get(
    "/view",
    operation_id="explorer_view",
    responses={
        404: problem_doc("No node with the `focus` id."),
        422: problem_doc(
            "Invalid parameters, or (projected) a `focus` that is not an actor of the population."
        ),
    },
)
def explorer_view(
    store: StoreDep,
    projection: ProjectionDep,
    population: PopulationDep,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=20_000,
            description=f"Most nodes to show (default {VIEW_LIMIT}; projected network: {PROJECTED_LIMIT}).",
        ),
    ] = None,
    focus: Annotated[str | None, Query(description="Node id to centre the view on.")] = None,
    projected: Annotated[
        bool | None,
        Query(
            description="true: the projected organisation network (its most central actors and their "
            "weighted ties, or the focus and its partners); false: the stored graph; omitted: projected "
            "when the graph has projects and no transfer centre."
        ),
    ] = None,
    synthetic: Annotated[
        bool, Query(description="First view of the stored graph: include synthetic (generated) nodes.")
    ] = False,
    statistics: Annotated[
        bool, Query(description="First view of the stored graph: include the study's Statistic nodes.")
    ] = False,
) -> dict[str, Any]:
    """The initial view: the transfer-centre system (national centres, their bilateral and branch
    centres, the countries hosting them) and what it is tied to, synthetic and Statistic nodes left
    out unless asked and counted in ``left_out`` (or a node's surroundings); in the projected
    network, its strongest actors (or the focus's partners). ``mode`` says which."""
    graph = projection.graph
    if focus and focus not in graph:
        raise ProblemError(404, f"No node {focus!r}.", kind="not-found")
    if projected is None:
        projected = not focus and prefers_projected(graph)
    if projected:
        top = limit or PROJECTED_LIMIT
        if not focus:
            return core_view(projection, store.schema, top=top, params=population)
        try:
            return partners_view(projection, store.schema, focus, limit=top, params=population)
        except NotAnActorError as exc:
            raise ProblemError(422, str(exc), kind="not-an-actor") from None
    limit = limit or VIEW_LIMIT
    if focus:
        ids = neighbourhood(graph, focus, depth=2, limit=limit)
        left_out = None
    else:
        chosen = first_view(graph, limit=limit, synthetic=synthetic, statistics=statistics)
        ids = list(chosen.ids)
        left_out = {"synthetic": chosen.synthetic_left_out, "statistics": chosen.statistics_left_out}
    view = view_of(projection, store.schema, ids)
    view["mode"] = "graph"
    if left_out is not None:
        view["left_out"] = left_out
    return view


class NodeSelection(BaseModel):
    """Node ids to draw, as a Cypher result or a named query gave them."""

    ids: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(
        min_length=1, max_length=2_000, examples=[["Institution:CATTC", "Country:TH"]]
    )


@router.post("/nodes", operation_id="explorer_nodes")
def explorer_nodes(body: NodeSelection, store: StoreDep, projection: ProjectionDep) -> dict[str, Any]:
    """The view of the given nodes and of the relationships among them (the explorer's console draws
    the nodes of a Cypher result with it).  Ids of no node (``_:…`` ids of nodes without a key, say)
    are listed in ``missing`` and left out."""
    graph = projection.graph
    ids = list(dict.fromkeys(body.ids))
    present = [i for i in ids if i in graph]
    view = view_of(projection, store.schema, present)
    view["missing"] = [i for i in ids if i not in graph]
    return view


def _pair_json(pair: Any, other: Any) -> dict[str, Any]:
    """One pair of centres as a node's side panel shows it: the other centre, the kind (duplicate or
    co-located), the confidence and score, and the evidence (`graph.analytics.duplicates.PairEvidence`)."""
    return {
        "other": str(other),
        "kind": pair.kind,
        "confidence": pair.confidence,
        "score": round(pair.score, 3),
        "evidence": list(pair.evidence),
        "hosts": list(pair.shared_hosts),
        "same_city": pair.same_city,
        "fields": round(pair.field_jaccard, 3),
        "partners": round(pair.partner_jaccard, 3),
        "names": round(pair.name_similarity, 3),
    }


class OverlayKind(StrEnum):
    """Analytics the explorer can colour nodes by."""

    BROKERAGE = "brokerage"
    DUPLICATES = "duplicates"
    COMMUNITIES = "communities"
    CENTRALITY = "centrality"


@router.get(
    "/overlays/{kind}",
    operation_id="explorer_overlay",
    responses={404: problem_doc("No analysis run yet.")},
)
def explorer_overlay(kind: OverlayKind, runs: RunsDep) -> dict[str, Any]:
    """Per-node values of an overlay, from the latest analysis run (``transfernet analyze``).

    ``note`` says it in English; ``partition`` (brokerage), ``clusters`` (duplicates),
    ``modularity`` (communities), ``betweenness_exact`` and ``betweenness_epsilon``
    (centrality: exact, or sampled with that error bound) and ``population`` (the run's
    population in English and Chinese, as the reports say it) let the explorer say it in the
    reader's language."""
    run = runs.latest()
    if run is None:
        raise ProblemError(404, "No analysis run yet: run `transfernet analyze`.", kind="no-analysis-run")
    note = f"analysis run {run.id}"
    if run.population is not None:
        note += f" ({run.population.describe()})"
    nodes: dict[str, Any]
    extra: dict[str, Any]
    if kind is OverlayKind.BROKERAGE:
        brokerage = run.require(BROKERAGE)
        nodes = {n: {r: s.count(r) for r in (*brokerage.roles, "total")} for n, s in brokerage.nodes.items()}
        note += f", groups by {brokerage.partition}"
        extra = {"partition": brokerage.partition}
    elif kind is OverlayKind.DUPLICATES:
        duplicates = run.require(DUPLICATES)
        clusters = duplicates.clusters
        nodes = {str(m): i for i, cluster in enumerate(clusters) for m in cluster.members}
        note += f", {len(clusters)} clusters of duplicated centres"
        evidence: dict[str, list[dict[str, Any]]] = {}
        for pair in [p for c in clusters for p in c.pairs] + list(duplicates.co_located):
            for node, other in ((pair.a, pair.b), (pair.b, pair.a)):
                evidence.setdefault(str(node), []).append(_pair_json(pair, other))
        extra = {
            "clusters": len(clusters),
            "co_located": sorted({str(n) for p in duplicates.co_located for n in (p.a, p.b)} - set(nodes)),
            "evidence": evidence,
        }
    elif kind is OverlayKind.CENTRALITY:
        centrality = run.require(CENTRALITY)
        nodes = {
            n: {
                "degree": centrality.degree.get(n),
                "pagerank": p,
                "betweenness": centrality.betweenness.get(n),
            }
            for n, p in centrality.pagerank.items()
        }
        exact = centrality.betweenness_exact
        note += ", betweenness " + (
            "exact" if exact else f"sampled (error ≤ {centrality.betweenness_epsilon:g})"
        )
        extra = {
            "betweenness_exact": exact,
            "betweenness_epsilon": 0.0 if exact else centrality.betweenness_epsilon,
        }
    else:
        communities = run.require(COMMUNITIES)
        nodes = dict(communities.membership)
        note += f", modularity {communities.modularity or 0.0:.3f}"
        extra = {"modularity": communities.modularity or 0.0}
    population: dict[str, str] = {}
    for lang in ("en", "zh"):
        with use(lang):
            population[lang] = population_note(run)
    return {"kind": kind.value, "run": run.id, "note": note, "nodes": nodes, "population": population} | extra


@router.get(
    "/map",
    operation_id="explorer_map",
    responses={404: problem_doc("No analysis run yet.")},
)
def explorer_map(
    runs: RunsDep,
    projection: ProjectionDep,
    lang: Annotated[str, Query(pattern="^(en|zh)$", description="Names and legend: en or zh.")] = "en",
) -> dict[str, Any]:
    """The coverage map (`viz.report.worldmap`): each country's outline (SVG path, projected) and status —
    hosts a transfer centre, a partner of one, or neither (a Belt and Road country with neither is a
    gap) — from the latest run's coverage results; the centres by host country and their links to
    their parent centres.  The report's map figure draws the same data.  ``time`` holds the dated facts
    behind the map's year slider (`viz.map_time.map_time`: the centres and their parents, the Belt and
    Road memberships, the partners' ties to centres, as stored)."""
    from viz.i18n import _
    from viz.report.worldmap import STATUS_COLOURS, STATUSES, outline, world_map

    run = runs.latest()
    if run is None:
        raise ProblemError(404, "No analysis run yet: run `transfernet analyze`.", kind="no-analysis-run")
    with use(lang):
        m = world_map(projection.graph, run)
        statuses = {
            k: {"label": _(label), "colour": STATUS_COLOURS[k], "count": m.counts.get(k, 0)}
            for k, label in STATUSES.items()
        }
        population = population_note(run)
    return {
        "run": run.id,
        "width": m.width,
        "height": m.height,
        "outline": outline(),
        "statuses": statuses,
        "population": population,
        "countries": m.countries,
        "centres": [
            {"country": c.country, "x": c.x, "y": c.y, "ids": list(c.ids), "names": list(c.names)}
            for c in m.centres
        ],
        "links": [
            {"centre": k.centre, "parent": k.parent, "source": k.source, "target": k.target,
             "x1": k.x1, "y1": k.y1, "x2": k.x2, "y2": k.y2}
            for k in m.links
        ],
        "time": map_time(projection.graph, m, run.require(COVERAGE).countries),
    }  # fmt: skip
