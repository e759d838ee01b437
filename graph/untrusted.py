"""Screening of untrusted Cypher, on top of the database's own read-only enforcement.

The database refuses writes (FalkorDB ``GRAPH.RO_QUERY``, Neo4j READ access mode).  Some
reads are still unwanted from an untrusted caller: ``LOAD CSV`` reads files and URLs
from the server's side, and procedures can be expensive or administrative (FalkorDB's
``algo.*`` ignore the query timeout and block other queries).  This check refuses those
before the query is sent; string literals and comments are blanked first, so a name
that contains "load csv" is not mistaken for the clause.
"""

from __future__ import annotations

import re

from graph.errors import ReadOnlyViolation
from ontology.vocab import NodeLabel, PropertyName, RelType

__all__ = ["ALLOWED_PROCEDURES", "EXAMPLE_PARAMETERS", "EXAMPLE_QUERY", "check_untrusted"]

#: An example of an untrusted read (the API's ``/cypher`` documents it), with `EXAMPLE_PARAMETERS`.
EXAMPLE_QUERY = (
    f"MATCH (c:{NodeLabel.TRANSFER_CENTRE})-[:{RelType.PARENT_CENTRE}]->"
    f"(p {{{PropertyName.ID}: $parent}}) RETURN c.{PropertyName.ID} AS id"
)
#: The parameters of `EXAMPLE_QUERY`.
EXAMPLE_PARAMETERS: dict[str, str] = {"parent": "CASTTC"}

#: Procedures an untrusted query may call (read-only schema introspection).
ALLOWED_PROCEDURES: frozenset[str] = frozenset({"db.labels", "db.relationshiptypes", "db.propertykeys"})

_STRINGS = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`(?:[^`])*`")
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_LOAD = re.compile(r"\bLOAD\s+CSV\b", re.I)
_CALL = re.compile(r"\bCALL\s+([A-Za-z_][\w.]*)\s*\(", re.I)
_WRITE = re.compile(r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH)\b", re.I)


def check_untrusted(cypher: str) -> None:
    """Raise `ReadOnlyViolation` for clauses an untrusted query may not use.

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
    text = _COMMENTS.sub(" ", _STRINGS.sub("''", cypher))
    if _LOAD.search(text):
        raise ReadOnlyViolation("LOAD CSV is not allowed in read-only queries")
    for match in _CALL.finditer(text):
        if match.group(1).lower() not in ALLOWED_PROCEDURES:
            raise ReadOnlyViolation(f"procedure {match.group(1)} is not allowed in read-only queries")
    write = _WRITE.search(text)
    if write is not None:
        # The database refuses it too (tested without this check); saying so here is clearer.
        raise ReadOnlyViolation(f"write clause {write.group(1).upper()} is not allowed in read-only queries")
