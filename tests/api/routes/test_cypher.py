"""Hostile ``POST /api/v1/cypher`` requests against a real server on the bundled dataset.

Every case of `benchmarks.hostile_cypher.CASES` is sent (writes, schema commands,
procedures in every spelling, ``LOAD CSV``, several statements, deep nesting, huge
ranges and products, hostile parameters); each must be refused or answered within the
row cap or the timeout, the server must answer a trivial query after each, and the
data must be unchanged.  The tally is printed (``pytest -s`` shows it).
"""

from __future__ import annotations

import httpx
import pytest

from benchmarks.hostile_cypher import CASES, run_cases

ROW_CAP = 500  # TRANSFERNET_ROW_CAP of the api_server fixture


@pytest.fixture(scope="module")
def client(api_server: str) -> httpx.Client:
    return httpx.Client(base_url=api_server, timeout=60)


@pytest.mark.slow
def test_hostile_cypher_is_refused_or_bounded(client: httpx.Client) -> None:
    tally = run_cases(client, ROW_CAP)
    print("\nhostile cypher:", tally.summary())
    assert tally.tried == len(CASES)
    assert tally.unexpected == [], "\n".join(tally.unexpected)
    assert tally.crashes == []
    assert tally.data_changed == 0
    assert tally.outcomes["refused"] == sum(c.expect == "refused" for c in CASES)


def test_row_cap_stops_the_database(client: httpx.Client) -> None:
    r = client.post("/api/v1/cypher", json={"query": "UNWIND range(1, 1000000) AS x RETURN x"})
    body = r.json()
    assert r.status_code == 200 and body["truncated"] and len(body["rows"]) == ROW_CAP
    assert body["rows"][0] == {"x": 1}
    union = "RETURN 1 AS x UNION ALL UNWIND range(1, 1000000) AS x RETURN x"
    body = client.post("/api/v1/cypher", json={"query": union}).json()
    assert body["truncated"] and len(body["rows"]) == ROW_CAP


def test_refusals_say_why(client: httpx.Client) -> None:
    r = client.post("/api/v1/cypher", json={"query": "CALL algo.WCC YIELD node RETURN node"})
    assert r.status_code == 403 and "algo.WCC" in r.json()["detail"]
    deep = client.post("/api/v1/cypher", json={"query": "RETURN " + "(" * 9990 + "1" + ")" * 9990})
    assert deep.status_code in (403, 413)
    nested = client.post("/api/v1/cypher", json={"query": "RETURN " + "(" * 23 + "1" + ")" * 23 + " AS x"})
    assert nested.status_code == 403 and "deeper than 12" in nested.json()["detail"]
