"""Named queries over real HTTP (``transfernet serve`` on the bundled dataset).

Expected rows come from differently written queries sent to the raw Cypher route of the
same server; the catalogue is compared with `graph.cypher.named.NAMED_QUERIES`.  The answers of
each query on a hand-made graph are checked on every backend in
``tests/graph/test_store_contract.py``.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from graph.cypher.named import NAMED_QUERIES


@pytest.fixture(scope="module")
def client(api_server: str) -> httpx.Client:
    return httpx.Client(base_url=api_server, timeout=30)


def _raw(client: httpx.Client, query: str, **params: Any) -> list[dict[str, Any]]:
    body = client.post("/api/v1/cypher", json={"query": query, "parameters": params}).json()
    rows: list[dict[str, Any]] = body["rows"]
    return rows


def _run(client: httpx.Client, name: str, **params: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1/queries/{name}", json=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_catalogue_lists_every_query_with_typed_parameters(client: httpx.Client) -> None:
    items = {q["name"]: q for q in client.get("/api/v1/queries").json()["items"]}
    assert set(items) == set(NAMED_QUERIES)
    for name, query in NAMED_QUERIES.items():
        listed = items[name]
        assert listed["description"] == query.description
        assert [p["name"] for p in listed["parameters"]] == [p.name for p in query.parameters]
        assert listed["example"] == dict(query.example)
    limit = next(p for p in items["neighbours"]["parameters"] if p["name"] == "limit")
    assert limit["json_schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 1000,
        "default": 100,
        "description": "At most this many rows.",
    }
    assert not limit["required"]
    country = items["centres_hosted_in"]["parameters"][0]
    assert country["json_schema"]["type"] == "string" and country["json_schema"]["pattern"] == "^[A-Z]{2}$"
    label = items["count_label"]["parameters"][0]
    assert "Country" in label["json_schema"]["enum"] and "BilateralCentre" in label["json_schema"]["enum"]


@pytest.mark.parametrize("name", sorted(NAMED_QUERIES))
def test_every_example_runs(client: httpx.Client, name: str) -> None:
    body = _run(client, name, **NAMED_QUERIES[name].example)
    assert set(body) == {"columns", "rows", "truncated"}
    assert all(set(row) == set(body["columns"]) for row in body["rows"])


def test_bilateral_centres_of_a_national_centre(client: httpx.Client) -> None:
    expected = _raw(
        client,
        "MATCH (p:Institution {id: $p})<-[:PARENT_CENTRE]-(b:BilateralCentre) RETURN DISTINCT b.id AS id",
        p="CATTC",
    )
    rows = _run(client, "bilateral_centres_of", centre="CATTC")["rows"]
    assert {r["id"] for r in rows} == {r["id"] for r in expected} and rows


def test_centres_hosted_in_a_country(client: httpx.Client) -> None:
    [host] = _raw(
        client,
        "MATCH (:TransferCentre)-[:HOSTED_IN]->(c:Country) "
        "RETURN c.id AS id, count(*) AS n ORDER BY n DESC, id LIMIT 1",
    )
    expected = _raw(
        client,
        "MATCH (c:Country {id: $c})<-[:HOSTED_IN]-(t:TransferCentre) RETURN DISTINCT t.id AS id",
        c=host["id"],
    )
    rows = _run(client, "centres_hosted_in", country=host["id"])["rows"]
    assert {r["id"] for r in rows} == {r["id"] for r in expected}


def test_nodes_are_serialised_like_the_raw_route(client: httpx.Client) -> None:
    named = _run(client, "node_by_key", label="Country", key="CN")
    raw = client.post(
        "/api/v1/cypher", json={"query": "MATCH (n:Country {id: $key}) RETURN n", "parameters": {"key": "CN"}}
    ).json()
    assert named == raw
    assert named["rows"][0]["n"]["id"] == "Country:CN" and "Country" in named["rows"][0]["n"]["labels"]


def test_row_cap(client: httpx.Client) -> None:
    [hub] = _raw(
        client,
        "MATCH (n:Country)-[r]-() RETURN n.id AS id, count(r) AS d ORDER BY d DESC, id LIMIT 1",
    )
    body = _run(client, "neighbours", label="Country", key=hub["id"], limit=1000)
    cap = 500  # TRANSFERNET_ROW_CAP of the api_server fixture
    assert len(body["rows"]) == min(hub["d"], cap)
    assert body["truncated"] is (hub["d"] > cap)


@pytest.mark.parametrize(
    ("name", "params", "where"),
    [
        ("centres_hosted_in", {}, "country"),  # missing
        ("centres_hosted_in", {"country": "TH", "extra": 1}, "extra"),  # unknown
        ("centres_hosted_in", {"country": "thailand"}, "country"),  # pattern
        ("centres_hosted_in", {"country": 66}, "country"),  # type
        ("neighbours", {"label": "Country", "key": "CN", "limit": "5"}, "limit"),  # no coercion
        ("neighbours", {"label": "Country", "key": "CN", "limit": 0}, "limit"),  # bound
        ("neighbours", {"label": "Country", "key": "CN", "limit": True}, "limit"),
        ("count_label", {"label": "Country) DETACH DELETE (n"}, "label"),  # not a schema label
        ("count_type", {"rel_type": "KNOWS"}, "rel_type"),
    ],
)
def test_invalid_parameters(client: httpx.Client, name: str, params: dict[str, Any], where: str) -> None:
    response = client.post(f"/api/v1/queries/{name}", json=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert where in [e["loc"][0] for e in response.json()["errors"]]


def test_unknown_query_and_bad_body(client: httpx.Client) -> None:
    assert client.post("/api/v1/queries/no_such_query", json={}).status_code == 404
    assert client.post("/api/v1/queries/count_label", json=["Country"]).status_code == 422
    assert (
        client.post(
            "/api/v1/queries/count_label", content=b"{", headers={"content-type": "application/json"}
        ).status_code
        == 422
    )


def test_openapi_examples(client: httpx.Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    body = spec["paths"]["/api/v1/queries/{name}"]["post"]["requestBody"]["content"]["application/json"]
    assert set(body["examples"]) == set(NAMED_QUERIES)
    assert spec["components"]["schemas"]["QueryCatalogue"].get("examples")
