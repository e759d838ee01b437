"""Readers: pure generators of `SourceRecord` (values + location) for each file format.

`read` picks the reader from the file extension (``.gz`` is looked through):

=================  ===========  =========================================
extension          format       options
=================  ===========  =========================================
.csv               csv          delimiter, encoding, quotechar, header
.tsv, .tab         tsv          (csv with a tab delimiter)
.json              json         records_key, encoding
.jsonl, .ndjson    jsonl        encoding
.yaml, .yml        yaml         records_key, encoding
.xlsx, .xlsm       xlsx         sheet, header_row
.ttl               turtle       —
.jsonld            jsonld       —
.nt                ntriples     —
.rdf, .owl, .xml   rdfxml       —
=================  ===========  =========================================

Examples
--------
>>> detect_format("data/ipc_all_symbols.tsv.gz")
'tsv'
>>> detect_format("ontology.ttl")
'turtle'
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from loaders.errors import ReaderError
from loaders.readers.base import EXTRA_CELLS, SourceLocation, SourceRecord, open_binary, open_text, strip_gz
from loaders.readers.delimited import read_csv
from loaders.readers.excel import read_xlsx
from loaders.readers.jsonfmt import read_json, read_jsonl
from loaders.readers.rdf import RDF_FORMATS, read_rdf
from loaders.readers.yamlfmt import read_yaml

__all__ = [
    "EXTRA_CELLS",
    "FORMATS",
    "SourceLocation",
    "SourceRecord",
    "detect_format",
    "open_binary",
    "open_text",
    "read",
    "read_csv",
    "read_json",
    "read_jsonl",
    "read_rdf",
    "read_xlsx",
    "read_yaml",
    "reader_for",
]

_EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".ttl": "turtle",
    ".jsonld": "jsonld",
    ".nt": "ntriples",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
    ".xml": "rdfxml",
}

#: Format names accepted by `read`.
FORMATS: frozenset[str] = frozenset({"csv", "tsv", "json", "jsonl", "yaml", "xlsx", *RDF_FORMATS})


def detect_format(path: str | Path) -> str:
    """Return the format name for `path` from its extension (``.gz`` looked through)."""
    name, _ = strip_gz(Path(path).name.lower())
    suffix = Path(name).suffix
    try:
        return _EXTENSIONS[suffix]
    except KeyError:
        raise ReaderError(
            str(path), None, f"cannot tell the format from extension {suffix!r}; give format= explicitly"
        ) from None


def reader_for(fmt: str) -> Callable[..., Iterator[SourceRecord]]:
    """Return the reader function for format `fmt` (used to check reader options)."""
    readers: dict[str, Callable[..., Iterator[SourceRecord]]] = {
        "csv": read_csv,
        "tsv": read_csv,
        "json": read_json,
        "jsonl": read_jsonl,
        "yaml": read_yaml,
        "xlsx": read_xlsx,
        **dict.fromkeys(RDF_FORMATS, read_rdf),
    }
    try:
        return readers[fmt]
    except KeyError:
        raise ReaderError("", None, f"unknown format {fmt!r} (known: {', '.join(sorted(FORMATS))})") from None


def read(path: str | Path, format: str | None = None, **options: Any) -> Iterator[SourceRecord]:
    """Read any supported file, yielding `SourceRecord` objects.

    Parameters
    ----------
    path : str or Path
        The file.
    format : str, optional
        One of `FORMATS`; by default detected from the extension.
    **options
        Passed to the format's reader (see the table in the module docstring);
        ``name`` sets the file name recorded in locations.

    Examples
    --------
    >>> import tempfile, pathlib, gzip
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "codes.tsv.gz"
    >>> _ = f.write_bytes(gzip.compress(b"symbol\\ttitle\\nA\\tHUMAN NECESSITIES\\n"))
    >>> [r.values for r in read(f)]
    [{'symbol': 'A', 'title': 'HUMAN NECESSITIES'}]
    """
    fmt = format or detect_format(path)
    label = str(options.get("name") or path)
    if fmt == "csv":
        return _intact(read_csv(path, **options), label)
    if fmt == "tsv":
        options.setdefault("delimiter", "\t")
        return _intact(read_csv(path, **options), label)
    if fmt == "json":
        return _intact(read_json(path, **options), label)
    if fmt == "jsonl":
        return _intact(read_jsonl(path, **options), label)
    if fmt == "yaml":
        return _intact(read_yaml(path, **options), label)
    if fmt == "xlsx":
        return _intact(read_xlsx(path, **options), label)
    if fmt in RDF_FORMATS:
        return _intact(read_rdf(path, rdf_format=fmt, **options), label)
    raise ReaderError(str(path), None, f"unknown format {fmt!r} (known: {', '.join(sorted(FORMATS))})")


def _intact(records: Iterator[SourceRecord], label: str) -> Iterator[SourceRecord]:
    """`records`, a truncated or corrupt ``.gz`` file raised as a `ReaderError` naming it.

    (Python's gzip raises `EOFError` at a truncated end, which the command line would
    otherwise take for Ctrl-D and report as "aborted".)
    """
    last: int | None = None
    try:
        for record in records:
            last = record.location.row
            yield record
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        after = f" after row {last}" if last is not None else " before its first record"
        raise ReaderError(label, None, f"the compressed file is truncated or corrupt{after} ({exc})") from exc
