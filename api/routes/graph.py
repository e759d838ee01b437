"""Graph navigation: neighbourhoods, paths and introducers on the projected graph."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import PopulationDep, ProjectionDep, StoreDep
from api.problems import ProblemError, problem_doc
from graph import paths
from graph.analytics.partners import NotAnActorError
from ontology.schema import GraphSchema
from ontology.vocab import NodeLabel, RelType
from viz.projected import partners_view
from viz.view import view_of

__all__ = ["router"]

router = APIRouter(prefix="/graph", tags=["graph"])


def _types(schema: GraphSchema, raw: str | None) -> list[str] | None:
    if not raw:
        return None
    types = [t.strip() for t in raw.split(",") if t.strip()]
    unknown = [t for t in types if t not in schema.relationships]
    if unknown:
        raise ProblemError(422, f"Unknown relationship type(s): {', '.join(unknown)}.", kind="unknown-type")
    return types


def _node(graph: nx.MultiDiGraph, node: str) -> str:
    if node not in graph:
        raise ProblemError(404, f"No node {node!r}.", kind="not-found")
    return node


TypesQuery = Annotated[
    str | None,
    Query(
        description="Comma-separated relationship types to follow.",
        examples=[f"{RelType.HOSTED_IN},{RelType.PARENT_CENTRE}"],
    ),
]

#: Node types paths and introducers do not pass through unless asked: a bloc (the Belt and Road
#: Initiative, the EU) or a statistic joins hundreds of nodes that have nothing else in common.
DEFAULT_AVOID = (NodeLabel.BLOC, NodeLabel.STATISTIC)

AvoidQuery = Annotated[
    str | None,
    Query(
        description="Comma-separated node types no path passes through (the ends excepted); default "
        f"{','.join(DEFAULT_AVOID)}; an empty value avoids none.",
        examples=[f"{NodeLabel.BLOC},{NodeLabel.COUNTRY}"],
    ),
]


def _avoid(schema: GraphSchema, raw: str | None) -> list[str]:
    if raw is None:
        return list(DEFAULT_AVOID)
    labels = [t.strip() for t in raw.split(",") if t.strip()]
    unknown = [t for t in labels if t not in schema.nodes]
    if unknown:
        raise ProblemError(422, f"Unknown node type(s): {', '.join(unknown)}.", kind="unknown-type")
    return labels


_ERRORS: dict[int | str, dict[str, Any]] = {
    404: problem_doc("No node with that id."),
    422: problem_doc(
        "Invalid parameters, an unknown relationship type, or (projected) a node that is not an actor of the "
        "population."
    ),
}


@router.get("/neighbourhood", operation_id="graph_neighbourhood", responses=_ERRORS)
def neighbourhood(
    store: StoreDep,
    projection: ProjectionDep,
    population: PopulationDep,
    id: Annotated[str, Query(description="Node id (KeyLabel:key).", examples=["Institution:CASTTC"])],
    depth: Annotated[int, Query(ge=1, le=3)] = 1,
    limit: Annotated[int, Query(ge=1, le=5000, description="Node cap.")] = 300,
    types: TypesQuery = None,
    projected: Annotated[
        bool,
        Query(
            description="The node's partners in the projected organisation network instead (organisations "
            "tied through shared projects, agreements and events, strongest first, Newman-weighted; "
            "`depth` 1 and no `types`; `synthetic` and `scenario` choose its population, the stored graph "
            "ignores them)."
        ),
    ] = False,
) -> dict[str, Any]:
    """A node and everything within `depth` hops, as an explorer view (nodes, edges, positions);
    with ``projected=true`` the node and its weighted partners (``truncated`` and
    ``partners_left_out`` say how many the limit left out)."""
    graph = projection.graph
    if projected:
        _node(graph, id)
        if depth != 1 or types:
            raise ProblemError(
                422,
                "A projected neighbourhood has depth 1 and no relationship types.",
                kind="invalid-parameters",
            )
        try:
            return partners_view(projection, store.schema, id, limit=limit, params=population)
        except NotAnActorError as exc:
            raise ProblemError(422, str(exc), kind="not-an-actor") from None
    ids = paths.neighbourhood(
        graph, _node(graph, id), depth=depth, limit=limit, rel_types=_types(store.schema, types)
    )
    view = view_of(projection, store.schema, ids)
    view["truncated"] = len(ids) >= limit
    return view


class PathMode(StrEnum):
    """Which paths to return."""

    SHORTEST = "shortest"
    ALL_SHORTEST = "all-shortest"
    K_SHORTEST = "k-shortest"


class HopOut(BaseModel):
    """One hop of a path."""

    source: str
    target: str
    types: list[str]
    forward: bool


class PathOut(BaseModel):
    """A path: node ids and hops."""

    nodes: list[str]
    hops: list[HopOut]


def _out(path: paths.PathResult) -> PathOut:
    return PathOut(
        nodes=[str(n) for n in path.nodes],
        hops=[
            HopOut(source=str(h.source), target=str(h.target), types=list(h.types), forward=h.forward)
            for h in path.hops
        ],
    )


@router.get("/path", operation_id="graph_paths", responses=_ERRORS)
def find_paths(
    store: StoreDep,
    projection: ProjectionDep,
    source: Annotated[str, Query(examples=["Institution:CASTTC"])],
    target: Annotated[str, Query(examples=["Country:EG"])],
    mode: PathMode = PathMode.SHORTEST,
    k: Annotated[int, Query(ge=1, le=20, description="Paths for k-shortest.")] = 3,
    max_hops: Annotated[int | None, Query(ge=1, le=10)] = None,
    directed: bool = False,
    types: TypesQuery = None,
    avoid: AvoidQuery = None,
) -> dict[str, Any]:
    """Shortest, all-shortest or k-shortest paths (Yen) between two nodes, with the view to draw them;
    by default not through blocs or statistics (``avoid``)."""
    graph = projection.graph
    _node(graph, source)
    _node(graph, target)
    rel_types = _types(store.schema, types)
    options: dict[str, Any] = {
        "rel_types": rel_types,
        "max_hops": max_hops,
        "directed": directed,
        "avoid": _avoid(store.schema, avoid),
    }
    if mode is PathMode.SHORTEST:
        one = paths.shortest_path(graph, source, target, **options)
        found = [one] if one else []
    elif mode is PathMode.ALL_SHORTEST:
        found = paths.all_shortest_paths(graph, source, target, **options)
    else:
        found = paths.k_shortest_paths(graph, source, target, k, **options)
    ids = list(dict.fromkeys(str(n) for p in found for n in p.nodes))
    return {
        "paths": [_out(p).model_dump() for p in found],
        "view": view_of(projection, store.schema, ids),
    }


class IntroducerOut(BaseModel):
    """Someone who can introduce A to B."""

    id: str
    name: str
    type: str
    distance: int
    paths: int


@router.get(
    "/introducers", operation_id="graph_introducers", response_model=list[IntroducerOut], responses=_ERRORS
)
def who_can_introduce(
    store: StoreDep,
    projection: ProjectionDep,
    a: Annotated[str, Query(examples=["Institution:CASTTC"])],
    b: Annotated[str, Query(examples=["Institution:CATTC"])],
    max_hops: Annotated[int, Query(ge=2, le=6)] = 3,
    types: TypesQuery = None,
    avoid: AvoidQuery = None,
) -> list[IntroducerOut]:
    """Who can introduce A to B: intermediaries on the shortest A–B paths, best placed first (by
    default no bloc or statistic: ``avoid``)."""
    graph = projection.graph
    found = paths.introducers(
        graph,
        _node(graph, a),
        _node(graph, b),
        rel_types=_types(store.schema, types),
        max_hops=max_hops,
        avoid=_avoid(store.schema, avoid),
    )
    return [
        IntroducerOut(
            id=str(i.node),
            name=projection.index.name(str(i.node)),
            type=graph.nodes[i.node].get("label", ""),
            distance=i.distance,
            paths=i.paths,
        )
        for i in found
    ]
