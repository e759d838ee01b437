"""Entity routes over real HTTP (``transfernet serve`` on the bundled dataset).

The tests create their own nodes (keys prefixed ``test-entities-``) and delete them at the
end; expected listings are computed by the raw read-only Cypher route on the same server.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

P = "test-entities-"
KEY = {"X-API-Key": "test-key"}


def _ids(client: httpx.Client, query: str, **params: Any) -> list[Any]:
    body = client.post("/api/v1/cypher", json={"query": query, "parameters": params}).json()
    assert not body["truncated"]
    return [row["k"] for row in body["rows"]]


def _cleanup(client: httpx.Client) -> None:
    """Delete every node this module made (a node another one needs goes in a later round)."""
    for _ in range(5):
        keys = _ids(client, "MATCH (n) WHERE n.id STARTS WITH $p RETURN n.id AS k", p=P)
        if not keys:
            return
        for key in keys:
            label = _ids(client, "MATCH (n) WHERE n.id = $k RETURN labels(n)[0] AS k", k=key)[0]
            client.delete(f"/api/v1/entities/{label}/{key}", params={"detach": "true"}, headers=KEY)
    raise AssertionError(f"left behind: {keys}")


@pytest.fixture(scope="module")
def client(api_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server, timeout=60) as c:
        _cleanup(c)
        yield c
        _cleanup(c)


def _put(client: httpx.Client, type: str, key: str, body: dict[str, Any], **kw: Any) -> httpx.Response:
    return client.put(f"/api/v1/entities/{type}/{key}", json=body, headers=kw.pop("headers", KEY), **kw)


def _get(client: httpx.Client, type: str, key: str) -> httpx.Response:
    return client.get(f"/api/v1/entities/{type}/{key}")


def _country(client: httpx.Client) -> tuple[str, str]:
    """A stored country (key, name) other than CN."""
    body = client.post(
        "/api/v1/cypher",
        json={
            "query": "MATCH (c:Country) WHERE c.id <> 'CN' RETURN c.id AS k, c.name AS n ORDER BY k LIMIT 1"
        },
    ).json()
    return body["rows"][0]["k"], body["rows"][0]["n"]


def _enterprise(country: str, **props: Any) -> dict[str, Any]:
    return {
        "properties": {"name": "Test Entities Robotics", "city": "Testville", **props},
        "sources": ["https://example.org/test-entities"],
        "relationships": [{"type": "LOCATED_IN", "other": {"type": "Country", "key": country}}],
    }


def test_put_creates_and_get_returns_properties_provenance_and_relationships(client: httpx.Client) -> None:
    country, country_name = _country(client)
    created = _put(client, "Enterprise", P + "acme", _enterprise(country))
    assert created.status_code == 201, created.text
    assert created.json()["id"] == f"Institution:{P}acme" and created.json()["created"]
    entity = _get(client, "Enterprise", P + "acme").json()
    assert entity["type"] == "Enterprise" and entity["labels"] == ["Enterprise", "Institution"]
    assert entity["properties"] == {"id": P + "acme", "name": "Test Entities Robotics", "city": "Testville"}
    assert entity["provenance"]["sources"] == ["https://example.org/test-entities"]
    [rel] = entity["relationships"]
    assert rel["type"] == "LOCATED_IN" and rel["direction"] == "out"
    assert rel["other"] == {
        "id": f"Country:{country}",
        "type": "Country",
        "key": country,
        "name": country_name,
    }
    assert rel["properties"]["sources"] == ["https://example.org/test-entities"]
    # a supertype in the path finds it too; the country sees the relationship as incoming
    assert _get(client, "Institution", P + "acme").json()["id"] == entity["id"]
    incoming = client.get(f"/api/v1/entities/Country/{country}", params={"rel_limit": 1000}).json()
    assert {"type": "LOCATED_IN", "direction": "in", "id": entity["id"]} in [
        {"type": r["type"], "direction": r["direction"], "id": r["other"]["id"]}
        for r in incoming["relationships"]
    ]


def test_get_errors(client: httpx.Client) -> None:
    missing = _get(client, "Country", "XX")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert _get(client, "NoSuchType", "CN").status_code == 404
    assert client.get("/api/v1/entities/Country/CN", params={"rel_limit": -1}).status_code == 422


def test_rel_limit_truncates(client: httpx.Client) -> None:
    country, _ = _country(client)
    _put(client, "Enterprise", P + "acme", _enterprise(country))
    body = client.get(f"/api/v1/entities/Country/{country}", params={"rel_limit": 0}).json()
    assert body["relationships"] == [] and body["relationships_truncated"] is True


def test_put_is_idempotent_and_replaces_properties(client: httpx.Client) -> None:
    country, _ = _country(client)
    first = _put(client, "Enterprise", P + "idem", _enterprise(country, note="first"))
    assert first.status_code == 201
    state = _get(client, "Enterprise", P + "idem").json()
    again = _put(client, "Enterprise", P + "idem", _enterprise(country, note="first"))
    assert again.status_code == 200 and not again.json()["created"]
    assert _get(client, "Enterprise", P + "idem").json() == state
    # a replace drops the properties it leaves out; sources accumulate
    body = _enterprise(country)
    body["properties"].pop("city")
    body["sources"] = ["https://example.org/test-entities-2"]
    assert _put(client, "Enterprise", P + "idem", body).status_code == 200
    after = _get(client, "Enterprise", P + "idem").json()
    assert after["properties"] == {"id": P + "idem", "name": "Test Entities Robotics"}
    assert after["provenance"]["sources"] == [
        "https://example.org/test-entities",
        "https://example.org/test-entities-2",
    ]
    assert len(after["relationships"]) == 1  # the LOCATED_IN stated twice is one relationship


def test_default_provenance_names_the_key_by_hash(client: httpx.Client) -> None:
    body = _enterprise(_country(client)[0])
    del body["sources"]
    assert _put(client, "Enterprise", P + "nosrc", body).status_code == 201
    sources = _get(client, "Enterprise", P + "nosrc").json()["provenance"]["sources"]
    assert len(sources) == 1 and sources[0].startswith("api:key-") and "test-key" not in sources[0]


def test_synthetic_nodes_stay_marked(client: httpx.Client) -> None:
    country, _ = _country(client)
    assert (
        _put(client, "Enterprise", P + "synth", _enterprise(country, synthetic=True, seed=7)).status_code
        == 201
    )
    assert _put(client, "Enterprise", P + "synth", _enterprise(country)).status_code == 200
    provenance = _get(client, "Enterprise", P + "synth").json()["provenance"]
    assert provenance["synthetic"] is True and provenance["seed"] == 7


def test_patch_sets_and_removes_properties(client: httpx.Client) -> None:
    country, _ = _country(client)
    _put(client, "Enterprise", P + "patch", _enterprise(country, note="old"))
    response = client.patch(
        f"/api/v1/entities/Enterprise/{P}patch",
        json={"properties": {"note": None, "acronym": "TER"}, "sources": ["https://example.org/p"]},
        headers=KEY,
    )
    assert response.status_code == 200, response.text
    props = _get(client, "Enterprise", P + "patch").json()["properties"]
    assert props == {
        "id": P + "patch",
        "name": "Test Entities Robotics",
        "city": "Testville",
        "acronym": "TER",
    }
    missing = client.patch(f"/api/v1/entities/Enterprise/{P}nobody", json={"properties": {}}, headers=KEY)
    assert missing.status_code == 404
    no_name = client.patch(
        f"/api/v1/entities/Enterprise/{P}patch", json={"properties": {"name": None}}, headers=KEY
    )
    assert no_name.status_code == 422  # name is required by the shapes
    assert _get(client, "Enterprise", P + "patch").json()["properties"] == props


def test_invalid_write_lists_every_problem_and_changes_nothing(client: httpx.Client) -> None:
    stats = client.get("/api/v1/health/ready").json()
    body = {
        "properties": {"name": "Bad", "established": "2015-13-40", "website": "not a url", "colour": "red"},
        "relationships": [
            {"type": "LOCATED_IN", "other": {"type": "Country", "key": "ZZ"}},
            {"type": "NO_SUCH_TYPE", "other": {"type": "Country", "key": "CN"}},
            {"type": "HOSTED_IN", "other": {"type": "Country", "key": "CN"}},  # only transfer centres
            {"type": "MEMBER_OF", "other": {"type": "Institution", "key": P + "nobody"}},
        ],
    }
    response = _put(client, "Enterprise", P + "bad", body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    where = {e["property"] for e in errors}
    assert where == {
        "established",
        "website",
        "colour",
        "relationships[0].other.key",  # not an ISO 3166 code
        "relationships[1].type",
        "relationships[2].type",
        "relationships[3].other",  # no such node
    }
    assert all(set(e) == {"property", "value", "reason"} for e in errors)
    assert next(e for e in errors if e["property"] == "established")["value"] == "2015-13-40"
    assert _get(client, "Enterprise", P + "bad").status_code == 404
    assert client.get("/api/v1/health/ready").json()["nodes"] == stats["nodes"]


def test_shapes_are_checked_in_the_context_of_the_stored_graph(client: httpx.Client) -> None:
    country, _ = _country(client)
    parent = {"properties": {"name": "Test Entities Parent"}, "sources": ["https://example.org/t"]}
    assert _put(client, "NationalTransferCentre", P + "parent", parent).status_code == 201
    centre: dict[str, Any] = {
        "properties": {"name": "Test Entities Bilateral"},
        "sources": ["https://example.org/t"],
    }
    refused = _put(client, "BilateralCentre", P + "bc", centre)
    assert refused.status_code == 422
    assert {e["property"] for e in refused.json()["errors"]} == {"HOSTED_IN", "PARENT_CENTRE"}
    centre["relationships"] = [
        {"type": "HOSTED_IN", "other": {"type": "Country", "key": country}},
        {"type": "PARENT_CENTRE", "other": {"type": "TransferCentre", "key": P + "parent"}},
    ]
    assert _put(client, "BilateralCentre", P + "bc", centre).status_code == 201
    # the stored relationships count: a later PUT without them is still valid
    centre.pop("relationships")
    assert _put(client, "BilateralCentre", P + "bc", centre).status_code == 200
    # an agreement needs two parties; parties may be stored or given with it
    agreement: dict[str, Any] = {
        "properties": {"title": "Test Entities MoU"},
        "sources": ["https://example.org/t"],
        "relationships": [
            {"type": "PARTY_TO", "direction": "in", "other": {"type": "Institution", "key": P + "bc"}}
        ],
    }
    assert _put(client, "MemorandumOfUnderstanding", P + "mou", agreement).status_code == 422
    agreement["relationships"].append(
        {"type": "PARTY_TO", "direction": "in", "other": {"type": "Country", "key": country}}
    )
    assert _put(client, "MemorandumOfUnderstanding", P + "mou", agreement).status_code == 201


def test_type_conflicts(client: httpx.Client) -> None:
    _put(client, "Enterprise", P + "acme", _enterprise(_country(client)[0]))
    assert _put(client, "University", P + "acme", _enterprise("CN")).status_code == 409
    url = f"/api/v1/entities/University/{P}acme"
    assert client.patch(url, json={"properties": {"note": "x"}}, headers=KEY).status_code == 409
    assert client.delete(url, params={"detach": "true"}, headers=KEY).status_code == 404
    assert _get(client, "Institution", P + "acme").json()["labels"] == ["Enterprise", "Institution"]
    assert _put(client, "NoSuchType", P + "x", _enterprise("CN")).status_code == 404


def test_writes_need_a_valid_key(client: httpx.Client) -> None:
    body = _enterprise(_country(client)[0])
    assert _put(client, "Enterprise", P + "anon", body, headers={}).status_code == 401
    assert _put(client, "Enterprise", P + "anon", body, headers={"X-API-Key": "wrong"}).status_code == 401
    assert client.delete("/api/v1/entities/Country/CN").status_code == 401
    assert client.patch("/api/v1/entities/Country/CN", json={"properties": {}}).status_code == 401
    assert _get(client, "Enterprise", P + "anon").status_code == 404


def test_body_size_limit(client: httpx.Client) -> None:
    body = _enterprise(_country(client)[0], description="x" * 25_000)
    assert _put(client, "Enterprise", P + "big", body).status_code == 413
    assert _get(client, "Enterprise", P + "big").status_code == 404


def test_delete_needs_detach_and_keeps_neighbours_valid(client: httpx.Client) -> None:
    country, _ = _country(client)
    parent = {"properties": {"name": "Test Entities Parent 2"}, "sources": ["https://example.org/t"]}
    _put(client, "NationalTransferCentre", P + "parent2", parent)
    centre = {
        "properties": {"name": "Test Entities Bilateral 2"},
        "sources": ["https://example.org/t"],
        "relationships": [
            {"type": "HOSTED_IN", "other": {"type": "Country", "key": country}},
            {"type": "PARENT_CENTRE", "other": {"type": "TransferCentre", "key": P + "parent2"}},
        ],
    }
    assert _put(client, "BilateralCentre", P + "bc2", centre).status_code == 201
    url = f"/api/v1/entities/NationalTransferCentre/{P}parent2"
    conflict = client.delete(url, headers=KEY)
    assert conflict.status_code == 409 and "detach" in conflict.json()["detail"]
    broken = client.delete(url, params={"detach": "true"}, headers=KEY)  # bc2 would lose its parent
    assert broken.status_code == 422 and broken.json()["errors"][0]["property"] == "PARENT_CENTRE"
    assert _get(client, "NationalTransferCentre", P + "parent2").status_code == 200
    # a relationship a shape needs cannot be removed alone either
    unlink = {"type": "HOSTED_IN", "start": f"Institution:{P}bc2", "end": f"Country:{country}"}
    assert client.delete("/api/v1/relationships", params=unlink, headers=KEY).status_code == 422
    gone = client.delete(f"/api/v1/entities/BilateralCentre/{P}bc2", params={"detach": "true"}, headers=KEY)
    assert gone.status_code == 200 and gone.json() == {"nodes": 1, "relationships": 2}
    assert client.delete(url, headers=KEY).json() == {"nodes": 1, "relationships": 0}
    assert _get(client, "NationalTransferCentre", P + "parent2").status_code == 404
    assert client.delete(url, headers=KEY).status_code == 404


def test_delete_relationship(client: httpx.Client) -> None:
    country, _ = _country(client)
    _put(client, "Enterprise", P + "link", _enterprise(country))
    unlink = {"type": "LOCATED_IN", "start": f"Enterprise:{P}link", "end": f"Country:{country}"}
    response = client.delete("/api/v1/relationships", params=unlink, headers=KEY)
    assert response.status_code == 200 and response.json()["relationships"] == 1
    assert _get(client, "Enterprise", P + "link").json()["relationships"] == []
    assert client.delete("/api/v1/relationships", params=unlink, headers=KEY).status_code == 404
    bad = {**unlink, "start": "nonsense"}
    assert client.delete("/api/v1/relationships", params=bad, headers=KEY).status_code == 422
    assert (
        client.delete("/api/v1/relationships", params={**unlink, "type": "NOPE"}, headers=KEY).status_code
        == 422
    )


def test_writes_reach_search(client: httpx.Client) -> None:
    body = _enterprise(_country(client)[0])
    body["properties"]["name"] = "Test Entities Quokka Findable"
    _put(client, "Enterprise", P + "search", body)
    items = client.get("/api/v1/search", params={"q": "quokka findable"}).json()["items"]
    assert [i["id"] for i in items] == [f"Institution:{P}search"]


def _all_pages(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        page = client.get("/api/v1/entities", params={**params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        items.extend(page.json()["items"])
        cursor = page.json()["next"]
        if cursor is None:
            return items
    raise AssertionError("pagination does not end")


def test_pagination_covers_every_node_of_a_type_once(client: httpx.Client) -> None:
    expected = _ids(client, "MATCH (n:Country) RETURN n.id AS k ORDER BY k")
    items = _all_pages(client, type="Country", limit=37)
    assert [i["key"] for i in items] == expected
    assert {i["type"] for i in items} == {"Country"}
    # a supertype lists its subtypes (sorted by key, each once)
    centres = _all_pages(client, type="TransferCentre", limit=7)
    assert [i["key"] for i in centres] == _ids(client, "MATCH (n:TransferCentre) RETURN n.id AS k ORDER BY k")


def test_pagination_without_type_walks_every_key_label(client: httpx.Client) -> None:
    total = client.post("/api/v1/cypher", json={"query": "MATCH (n) RETURN count(n) AS n"}).json()["rows"][0][
        "n"
    ]
    items = _all_pages(client, limit=500)
    assert len(items) == total and len({i["id"] for i in items}) == total


def test_country_and_field_filters(client: httpx.Client) -> None:
    country, _ = _country(client)
    _put(client, "Enterprise", P + "acme", _enterprise(country))
    in_country = _all_pages(client, type="Institution", country=country, limit=50)
    expected = _ids(
        client,
        "MATCH (n:Institution)-[:LOCATED_IN|HOSTED_IN]->(c:Country) WHERE c.id = $c "
        "RETURN DISTINCT n.id AS k ORDER BY k",
        c=country,
    )
    assert [i["key"] for i in in_country] == expected and P + "acme" in expected
    # a field with a broader one: an expert in the narrower field is listed under the broader one
    [pair] = client.post(
        "/api/v1/cypher",
        json={
            "query": "MATCH (f:Field)-[:BROADER]->(b:Field) RETURN f.id AS f, b.id AS b ORDER BY f LIMIT 1"
        },
    ).json()["rows"]
    expert = {
        "properties": {"name": "Test Entities Expert"},
        "sources": ["https://example.org/t"],
        "relationships": [{"type": "EXPERT_IN", "other": {"type": "Field", "key": pair["f"]}}],
    }
    assert _put(client, "Expert", P + "expert", expert).status_code == 201
    keys = {i["key"] for i in _all_pages(client, type="Expert", field=pair["b"], narrower="true")}
    assert P + "expert" in keys
    assert P + "expert" not in {i["key"] for i in _all_pages(client, type="Expert", field=pair["b"])}
    assert P + "expert" in {i["key"] for i in _all_pages(client, type="Expert", field=pair["f"])}


def test_list_errors(client: httpx.Client) -> None:
    assert client.get("/api/v1/entities", params={"type": "Nope"}).status_code == 422
    assert client.get("/api/v1/entities", params={"limit": 501}).status_code == 422
    assert client.get("/api/v1/entities", params={"country": "thailand"}).status_code == 422
    assert client.get("/api/v1/entities", params={"cursor": "%%%"}).status_code == 422
    other = client.get("/api/v1/entities", params={"type": "Country", "limit": 1}).json()["next"]
    assert client.get("/api/v1/entities", params={"type": "Field", "cursor": other}).status_code == 422
    forged = base64.urlsafe_b64encode(json.dumps(["Nope", "x", [None, None, None, False]]).encode()).decode()
    assert client.get("/api/v1/entities", params={"cursor": forged}).status_code == 422


def test_openapi_has_examples_for_entity_routes(client: httpx.Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path, method in [
        ("/api/v1/entities", "get"),
        ("/api/v1/entities/{type}/{key}", "get"),
        ("/api/v1/entities/{type}/{key}", "put"),
        ("/api/v1/entities/{type}/{key}", "patch"),
        ("/api/v1/entities/{type}/{key}", "delete"),
        ("/api/v1/relationships", "delete"),
    ]:
        assert method in paths[path], (path, method)
    schemas = spec["components"]["schemas"]
    for name in ("EntityPut", "EntityPatch", "Entity", "RelationshipIn"):
        assert schemas[name].get("examples"), name
