"""Export of the whole graph (or of some node types) as Turtle, JSON-LD or GraphML.

Turtle and JSON-LD go through the ontology's RDF mapping (:func:`graph.export.graph_records`
then :func:`ontology.rdfio.dumps`), so an export loads back with ``transfernet load`` or
:func:`ontology.rdfio.loads`; GraphML is :func:`graph.export.write_graphml`'s file (node
attribute ``label`` = type, lists as JSON text), ready for Gephi.

RDF is streamed in batches of records: each Turtle batch is a complete Turtle document
(its ``@prefix`` lines repeat, which Turtle allows), and the JSON-LD batches are
compacted with the one shared context and their nodes written into a single
``@graph`` array.  Blank nodes (reified relationships) get fresh identifiers from
rdflib, so batches never share one by accident.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from itertools import batched
from typing import Annotated, Any, Literal, cast

import networkx as nx
from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, StreamingResponse
from starlette.background import BackgroundTask

from api.deps import ProjectionDep, StoreDep
from api.problems import PROBLEM_MEDIA_TYPE, Problem, ProblemError
from graph.export import graph_records, write_graphml
from graph.store import GraphStore
from ontology.rdfio import dumps, jsonld_context
from ontology.schema import GraphSchema

__all__ = ["EXPORT_FORMATS", "router"]

router = APIRouter(tags=["export"])

#: format name -> (media type, file suffix)
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("text/turtle; charset=utf-8", "ttl"),
    "jsonld": ("application/ld+json", "jsonld"),
    "graphml": ("application/graphml+xml", "graphml"),
}
_BATCH = 2000  # records per RDF batch: bounded memory, few enough batches to keep prefixes cheap


def _turtle(records: Iterable[Any], schema: GraphSchema) -> Iterator[str]:
    for batch in batched(records, _BATCH):
        yield dumps(batch, format="turtle", schema=schema)


def _jsonld(records: Iterable[Any], schema: GraphSchema) -> Iterator[str]:
    yield '{"@context": ' + json.dumps(jsonld_context(), ensure_ascii=False) + ', "@graph": ['
    first = True
    for batch in batched(records, _BATCH):
        doc = json.loads(dumps(batch, format="json-ld", schema=schema))
        if isinstance(doc, list):
            items = doc
        elif "@graph" in doc:
            items = doc["@graph"]
        else:
            items = [{k: v for k, v in doc.items() if k != "@context"}]
        for item in items:
            if not item:
                continue
            yield ("" if first else ",\n") + json.dumps(item, ensure_ascii=False)
            first = False
    yield "]}\n"


class _Projected:
    """What `graph.export.write_graphml` reads of a store: its projection (here the API's
    cached, possibly type-filtered one), so the export does not project the store again."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self._graph = graph

    def to_networkx(self, **_: Any) -> nx.MultiDiGraph:
        return self._graph


def _selected(
    graph: nx.MultiDiGraph, schema: GraphSchema, types: str | None
) -> tuple[nx.MultiDiGraph, list[str]]:
    if not types:
        return graph, []
    wanted = sorted({t.strip() for t in types.split(",") if t.strip()})
    unknown = [t for t in wanted if t not in schema.nodes]
    if unknown or not wanted:
        raise ProblemError(
            422, f"Unknown node type(s): {', '.join(unknown) or repr(types)}.", kind="unknown-type"
        )
    keep = [n for n, labels in graph.nodes(data="labels") if any(t in (labels or ()) for t in wanted)]
    return cast(nx.MultiDiGraph, graph.subgraph(keep)), wanted


_TURTLE_EXAMPLE = """@prefix tn: <https://w3id.org/transfernet/ontology#> .

<https://w3id.org/transfernet/id/Country/EG> a tn:Country ;
    tn:id "EG" ;
    tn:name "Egypt" .
"""


@router.get(
    "/export",
    operation_id="export_graph",
    response_class=StreamingResponse,
    response_model=None,
    responses={
        200: {
            "description": "The graph as a file download (Content-Disposition: attachment).",
            "content": {
                "text/turtle": {"schema": {"type": "string"}, "example": _TURTLE_EXAMPLE},
                "application/ld+json": {
                    "schema": {"type": "object"},
                    "example": {
                        "@context": {"tn": "https://w3id.org/transfernet/ontology#"},
                        "@graph": [
                            {"@id": "https://w3id.org/transfernet/id/Country/EG", "@type": "tn:Country"}
                        ],
                    },
                },
                "application/graphml+xml": {
                    "schema": {"type": "string"},
                    "example": '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
                    '<graph edgedefault="directed"><node id="Country:EG"/></graph></graphml>',
                },
            },
        },
        422: {
            "description": "Unknown format or node type.",
            "content": {PROBLEM_MEDIA_TYPE: {"schema": Problem.model_json_schema()}},
        },
    },
)
def export_graph(
    store: StoreDep,
    projection: ProjectionDep,
    format: Annotated[
        Literal["turtle", "jsonld", "graphml"], Query(description="File format.", examples=["turtle"])
    ] = "turtle",
    types: Annotated[
        str | None,
        Query(
            max_length=2000,
            description="Comma-separated node types (with their subtypes) to export; relationships are kept "
            "when both ends are. Default: everything.",
            examples=["TransferCentre,Country"],
        ),
    ] = None,
) -> StreamingResponse | FileResponse:
    """Export the graph as Turtle, JSON-LD (the ontology's RDF mapping, loadable again) or GraphML
    (Gephi), streamed as a download."""
    media_type, suffix = EXPORT_FORMATS[format]
    graph, wanted = _selected(projection.graph, store.schema, types)
    filename = f"transfernet{'-' + '-'.join(wanted) if wanted else ''}.{suffix}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if format == "graphml":
        handle, name = tempfile.mkstemp(suffix=".graphml", prefix="transfernet-export-")
        os.close(handle)
        try:
            write_graphml(cast(GraphStore, _Projected(graph)), name)
        except BaseException:
            os.unlink(name)
            raise
        return FileResponse(
            name, media_type=media_type, headers=headers, background=BackgroundTask(os.unlink, name)
        )
    records = graph_records(graph, store.schema)
    chunks = _turtle(records, store.schema) if format == "turtle" else _jsonld(records, store.schema)
    return StreamingResponse(chunks, media_type=media_type, headers=headers)
