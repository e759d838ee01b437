"""Render a report as PDF with WeasyPrint (no browser; Pango does the text layout).

The HTML is self-contained, so WeasyPrint's URL fetcher is limited to ``data:`` URIs
(the figures): the PDF cannot depend on the network or on local files.  CJK text needs a CJK font known to
fontconfig (Debian: ``fonts-noto-cjk``); figures need none (their text is paths).
"""

from __future__ import annotations

from typing import Any

from viz.report.model import Report
from viz.report.render import render_html

__all__ = ["PdfUnavailableError", "render_pdf"]


class PdfUnavailableError(RuntimeError):
    """WeasyPrint (or the Pango it needs) is not usable here."""


def _data_only_fetcher(weasyprint: Any) -> Any:
    if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint >= 68
        return weasyprint.URLFetcher(allowed_protocols=("data",))

    def fetch(url: str, *args: Any, **kwargs: Any) -> Any:  # older releases: a function
        if not url.startswith("data:"):
            raise ValueError(f"the report fetches nothing: refused {url!r}")
        return weasyprint.default_url_fetcher(url, *args, **kwargs)

    return fetch


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes (raises `PdfUnavailableError` when WeasyPrint cannot run)."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango/GObject libraries missing
        raise PdfUnavailableError(
            "PDF needs WeasyPrint and Pango >= 1.44 "
            f"(pip install weasyprint; apt-get install libpango-1.0-0): {exc}"
        ) from exc
    pdf = weasyprint.HTML(string=render_html(report), url_fetcher=_data_only_fetcher(weasyprint)).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
