"""Render a report as one self-contained HTML page or as Markdown.

HTML goes through a Jinja2 template with autoescaping (every name, caption and cell is
data, never markup).  Figures are SVG images embedded as ``data:`` URIs: an image
document cannot run script or fetch anything, its ids cannot clash with the page's, and
browsers and WeasyPrint draw it the same way.  The stylesheet is inlined and there is
no script, font or stylesheet link: the page has no external reference and prints as it
shows (one file to mail, and the PDF is drawn from it).  Markdown mirrors the page: the same
headings, paragraphs and tables; its figures are SVG files beside it (``report_files/figure-1.svg``,
relative links, `figure_files`), which every Markdown viewer draws, where many refuse ``data:``
images and a 400 KB file of base64 is no text to read.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from viz.i18n import _, titles, use
from viz.report.methods import numbering
from viz.report.model import Figure, Report, Section, Table

__all__ = ["figure_files", "figure_name", "render_html", "render_markdown"]


@cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("viz", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
    )
    env.filters["id"] = id
    env.tests["long_token"] = lambda text: any(len(word) > 24 for word in str(text).split())
    env.filters["b64"] = lambda text: base64.b64encode(text.encode("utf-8")).decode("ascii")
    return env


def _css() -> str:
    return resources.files("viz").joinpath("static/report.css").read_text(encoding="utf-8")


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page.

    Examples
    --------
    >>> from viz.report.model import Report, Section, Table
    >>> r = Report("T", "en", None, [Section("s", "S", "src", ["<b>x</b>"],
    ...            [Table("c", ["h"], [["<script>"]], "f()")])])
    >>> page = render_html(r)
    >>> "&lt;b&gt;x&lt;/b&gt;" in page and "<script>" not in page
    True
    """
    figures: dict[int, int] = {}
    tables: dict[int, int] = {}
    with use(report.lang):
        labels = {id(item): label for label, _section, item in numbering(report.sections)}
        for _label, _section, item in numbering(report.sections):
            counted = figures if isinstance(item, Figure) else tables
            counted[id(item)] = len(counted) + 1
        template = _environment().get_template("report.html.j2")
        return str(
            template.render(
                report=report,
                t=titles(report.lang),
                css=_css(),
                numbers={"figures": figures, "tables": tables},
                labels=labels,
                colon=_(": "),
                stop=_(". "),
            )
        )


#: a Markdown link or link reference definition: ``[text](target`` or ``[text]: target``
_LINK = re.compile(r"\[[^\]]*\](?:\s*\(\s*<?|:\s*<?)(?P<target>[^)>]*)")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def _unsafe_link(text: str) -> bool:
    """Whether `text` holds a link whose target has a scheme other than http(s) or mailto."""
    for match in _LINK.finditer(text):
        target = re.sub(r"[\x00-\x20<]", "", html.unescape(match["target"])).lower()  # as a browser reads it
        scheme = _SCHEME.match(target)
        if scheme is not None and scheme[1] not in _SAFE_SCHEMES:
            return True
    return False


def _md(text: str) -> str:
    """Data as inert Markdown text: no table cell breaks, no HTML, no ``javascript:`` links.

    Examples
    --------
    >>> _md("[x](javascript:alert(1)) | <b>")
    '\\\\[x\\\\](javascript:alert(1)) \\\\| &lt;b>'
    >>> _md("[site](https://example.org)")
    '[site](https://example.org)'
    """
    out = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")
    if _unsafe_link(out):  # every bracket escaped: no link can form, nested or not
        out = out.replace("[", "\\[").replace("]", "\\]")
    return out


def _md_table(table: Table, number: str, origin_word: str, colon: str = ": ", stop: str = ". ") -> list[str]:
    lines = [f"**{number}{stop}{_md(table.caption)}** — *{origin_word}{colon}{_md(table.origin)}*", ""]
    if not table.header:
        return lines
    lines.append("| " + " | ".join(_md(h) for h in table.header) + " |")
    lines.append("|" + "---|" * len(table.header))
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in table.rows]
    return [*lines, ""]


def figure_name(index: int) -> str:
    """The file name of the report's `index`-th figure (from 1).

    Examples
    --------
    >>> figure_name(3)
    'figure-3.svg'
    """
    return f"figure-{index}.svg"


def figure_files(report: Report) -> dict[str, str]:
    """The report's figures as files: ``{file name: SVG document}``, in the order they appear.

    Examples
    --------
    >>> from viz.report.model import Figure, Report, Section
    >>> r = Report("T", "en", None, [Section("s", "S", "src", figures=[Figure("c", "<svg/>", "o")])])
    >>> figure_files(r)
    {'figure-1.svg': '<svg/>'}
    """
    figures = [item for _number, _section, item in numbering(report.sections) if isinstance(item, Figure)]
    return {figure_name(i): figure.svg for i, figure in enumerate(figures, 1)}


def _md_figure(
    figure: Figure, number: str, origin_word: str, colon: str = ": ", stop: str = ". ", target: str = ""
) -> list[str]:
    if not target:
        target = "data:image/svg+xml;base64," + base64.b64encode(figure.svg.encode("utf-8")).decode("ascii")
    return [
        f"![{number}{stop}{_md(figure.caption)}]({target})",
        "",
        f"*{number}{stop}{_md(figure.caption)} — {origin_word}{colon}{_md(figure.origin)}*",
        "",
    ]


def render_markdown(report: Report, figures: str | Callable[[str], str] | None = "report_files") -> str:
    """The report as Markdown, mirroring the HTML.

    Parameters
    ----------
    report : Report
        The report.
    figures : str or callable, optional
        Where the figures are: a folder beside the Markdown file (``report_files``: the links are
        ``report_files/figure-1.svg``, the files `figure_files` gives), a function from a figure's
        file name to its link (a route that serves it), or None for SVG ``data:`` URIs inside the text.

    Examples
    --------
    >>> from viz.report.model import Report, Section
    >>> print(render_markdown(Report("T", "zh", "r1", [Section("s", "概况", "src", ["a | b"])], "now")))
    # T
    <BLANKLINE>
    生成时间：now · 分析批次：r1
    <BLANKLINE>
    ## 概况
    <BLANKLINE>
    *数据来源：src*
    <BLANKLINE>
    a \\| b
    <BLANKLINE>
    """
    t = titles(report.lang)
    with use(report.lang):
        numbers = {id(item): number for number, _section, item in numbering(report.sections)}
        colon, stop = _(": "), _(". ")
    files = {id(item): figure_name(i) for i, item in enumerate(
        (item for _n, _s, item in numbering(report.sections) if isinstance(item, Figure)), 1)}  # fmt: skip

    def link(figure: Figure) -> str:
        if figures is None:
            return ""
        if callable(figures):
            return figures(files[id(figure)])
        return f"{figures}/{files[id(figure)]}"

    meta = f"{t['generated']}{colon}{report.generated}" + (
        f" · {t['run']}{colon}{report.run_id}" if report.run_id else ""
    )
    lines = [f"# {_md(report.title)}", "", meta, ""]

    def emit(section: Section, level: int) -> None:
        lines.extend(
            [f"{'#' * level} {_md(section.title)}", "", f"*{t['source']}{colon}{_md(section.source)}*", ""]
        )
        for paragraph in section.paragraphs:
            lines.extend([_md(paragraph), ""])
        for figure in section.figures:
            lines.extend(_md_figure(figure, numbers[id(figure)], t["origin"], colon, stop, link(figure)))
        for table in section.tables:
            lines.extend(_md_table(table, numbers[id(table)], t["origin"], colon, stop))
        for sub in section.subsections:
            emit(sub, level + 1)

    for section in report.sections:
        emit(section, 2)
    return "\n".join(lines)
