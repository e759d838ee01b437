"""The data standard: the ontology and shapes as Turtle or JSON-LD, and its documentation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from ontology.docs import render_html, render_markdown
from ontology.resources import ontology_graph, ontology_turtle, shapes_graph

__all__ = ["router"]

router = APIRouter(prefix="/ontology", tags=["ontology"])

_TURTLE = "text/turtle"
_JSONLD = "application/ld+json"


class _MarkdownResponse(PlainTextResponse):
    """Markdown text (the media type is what the OpenAPI document shows)."""

    media_type = "text/markdown"


@router.get(
    "",
    operation_id="ontology_get",
    response_class=Response,
    responses={200: {"content": {_TURTLE: {}, _JSONLD: {}}, "description": "The ontology and its shapes."}},
)
def get_ontology(accept: Annotated[str | None, Header()] = None, format: str | None = None) -> Response:
    """The ontology with its SHACL shapes: Turtle by default, JSON-LD with ``Accept: application/ld+json``
    or ``?format=jsonld``."""
    wants_jsonld = format == "jsonld" or (format is None and accept is not None and _JSONLD in accept)
    if wants_jsonld:
        graph = ontology_graph() + shapes_graph()
        return Response(graph.serialize(format="json-ld", auto_compact=True), media_type=_JSONLD)
    return Response(ontology_turtle(shapes=True), media_type=_TURTLE)


@router.get("/docs", operation_id="ontology_docs", response_class=HTMLResponse)
def ontology_docs() -> HTMLResponse:
    """Documentation generated from the ontology: classes, properties, shapes, English and Chinese labels."""
    return HTMLResponse(render_html())


@router.get("/docs.md", operation_id="ontology_docs_markdown", response_class=_MarkdownResponse)
def ontology_docs_markdown() -> _MarkdownResponse:
    """The same documentation as Markdown."""
    return _MarkdownResponse(render_markdown())
