"""Content negotiation between JSON and CSV, and CSV rows, for tabular answers.

Hand-written (RFC 9110 section 12.5.1, media ranges with ``q`` weights, the most
specific range deciding) because the application offers two media types only and no
maintained negotiation library is among its dependencies.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from api.problems import ProblemError

__all__ = ["CSV_MEDIA_TYPE", "JSON_MEDIA_TYPE", "negotiate", "to_csv"]

JSON_MEDIA_TYPE = "application/json"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
_OFFERS = (JSON_MEDIA_TYPE, "text/csv")  # in order of preference on equal quality


# --- content negotiation and CSV -------------------------------------------------------


def _ranges(accept: str) -> list[tuple[str, str, float]]:
    out = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if "/" not in media:
            continue
        kind, _, sub = media.lower().partition("/")
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = -1.0  # a malformed weight: ignore the range
        if 0.0 <= q <= 1.0:
            out.append((kind.strip(), sub.strip(), q))
    return out


def negotiate(accept: str | None) -> str:
    """The media type to answer with: ``application/json`` or ``text/csv``.

    Raises `ProblemError` 406 when the header allows neither.

    Examples
    --------
    >>> negotiate(None), negotiate("*/*"), negotiate("text/csv"), negotiate("text/*")
    ('application/json', 'application/json', 'text/csv', 'text/csv')
    >>> negotiate("text/csv;q=0.5, application/json;q=0.4")
    'text/csv'
    >>> negotiate("image/png")
    Traceback (most recent call last):
    ...
    api.problems.ProblemError: This resource is available as application/json or text/csv.
    """
    if accept is None or not accept.strip():
        return JSON_MEDIA_TYPE
    ranges = _ranges(accept)
    best, best_q = None, 0.0
    for offer in _OFFERS:
        kind, _, sub = offer.partition("/")
        matches = [
            (2 * (k == kind) + (s == sub), q)
            for k, s, q in ranges
            if (k == kind or k == "*") and (s == sub or s == "*") and not (k == "*" and s != "*")
        ]
        if matches:
            q = max(matches)[1]
            if q > best_q:
                best, best_q = offer, q
    if best is None:
        raise ProblemError(
            406, "This resource is available as application/json or text/csv.", kind="not-acceptable"
        )
    return best


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        if all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
            return ";".join(str(v) for v in value)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def to_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """Rows as CSV text with a header; lists of scalars joined by ``;``, nested values as JSON.

    Examples
    --------
    >>> print(to_csv(["id", "name", "groups"], [{"id": "a", "name": 'Say "hi", ok', "groups": ["x", "y"]}]))
    id,name,groups
    a,"Say ""hi"", ok",x;y
    <BLANKLINE>
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue()
