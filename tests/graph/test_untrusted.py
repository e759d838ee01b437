"""The untrusted-Cypher screen on its own: every hostile case refused or bounded, fast.

The same cases go through a real server in ``tests/api/routes/test_cypher.py``; here
only the screen runs (no database), so each refusal is checked to come from it.
"""

from __future__ import annotations

import hashlib
import time

import pytest

from benchmarks.hostile_cypher import CASES, Case
from graph.cypher_guard.lexical import LexicalLimits, scan
from graph.cypher_guard.structure import ALLOWED_PROCEDURES, is_refused_node, parse
from graph.store import ReadOnlyViolation
from graph.untrusted import UnparsableQuery, check_untrusted, screen_untrusted

# Every node kind of graphglot's tree (class names).  A new graphglot release may add
# kinds the screen has not classified: review them (`is_refused_node`), then update.
_GRAPHGLOT_KINDS = (766, "042837d7930b4911")


def _kinds() -> set[str]:
    from graphglot.ast.base import Expression

    parse("RETURN 1 AS x")  # imports the dialect and its node kinds
    names: set[str] = set()
    todo = [Expression]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("graphglot.ast"):
                names.add(sub.__qualname__)
            todo.append(sub)
    return names


def test_graphglot_node_kinds_are_the_reviewed_ones() -> None:
    names = _kinds()
    digest = hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()[:16]
    assert (len(names), digest) == _GRAPHGLOT_KINDS, "graphglot's node kinds changed: review REFUSED_NODES"
    for kind in ("CreateClause", "MergeClause", "SetStatement", "DeleteStatement", "RemoveStatement",
                 "CreateIndex", "DropIndex", "UseGraphClause", "QueryPrefix", "CypherReduce",
                 "AmbientLinearDataModifyingStatementBody", "InsertStatement"):  # fmt: skip
        assert is_refused_node(kind), kind
    for kind in ("SimpleMatchStatement", "OptionalMatchStatement", "ForStatement", "CypherWithStatement",
                 "ReturnStatement", "InlineProcedureCall", "NamedProcedureCall", "QueryConjunction",
                 "SetOperator", "SetQuantifier", "LimitClause", "OffsetClause", "OrderByClause"):  # fmt: skip
        assert not is_refused_node(kind), kind


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_case_is_screened(case: Case) -> None:
    started = time.monotonic()
    if case.expect == "refused" and case.name not in _DATABASE_REFUSES:
        with pytest.raises(ReadOnlyViolation):
            screen_untrusted(case.query, case.parameters, row_cap=500)
    else:
        screened = screen_untrusted(case.query, case.parameters, row_cap=500)
        if "RETURN" in case.query.upper():
            assert " LIMIT 501" in screened.text or "LIMIT 5" in screened.text
    assert time.monotonic() - started < 2.0  # the parser's time on a shared, loaded CPU


# Refused by the database, not the screen (none so far: kept to say so if one is added).
_DATABASE_REFUSES: frozenset[str] = frozenset()


@pytest.mark.timeout(10)
@pytest.mark.parametrize("depth", [13, 100, 9_990, 100_000])
@pytest.mark.parametrize("brackets", ["()", "[]", "{}"])
def test_deep_nesting_is_refused_in_milliseconds(depth: int, brackets: str) -> None:
    query = "RETURN " + brackets[0] * depth + "1" + brackets[1] * depth
    started = time.monotonic()
    with pytest.raises(ReadOnlyViolation, match=r"deeper|longer"):
        screen_untrusted(query)
    assert time.monotonic() - started < 0.05


@pytest.mark.timeout(10)
def test_parser_itself_survives_deep_nesting() -> None:
    # past the lexical bound the parser is still a backstop: a refusal, not a crash or a hang
    limits = LexicalLimits(max_length=10**6, max_depth=10**6, max_nesting_cost=2**6000, max_tokens=10**6)
    query = "RETURN " + "(" * 5000 + "1" + ")" * 5000
    scanned = scan(query, limits)
    started = time.monotonic()
    with pytest.raises(ReadOnlyViolation):
        parse(scanned.text)
    assert time.monotonic() - started < 5


def test_the_largest_acceptable_query_parses_quickly() -> None:
    # the token bound keeps the parser's time small: 2,000 tokens
    query = "RETURN " + " + ".join(["1"] * 10) + " AS x, [" + ", ".join(["1"] * 985) + "] AS l"
    started = time.monotonic()
    screen_untrusted(query, row_cap=10)
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (c:TransferCentre)-[:PARENT_CENTRE]->(p {id: $p}) RETURN c.id AS id",
        "OPTIONAL MATCH (n:Country) WHERE n.id STARTS WITH 'C' RETURN n.id ORDER BY n.id SKIP 1 LIMIT 3",
        "UNWIND [1, 2] AS x WITH x WHERE x > 1 RETURN x",
        "MATCH (n) CALL { WITH n MATCH (n)-->(m) RETURN count(m) AS d } RETURN n.id, d",
        "CALL db.labels() YIELD label RETURN label",
        "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType",
        "CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey",
        "CALL `db.labels`",
        "RETURN 1 AS x UNION ALL RETURN 2 AS x",
        "MATCH (n) WHERE exists { MATCH (n)-->() } RETURN count(n) AS n",
        "MATCH (n) RETURN [(n)-->(m) | m.id] AS out LIMIT 3",
        "MATCH (n {name: 'load csv from'}) RETURN n.`set` AS s",
        "MATCH (n) RETURN n;",
        # forms graphglot does not read, screened through `graph.cypher_guard.checkcopy`
        "MATCH (n:Country) RETURN n.id AS id LIMIT $limit",
        "MATCH p = shortestPath((a:Country {id: 'CN'})-[*..4]-(b:Country {id: 'TH'})) RETURN p",
        "MATCH p = allShortestPaths((a {id: $a})-[*..3]-(b {id: $b})) RETURN length(p) AS hops",
        "MATCH (n:Country) RETURN n {.id, .name, ties: size([(n)--() | 1])} AS country",
        "MATCH (n:Country) WITH n, 1 AS x RETURN collect(n {.*, x}) AS countries",
        "MATCH (n:Country) WHERE COUNT { (n)--() } > 2 RETURN n.id",
        "MATCH (a {id: 'CN'}), (b {id: 'TH'}) WITH shortestPath((a)-[*..4]-(b)) AS p RETURN length(p) AS n",
    ],
)
def test_read_queries_pass(query: str) -> None:
    check_untrusted(query)


@pytest.mark.parametrize(
    ("query", "refusal"),
    [
        ("MATCH (n) WHERE COUNT { MATCH (n)--(m) CREATE (x) RETURN m } > 1 RETURN n", "write clause CREATE"),
        ("MATCH (n) WHERE COUNT { CALL algo.WCC YIELD node RETURN node } > 0 RETURN n", "algo.WCC"),
        ("MATCH p = shortestPath((a)-[*]-(b)) CALL algo.pageRank() YIELD node RETURN p", "algo.pageRank"),
        ("MATCH (n) RETURN n {.id, x: apoc.cypher.runFirstColumn('RETURN 1', {})} AS m", "apoc.cypher"),
        ("MATCH (n) RETURN n {.id} AS m LIMIT $limit UNION MATCH (n) SET n.x = 1 RETURN n", "clause SET"),
    ],
)
def test_what_the_check_copy_rewrites_still_hides_nothing(query: str, refusal: str) -> None:
    # the rewritten forms (parameters, shortestPath, projections, COUNT {}) keep every
    # clause, call and function of the caller's text in the copy the structure check reads
    with pytest.raises(ReadOnlyViolation, match=refusal):
        screen_untrusted(query, {"limit": 3})


def test_allow_list_is_schema_introspection_only() -> None:
    assert frozenset({"db.labels", "db.relationshiptypes", "db.propertykeys"}) == ALLOWED_PROCEDURES


def test_comments_are_removed_from_the_text_sent() -> None:
    screened = screen_untrusted("MATCH (n) /* ' */ RETURN n.id AS id // '\n", row_cap=9)
    assert screened.text == "MATCH (n)   RETURN n.id AS id LIMIT 10"


@pytest.mark.parametrize(
    ("query", "parameters", "expected"),
    [
        ("RETURN 1 AS x", {}, "RETURN 1 AS x LIMIT 11"),
        ("RETURN 1 AS x LIMIT 3", {}, "RETURN 1 AS x LIMIT 3"),
        ("RETURN 1 AS x LIMIT 99", {}, "RETURN 1 AS x LIMIT 11"),
        ("RETURN 1 AS x LIMIT $n", {"n": 2}, "RETURN 1 AS x LIMIT $n"),
        ("RETURN 1 AS x LIMIT $n", {"n": 200}, "RETURN 1 AS x LIMIT 11"),
        ("RETURN 1 AS x SKIP 2", {}, "RETURN 1 AS x SKIP 2 LIMIT 11"),
        ("MATCH (n) WITH n LIMIT 99 RETURN n", {}, "MATCH (n) WITH n LIMIT 99 RETURN n LIMIT 11"),
        (
            "RETURN 1 AS x UNION ALL RETURN 2 AS x LIMIT 40",
            {},
            "RETURN 1 AS x LIMIT 11 UNION ALL RETURN 2 AS x LIMIT 11",
        ),
        ("CALL { RETURN 1 AS x } RETURN x", {}, "CALL { RETURN 1 AS x } RETURN x LIMIT 11"),
    ],
)
def test_row_cap_is_put_into_the_query(query: str, parameters: dict[str, int], expected: str) -> None:
    assert screen_untrusted(query, parameters, row_cap=10).text == expected


def test_not_cypher_is_unparsable_not_refused() -> None:
    with pytest.raises(UnparsableQuery):
        screen_untrusted("MATCH (n RETURN n")
    with pytest.raises(UnparsableQuery):
        screen_untrusted("RETURN 'unterminated")


@pytest.mark.parametrize("query", ["RETURN CASE x .", "MATCH", ")", "RETURN $", "`", "CALL", "RETURN 1 AS"])
def test_odd_text_is_refused_not_an_error(query: str) -> None:
    with pytest.raises(ReadOnlyViolation):
        screen_untrusted(query, row_cap=10)


def test_a_subquery_without_return_is_not_a_standalone_call() -> None:
    with pytest.raises(ReadOnlyViolation):
        screen_untrusted("CALL { UNWIND range(1, 1000000) AS x RETURN x }", row_cap=10)
