"""The network analysis report over HTTP: ``GET /reports/latest`` (HTML, Markdown or PDF).

Built from the current projection and the latest analysis run, like ``transfernet
report``.  The format comes from ``?format=`` or, failing that, from the ``Accept``
header (``text/markdown``, ``application/pdf``; HTML otherwise).  Rendered reports are
kept per (run, graph size, country, language, SHACL, format), so repeated requests cost
nothing until a new run or a changed graph.  The HTML page is self-contained and is
served with a Content-Security-Policy that allows nothing but its inline style.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ProjectionDep, RunsDep
from api.problems import ProblemError

__all__ = ["ReportFormat", "negotiate", "router"]

router = APIRouter(prefix="/reports", tags=["reports"])

_CACHE_SIZE = 8
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


class ReportFormat(StrEnum):
    """Formats of the report."""

    HTML = "html"
    MD = "md"
    PDF = "pdf"


_MEDIA = {
    ReportFormat.HTML: "text/html; charset=utf-8",
    ReportFormat.MD: "text/markdown; charset=utf-8",
    ReportFormat.PDF: "application/pdf",
}


def negotiate(explicit: ReportFormat | None, accept: str | None) -> ReportFormat:
    """The format asked for: ``?format=`` first, then the first ``Accept`` type we serve.

    Examples
    --------
    >>> negotiate(None, "text/markdown, text/html;q=0.5")
    <ReportFormat.MD: 'md'>
    >>> negotiate(ReportFormat.PDF, "text/html"), negotiate(None, None)
    (<ReportFormat.PDF: 'pdf'>, <ReportFormat.HTML: 'html'>)
    """
    if explicit is not None:
        return explicit
    ranked = []
    for position, part in enumerate((accept or "").split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, position, media.lower()))
    for _, _, media in sorted(ranked):
        if media in ("text/markdown", "text/x-markdown"):
            return ReportFormat.MD
        if media == "application/pdf":
            return ReportFormat.PDF
        if media in ("text/html", "application/xhtml+xml", "*/*", "text/*"):
            return ReportFormat.HTML
    return ReportFormat.HTML


def _cache(request: Request) -> tuple[threading.Lock, OrderedDict[tuple[Any, ...], bytes]]:
    state = request.app.state
    if not hasattr(state, "report_cache"):
        state.report_cache = (threading.Lock(), OrderedDict())
    cache: tuple[threading.Lock, OrderedDict[tuple[Any, ...], bytes]] = state.report_cache
    return cache


@router.get(
    "/latest",
    operation_id="report_latest",
    response_class=Response,
    responses={
        200: {
            "description": "The report (HTML by default).",
            "content": {"text/html": {}, "text/markdown": {}, "application/pdf": {}},
        },
        404: {"description": "No analysis run yet, or an unknown country."},
    },
)
def report_latest(
    request: Request,
    runs: RunsDep,
    projection: ProjectionDep,
    format: Annotated[
        ReportFormat | None, Query(description="html, md or pdf (default: from Accept, else html).")
    ] = None,
    country: Annotated[
        str | None,
        Query(
            min_length=2, max_length=2, pattern="^[A-Za-z]{2}$", description="One country's page (ISO code)."
        ),
    ] = None,
    lang: Annotated[str, Query(pattern="^(en|zh)$", description="Titles and captions: en or zh.")] = "en",
    shacl: Annotated[
        bool, Query(description="Validate the whole graph against the SHACL shapes (slow).")
    ] = False,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """The network analysis report of the current graph and the latest analysis run."""
    from viz.report import (
        PdfUnavailableError,
        ShaclTooLargeError,
        UnknownCountryError,
        build,
        render_html,
        render_markdown,
        render_pdf,
    )

    fmt = negotiate(format, accept)
    run = runs.latest()
    if run is None:
        raise ProblemError(404, "No analysis run yet: run `transfernet analyze`.", kind="no-analysis-run")
    graph = projection.graph
    code = country.upper() if country else None
    key = (run.id, graph.number_of_nodes(), graph.number_of_edges(), code, lang, shacl and not code, fmt)
    lock, cache = _cache(request)
    with lock:
        body = cache.get(key)
    if body is None:
        try:
            report = build(
                graph,
                run,
                schema=projection.store.schema,
                load=runs.last_load(),
                lang=lang,
                country=code,
                shacl=shacl and not code,
            )
        except UnknownCountryError as exc:
            raise ProblemError(404, str(exc), kind="unknown-country") from None
        except ShaclTooLargeError as exc:
            raise ProblemError(
                422,
                f"The graph is too large for a whole-graph SHACL check in a request: {exc}.",
                kind="too-large",
            ) from None
        if fmt is ReportFormat.HTML:
            body = render_html(report).encode("utf-8")
        elif fmt is ReportFormat.MD:
            body = render_markdown(report).encode("utf-8")
        else:
            try:
                body = render_pdf(report)
            except PdfUnavailableError as exc:
                raise ProblemError(501, str(exc), kind="pdf-unavailable") from None
        with lock:
            cache[key] = body
            while len(cache) > _CACHE_SIZE:
                cache.popitem(last=False)
    headers = {"Vary": "Accept", "X-Analysis-Run": run.id}
    if fmt is ReportFormat.HTML:
        return HTMLResponse(body, headers={**headers, "Content-Security-Policy": _CSP})
    if fmt is ReportFormat.PDF:
        name = f"report-{code}.pdf" if code else "report.pdf"
        headers["Content-Disposition"] = f'inline; filename="{name}"'
    return Response(body, media_type=_MEDIA[fmt], headers=headers)
