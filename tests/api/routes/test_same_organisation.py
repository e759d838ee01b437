"""Same-organisation routes over real HTTP (``transfernet serve`` on the bundled dataset).

The decisions are made on CATTC and gx-asean-ttc (the centre and its operator: the study,
section 3.1, names both) and removed at the end; the finding's figures on labelled data
are measured in ``tests/graph/resolution/test_labelled_pairs.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

KEY = {"X-API-Key": "test-key"}
A, B = "CATTC", "gx-asean-ttc"
URL = "/api/v1/same-organisation"


@pytest.fixture(scope="module")
def client(api_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server, timeout=60) as c:
        c.delete(f"{URL}/decisions", params={"a": A, "b": B}, headers=KEY)
        yield c
        c.delete(f"{URL}/decisions", params={"a": A, "b": B}, headers=KEY)


def test_the_finding_has_evidence_and_confidence(client: httpx.Client) -> None:
    body = client.get(URL, params={"min_confidence": 0.6}).json()
    assert set(body) == {"pairs", "clusters", "kept_apart"}
    for pair in body["pairs"]:
        assert pair["a"] < pair["b"] and 0.6 <= pair["confidence"] <= 1 and pair["evidence"]
    keys = {k for c in body["clusters"] for k in c}
    assert keys == {k for p in body["pairs"] for k in (p["a"], p["b"])}


def test_decisions_are_recorded_and_reversible(client: httpx.Client) -> None:
    decision = {
        "a": B,
        "b": A,
        "verdict": "distinct",
        "decided_by": "api test",
        "note": "operator and centre",
    }
    assert client.post(f"{URL}/decisions", json=decision).status_code == 401  # no key
    made = client.post(f"{URL}/decisions", json=decision, headers=KEY)
    assert made.status_code == 200, made.text
    out = made.json()
    assert (out["a"], out["b"], out["verdict"], out["decided_by"]) == (A, B, "distinct", "api test")
    assert out["decided_at"].endswith("Z")
    listed = client.get(f"{URL}/decisions").json()
    assert [(d["a"], d["b"], d["verdict"]) for d in listed] == [(A, B, "distinct")]
    # a new decision replaces the old one
    merged = client.post(f"{URL}/decisions", json={**decision, "verdict": "same"}, headers=KEY)
    assert merged.status_code == 200
    assert [d["verdict"] for d in client.get(f"{URL}/decisions").json()] == ["same"]
    query = "MATCH (:Institution {id: $a})-[r:SAME_AS]->(:Institution {id: $b}) RETURN r.note AS n"
    rows = client.post("/api/v1/cypher", json={"query": query, "parameters": {"a": A, "b": B}}).json()["rows"]
    assert rows == [{"n": "operator and centre"}]
    undone = client.delete(f"{URL}/decisions", params={"a": A, "b": B}, headers=KEY)
    assert undone.json() == {"removed": 1}
    assert client.get(f"{URL}/decisions").json() == []
    assert client.delete(f"{URL}/decisions", params={"a": A, "b": B}, headers=KEY).status_code == 404


def test_bad_decisions_are_refused(client: httpx.Client) -> None:
    base = {"decided_by": "api test", "note": "n", "verdict": "same"}
    assert (
        client.post(f"{URL}/decisions", json={**base, "a": A, "b": "no-such"}, headers=KEY).status_code == 404
    )
    assert client.post(f"{URL}/decisions", json={**base, "a": A, "b": A}, headers=KEY).status_code == 422
    assert (
        client.post(
            f"{URL}/decisions", json={**base, "a": A, "b": B, "verdict": "maybe"}, headers=KEY
        ).status_code
        == 422
    )
