"""Excel (.xlsx) reader: openpyxl in read-only mode, row by row."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from loaders.errors import ReaderError
from loaders.readers.base import EXTRA_CELLS, SourceLocation, SourceRecord, open_binary

__all__ = ["read_xlsx"]


def read_xlsx(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_row: int = 1,
    name: str | None = None,
) -> Iterator[SourceRecord]:
    """Yield the rows of one worksheet as records keyed by the header row.

    Parameters
    ----------
    path : str or Path
        Workbook (``.xlsx``; ``.xlsx.gz`` also works).
    sheet : str or int, optional
        Sheet name, or 0-based index; default the first sheet.
    header_row : int
        Sheet row holding the column names (1-based); data starts below it.
    name : str, optional
        File name to record in locations.

    Yields
    ------
    SourceRecord
        Cell values as openpyxl gives them (str, int, float, datetime, None);
        entirely empty rows are skipped; ``location.row`` is the sheet row.
    """
    from openpyxl import load_workbook  # imported lazily: only Excel users pay for it

    label = name if name is not None else str(path)
    with open_binary(path) as fh:
        try:
            wb = load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a broken file
            raise ReaderError(label, None, f"cannot open workbook: {exc}") from exc
        try:
            if sheet is None:
                ws = wb.worksheets[0]
            elif isinstance(sheet, int):
                ws = wb.worksheets[sheet]
            else:
                ws = wb[sheet]
        except (KeyError, IndexError) as exc:
            wb.close()
            names = ", ".join(wb.sheetnames)
            raise ReaderError(label, None, f"no sheet {sheet!r} (sheets: {names})") from exc
        title = ws.title
        try:
            columns: list[str] | None = None
            for rownum, row in enumerate(ws.iter_rows(min_row=header_row, values_only=True), header_row):
                if columns is None:
                    columns = [
                        str(c).strip() if c is not None else f"column{i + 1}" for i, c in enumerate(row)
                    ]
                    continue
                if all(v is None or v == "" for v in row):
                    continue
                values = dict(zip(columns, row, strict=False))
                if len(row) > len(columns) and any(v not in (None, "") for v in row[len(columns) :]):
                    values[EXTRA_CELLS] = list(row[len(columns) :])
                yield SourceRecord(values, SourceLocation(label, rownum, title))
        finally:
            wb.close()
