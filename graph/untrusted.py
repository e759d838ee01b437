"""Screening of untrusted Cypher, on top of the database's own read-only enforcement.

The database refuses writes (FalkorDB ``GRAPH.RO_QUERY``, Neo4j READ access mode).  Some
reads are still unwanted from an untrusted caller: ``LOAD CSV`` reads files and URLs
from the server's side, procedures can be expensive or administrative (FalkorDB's
``algo.*`` ignore the query timeout), deep nesting makes the database's parser
exponential, and ``range()`` or an unlimited ``RETURN`` can exhaust memory.

`screen_untrusted` runs, in order:

1. `graph.cypher_guard.lexical.scan`: size, token and nesting bounds, comments removed
   (the text without comments is what is parsed and sent), one statement, no unicode
   escapes or characters the databases might read differently;
2. parameter names (identifiers) and values (bounded nesting and size): they are
   spliced into FalkorDB's ``CYPHER name=value`` header, which its parser reads too;
3. `graph.cypher_guard.structure`: a real Cypher parser (graphglot); only read clauses
   (``MATCH``, ``OPTIONAL MATCH``, ``WHERE``, ``WITH``, ``UNWIND``, ``RETURN``,
   ``ORDER BY``, ``SKIP``, ``LIMIT``, ``UNION``, ``CALL { ... }`` read subqueries) and
   the procedures of `ALLOWED_PROCEDURES` pass; what it cannot parse (``LOAD CSV``,
   ``FOREACH``) is refused;
4. `graph.cypher_guard.rowcap`: small ``range()`` bounds (their product too), no
   exponential growth within a record (``reduce()`` is refused by the structure check;
   at most 10 ``+``; ``replace()`` that cannot grow), and a ``LIMIT cap + 1`` on every
   top-level result.

Every refusal is a `~graph.store.ReadOnlyViolation` (HTTP 403); text that is not Cypher the
screen can read raises its subclass `UnparsableQuery` (HTTP 400).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.cypher_guard.checkcopy import check_copy
from graph.cypher_guard.lexical import LexicalLimits, Scanned, UnparsableQuery, scan
from graph.cypher_guard.rowcap import cap_rows, check_growth, check_ranges
from graph.cypher_guard.structure import ALLOWED_PROCEDURES, check_structure, parse
from graph.errors import ReadOnlyViolation
from ontology.vocab import NodeLabel, PropertyName, RelType

__all__ = [
    "ALLOWED_PROCEDURES",
    "EXAMPLE_PARAMETERS",
    "EXAMPLE_QUERY",
    "LexicalLimits",
    "Screened",
    "UnparsableQuery",
    "check_parameters",
    "check_untrusted",
    "screen_untrusted",
]

#: An example of an untrusted read (the API's ``/cypher`` documents it), with `EXAMPLE_PARAMETERS`.
EXAMPLE_QUERY = (
    f"MATCH (c:{NodeLabel.TRANSFER_CENTRE})-[:{RelType.PARENT_CENTRE}]->"
    f"(p {{{PropertyName.ID}: $parent}}) RETURN c.{PropertyName.ID} AS id"
)
#: The parameters of `EXAMPLE_QUERY`.
EXAMPLE_PARAMETERS: dict[str, str] = {"parent": "CASTTC"}

_PARAMETER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_MAX_VALUE_DEPTH = 16
_MAX_VALUE_ITEMS = 100_000
_MAX_VALUE_CHARS = 256_000  # of all string parameters: what a '+' can double
#: Most elements a ``range()`` of an untrusted query may make.
MAX_RANGE = 1_000_000


@dataclass(frozen=True, slots=True)
class Screened:
    """A query that passed the screen: the text to send (comments removed, rows capped)."""

    text: str


def check_parameters(parameters: Mapping[str, Any]) -> None:
    """Refuse parameter names that are not identifiers and values nested too deeply or too big.

    Examples
    --------
    >>> check_parameters({"name": "x' RETURN 1 //", "ids": [1, 2]})
    >>> check_parameters({"a` = 1 MATCH (n) DETACH DELETE n //": 1})
    Traceback (most recent call last):
    ...
    graph.errors.ReadOnlyViolation: parameter name 'a` = 1 MATCH (n) DETACH DELETE n //' is not an identifier
    """
    items = 0
    chars = 0
    stack: list[tuple[Any, int]] = []
    for name, value in parameters.items():
        if not isinstance(name, str) or _PARAMETER_NAME.fullmatch(name) is None:
            raise ReadOnlyViolation(f"parameter name {name!r} is not an identifier")
        stack.append((value, 1))
    while stack:
        value, depth = stack.pop()
        items += 1
        if items > _MAX_VALUE_ITEMS:
            raise ReadOnlyViolation(f"parameters hold more than {_MAX_VALUE_ITEMS} values")
        if isinstance(value, Mapping):
            if depth >= _MAX_VALUE_DEPTH:
                raise ReadOnlyViolation(f"parameter values nest deeper than {_MAX_VALUE_DEPTH} levels")
            for key, item in value.items():
                if not isinstance(key, str) or _PARAMETER_NAME.fullmatch(key) is None:
                    raise ReadOnlyViolation(f"parameter map key {key!r} is not an identifier")
                stack.append((item, depth + 1))
        elif isinstance(value, list | tuple):
            if depth >= _MAX_VALUE_DEPTH:
                raise ReadOnlyViolation(f"parameter values nest deeper than {_MAX_VALUE_DEPTH} levels")
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            if "\x00" in value:  # FalkorDB reads the parameter header as a C string
                raise ReadOnlyViolation("NUL characters are not allowed in parameters")
            chars += len(value)
            if chars > _MAX_VALUE_CHARS:
                raise ReadOnlyViolation(f"string parameters hold more than {_MAX_VALUE_CHARS} characters")
        elif value is not None and not isinstance(value, int | float | bool):
            raise ReadOnlyViolation(f"parameter value of type {type(value).__name__} is not allowed")


#: Keywords refused wherever they stand as keywords, found by our own lexer (which reads
#: strings, names and comments as the databases do), so the check does not depend on the
#: parser's lexer; the parser's structure check refuses them as well.
_WRITE_KEYWORDS = frozenset({"CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "FOREACH"})


def _check_keywords(scanned: Scanned) -> None:
    tokens = scanned.tokens
    for i, token in enumerate(tokens):
        if token.kind != "word":
            continue
        word = token.text.upper()
        before = tokens[i - 1].text if i else ""
        after = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if before in (".", ":", "|", "&", "!") or after == ":":
            continue  # a property key, label, type or map key that happens to be spelled so
        if word == "LOAD" and after.upper() == "CSV":
            raise ReadOnlyViolation("LOAD CSV is not allowed in read-only queries")
        if word in _WRITE_KEYWORDS:
            raise ReadOnlyViolation(f"write clause {word} is not allowed in read-only queries")


def screen_untrusted(
    cypher: str,
    parameters: Mapping[str, Any] | None = None,
    *,
    row_cap: int | None = None,
    limits: LexicalLimits | None = None,
) -> Screened:
    """Check `cypher` for an untrusted caller; return the text to run.

    Parameters
    ----------
    cypher : str
        The caller's query.
    parameters : mapping, optional
        Its parameters (checked, and used to read integer ``LIMIT`` and ``range()`` bounds).
    row_cap : int, optional
        Give every top-level result a ``LIMIT`` of at most ``row_cap + 1`` rows.
    limits : LexicalLimits, optional
        Size, token and nesting bounds.

    Examples
    --------
    >>> screen_untrusted("MATCH (n) // who\\nRETURN n.id AS id", row_cap=100).text
    'MATCH (n)  \\nRETURN n.id AS id LIMIT 101'
    >>> screen_untrusted("/* ' */ LOAD CSV FROM 'file:///etc/passwd' AS r /* ' */ RETURN r")
    Traceback (most recent call last):
    ...
    graph.errors.ReadOnlyViolation: LOAD CSV is not allowed in read-only queries
    """
    params = parameters or {}
    scanned = scan(cypher, limits)
    check_parameters(params)
    _check_keywords(scanned)
    if not scanned.tokens:
        raise ReadOnlyViolation("the query is empty")
    check_growth(scanned)  # cheap token checks first, the parser after them
    check_ranges(scanned, params, MAX_RANGE)
    check_structure(parse(check_copy(scanned)))  # the text sent stays the caller's
    text = cap_rows(scanned, row_cap, params) if row_cap is not None else scanned.text
    return Screened(text)


def check_untrusted(cypher: str) -> None:
    """Raise `ReadOnlyViolation` for what an untrusted query may not do.

    Examples
    --------
    >>> check_untrusted("MATCH (n {name: 'load csv from'}) RETURN n")
    >>> check_untrusted("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row")
    Traceback (most recent call last):
    ...
    graph.errors.ReadOnlyViolation: LOAD CSV is not allowed in read-only queries
    >>> check_untrusted("CALL algo.pageRank('X', 'Y') YIELD node RETURN node")
    Traceback (most recent call last):
    ...
    graph.errors.ReadOnlyViolation: procedure algo.pageRank is not allowed in read-only queries
    """
    screen_untrusted(cypher)
