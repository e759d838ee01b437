"""The report's data model: sections of paragraphs, tables and figures, each with its origin.

Every table and figure names the function (and run-record key or graph query) that
produced it, so a reader can trace any number back to its computation; the methods
section lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Figure", "Report", "Section", "Table"]


@dataclass(slots=True)
class Table:
    """A table with a caption and the origin of its rows.

    Examples
    --------
    >>> t = Table("Nodes by type", ["type", "nodes"], [["Country", "249"]], "overview.counts_by_type")
    >>> t.header, t.origin
    (['type', 'nodes'], 'overview.counts_by_type')
    """

    caption: str
    header: list[str]
    rows: list[list[str]]
    origin: str


@dataclass(slots=True)
class Figure:
    """A figure: an SVG document (text) with its caption and origin."""

    caption: str
    svg: str
    origin: str


@dataclass(slots=True)
class Section:
    """A report section: paragraphs, tables and figures, with the origin of its numbers.

    ``subsections`` nest one level (a country page's parts, one profile per centre).
    """

    key: str
    title: str
    source: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)


@dataclass(slots=True)
class Report:
    """The whole report (``country`` is set for a country page)."""

    title: str
    lang: str
    run_id: str | None
    sections: list[Section]
    generated: str = ""
    country: str | None = None

    def all_sections(self) -> list[Section]:
        """Sections and their subsections, depth first.

        Examples
        --------
        >>> r = Report("t", "en", None, [Section("a", "A", "x", subsections=[Section("b", "B", "y")])])
        >>> [s.key for s in r.all_sections()]
        ['a', 'b']
        """
        out: list[Section] = []
        for section in self.sections:
            out.append(section)
            out.extend(section.subsections)
        return out
