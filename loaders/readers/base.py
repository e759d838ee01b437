"""Records, locations and file opening shared by all readers.

Examples
--------
>>> loc = SourceLocation("centers.csv", 3)
>>> str(loc)
'centers.csv:3'
>>> strip_gz("ipc.tsv.gz")
('ipc.tsv', True)
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO, Any, NamedTuple

__all__ = ["EXTRA_CELLS", "SourceLocation", "SourceRecord", "open_binary", "open_text", "strip_gz"]


#: Key under which tabular readers put the cells of a row that has more cells than
#: the header has columns (a list); the mapper reports such rows instead of guessing.
EXTRA_CELLS = "__extra_cells__"


class SourceLocation(NamedTuple):
    """Where a record comes from.

    ``row`` is the number a person would look up: for CSV the line on which the
    record starts (the header is line 1, so the first data row is 2); for Excel the
    sheet row; for JSON, YAML and RDF the 1-based position of the record; for JSON
    Lines the line number.  (A named tuple: readers make millions of them.)
    """

    file: str
    row: int
    sheet: str | None = None

    def __str__(self) -> str:
        sheet = f"[{self.sheet}]" if self.sheet else ""
        return f"{self.file}{sheet}:{self.row}"


class SourceRecord(NamedTuple):
    """One record of a source file: field name → raw value, plus its location."""

    values: dict[str, Any]
    location: SourceLocation


def strip_gz(name: str) -> tuple[str, bool]:
    """Return the name without a trailing ``.gz`` and whether it had one."""
    if name.lower().endswith(".gz"):
        return name[:-3], True
    return name, False


def open_binary(path: str | Path) -> IO[bytes]:
    """Open `path` for binary reading, decompressing ``.gz`` files transparently."""
    p = Path(path)
    if strip_gz(p.name)[1]:
        return gzip.GzipFile(p, "rb")  # type: ignore[return-value]
    return p.open("rb")


def open_text(path: str | Path, encoding: str = "utf-8-sig") -> IO[str]:
    """Open `path` as text (newlines untranslated), decompressing ``.gz`` transparently.

    The default encoding ``utf-8-sig`` drops a leading byte-order mark.
    """
    return io.TextIOWrapper(open_binary(path), encoding=encoding, newline="")
