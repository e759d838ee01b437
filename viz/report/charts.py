"""Figures of the report: matplotlib drawn to standalone SVG text.

Glyphs are written as paths (``svg.fonttype = "path"``), so an SVG shows the same in
a browser, in print and in the PDF without any font installed; Chinese text needs a
CJK font at *drawing* time (Noto Sans CJK, WenQuanYi or Source Han Sans).  The font
files are registered with matplotlib explicitly (found through fontconfig or in the
usual font folders), so a font cache built before the font was installed does not
hide it; without any, one warning says to install ``fonts-noto-cjk``.  Ids inside each
SVG are prefixed with a digest of the figure so that several inline SVGs in one page
never share an id.  The object-oriented API (no pyplot) keeps figures independent of
global state, so the API may draw from several threads.
"""

from __future__ import annotations

import glob
import hashlib
import html
import io
import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

__all__ = ["NO_CJK_FONT", "bar_chart", "font_families", "growth_chart", "path_chart", "stacked_bar_chart"]

_PALETTE = ("#2f6690", "#3a7ca5", "#81c3d7", "#d9a441", "#b5651d", "#6c757d")
_CJK_CANDIDATES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "AR PL UMing CN",
)
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
_CJK_FILE_PATTERNS = ("*CJK*", "*SourceHan*", "wqy*", "*uming*", "*ukai*")
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
NO_CJK_FONT = (
    "no CJK font found: Chinese text in figures is drawn as empty boxes; "
    "install one (Debian/Ubuntu: apt-get install fonts-noto-cjk)"
)


def _cjk_font_files() -> list[str]:
    """Font files that can draw Chinese: fontconfig's answer, else a look in the usual folders."""
    files: list[str] = []
    fc_list = shutil.which("fc-list")
    if fc_list is not None:
        try:
            out = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
                [fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=30, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        files = [line.split(":")[0].strip() for line in out.splitlines() if line.strip()]
    if not files:
        for folder in _FONT_DIRS:
            for pattern in _CJK_FILE_PATTERNS:
                files += glob.glob(os.path.join(os.path.expanduser(folder), "**", pattern), recursive=True)
    return sorted({f for f in files if f.lower().endswith(_FONT_SUFFIXES) and os.path.isfile(f)})


def _installed_cjk(names: set[str]) -> list[str]:
    return [name for name in _CJK_CANDIDATES if name in names]


@cache
def font_families() -> tuple[str, ...]:
    """Font families used for figures: DejaVu Sans, then the first CJK family installed.

    Examples
    --------
    >>> font_families()[0]
    'DejaVu Sans'
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager
    cjk = _installed_cjk({f.name for f in manager.ttflist})
    if not cjk:  # the font cache may predate the font: register the files themselves
        before = len(manager.ttflist)
        for path in _cjk_font_files():
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # a font FreeType cannot open
                continue
        added = [f.name for f in manager.ttflist[before:]]
        cjk = _installed_cjk(set(added)) or added[:1]
    if not cjk:
        warnings.warn(NO_CJK_FONT, RuntimeWarning, stacklevel=2)
    return ("DejaVu Sans", *cjk[:1])


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _to_svg(fig: Any) -> str:
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "transfernet"}):
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = _with_desc(svg, _drawn_text(fig))
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)  # creator/licence URIs: not needed
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)  # matplotlib repeats drawn text in comments
    prefix = "f" + hashlib.sha1(svg.encode("utf-8"), usedforsecurity=False).hexdigest()[:8] + "-"
    return re.sub(r'(id="|href="#|url\(#)([^")]+)', lambda m: m.group(1) + prefix + m.group(2), svg)


def _drawn_text(fig: Any) -> list[str]:
    """Every visible text of a drawn figure (titles, axis labels, ticks, legend), in drawing order."""
    from matplotlib.text import Text

    seen: list[str] = []
    for artist in fig.findobj(Text):
        text = artist.get_text().strip()
        if text and artist.get_visible() and text not in seen:
            seen.append(text)
    return seen


def _with_desc(svg: str, lines: Sequence[str]) -> str:
    r"""The SVG with its drawn text as a ``<desc>`` (glyphs are paths: readers and checks need the words).

    Examples
    --------
    >>> _with_desc('<svg a="1">\n<g/></svg>', ["Centres", "<x>"])
    '<svg a="1"><desc>Centres\n&lt;x&gt;</desc>\n<g/></svg>'
    """
    end = svg.index(">") + 1
    return svg[:end] + "<desc>" + html.escape("\n".join(lines), quote=False) + "</desc>" + svg[end:]


def _style(ax: Any, title: str) -> None:
    ax.set_title(title, fontsize=11, loc="left")
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)


def _rc() -> Any:  # matplotlib types rc keys as literals
    return {"font.family": list(font_families()), "axes.unicode_minus": False}


def bar_chart(labels: Sequence[str], values: Sequence[float], title: str) -> str:
    """A horizontal bar chart, first label on top, as SVG text.

    Examples
    --------
    >>> svg = bar_chart(["Thailand", "泰国"], [2, 1], "Centres")
    >>> svg.startswith("<svg") and "<path" in svg
    True
    """
    import matplotlib

    with matplotlib.rc_context(_rc()):
        fig = _figure(7.5, max(2.0, 0.28 * len(labels) + 0.9))
        ax = fig.add_subplot()
        ax.barh(list(labels)[::-1], list(values)[::-1], color=_PALETTE[0])
        _style(ax, title)
        fig.tight_layout()
        return _to_svg(fig)


def stacked_bar_chart(labels: Sequence[str], series: Mapping[str, Sequence[float]], title: str) -> str:
    """A horizontal stacked bar chart (one colour per series, with a legend) as SVG text.

    Examples
    --------
    >>> svg = stacked_bar_chart(["BR", "MY"], {"bilateral": [2, 1], "branch": [0, 1]}, "Centres")
    >>> svg.count("<svg")
    1
    """
    import matplotlib

    with matplotlib.rc_context(_rc()):
        fig = _figure(7.5, max(2.2, 0.28 * len(labels) + 1.2))
        ax = fig.add_subplot()
        rows = list(labels)[::-1]
        left = [0.0] * len(rows)
        for i, (name, values) in enumerate(series.items()):
            vals = list(values)[::-1]
            ax.barh(rows, vals, left=left, label=name, color=_PALETTE[i % len(_PALETTE)])
            left = [a + b for a, b in zip(left, vals, strict=True)]
        ax.legend(fontsize=8, frameon=False, loc="lower right")
        _style(ax, title)
        fig.tight_layout()
        return _to_svg(fig)


def growth_chart(series: Mapping[str, Mapping[int, int]], title: str) -> str:
    """Cumulative counts by year, one small step chart per series (shared years), as SVG text.

    ``series`` maps a name to ``{year: new items that year}``; each series has its own
    y scale, so seven centres are not flattened by 150 member countries.

    Examples
    --------
    >>> svg = growth_chart({"members": {2014: 3, 2017: 2}, "centres": {2013: 1}}, "Growth")
    >>> "<svg" in svg
    True
    """
    import matplotlib

    with matplotlib.rc_context(_rc()):
        names = list(series)
        fig = _figure(7.5, 0.6 + 1.5 * max(1, len(names)))
        axes = fig.subplots(max(1, len(names)), 1, sharex=True, squeeze=False)[:, 0]
        years = sorted({y for counts in series.values() for y in counts})
        for i, (ax, name) in enumerate(zip(axes, names, strict=False)):
            total, ys = 0, []
            for year in years:
                total += series[name].get(year, 0)
                ys.append(total)
            ax.step(years, ys, where="post", color=_PALETTE[i % len(_PALETTE)], linewidth=2)
            ax.fill_between(years, ys, step="post", alpha=0.15, color=_PALETTE[i % len(_PALETTE)])
            ax.set_ylabel(name, fontsize=8, rotation=0, ha="right", va="center")
            ax.set_ylim(bottom=0)
            ax.tick_params(labelsize=8)
            ax.spines[["top", "right"]].set_visible(False)
        if years:
            axes[-1].set_xticks(years[:: max(1, len(years) // 12)])
        axes[0].set_title(title, fontsize=11, loc="left")
        fig.tight_layout()
        return _to_svg(fig)


def path_chart(paths: Sequence[Sequence[tuple[str, str | None]]], title: str) -> str:
    """Paths drawn as rows of boxes joined by arrows labelled with relationship types.

    Each path is a sequence of ``(node name, relationship type to the next node or None)``.

    Examples
    --------
    >>> svg = path_chart([[("Demand A", "SEEKS"), ("Centre B", None)]], "Paths")
    >>> svg.startswith("<svg")
    True
    """
    import matplotlib

    with matplotlib.rc_context(_rc()):
        longest = max((len(p) for p in paths), default=1)
        fig = _figure(max(6.0, 2.4 * longest), 0.9 * max(1, len(paths)) + 0.6)
        ax = fig.add_subplot()
        ax.set_xlim(-0.6, longest - 0.4)
        ax.set_ylim(-len(paths) + 0.4, 0.8)
        ax.axis("off")
        ax.set_title(title, fontsize=11, loc="left")
        for row, path in enumerate(paths):
            y = -row
            for col, (label, rel) in enumerate(path):
                text = label if len(label) <= 28 else label[:27] + "…"
                ax.text(
                    col, y, text, ha="center", va="center", fontsize=7,
                    bbox={"boxstyle": "round,pad=0.3", "fc": "#eef4f8", "ec": _PALETTE[0]},
                )  # fmt: skip
                if rel is not None and col + 1 < len(path):
                    ax.annotate(
                        "", xy=(col + 0.62, y), xytext=(col + 0.38, y),
                        arrowprops={"arrowstyle": "->", "color": _PALETTE[4]},
                    )  # fmt: skip
                    ax.text(col + 0.5, y + 0.22, rel, ha="center", fontsize=6, color=_PALETTE[4])
        fig.tight_layout()
        return _to_svg(fig)
