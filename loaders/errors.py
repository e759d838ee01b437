"""Error types of the loader layer.

Three kinds of problems are kept apart (the third, `~ontology.record_errors.RecordError`,
lives in ``ontology`` since the checks against the store report it too):

* `MappingError` — the mapping file itself is wrong (bad YAML, unknown option,
  unknown label or property).  Raised before any row is read; it lists every issue
  found, each with the mapping file and line when known.
* `ReaderError` — a source file cannot be read further (invalid JSON, missing sheet).
  Raised by readers; the mapper turns it into a `RecordError` and stops that file.
* ``RecordError`` — one bad value in one row.  Collected, never raised, so that a load
  reports every bad row of a file and the caller decides what to do.

Examples
--------
>>> MappingError(["m.yaml:4: unknown node label 'Contry'"]).issues
("m.yaml:4: unknown node label 'Contry'",)
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["LoaderError", "MappingError", "ReaderError"]


class LoaderError(Exception):
    """Base class of the exceptions raised by ``loaders``."""


class MappingError(LoaderError):
    """A mapping file is invalid; ``issues`` lists every problem found.

    Parameters
    ----------
    issues : iterable of str
        One plain-language message per problem, prefixed ``file:line:`` when known.
    """

    def __init__(self, issues: Iterable[str]) -> None:
        self.issues: tuple[str, ...] = tuple(issues)
        super().__init__("invalid mapping:\n  " + "\n  ".join(self.issues))


class ReaderError(LoaderError):
    """A source file cannot be read further.

    Parameters
    ----------
    file : str
        The file (as given to the reader).
    row : int or None
        Row, line or record number where reading failed, if known.
    reason : str
        Plain-language explanation.
    """

    def __init__(self, file: str, row: int | None, reason: str) -> None:
        self.file = file
        self.row = row
        self.reason = reason
        where = f"{file}:{row}" if row is not None else file
        super().__init__(f"{where}: {reason}")
