"""CSV/TSV reader (any delimiter, BOM, gzip), streaming row by row."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from loaders.errors import ReaderError
from loaders.readers.base import EXTRA_CELLS, SourceLocation, SourceRecord, open_binary, open_text

__all__ = ["read_csv"]


def read_csv(
    path: str | Path,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8-sig",
    quotechar: str = '"',
    header: list[str] | None = None,
    name: str | None = None,
) -> Iterator[SourceRecord]:
    """Yield the rows of a delimited text file as records keyed by column name.

    Parameters
    ----------
    path : str or Path
        File to read; ``.gz`` files are decompressed on the fly.
    delimiter : str
        Field separator (``","``, ``"\\t"``, ``";"``, ``"|"`` …).
    encoding : str
        Text encoding; the default drops a UTF-8 byte-order mark.
    quotechar : str
        Quote character.
    header : list of str, optional
        Column names for a file without a header line; by default the first line
        is the header.
    name : str, optional
        File name to record in locations (default: `path` as given).

    Yields
    ------
    SourceRecord
        Values are the cell strings; a short row lacks its missing columns, the
        surplus cells of a long row are listed under `EXTRA_CELLS`, blank lines are
        skipped.  ``location.row`` is the line on which the record starts.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "c.csv").write_text("\\ufeffiso2;name\\nGR;Greece\\n", encoding="utf-8")
    >>> [(r.values, r.location.row) for r in read_csv(d / "c.csv", delimiter=";")]
    [({'iso2': 'GR', 'name': 'Greece'}, 2)]
    """
    label = name if name is not None else str(path)
    with open_text(path, encoding) as fh:
        reader = csv.reader(fh, delimiter=delimiter, quotechar=quotechar)
        try:
            if header is None:
                first = next(reader, None)
                if first is None:
                    return
                columns = [c.strip() for c in first]
            else:
                columns = list(header)
            width = len(columns)
            start = reader.line_num + 1
            for row in reader:
                if row:
                    values: dict[str, Any] = dict(zip(columns, row, strict=False))
                    if len(row) > width:
                        values[EXTRA_CELLS] = row[width:]
                    yield SourceRecord(values, SourceLocation(label, start))
                start = reader.line_num + 1
        except UnicodeDecodeError as exc:  # decoded ahead of the parser: find the line again
            line, column, byte = _undecodable(path, encoding, delimiter, quotechar, header)
            where = f" in column {column!r}" if column else ""
            reason = f"byte {byte} is not valid {encoding}{where} (save the file as UTF-8, or set encoding:)"
            raise ReaderError(label, line, reason) from exc
        except csv.Error as exc:
            raise ReaderError(label, reader.line_num or None, f"cannot read CSV: {exc}") from exc


def _undecodable(
    path: str | Path, encoding: str, delimiter: str, quotechar: str, header: list[str] | None
) -> tuple[int | None, str | None, str]:
    """The line, column (when the line parses alone) and byte of the first undecodable byte."""
    decoder = codecs.getincrementaldecoder(encoding)()
    columns = header
    with open_binary(path) as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                text = decoder.decode(raw)
            except UnicodeDecodeError as exc:
                byte = f"0x{raw[exc.start]:02x}" if 0 <= exc.start < len(raw) else "?"
                if columns is None or number == 1:
                    return number, None, byte
                cells = next(
                    csv.reader(
                        [raw.decode(encoding, "surrogateescape")], delimiter=delimiter, quotechar=quotechar
                    ),
                    [],
                )
                bad = [i for i, cell in enumerate(cells) if any("\udc80" <= ch <= "\udcff" for ch in cell)]
                column = columns[bad[0]] if bad and bad[0] < len(columns) else None
                return number, column, byte
            if columns is None:
                columns = [
                    c.strip() for c in next(csv.reader([text], delimiter=delimiter, quotechar=quotechar), [])
                ]
    return None, None, "?"
