"""Measure how much of a report edition's prose is in Latin script (issue #22).

`prose_lines` reads a rendered HTML report as a reader meets it: headings, paragraphs,
list items, table captions, headers and cells, figure captions, and the text drawn in
each figure (the SVG's ``<desc>``, which `viz.report.charts` fills with every title,
axis label, tick and legend entry).  `latin_share` strips what is not prose — URLs,
DOIs, code spans, ``file:row`` provenance, dotted and CamelCase identifiers, upper-case
codes, graph ids, numbers, and the names the caller declares (the graph's English names:
a name is a name, not prose) — and counts the lines whose remaining letters are mostly
Latin.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

import networkx as nx

__all__ = ["Share", "english_names", "latin_lines", "latin_share", "prose_lines"]

_BLOCKS = frozenset({"h1", "h2", "h3", "h4", "p", "li", "th", "td", "caption", "figcaption"})
_SVG_DESC = "{http://www.w3.org/2000/svg}desc"

#: names of people and software: proper nouns in any edition
PROPER_NOUNS = (
    "Gould–Fernandez", "Gould", "Fernandez", "Burt", "Louvain", "Leiden", "Brandes", "Jaccard", "TF-IDF",
    "sna", "networkx", "igraph", "pyshacl", "pycountry", "FalkorDB", "Neo4j", "WeasyPrint", "Babel", "Cypher",
    "Tian", "Yan", "Tang", "Liu", "z",
)  # fmt: skip

_TECHNICAL = [
    re.compile(p)
    for p in (
        r"https?://\S+",
        r"\b10\.\d{4,}/\S+",  # DOI
        r"`[^`]*`",
        r"--[\w-]+",  # command-line options
        r"[\w./-]+\.(?:csv|jsonl?|ya?ml|ttl|xlsx|py|md|gz)(?::\d+)?\b",  # file[:row]
        r"\b[\w-]+:[\w.:/-]+",  # graph ids (Institution:CATTC-TH), key:value codes
        # (the patterns above are applied before the names, those below after)
        r"\b\w+(?:\.\w+)+(?:\(\))?",  # dotted identifiers (viz.report.overview, Country.briYear)
        r"\b\w*_\w*\b",  # snake_case and UPPER_CASE
        r"\b[a-z]+[A-Z]\w*\b",  # camelCase (nameZh, signedOn)
        r"\b[A-Z][a-z]+[A-Z]\w*\b",  # CamelCase (TransferCentre)
        r"\b[A-Z0-9]{2,}\b",  # codes and acronyms (IPC, OECD, SHACL, TH)
        r"\w+\(\)",  # function calls
        r"'[^']*'",  # quoted literals
        r"\((?:\w*:[\w|]+|\w)(?:\s*\{[^}]*\})?\)",  # Cypher node patterns: (c), (:Country), (:Statistic {…})
        r"<?-\[[^\]]*\]->?",  # Cypher relationship patterns
        r"[\d.,%:+−-]+",
    )
]
_IDS = 6
_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ɏ]{2,}")


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._depth = 0
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            if self._depth and self._buffer:  # a block inside a block (caption's origin span is inline)
                self._flush()
            self._depth += 1
        if tag == "img":
            src = dict(attrs).get("src") or ""
            if src.startswith("data:image/svg+xml;base64,"):
                svg = ET.fromstring(base64.b64decode(src.split(",", 1)[1]))
                for desc in svg.iter(_SVG_DESC):
                    self.lines.extend(line for line in (desc.text or "").splitlines() if line.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS and self._depth:
            self._depth -= 1
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._buffer.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        if text:
            self.lines.append(text)
        self._buffer = []


def prose_lines(html: str) -> list[str]:
    """The text lines of a rendered report, block by block, with the text drawn in its figures.

    Examples
    --------
    >>> prose_lines("<h1>T</h1><p>a <b>b</b></p><table><tr><td>1</td></tr></table>")
    ['T', 'a b', '1']
    """
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    return parser.lines


#: properties whose values are names (of a node, a city, a province) or a source's own words, quoted as
#: they are: ``status`` (the note a source gives; the report shows the lifecycle stage beside it in the
#: reader's language) and a statistic's ``value`` ("125 countries and 29 international organisations")
NAME_PROPERTIES = ("name", "title", "nameEn", "city", "province", "status", "value")


def english_names(G: nx.Graph) -> set[str]:
    """Every node's English name, title, city, province, source note and key: names and quotations,
    not prose of the report."""
    names: set[str] = set()
    for node, data in G.nodes(data=True):
        p = data.get("props", {})
        names.update(str(p[k]) for k in NAME_PROPERTIES if isinstance(p.get(k), str) and p[k])
        names.add(str(data.get("key", node)))
    return {n for n in names if len(n) > 1}


def _names_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """One pattern for the names, longest first, never inside a word."""
    ordered = sorted({*PROPER_NOUNS, *names}, key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z])(?:" + "|".join(map(re.escape, ordered)) + r")(?![A-Za-z])")


def _stripped(line: str, names: re.Pattern[str]) -> str:
    for pattern in _TECHNICAL[:_IDS]:  # ids before names (an id's key may be a name)
        line = pattern.sub(" ", line)
    line = names.sub(" ", line)
    for pattern in _TECHNICAL[_IDS:]:
        line = pattern.sub(" ", line)
    return line


@dataclass(frozen=True, slots=True)
class Share:
    """Lines measured and the mostly-Latin ones among them."""

    lines: int
    latin: list[str]

    @property
    def share(self) -> float:
        """The share of mostly-Latin prose lines (0 for an empty report)."""
        return len(self.latin) / self.lines if self.lines else 0.0


def latin_lines(lines: Iterable[str], names: Iterable[str] = ()) -> Share:
    """Count the prose lines whose letters, identifiers and declared names aside, are mostly Latin.

    A line counts as prose when something but numbers and identifiers remains; it is Latin
    prose when it keeps two Latin words or more and more Latin letters than CJK characters.

    Examples
    --------
    >>> lines = ["The graph holds 12 nodes.", "图谱共有12个节点。", "Institution:CATTC", "Mahidol University"]
    >>> s = latin_lines(lines, names={"Mahidol University"})
    >>> s.lines, s.latin
    (2, ['The graph holds 12 nodes.'])
    """
    pattern = _names_pattern(names)
    counted, latin = 0, []
    for line in lines:
        rest = _stripped(line, pattern)
        letters, cjk = len(_LATIN.findall(rest)), len(_CJK.findall(rest))
        if not letters and not cjk:
            continue
        counted += 1
        if len(_LATIN_WORD.findall(rest)) >= 2 and letters > cjk:
            latin.append(line)
    return Share(counted, latin)


def latin_share(html: str, names: Iterable[str] = ()) -> Share:
    """`latin_lines` over `prose_lines` of a rendered report."""
    return latin_lines(prose_lines(html), names)
