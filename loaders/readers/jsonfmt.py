"""JSON and JSON Lines readers.

`read_json` streams the records of a top-level array (or of the array under a key of
a top-level object) with the standard library's `json.JSONDecoder.raw_decode`, so a
large file is never held in memory as a whole; only one record at a time is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from loaders.errors import ReaderError
from loaders.readers.base import SourceLocation, SourceRecord, open_text

__all__ = ["read_json", "read_jsonl"]

_WS = frozenset(" \t\r\n")
_DECODER = json.JSONDecoder()


class _JsonStream:
    """A minimal pull parser over a text stream: whitespace, punctuation, values."""

    def __init__(self, fh: IO[str], label: str, chunk: int = 1 << 16) -> None:
        self.fh = fh
        self.label = label
        self.base_chunk = self.chunk = chunk
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.record = 0

    def _fill(self, grow: bool = False) -> bool:
        if self.eof:
            return False
        if grow:
            self.chunk *= 2
        data = self.fh.read(self.chunk)
        if not data:
            self.eof = True
            return False
        self.buf = self.buf[self.pos :] + data
        self.pos = 0
        return True

    def peek(self) -> str | None:
        while True:
            buf, pos, n = self.buf, self.pos, len(self.buf)
            while pos < n and buf[pos] in _WS:
                pos += 1
            self.pos = pos
            if pos < n:
                return buf[pos]
            if not self._fill():
                return None

    def expect(self, char: str) -> None:
        if self.peek() != char:
            self.fail(f"expected {char!r}")
        self.pos += 1

    def value(self) -> Any:
        if self.peek() is None:
            self.fail("unexpected end of file")
        retries = 0
        while True:
            try:
                obj, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # probably cut by the buffer end: read more (doubling for a very long value)
                if self._fill(grow=retries > 0):
                    retries += 1
                    continue
                self.fail(f"invalid JSON: {exc.msg}")
            if end == len(self.buf) and self._fill():
                continue  # a number or literal may continue in the next chunk
            self.pos = end
            self.chunk = self.base_chunk
            return obj

    def fail(self, reason: str) -> Any:
        raise ReaderError(self.label, self.record or None, reason)


def _stream_array(stream: _JsonStream) -> Iterator[SourceRecord]:
    stream.expect("[")
    if stream.peek() == "]":
        return
    while True:
        stream.record += 1
        obj = stream.value()
        if not isinstance(obj, dict):
            stream.fail(f"record {stream.record} is not a JSON object")
        yield SourceRecord(obj, SourceLocation(stream.label, stream.record))
        char = stream.peek()
        if char == "]":
            return
        if char != ",":
            stream.fail("expected ',' or ']' after a record")
        stream.pos += 1


def read_json(
    path: str | Path,
    *,
    records_key: str | None = None,
    encoding: str = "utf-8-sig",
    name: str | None = None,
) -> Iterator[SourceRecord]:
    """Yield the objects of a JSON array, streaming.

    Parameters
    ----------
    path : str or Path
        A JSON file (``.gz`` allowed) holding an array of objects, or an object with
        such an array under `records_key`.
    records_key : str, optional
        Key of the array in a top-level object; by default the first key whose value
        is an array.
    encoding : str
        Text encoding.
    name : str, optional
        File name to record in locations.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "c.json"
    >>> _ = f.write_text('{"meta": {"n": 2}, "records": [{"iso2": "GR"}, {"iso2": "CN"}]}')
    >>> [(r.values["iso2"], r.location.row) for r in read_json(f)]
    [('GR', 1), ('CN', 2)]
    """
    label = name if name is not None else str(path)
    with open_text(path, encoding) as fh:
        stream = _JsonStream(fh, label)
        first = stream.peek()
        if first == "[":
            yield from _stream_array(stream)
            return
        if first != "{":
            stream.fail("expected a JSON array or object")
        stream.pos += 1
        seen: list[str] = []
        while stream.peek() != "}":
            key = stream.value()
            stream.expect(":")
            if not isinstance(key, str):
                stream.fail("expected an object key")
            is_array = stream.peek() == "["
            if (records_key is None and is_array) or key == records_key:
                if not is_array:
                    stream.fail(f"value of {key!r} is not an array")
                yield from _stream_array(stream)
                return
            seen.append(key)
            stream.value()
            if stream.peek() == ",":
                stream.pos += 1
        wanted = f"key {records_key!r}" if records_key else "array of records"
        stream.fail(f"no {wanted} in the top-level object (keys: {', '.join(seen) or 'none'})")


def read_jsonl(
    path: str | Path, *, encoding: str = "utf-8-sig", name: str | None = None
) -> Iterator[SourceRecord]:
    """Yield one record per non-blank line of a JSON Lines file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "c.jsonl"
    >>> _ = f.write_text('{"iso2": "GR"}\\n\\n{"iso2": "CN"}\\n')
    >>> [(r.values["iso2"], r.location.row) for r in read_jsonl(f)]
    [('GR', 1), ('CN', 3)]
    """
    label = name if name is not None else str(path)
    with open_text(path, encoding) as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ReaderError(label, lineno, f"invalid JSON: {exc.msg}") from exc
            if not isinstance(obj, dict):
                raise ReaderError(label, lineno, "line is not a JSON object")
            yield SourceRecord(obj, SourceLocation(label, lineno))
