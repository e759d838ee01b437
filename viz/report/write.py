"""Write a report to files: ``report.html``, ``report.md`` with its figures in ``report_files/``,
``report.pdf`` (or ``report-TH.*`` and ``report-TH_files/``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from viz.report.model import Report
from viz.report.pdf import render_pdf
from viz.report.render import figure_files, render_html, render_markdown

__all__ = ["FORMATS", "report_stem", "write_report"]

FORMATS = ("html", "md", "pdf")


def report_stem(report: Report) -> str:
    """File name without suffix: ``report`` or ``report-TH`` for a country page.

    Examples
    --------
    >>> report_stem(Report("t", "en", None, [], country="TH"))
    'report-TH'
    """
    return f"report-{report.country}" if report.country else "report"


def write_report(report: Report, out: str | Path, formats: Sequence[str] = ("html", "md")) -> list[Path]:
    """Write the report in each format under ``out`` and return the paths (Markdown: its figures
    in ``<stem>_files/``, linked relatively, the folder's earlier SVG files removed).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in write_report(Report("t", "en", None, []), d, ["md"])]
    ['report.md']
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown report format(s) {', '.join(unknown)} (use {', '.join(FORMATS)})")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = folder / f"{report_stem(report)}.{fmt}"
        if fmt == "html":
            path.write_text(render_html(report), encoding="utf-8")
        elif fmt == "md":
            files = folder / f"{report_stem(report)}_files"
            files.mkdir(exist_ok=True)
            for old in files.glob("figure-*.svg"):
                old.unlink()
            for file_name, svg in figure_files(report).items():
                (files / file_name).write_text(svg, encoding="utf-8")
            path.write_text(render_markdown(report, figures=files.name), encoding="utf-8")
        else:
            path.write_bytes(render_pdf(report))
        written.append(path)
    return written
