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
from urllib.parse import urlencode

from fastapi import APIRouter, Header, Path, Query, Request
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


_Country = Annotated[
    str | None,
    Query(min_length=2, max_length=2, pattern="^[A-Za-z]{2}$", description="One country's page (ISO code)."),
]
_Lang = Annotated[str, Query(pattern="^(en|zh)$", description="Titles and captions: en or zh.")]
_Shacl = Annotated[bool, Query(description="Validate the whole graph against the SHACL shapes (slow).")]


def _rendered(
    request: Request,
    runs: Any,
    projection: Any,
    code: str | None,
    lang: str,
    shacl: bool,
    part: str,
    render: Any,
) -> tuple[str, bytes]:
    """``(run id, body)``: the report rendered by ``render(report)`` as bytes, from the cache when the
    run, the graph's size, the country, the language, SHACL and `part` are the same."""
    from viz.report import ShaclTooLargeError, UnknownCountryError, build

    run = runs.latest()
    if run is None:
        raise ProblemError(404, "No analysis run yet: run `transfernet analyze`.", kind="no-analysis-run")
    graph = projection.graph
    key = (run.id, graph.number_of_nodes(), graph.number_of_edges(), code, lang, shacl and not code, part)
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
        body = render(report)
        with lock:
            cache[key] = body
            while len(cache) > _CACHE_SIZE:
                cache.popitem(last=False)
    return run.id, body


def _figure_link(code: str | None, lang: str, shacl: bool) -> Any:
    """A figure's link in the Markdown served here: the figures route beside ``latest``, with the
    same country, language and SHACL choice (relative, so it works under any mount point)."""
    query = urlencode({k: v for k, v in (("country", code), ("lang", lang), ("shacl", shacl)) if v})
    return lambda file: f"latest/figures/{file}" + (f"?{query}" if query else "")


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
    country: _Country = None,
    lang: _Lang = "en",
    shacl: _Shacl = False,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """The network analysis report of the current graph and the latest analysis run (Markdown: its
    figures linked to ``latest/figures/figure-N.svg``)."""
    from viz.report import PdfUnavailableError, render_html, render_markdown, render_pdf

    fmt = negotiate(format, accept)
    code = country.upper() if country else None

    def render(report: Any) -> bytes:
        if fmt is ReportFormat.HTML:
            return render_html(report).encode("utf-8")
        if fmt is ReportFormat.MD:
            return render_markdown(report, figures=_figure_link(code, lang, shacl)).encode("utf-8")
        try:
            return render_pdf(report)
        except PdfUnavailableError as exc:
            raise ProblemError(501, str(exc), kind="pdf-unavailable") from None

    run_id, body = _rendered(request, runs, projection, code, lang, shacl, fmt.value, render)
    headers = {"Vary": "Accept", "X-Analysis-Run": run_id}
    if fmt is ReportFormat.HTML:
        return HTMLResponse(body, headers={**headers, "Content-Security-Policy": _CSP})
    if fmt is ReportFormat.PDF:
        name = f"report-{code}.pdf" if code else "report.pdf"
        headers["Content-Disposition"] = f'inline; filename="{name}"'
    return Response(body, media_type=_MEDIA[fmt], headers=headers)


@router.get(
    "/latest/figures/{file}",
    operation_id="report_latest_figure",
    response_class=Response,
    responses={
        200: {"description": "One figure of the report (SVG).", "content": {"image/svg+xml": {}}},
        404: {"description": "No analysis run yet, an unknown country or no such figure."},
    },
)
def report_latest_figure(
    request: Request,
    runs: RunsDep,
    projection: ProjectionDep,
    file: Annotated[str, Path(pattern=r"^figure-[0-9]{1,4}\.svg$", description="figure-N.svg")],
    country: _Country = None,
    lang: _Lang = "en",
    shacl: _Shacl = False,
) -> Response:
    """One figure of the report, as the Markdown edition links it (``figure-1.svg`` is Figure 1)."""
    from viz.report import figure_files

    code = country.upper() if country else None

    def render(report: Any) -> bytes:
        svg = figure_files(report).get(file)
        return b"" if svg is None else svg.encode("utf-8")

    run_id, body = _rendered(request, runs, projection, code, lang, shacl, file, render)
    if not body:
        raise ProblemError(404, f"The report has no {file}.", kind="no-such-figure")
    # an SVG opened on its own is a document: no script, nothing fetched
    headers = {
        "X-Analysis-Run": run_id,
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    }
    return Response(body, media_type="image/svg+xml", headers=headers)
