"""`RecordError`: one bad (or missing) value in one source row.

Collected, never raised, so that a load reports every bad row of a file and the caller
decides what to do.  Made by the loaders' mappings and by the checks of records against
the stored graph (`graph.checks`), which the API's entity writes run too.

Examples
--------
>>> err = RecordError("centers.csv", 3, "established", "'2015-13-40' is not a date")
>>> str(err)
"centers.csv:3: column 'established': '2015-13-40' is not a date"
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RecordError"]


@dataclass(frozen=True, slots=True)
class RecordError:
    """One bad value (or missing value) in one source row.

    Parameters
    ----------
    file : str
        Source file, as recorded in provenance (relative to the provenance root).
    row : int or None
        Row number in the source (see `loaders.readers.SourceLocation`).
    column : str or None
        Column (field) holding the bad value, if one is to blame.
    reason : str
        Plain-language explanation, e.g. ``"missing key column 'iso2'"``.
    """

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row is not None else self.file
        col = f" column {self.column!r}:" if self.column else ""
        return f"{where}:{col} {self.reason}"
