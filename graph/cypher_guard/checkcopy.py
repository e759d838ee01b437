"""The copy of an untrusted query that the screening parser reads.

graphglot (the GQL/Cypher parser of the screen) refuses a few read-only Cypher forms that
Neo4j and FalkorDB accept, and users write (issue #20: the named-query catalogue itself
uses ``LIMIT $limit``):

* a parameter spelled like a keyword (``$limit``, ``$count``): it reads ``$`` then the
  keyword;
* ``shortestPath(...)`` and ``allShortestPaths(...)`` around a pattern, in ``MATCH``
  (Neo4j) or in an expression (FalkorDB allows them in ``WITH`` and ``RETURN`` only);
* map projections (``n {.id, .name, total: x}``);
* ``COUNT { ... }`` subquery expressions.

The screen parses a copy with these rewritten into forms it reads and whose clauses are
the same — every parameter renamed ``$p0``, ``$p1``, …; the shortest-path function
dropped (its pattern stays, in an expression as a pattern comprehension); a projection
turned into the map literal it builds;
``COUNT {`` read as ``EXISTS {`` (both hold a read-only pattern or subquery, which the
structure check walks) — while the database runs the caller's text unchanged.  The
rewrite works on the tokens of `graph.cypher_guard.lexical.scan`, so strings, quoted
names and comments are never touched, and it only removes or renames tokens: a clause or
procedure call in the caller's text is still in the copy.
"""

from __future__ import annotations

from graph.cypher_guard.lexical import Scanned, Token

__all__ = ["check_copy"]

_SHORTEST = frozenset({"SHORTESTPATH", "ALLSHORTESTPATHS"})


def _closing(tokens: tuple[Token, ...], opening: int) -> int:
    """Index of the bracket that closes ``tokens[opening]`` (same depth, by construction)."""
    pair = {"(": ")", "[": "]", "{": "}"}[tokens[opening].text]
    depth = tokens[opening].depth
    for j in range(opening + 1, len(tokens)):
        if tokens[j].kind == "punct" and tokens[j].text == pair and tokens[j].depth == depth:
            return j
    return len(tokens) - 1  # unreachable: `scan` refuses unbalanced brackets


def _is_projection(tokens: tuple[Token, ...], i: int) -> bool:
    """Whether ``tokens[i]`` (a name) starts a map projection ``name {.key ...}``."""
    if i + 2 >= len(tokens) or tokens[i].kind not in ("word", "quoted"):
        return False
    brace, first = tokens[i + 1], tokens[i + 2]
    return brace.text == "{" and brace.kind == "punct" and first.text == "." and first.kind == "punct"


def _projection(tokens: tuple[Token, ...], i: int, edits: dict[int, str]) -> None:
    """Rewrite the projection at ``tokens[i]``: drop the variable, spell each entry out."""
    variable = tokens[i].text
    end = _closing(tokens, i + 1)
    edits[i] = ""
    depth = tokens[i + 1].depth + 1
    entry_start = True
    j = i + 2
    while j < end:
        token = tokens[j]
        if token.depth == depth and token.kind == "punct" and token.text == ",":
            entry_start = True
            j += 1
            continue
        if entry_start and token.depth == depth:
            nxt = tokens[j + 1] if j + 1 < end else None
            if token.text == "." and nxt is not None and nxt.text == "*":  # .* : every property
                edits[j], edits[j + 1] = "", f"all_properties: {variable}"
                j += 2
            elif token.text == "." and nxt is not None:  # .key : the variable's property
                edits[j], edits[j + 1] = "", f"{nxt.text}: {variable}.{nxt.text}"
                j += 2
            elif token.kind in ("word", "quoted") and (nxt is None or nxt.text == ","):  # a variable
                edits[j] = f"{token.text}: {token.text}"
                j += 1
            else:  # key: expression, kept as written
                j += 1
            entry_start = False
            continue
        j += 1


def check_copy(scanned: Scanned) -> str:
    """The text the screening parser reads in place of ``scanned.text``.

    Examples
    --------
    >>> from graph.cypher_guard.lexical import scan
    >>> check_copy(scan("MATCH (n) RETURN n.id LIMIT $limit"))
    'MATCH (n) RETURN n.id LIMIT $p0'
    >>> check_copy(scan("MATCH p = shortestPath((a)-[*..3]-(b)) RETURN p"))
    'MATCH p = (a)-[*..3]-(b) RETURN p'
    >>> check_copy(scan("MATCH (a), (b) RETURN length(shortestPath((a)-[*]-(b))) AS n"))
    'MATCH (a), (b) RETURN length([(a)-[*]-(b) | 1]) AS n'
    >>> check_copy(scan("MATCH (n) RETURN n {.id, .*, x, k: 1} AS m"))
    'MATCH (n) RETURN  {id: n.id, all_properties: n, x: x, k: 1} AS m'
    >>> check_copy(scan("MATCH (n) WHERE COUNT { (n)--() } > 2 RETURN n"))
    'MATCH (n) WHERE EXISTS { (n)--() } > 2 RETURN n'
    """
    tokens = scanned.tokens
    edits: dict[int, str] = {}
    params: dict[str, str] = {}
    for i, token in enumerate(tokens):
        if i in edits:
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.kind == "param" and len(token.text) > 1:  # a bare `$` stays, unreadable
            edits[i] = params.setdefault(token.text, f"$p{len(params)}")
        elif token.kind != "word" or nxt is None:
            continue
        elif token.text.upper() in _SHORTEST and nxt.text == "(":
            before = tokens[i - 1].text.upper() if i else ""
            if before in ("=", "MATCH", ","):  # a pattern of MATCH (Neo4j): the pattern alone
                edits[i], edits[i + 1], edits[_closing(tokens, i + 1)] = "", "", ""
            else:  # an expression (FalkorDB: in WITH and RETURN): a pattern comprehension
                edits[i], edits[i + 1], edits[_closing(tokens, i + 1)] = "", "[", " | 1]"
        elif token.text.upper() == "COUNT" and nxt.text == "{":
            edits[i] = "EXISTS"
        elif _is_projection(tokens, i):
            _projection(tokens, i, edits)
    if not edits:
        return scanned.text
    text = scanned.text
    pieces: list[str] = []
    at = 0
    for i in sorted(edits):
        token = tokens[i]
        pieces.append(text[at : token.start])
        pieces.append(edits[i])
        at = token.start + len(token.text)
    pieces.append(text[at:])
    return "".join(pieces)
