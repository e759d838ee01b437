"""What an untrusted query may contain, checked on its syntax tree.

The tree comes from `graphglot <https://github.com/averdeny/graphglot>`_ (Apache-2.0), a
maintained pure-Python parser of GQL and Neo4j Cypher that parses the whole openCypher
TCK.  Its tree uses the GQL standard's names (``UNWIND`` is a ``ForStatement``, ``SKIP``
an ``OffsetClause``).  The check refuses every node kind of the write, schema, session
and graph-selection parts of the grammar (`REFUSED_NODES` and the prefixes in
`_REFUSED_PREFIXES`) and every procedure not in `ALLOWED_PROCEDURES`, whatever its
spelling (backticks, spaces around the dots, case: the tree holds the names only).
Text the parser cannot read is refused too: the screen only lets through what it has
understood.

`tests/graph/test_untrusted.py` lists every node kind of the installed graphglot and
fails when a new one appears, so an upgrade is reviewed before it is trusted.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from graph.cypher_guard.lexical import UnparsableQuery
from graph.errors import ReadOnlyViolation

__all__ = ["ALLOWED_PROCEDURES", "REFUSED_NODES", "check_structure", "is_refused_node", "parse"]

#: Procedures an untrusted query may call: read-only schema introspection, bounded by the
#: size of the schema, with the same names and answers on FalkorDB and Neo4j.
ALLOWED_PROCEDURES: frozenset[str] = frozenset({"db.labels", "db.relationshiptypes", "db.propertykeys"})

#: Node kinds refused wherever they appear (writes, schema, graph selection, plan prefixes).
REFUSED_NODES: frozenset[str] = frozenset(
    {
        "MergeClause",
        "SetStatement",
        "SetItemList",
        "SetItem",
        "SetPropertyItem",
        "SetLabelItem",
        "SetAllPropertiesItem",
        "CypherSetAllFromExprItem",
        "CypherSetMapAppendItem",
        "CypherSetPropertyFromExprItem",
        "DeleteStatement",
        "DeleteItem",
        "DeleteItemList",
        "RemoveStatement",
        "RemoveItem",
        "RemoveItemList",
        "RemoveLabelItem",
        "RemovePropertyItem",
        "LinearDataModifyingStatement",
        "PrimitiveDataModifyingStatement",
        "SimpleDataModifyingStatement",
        "CallCatalogModifyingProcedureStatement",
        "CatalogModifyingProcedureSpecification",
        "PrimitiveCatalogModifyingStatement",
        "UseGraphClause",
        "AtSchemaClause",
        "QueryPrefix",  # EXPLAIN / PROFILE (PROFILE runs the query)
        "StartTransactionCommand",
        "EndTransactionCommand",
        "MacroCall",
        # reduce() grows a value inside one expression, where FalkorDB checks neither its
        # memory cap nor its timeout: reduce(s = 'x', i IN range(1, 40) | s + s) took the
        # server past 11 GB
        "CypherReduce",
    }
)
# CREATE ..., DROP ..., INSERT ..., SESSION ..., focused (USE graph) statements, and every
# data-modifying statement or procedure.
_REFUSED_PREFIXES = ("Create", "Drop", "Insert", "Session", "Focused")
_REFUSED_PARTS = ("DataModifying",)
_PROCEDURE_NAME_NODES = frozenset(
    {"CatalogProcedureParentAndName", "CatalogObjectParentReference", "Identifier"}
)


def is_refused_node(name: str) -> bool:
    """Whether a node kind (class name) is refused in an untrusted query.

    Examples
    --------
    >>> is_refused_node("CreateClause"), is_refused_node("SimpleMatchStatement")
    (True, False)
    """
    return (
        name in REFUSED_NODES
        or name.startswith(_REFUSED_PREFIXES)
        or any(part in name for part in _REFUSED_PARTS)
    )


@cache
def _dialect() -> Any:
    from graphglot.dialect import Dialect

    return Dialect.get_or_raise("neo4j")


def parse(cypher: str) -> list[Any]:
    """Parse `cypher` (comments removed) into graphglot programs; refuse what does not parse."""
    from graphglot.error import GraphGlotError

    try:
        return list(_dialect().parse(cypher))
    except RecursionError as exc:  # the lexical pass bounds nesting; this is a backstop
        raise ReadOnlyViolation("the query is nested too deeply") from exc
    except GraphGlotError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UnparsableQuery(f"the query is not Cypher this service can check: {first}") from exc
    except Exception as exc:  # a parser bug on odd input (seen: AttributeError): refuse, never a 500
        raise UnparsableQuery(
            f"the query is not Cypher this service can check ({type(exc).__name__})"
        ) from exc


def _procedure_name(call: Any) -> str:
    reference = call.procedure_reference
    parts: list[str] = []
    for node in reference.dfs():
        kind = type(node).__name__
        if kind not in _PROCEDURE_NAME_NODES:
            raise ReadOnlyViolation(f"procedure reference of kind {kind} is not allowed")
        if kind == "Identifier":
            parts.append(str(node.name))
    return ".".join(parts)


def check_structure(programs: list[Any]) -> None:
    """Refuse writes, schema commands, plan prefixes, ``USE`` and procedures off the list.

    Examples
    --------
    >>> check_structure(parse("MATCH (n) RETURN n"))
    >>> check_structure(parse("CALL `algo.pageRank`(NULL, NULL) YIELD node RETURN node"))
    Traceback (most recent call last):
    ...
    graph.errors.ReadOnlyViolation: procedure algo.pageRank is not allowed in read-only queries
    >>> check_structure(parse("MATCH (n) CALL { WITH n SET n.x = 1 } RETURN n"))
    Traceback (most recent call last):
    ...
    graph.errors.ReadOnlyViolation: write clause SET is not allowed in read-only queries
    """
    if len(programs) != 1:
        raise ReadOnlyViolation("only one statement is allowed")
    refused: list[str] = []
    for node in programs[0].dfs():
        kind = type(node).__name__
        if is_refused_node(kind):
            refused.append(kind)
        elif kind == "NamedProcedureCall":
            name = _procedure_name(node)
            if name.lower() not in ALLOWED_PROCEDURES:
                raise ReadOnlyViolation(f"procedure {name} is not allowed in read-only queries")
        elif kind == "Anonymous" and "." in str(getattr(node, "name", "")):
            # user-defined and plugin functions (apoc.cypher.run* runs unscreened Cypher)
            raise ReadOnlyViolation(f"function {node.name} is not allowed in read-only queries")
    if refused:
        # the most specific name: SET rather than the data-modifying statement around it
        messages = [_describe(kind) for kind in refused]
        raise ReadOnlyViolation(next((m for m in messages if m.startswith("write clause")), messages[0]))


_CLAUSES = {
    "Merge": "MERGE",
    "Set": "SET",
    "CypherSet": "SET",
    "Delete": "DELETE",
    "Remove": "REMOVE",
    "Create": "CREATE",
    "Insert": "CREATE",
    "Drop": "DROP",
}


def _describe(kind: str) -> str:
    for prefix, clause in _CLAUSES.items():
        if kind.startswith(prefix):
            return f"write clause {clause} is not allowed in read-only queries"
    if kind in ("UseGraphClause",) or kind.startswith("Focused"):
        return "USE is not allowed in read-only queries"
    if kind == "CypherReduce":
        return "reduce() is not allowed in read-only queries (its memory is not bounded)"
    if kind == "QueryPrefix":
        return "EXPLAIN and PROFILE are not allowed in read-only queries"
    if "DataModifying" in kind:
        return "writes are not allowed in read-only queries"
    return f"{kind} is not allowed in read-only queries"
