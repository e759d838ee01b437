"""Bounds on what a screened query can produce: a ``LIMIT`` on every result, small ranges.

Both work on the tokens of `graph.cypher_guard.lexical.scan`, after the parser has
accepted the query (so the keywords found at bracket depth 0 are clauses):

* `cap_rows` gives every top-level ``RETURN`` (one per ``UNION`` branch) a ``LIMIT`` of
  at most ``cap + 1`` rows, so the database stops producing rows at the cap instead of
  sending millions that the API then drops.  A smaller integer or parameter ``LIMIT``
  is kept; a larger one is lowered (the answer then says it was truncated).
* `check_ranges` refuses ``range()`` calls whose bounds are not integer literals or
  integer parameters, or whose lengths multiplied together exceed `max_length`: the
  database allocates the whole list at once (``range(1, 1000000000)`` grew the store
  server to 24 GB before its per-query memory check could run), and ``UNWIND`` of two
  ranges multiplies them, in operators that neither FalkorDB's query timeout nor its
  memory cap stop (``UNWIND range(1, 1000000) AS a UNWIND range(1, 1000) AS b RETURN
  collect(a * b)`` grew it past 17 GB and ran a minute against a 2 s timeout).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graph.cypher_guard.lexical import Scanned, Token
from graph.errors import ReadOnlyViolation

__all__ = ["MAX_CONCATENATIONS", "cap_rows", "check_growth", "check_ranges"]

#: Most ``+`` operators in a query: each can double a string or list (``WITH s + s AS s``),
#: and FalkorDB checks its memory cap between operators, not within one record's
#: projections (34 doublings of an 8-byte string took the server to 13 GB with a 2 GB cap).
MAX_CONCATENATIONS = 10


def _word(token: Token, text: str) -> bool:
    return token.kind == "word" and token.text.upper() == text


def _after_dot(tokens: Sequence[Token], i: int) -> bool:
    return i > 0 and tokens[i - 1].kind == "punct" and tokens[i - 1].text == "."


def _arguments(tokens: Sequence[Token], opening: int) -> list[list[Token]]:
    """The comma-separated arguments of the call whose ``(`` is ``tokens[opening]``."""
    depth = tokens[opening].depth + 1
    args: list[list[Token]] = [[]]
    j = opening + 1
    while j < len(tokens) and not (tokens[j].text == ")" and tokens[j].depth == depth - 1):
        if tokens[j].text == "," and tokens[j].depth == depth:
            args.append([])
        else:
            args[-1].append(tokens[j])
        j += 1
    return args


def _int_value(arg: Sequence[Token], parameters: Mapping[str, Any]) -> int | None:
    sign = 1
    if len(arg) == 2 and arg[0].kind == "punct" and arg[0].text in "+-":
        sign = -1 if arg[0].text == "-" else 1
        arg = arg[1:]
    if len(arg) != 1:
        return None
    token = arg[0]
    if token.kind == "number":
        try:
            return sign * int(token.text, 0)
        except ValueError:
            return None
    if token.kind == "param":
        value = parameters.get(token.text[1:])
        if isinstance(value, int) and not isinstance(value, bool):
            return sign * value
    return None


def check_ranges(scanned: Scanned, parameters: Mapping[str, Any], max_length: int) -> None:
    """Refuse ``range()`` calls with unknown bounds or more than `max_length` elements.

    Examples
    --------
    >>> from graph.cypher_guard.lexical import scan
    >>> check_ranges(scan("UNWIND range(1, $n) AS x RETURN x"), {"n": 10}, 1000)
    >>> check_ranges(scan("UNWIND range(1, 1000000000) AS x RETURN count(x)"), {}, 1000)
    Traceback (most recent call last):
    ...
    graph.errors.ReadOnlyViolation: range() of 1000000000 elements is larger than the limit of 1000
    >>> check_ranges(scan("UNWIND range(1, 100) AS a UNWIND range(1, 100) AS b RETURN count(*)"), {}, 1000)
    Traceback (most recent call last):
    ...
    graph.errors.ReadOnlyViolation: the range() calls make 10000 combinations, over the limit of 1000
    """
    tokens = scanned.tokens
    product = 1
    for i, token in enumerate(tokens):
        if token.depth == 0 and _word(token, "UNION"):
            product = 1  # the branches of a UNION run one after the other
            continue
        if not (_word(token, "RANGE") and i + 1 < len(tokens) and tokens[i + 1].text == "("):
            continue
        if _after_dot(tokens, i):
            continue
        args = _arguments(tokens, i + 1)
        values = [_int_value(arg, parameters) for arg in args]
        if len(values) not in (2, 3) or any(v is None for v in values):
            raise ReadOnlyViolation("range() bounds must be integer literals or integer parameters")
        start, end = values[0], values[1]
        step = values[2] if len(values) == 3 else 1
        assert start is not None and end is not None and step is not None
        if step == 0:
            raise ReadOnlyViolation("range() step must not be 0")
        count = max(0, (end - start) // step + 1)
        if count > max_length:
            raise ReadOnlyViolation(f"range() of {count} elements is larger than the limit of {max_length}")
        product *= max(count, 1)
        if product > max_length:
            raise ReadOnlyViolation(
                f"the range() calls make {product} combinations, over the limit of {max_length}"
            )


def check_growth(scanned: Scanned, max_concatenations: int = MAX_CONCATENATIONS) -> None:
    """Refuse queries that can grow a value exponentially within one record.

    At most `max_concatenations` ``+`` operators; ``replace()`` only with literal strings
    whose replacement is no longer than what it replaces.

    Examples
    --------
    >>> from graph.cypher_guard.lexical import scan
    >>> check_growth(scan("RETURN replace($s, '-', ' ') AS s, 1 + 2 AS n"))
    >>> check_growth(scan("WITH 'xx' AS s WITH replace(s, 'x', s) AS s RETURN s"))
    Traceback (most recent call last):
    ...
    graph.errors.ReadOnlyViolation: replace() must replace a string literal by one no longer than it
    """
    tokens = scanned.tokens
    plus = sum(1 for t in tokens if t.kind == "punct" and t.text == "+")
    if plus > max_concatenations:
        raise ReadOnlyViolation(f"the query has more than {max_concatenations} '+' operators")
    for i, token in enumerate(tokens):
        if not (_word(token, "REPLACE") and i + 1 < len(tokens) and tokens[i + 1].text == "("):
            continue
        if _after_dot(tokens, i):
            continue
        args = _arguments(tokens, i + 1)
        ok = (
            len(args) == 3
            and all(len(a) == 1 and a[0].kind == "string" for a in args[1:])
            and len(args[2][0].text) <= len(args[1][0].text)
        )
        if not ok:
            raise ReadOnlyViolation("replace() must replace a string literal by one no longer than it")


def cap_rows(scanned: Scanned, cap: int, parameters: Mapping[str, Any]) -> str:
    """Return the query text with every top-level result limited to ``cap + 1`` rows.

    Examples
    --------
    >>> from graph.cypher_guard.lexical import scan
    >>> cap_rows(scan("MATCH (n) RETURN n UNION MATCH (m) RETURN m AS n LIMIT 5"), 100, {})
    'MATCH (n) RETURN n LIMIT 101 UNION MATCH (m) RETURN m AS n LIMIT 5'
    >>> cap_rows(scan("MATCH (n) RETURN n ORDER BY n.x LIMIT $k"), 100, {"k": 10**6})
    'MATCH (n) RETURN n ORDER BY n.x LIMIT 101'
    >>> cap_rows(scan("CALL db.labels()"), 100, {})
    'CALL db.labels()'
    """
    text = scanned.text
    tokens = scanned.tokens
    limit = cap + 1
    branches: list[tuple[int, int]] = []  # token index ranges of the UNION branches
    first = 0
    for i, token in enumerate(tokens):
        if token.depth == 0 and _word(token, "UNION") and not _after_dot(tokens, i):
            branches.append((first, i))
            first = i + 2 if i + 1 < len(tokens) and _word(tokens[i + 1], "ALL") else i + 1
    branches.append((first, len(tokens)))
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in text offsets
    for lo, hi in branches:
        end = tokens[hi].start if hi < len(tokens) else len(text)
        returns = [
            i
            for i in range(lo, hi)
            if tokens[i].depth == 0 and _word(tokens[i], "RETURN") and not _after_dot(tokens, i)
        ]
        if not returns:
            if lo + 1 < hi and _word(tokens[lo], "CALL") and tokens[lo + 1].text != "{":
                continue  # a standalone call of an allowed procedure: as many rows as schema names
            raise ReadOnlyViolation("a read-only query must end with RETURN")
        limits = [
            i
            for i in range(returns[-1], hi)
            if tokens[i].depth == 0 and _word(tokens[i], "LIMIT") and not _after_dot(tokens, i)
        ]
        if not limits:
            edits.append((end, end, f" LIMIT {limit} "))
            continue
        arg = tokens[limits[-1] + 1 : hi]
        value = _int_value(arg, parameters)
        if value is None and not (len(arg) == 1 and arg[0].kind in ("number", "param")):
            raise ReadOnlyViolation("the final LIMIT must be an integer literal or an integer parameter")
        if value is None or value > limit:
            edits.append((arg[0].start, end, f"{limit} "))
    return _rebuild(scanned.text, edits)


def _rebuild(text: str, edits: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    pos = 0
    for start, stop, replacement in sorted(edits):
        head = text[pos:start]
        out.append(head.rstrip() if replacement.startswith(" ") else head)
        out.append(replacement)
        pos = stop
    out.append(text[pos:])
    return "".join(out).strip()
