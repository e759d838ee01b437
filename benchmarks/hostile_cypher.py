"""Hostile inputs to ``POST /api/v1/cypher``: each refused or answered safely, nothing changed.

``python benchmarks/hostile_cypher.py`` loads the bundled dataset into a temporary data
directory, starts ``transfernet serve --workers 2`` on 127.0.0.1 and sends every case of
`CASES`: writes, schema commands, procedures in every spelling (backticks, spaces, no
parentheses, comments, unicode escapes, case), ``LOAD CSV`` variants, several
statements, deep nesting, huge ranges and cartesian products, hostile parameter names
and values.  After each case a trivial query checks the server still answers; before
and after the run a fingerprint of the data (node and relationship counts, a few
properties) checks nothing changed.  It prints one line per case and the tally: cases
tried / refused / bounded / answered / unexpected / data changed / crashes.
``tests/api/routes/test_cypher.py`` runs the same cases in the test suite.

Expectations: ``refused`` is a 400 or 403 answer; ``bounded`` a 200 answer of at most
the row cap (or a 504 timeout, or a 400 "memory exceeded"); ``ok`` a 200 answer.  A
crash is a connection error, another 5xx, or a server that no longer answers.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

__all__ = ["CASES", "Case", "Tally", "fingerprint", "main", "run_cases"]


@dataclass(frozen=True)
class Case:
    """One hostile request and what a safe answer is (``refused``, ``bounded`` or ``ok``)."""

    name: str
    query: str
    expect: str = "refused"
    parameters: dict[str, Any] = field(default_factory=dict)


def _nest(depth: int, opening: str = "(", closing: str = ")") -> str:
    return "RETURN " + opening * depth + "1" + closing * depth + " AS x"


def _deep_list(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


_PROCS = [
    "CALL algo.pageRank(NULL, NULL) YIELD node RETURN node",
    "CALL `algo.pageRank`(NULL, NULL) YIELD node RETURN node",
    "CALL `algo`.`pageRank`(NULL, NULL) YIELD node RETURN node",
    "CALL algo . pageRank(NULL, NULL) YIELD node RETURN node",
    "CALL algo.WCC YIELD node RETURN node",
    "CALL ALGO.WCC() YIELD node RETURN node",
    "CALL algo/* x */.WCC() YIELD node RETURN node",
    "CALL algo\n.\nWCC() YIELD node RETURN node",
    "CALL algo\\u002EWCC() YIELD node RETURN node",
    "CALL `algo\\u002EWCC`() YIELD node RETURN node",
    "MATCH (a:Country {id: 'CN'}), (b:Country {id: 'EG'}) CALL algo.SSpaths({sourceNode: a, targetNode: b,"
    " pathCount: 1000000}) YIELD path RETURN path",
    "CALL algo.BFS(NULL, 100, NULL) YIELD nodes RETURN nodes",
    "CALL { CALL algo.WCC() YIELD node RETURN node } RETURN node",
    "MATCH (n) CALL { WITH n CALL algo.WCC() YIELD node RETURN node } RETURN node",
    "CALL db.idx.fulltext.createNodeIndex('Country', 'name')",
    "CALL db.idx.fulltext.drop('Country')",
    "CALL db.idx.fulltext.queryNodes('Country', 'china') YIELD node RETURN node",
    "CALL dbms.procedures() YIELD name RETURN name",
    "CALL db.info",
    "CALL dbms.components YIELD name",
    "CALL apoc.meta.stats",
    "CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value",
    "RETURN apoc.cypher.runFirstColumnSingle('MATCH (n) RETURN count(n)', {}) AS x",
    "RETURN `apoc.cypher.runFirstColumnSingle`('RETURN 1', {}) AS x",
    "CALL db.labels() YIELD label CALL algo.WCC() YIELD node RETURN label, node",
]
_LOAD_CSV = [
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "load csv from 'file:///etc/passwd' as row return row",
    "/* ' */ LOAD CSV FROM 'file:///probe.csv' AS r /* ' */ RETURN r",
    "// '\nLOAD CSV FROM 'https://127.0.0.1:9/x.csv' AS r RETURN r",
    "MATCH (n) RETURN n // '\nUNION LOAD CSV FROM 'file:///x' AS n RETURN n",
    "LOAD CSV WITH HEADERS FROM 'file:///x.csv' AS r RETURN r",
    "LOAD/**/CSV FROM 'file:///x.csv' AS r RETURN r",
    "LOAD\tCSV FROM 'file:///x.csv' AS r RETURN r",
    "WITH 1 AS x LOAD CSV FROM 'file:///x.csv' AS r RETURN r",
    "CALL { LOAD CSV FROM 'file:///x.csv' AS r RETURN r } RETURN r",
    "RETURN '\\' LOAD CSV FROM 'file:///x.csv' AS r RETURN r //'",
    "RETURN \"a\\\" LOAD CSV FROM 'file:///x.csv' AS r RETURN r",
    "MATCH (n) RETURN n\u2028LOAD CSV FROM 'file:///x.csv' AS r RETURN r",
    "MATCH (n) RETURN n /* /* */ LOAD CSV FROM 'file:///x.csv' AS r RETURN r */",
]
_WRITES = [
    "CREATE (n:Country {id: 'XX'}) RETURN n",
    "create (n:Country {id: 'XX'}) return n",
    "CrEaTe (n:Country {id: 'XX'})",
    "MATCH (n:Country {id: 'CN'}) SET n.name = 'x' RETURN n",
    "MATCH (n:Country {id: 'CN'}) SET n += {name: 'x'}",
    "MATCH (n:Country {id: 'CN'}) SET n:Planet",
    "MERGE (n:Country {id: 'CN'}) ON MATCH SET n.name = 'x' RETURN n",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n:Country {id: 'CN'}) DELETE n",
    "MATCH (n:Country {id: 'CN'}) REMOVE n.name",
    "MATCH (n:Country) FOREACH (x IN [1] | SET n.name = 'x')",
    "UNWIND [1] AS x CREATE (:Country {id: 'XX'})",
    "MATCH (n:Country {id: 'CN'}) CALL { WITH n SET n.name = 'x' } RETURN n",
    "MATCH (n:Country {id: 'CN'}) WITH n CALL { WITH n DETACH DELETE n } RETURN 1 AS one",
    "CRE/**/ATE (n:Country {id: 'XX'})",
    "\\u0043REATE (n:Country {id: 'XX'})",
    "\uff23\uff32\uff25\uff21\uff34\uff25 (n:Country {id: 'XX'})",
    "MATCH (n) RETURN n; CREATE (m:Country {id: 'XX'})",
    "RETURN 1 AS x;; CREATE (m:Country {id: 'XX'})",
    "RETURN 1 AS x // \n; MATCH (n) DETACH DELETE n",
]
_SCHEMA = [
    "CREATE INDEX FOR (n:Country) ON (n.name)",
    "CREATE INDEX ON :Country(name)",
    "DROP INDEX ON :Country(id)",
    "DROP INDEX foo",
    "CREATE CONSTRAINT ON (n:Country) ASSERT n.id IS UNIQUE",
    "USE system SHOW DATABASES",
    "USE other MATCH (n) RETURN n",
    "SHOW DATABASES",
    "EXPLAIN MATCH (n) RETURN n",
    "PROFILE MATCH (n) RETURN n",
    "CYPHER x=1 MATCH (n) RETURN n",
    "START TRANSACTION",
    "GRANT ALL ON DATABASE * TO PUBLIC",
]
_NESTING = [
    Case("23 parentheses", _nest(23)),
    Case("24 brackets", _nest(24, "[", "]")),
    Case("9,990 parentheses", _nest(9990)),
    Case("10,000 braces", "RETURN " + "{a: " * 10_000 + "1" + "}" * 10_000 + " AS x"),
    Case("mixed 40", "RETURN " + "[(" * 20 + "1" + ")]" * 20 + " AS x"),
    Case("unbalanced 5,000", "RETURN " + "(" * 5000),
    Case("parameter nested 1,000", "RETURN $p AS p", parameters={"p": _deep_list(1000)}),
    Case("20 kB of tokens", "RETURN " + "+".join(["1"] * 9000) + " AS x"),
]
_HUGE = [
    Case("range 1e9", "UNWIND range(1, 1000000000) AS x RETURN count(x) AS c"),
    Case("range 3e6", "UNWIND range(1, 3000000) AS x RETURN x"),
    Case("range $n", "UNWIND range(1, $n) AS x RETURN count(x) AS c", parameters={"n": 10**9}),
    Case("range expr", "UNWIND range(1, toInteger('1000000000')) AS x RETURN count(x) AS c"),
    Case("range float", "UNWIND range(1, 1e9) AS x RETURN count(x) AS c"),
    Case("range 1e6 rows", "UNWIND range(1, 1000000) AS x RETURN x", "bounded"),
    Case("range 1e6 limit", "UNWIND range(1, 1000000) AS x RETURN x LIMIT 100000000", "bounded"),
    Case(
        "range 1e6 limit $k",
        "UNWIND range(1, 1000000) AS x RETURN x LIMIT $k",
        "bounded",
        {"k": 10**9},
    ),
    Case("limit expression", "UNWIND range(1, 10) AS x RETURN x LIMIT toInteger('99999999')"),
    Case(
        "union of 1e6",
        "UNWIND range(1, 1000000) AS x RETURN x UNION ALL UNWIND range(1, 1000000) AS x RETURN x",
        "bounded",
    ),
    Case(
        "subquery 1e6",
        "CALL { UNWIND range(1, 1000000) AS x RETURN x } RETURN x",
        "bounded",
    ),
    Case(
        "1e12 cartesian count", "UNWIND range(1, 1000000) AS a UNWIND range(1, 1000000) AS b RETURN count(*)"
    ),
    Case("node cube", "MATCH (a), (b), (c) RETURN count(*) AS c", "bounded"),
    Case("node square rows", "MATCH (a), (b) RETURN a.id AS a, b.id AS b", "bounded"),
    Case("all paths", "MATCH p = (a)-[*]-(b) RETURN count(p) AS c", "bounded"),
    Case(
        "collect cartesian",
        "UNWIND range(1, 1000000) AS a UNWIND range(1, 1000) AS b RETURN size(collect(a * b)) AS c",
    ),
    Case("string doubling reduce", "RETURN size(reduce(s = 'xxxxxxxx', i IN range(1, 40) | s + s)) AS n"),
    Case(
        "string doubling chain",
        "WITH 'xxxxxxxx' AS s " + " ".join(["WITH s + s AS s"] * 34) + " RETURN size(s) AS n",
    ),
    Case("string squaring", "WITH 'xx' AS s WITH replace(s, 'x', s) AS s RETURN size(s) AS n"),
    Case("parameter strings 300 kB", "RETURN size($a) AS n", parameters={"a": ["x" * 1000] * 300}),
    Case(
        "comprehension square (small graph)",
        "MATCH (a:Country) WITH collect(a.id) AS l RETURN size([x IN l | l]) AS n",
        "bounded",
    ),
]
_PARAMETERS = [
    Case("name with backtick", "RETURN 1 AS x", parameters={"a` = 1 MATCH (n) DETACH DELETE n //": 1}),
    Case("name with space", "RETURN 1 AS x", parameters={"a = 1 CREATE (:Country {id: 'XX'}) //": 1}),
    Case("name with newline", "RETURN 1 AS x", parameters={"a\nCREATE (:X)": 1}),
    Case("empty name", "RETURN 1 AS x", parameters={"": 1}),
    Case("map key injection", "RETURN $m AS m", parameters={"m": {"a`: 1}) CREATE (:X) //": 1}}),
    Case("value with quote", "RETURN $v AS v", "ok", {"v": "x' CREATE (:Country {id: 'XX'}) //"}),
    Case("value with backslash", "RETURN $v AS v", "ok", {"v": "\\' CREATE (:Country {id: 'XX'}) //"}),
    Case("value with newline", "RETURN $v AS v", "ok", {"v": "\n CREATE (:Country {id: 'XX'}) //"}),
    Case("value with comment", "RETURN $v AS v", "ok", {"v": "*/ CREATE (:X) /*"}),
    Case("value NUL", "RETURN $v AS v", "refused", {"v": "a\u0000b"}),
    Case("value unicode", "RETURN $v AS v", "ok", {"v": "中国\u2028—'\""}),
    Case("value list", "RETURN $v AS v", "ok", {"v": ["a'", 'b"', None, True, 1.5]}),
]
_CONTROLS = [
    Case(
        "control: parameter",
        "MATCH (n:Country {id: $id}) RETURN n.name AS name",
        "ok",
        {"id": "CN"},
    ),
    Case("control: labels", "CALL db.labels() YIELD label RETURN label", "ok"),
    Case("control: labels bare", "CALL db.labels", "ok"),
    Case("control: subquery", "CALL { MATCH (c:Country) RETURN c } RETURN count(c) AS n", "ok"),
    Case("control: quoted text", "MATCH (n) WHERE n.name = 'load csv from' RETURN count(n) AS n", "ok"),
    Case("control: comment", "MATCH (n:Country) /* it's fine */ RETURN count(n) AS n // done", "ok"),
    Case("control: union", "RETURN 1 AS x UNION RETURN 2 AS x", "ok"),
]

#: Every case, in the order they are sent.
CASES: list[Case] = [
    *(Case(f"procedure {i}", q) for i, q in enumerate(_PROCS)),
    *(Case(f"load csv {i}", q) for i, q in enumerate(_LOAD_CSV)),
    *(Case(f"write {i}", q) for i, q in enumerate(_WRITES)),
    *(Case(f"schema {i}", q) for i, q in enumerate(_SCHEMA)),
    *_NESTING,
    *_HUGE,
    *_PARAMETERS,
    *_CONTROLS,
]

_FINGERPRINT = [
    "MATCH (n) RETURN count(n) AS n",
    "MATCH ()-[r]->() RETURN count(r) AS n",
    "MATCH (n:Country {id: 'CN'}) RETURN n.name AS name, labels(n) AS labels, keys(n) AS keys",
    "MATCH (n:Country {id: 'XX'}) RETURN count(n) AS n",
    "CALL db.labels() YIELD label RETURN label ORDER BY label",
]


def fingerprint(client: httpx.Client) -> list[Any]:
    """What the data looks like: counts, a few properties, the labels."""
    out = []
    for query in _FINGERPRINT:
        r = client.post("/api/v1/cypher", json={"query": query})
        r.raise_for_status()
        out.append(r.json()["rows"])
    return out


@dataclass
class Tally:
    """Counts of a run; `unexpected` and `crashes` list the names of the cases."""

    tried: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    data_changed: int = 0
    slowest: tuple[float, str] = (0.0, "")

    def summary(self) -> str:
        """One line: tried / refused / bounded / answered / unexpected / data changed / crashes."""
        return (
            f"cases tried {self.tried}, refused {self.outcomes['refused']}, "
            f"bounded {self.outcomes['bounded']}, answered {self.outcomes['ok']}, "
            f"unexpected {len(self.unexpected)}, data changed {self.data_changed}, "
            f"crashes {len(self.crashes)}; slowest {self.slowest[0]:.2f} s ({self.slowest[1]})"
        )


def _healthy(client: httpx.Client) -> bool:
    try:
        r = client.post("/api/v1/cypher", json={"query": "RETURN 1 AS one"})
    except httpx.HTTPError:
        return False
    return r.status_code == 200 and r.json()["rows"] == [{"one": 1}]


def _outcome(status: int, body: Any, row_cap: int) -> str:
    if status in (400, 403, 413, 422):
        detail = str(body.get("detail", "")) if isinstance(body, dict) else ""
        return "bounded" if "mem consumption" in detail.lower() else "refused"
    if status == 504:
        return "bounded"
    if status == 200:
        rows = body["rows"]
        if len(rows) > row_cap:
            return "over-cap"
        return "bounded" if body["truncated"] else "ok"
    return f"status {status}"


def run_cases(
    client: httpx.Client, row_cap: int, cases: list[Case] | None = None, *, verbose: bool = False
) -> Tally:
    """Send `cases` (default `CASES`); return the tally (data fingerprint checked around them)."""
    tally = Tally()
    before = fingerprint(client)
    for case in cases if cases is not None else CASES:
        tally.tried += 1
        started = time.monotonic()
        try:
            r = client.post("/api/v1/cypher", json={"query": case.query, "parameters": case.parameters})
            body = r.json() if r.headers.get("content-type", "").endswith("json") else {}
            outcome = _outcome(r.status_code, body, row_cap)
            detail = str(body.get("detail", ""))[:90] if isinstance(body, dict) else ""
        except httpx.HTTPError as exc:
            outcome, detail = "crash", repr(exc)[:90]
        elapsed = time.monotonic() - started
        tally.slowest = max(tally.slowest, (elapsed, case.name))
        healthy = _healthy(client)
        if outcome == "crash" or outcome.startswith("status 5") or not healthy:
            tally.crashes.append(case.name)
        expected = {"refused": ("refused",), "bounded": ("bounded", "ok"), "ok": ("ok",)}[case.expect]
        if outcome not in expected:
            tally.unexpected.append(f"{case.name}: {outcome} {detail}")
        tally.outcomes[outcome if outcome in ("refused", "bounded", "ok") else "other"] += 1
        if verbose:
            print(f"{elapsed:7.3f} s  {outcome:8}  {case.name:28}  {detail}")
    tally.data_changed = int(fingerprint(client) != before)
    return tally


def main(argv: list[str] | None = None) -> int:
    """Load the bundled data, start ``serve --workers 2``, send the cases, print the tally."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout-ms", type=int, default=10_000)
    parser.add_argument("--row-cap", type=int, default=10_000)
    args = parser.parse_args(argv)

    from graph.backends import open_store, stop_server
    from graph.config import StoreSettings
    from loaders.bundle import load_bundle
    from ontology.derive import load_schema
    from tests.server_process import serve_api

    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        data_dir = Path(tmp)
        settings = StoreSettings(_env_file=None, data_dir=data_dir)
        store = open_store(settings, load_schema())
        try:
            store.install_schema()
            load_bundle(store, data_dir / "generated")
        finally:
            store.close()
        env = {
            "TRANSFERNET_QUERY_TIMEOUT_MS": str(args.timeout_ms),
            "TRANSFERNET_ROW_CAP": str(args.row_cap),
            "TRANSFERNET_WORKERS": str(args.workers),
        }
        try:
            with serve_api(data_dir, env) as base, httpx.Client(base_url=base, timeout=120) as client:
                tally = run_cases(client, args.row_cap, verbose=True)
        finally:
            stop_server(settings.store_dir)
    print(tally.summary())
    for line in tally.unexpected:
        print("unexpected:", line)
    for name in tally.crashes:
        print("crash:", name)
    return 1 if tally.unexpected or tally.crashes or tally.data_changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
