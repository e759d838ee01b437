"""Replies of the FalkorDB server: ``--compact`` cells decoded, errors translated.

Examples
--------
>>> decode_compact([3, 7], None)
7
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import redis

from graph.errors import QueryTimeout, ReadOnlyViolation, StoreError, StoreUnavailable

__all__ = ["RawQuery", "decode_compact", "translate_error"]

#: A read query returning raw reply rows: ``raw(cypher, params=None, *, compact=True, key=None)``.
RawQuery = Callable[..., list[list[Any]]]


def decode_compact(cell: Sequence[Any], graph: Any) -> Any:
    """Decode one ``--compact`` reply cell of plain types fast (others via the client).

    Examples
    --------
    >>> decode_compact([10, ["a", [3, 1], "b", [6, [[2, "x"], [5, "1.5"], [4, "true"], [1, None]]]]], None)
    {'a': 1, 'b': ['x', 1.5, True, None]}
    """
    t, v = cell
    if t == 2 or t == 3:
        return v
    if t == 10:
        return {v[i]: decode_compact(v[i + 1], graph) for i in range(0, len(v), 2)}
    if t == 6:
        return [decode_compact(x, graph) for x in v]
    if t == 5:
        return float(v)
    if t == 4:
        return v == "true"
    if t == 1:
        return None
    from falkordb.query_result import parse_scalar  # the client is imported when first needed

    return parse_scalar(cell, graph)


def translate_error(exc: Exception) -> StoreError:
    """The `StoreError` kind for a server error: `QueryTimeout`, `ReadOnlyViolation` or plain.

    Examples
    --------
    >>> translate_error(RuntimeError("Query timed out"))
    QueryTimeout('Query timed out')
    """
    text = str(exc)
    low = text.lower()
    if "timed out" in low or "timeout" in low:
        return QueryTimeout(text)
    if "read-only" in low or "ro_query" in low:
        return ReadOnlyViolation(text)
    if isinstance(exc, redis.ConnectionError):
        return StoreUnavailable(f"the FalkorDB server is unreachable: {text}")
    return StoreError(text)
