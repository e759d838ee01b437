"""Cheap lexical pre-pass over untrusted Cypher, before any parser or database sees it.

One linear scan, no recursion, no regular expression that can backtrack.  It

* bounds the size of the text, the number of tokens and the nesting of ``(``, ``[`` and
  ``{``.  FalkorDB's parser is exponential in nesting, before its query timeout starts
  (measured: each level doubles the time; 18 levels 0.6-0.8 s, 23 levels 17.8 s, 9,990
  pinned its threads for minutes), so both the depth (`LexicalLimits.max_depth`, 12:
  about 30 ms) and a nesting cost, the sum of ``2 ** depth`` over every opening bracket
  (`LexicalLimits.max_nesting_cost`; fifty 12-deep groups, cost 409,550, took 0.8 s),
  are bounded;
* refuses what the screening parser and the databases might read differently: NUL and
  control characters, non-ASCII outside quotes (unicode spaces and line separators),
  backslashes outside string literals and ``\\u`` escapes anywhere (Neo4j's older
  parsers decoded them before tokenising, so ``\\u0027`` could close a string), and
  unterminated strings, identifiers or comments;
* removes comments, so the text that is parsed *is* the text sent to the database and a
  quote or newline inside a comment cannot hide code from the screen;
* refuses a second statement (a ``;`` other than one trailing).

The tokens it returns (with their depth) let `graph.cypher_guard.rowcap` find the
top-level ``UNION``, ``RETURN`` and ``LIMIT`` keywords.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.errors import ReadOnlyViolation

__all__ = ["LexicalLimits", "Scanned", "Token", "UnparsableQuery", "scan"]

_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")": "(", "]": "[", "}": "{"}
_IDENT_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_IDENT_PART = _IDENT_START | frozenset("0123456789")
_DIGITS = frozenset("0123456789")
_SPACE = frozenset(" \t\r\n")


@dataclass(frozen=True, slots=True)
class LexicalLimits:
    """Bounds checked before parsing.

    Attributes
    ----------
    max_length : int
        Characters of query text.
    max_depth : int
        Nesting of ``(``, ``[`` and ``{`` outside strings and comments.
    max_nesting_cost : int
        Sum of ``2 ** depth`` over the opening brackets (the database parser's work).
    max_tokens : int
        Lexical tokens (the screening parser's time grows with them).
    """

    max_length: int = 20_000
    max_depth: int = 12
    max_nesting_cost: int = 131_072
    max_tokens: int = 2_000


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token: its kind, text, offset in `Scanned.text` and bracket depth.

    ``kind`` is ``"word"`` (keyword or identifier), ``"quoted"`` (backtick identifier),
    ``"string"``, ``"number"``, ``"param"`` (``$name``) or ``"punct"``.
    """

    kind: str
    text: str
    start: int
    depth: int


@dataclass(frozen=True, slots=True)
class Scanned:
    """The query without comments (and without a trailing ``;``), and its tokens."""

    text: str
    tokens: tuple[Token, ...]
    max_depth: int


class UnparsableQuery(ReadOnlyViolation):
    """The query is not Cypher the screen can read (HTTP 400 rather than 403)."""


def _refuse(message: str) -> ReadOnlyViolation:
    return ReadOnlyViolation(message)


def scan(cypher: str, limits: LexicalLimits | None = None) -> Scanned:
    """Check `cypher` lexically; return it without comments, with its tokens.

    Raises `~graph.store.ReadOnlyViolation` when a limit is exceeded or the text is
    lexically unacceptable.

    Examples
    --------
    >>> scan("MATCH (n) /* ' */ RETURN n // done").text
    'MATCH (n)   RETURN n'
    >>> scan("RETURN " + "(" * 40 + "1" + ")" * 40)
    Traceback (most recent call last):
    ...
    graph.errors.ReadOnlyViolation: the query nests brackets deeper than 12 levels
    >>> scan("RETURN 1; RETURN 2")
    Traceback (most recent call last):
    ...
    graph.errors.ReadOnlyViolation: only one statement is allowed
    """
    lim = limits or LexicalLimits()
    if len(cypher) > lim.max_length:
        raise _refuse(f"the query is longer than {lim.max_length} characters")
    if "\\u" in cypher or "\\U" in cypher:
        raise _refuse("unicode escapes (\\u) are not allowed; pass such text as a parameter")
    out: list[str] = []
    tokens: list[Token] = []
    stack: list[str] = []
    deepest = 0
    cost = 0
    pos = 0
    n = len(cypher)
    semicolon_at = -1
    emitted = 0  # length of the output so far (token offsets refer to it)

    def emit(piece: str) -> int:
        nonlocal emitted
        start = emitted
        out.append(piece)
        emitted += len(piece)
        return start

    def add(kind: str, piece: str) -> None:
        if semicolon_at >= 0:
            raise _refuse("only one statement is allowed")
        tokens.append(Token(kind, piece, emit(piece), len(stack)))
        if len(tokens) > lim.max_tokens:
            raise _refuse(f"the query has more than {lim.max_tokens} tokens")

    while pos < n:
        ch = cypher[pos]
        if ch in _SPACE:
            emit(ch)
            pos += 1
        elif cypher.startswith("//", pos):
            end = pos + 2
            while end < n and cypher[end] not in "\r\n":
                if cypher[end] == "\x00":
                    raise _refuse("NUL characters are not allowed")
                end += 1
            emit(" ")
            pos = end
        elif cypher.startswith("/*", pos):
            end = cypher.find("*/", pos + 2)
            if end < 0:
                raise UnparsableQuery("unterminated comment")
            if "\x00" in cypher[pos:end]:
                raise _refuse("NUL characters are not allowed")
            emit(" ")
            pos = end + 2
        elif ch in "'\"":
            end = pos + 1
            while end < n and cypher[end] != ch:
                if cypher[end] == "\x00":
                    raise _refuse("NUL characters are not allowed")
                end += 2 if cypher[end] == "\\" else 1
            if end >= n:
                raise UnparsableQuery("unterminated string literal")
            add("string", cypher[pos : end + 1])
            pos = end + 1
        elif ch == "`":
            end = pos + 1
            while True:
                end = cypher.find("`", end)
                if end < 0:
                    raise UnparsableQuery("unterminated `quoted` identifier")
                if cypher.startswith("``", end):
                    end += 2
                    continue
                break
            piece = cypher[pos : end + 1]
            if "\x00" in piece or "\\" in piece:
                raise _refuse("NUL and backslash are not allowed in `quoted` names")
            add("quoted", piece)
            pos = end + 1
        elif ch in _IDENT_START:
            end = pos + 1
            while end < n and cypher[end] in _IDENT_PART:
                end += 1
            add("word", cypher[pos:end])
            pos = end
        elif ch in _DIGITS:
            end = pos + 1
            while end < n and (cypher[end] in _IDENT_PART or cypher[end] == "."):
                if cypher[end] == "." and cypher.startswith("..", end):
                    break  # a range: 1..3
                end += 1
            add("number", cypher[pos:end])
            pos = end
        elif ch == "$":
            end = pos + 1
            while end < n and cypher[end] in _IDENT_PART:
                end += 1
            add("param", cypher[pos:end])
            pos = end
        elif ch in _OPEN:
            add("punct", ch)
            stack.append(ch)
            deepest = max(deepest, len(stack))
            if len(stack) > lim.max_depth:
                raise _refuse(f"the query nests brackets deeper than {lim.max_depth} levels")
            cost += 2 ** len(stack)
            if cost > lim.max_nesting_cost:
                raise _refuse("the query has too many nested brackets (nesting cost over the limit)")
            pos += 1
        elif ch in _CLOSE:
            if not stack or stack[-1] != _CLOSE[ch]:
                raise UnparsableQuery(f"unbalanced {ch!r}")
            stack.pop()
            add("punct", ch)
            pos += 1
        elif ch == ";":
            if semicolon_at >= 0 or stack:
                raise _refuse("only one statement is allowed")
            semicolon_at = pos
            pos += 1
        elif ch == "\\":
            raise _refuse("a backslash outside a string literal is not allowed")
        elif ord(ch) < 32 or ord(ch) == 127:
            raise _refuse(f"control character U+{ord(ch):04X} is not allowed")
        elif ord(ch) > 127:
            raise _refuse(f"non-ASCII character U+{ord(ch):04X} outside quotes; use `backticks`")
        else:
            add("punct", ch)
            pos += 1
    if stack:
        raise UnparsableQuery(f"unclosed {stack[-1]!r}")
    return Scanned("".join(out).rstrip(), tuple(tokens), deepest)
