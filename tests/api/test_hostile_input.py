"""Hostile input over real HTTP gets clear 4xx answers (422 naming the value and why, 401), never a 500.

A ``transfernet serve`` process on the bundled dataset (``TRANSFERNET_MAX_REQUEST_BYTES=20000``,
API key ``test-key``).  Nothing here may be stored: every refused write is checked absent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

KEY = {"X-API-Key": "test-key"}
P = "test-hostile-"


@pytest.fixture(scope="module")
def client(api_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server, timeout=120) as c:
        yield c


def _raw(client: httpx.Client, method: str, url: str, text: str, **headers: str) -> httpx.Response:
    """Send `text` as the JSON body byte for byte (json= would refuse NaN and lone surrogates)."""
    return client.request(
        method, url, content=text.encode("utf-8"), headers={"Content-Type": "application/json", **headers}
    )


def _messages(response: httpx.Response) -> str:
    body = response.json()
    return json.dumps([body.get("detail"), body.get("errors")], ensure_ascii=False)


# -- Cypher parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameters", "reason"),
    [
        ('{"x": "\\ud800"}', "lone surrogate"),
        ('{"x": ["ok", {"y": "a\\udfffb"}]}', "lone surrogate"),
        ('{"x": 1000000000000000000000000000000}', "64-bit"),
        ('{"x": NaN}', "NaN"),
        ('{"x": -Infinity}', "-Infinity"),
    ],
)
def test_unstorable_cypher_parameters_are_422(client: httpx.Client, parameters: str, reason: str) -> None:
    response = _raw(
        client, "POST", "/api/v1/cypher", f'{{"query": "RETURN $x AS x", "parameters": {parameters}}}'
    )
    assert response.status_code == 422, response.text
    assert "parameters" in _messages(response) and reason in _messages(response)


def test_lone_surrogate_in_cypher_text_is_422(client: httpx.Client) -> None:
    response = _raw(client, "POST", "/api/v1/cypher", '{"query": "RETURN \'\\ud800\' AS x"}')
    assert response.status_code == 422, response.text


def test_int64_limits_still_pass(client: httpx.Client) -> None:
    response = client.post("/api/v1/cypher", json={"query": "RETURN $x AS x", "parameters": {"x": 2**63 - 1}})
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == [{"x": 2**63 - 1}]


# -- API key header -------------------------------------------------------------------------


def test_non_ascii_api_key_is_401(client: httpx.Client) -> None:
    response = client.put(
        f"/api/v1/entities/Enterprise/{P}key",
        json={"properties": {"name": "x"}},
        headers={"X-API-Key": b"test-key\xff"},  # type: ignore[arg-type]
    )
    assert response.status_code == 401, response.text


# -- entity writes --------------------------------------------------------------------------


def _body(name: str) -> str:
    return (
        f'{{"properties": {{"name": {name}, "city": "Testville"}}, "sources": ["https://example.org/t"],'
        ' "relationships": [{"type": "LOCATED_IN", "other": {"type": "Country", "key": "TH"}}]}'
    )


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("123", "a text value is expected, not a number (123)"),
        ("true", "a text value is expected, not a boolean (True)"),
        ('["a"]', "a single value is expected"),
        ("NaN", "NaN is not a number"),
        ("Infinity", "Infinity is not a number"),
        ('"\\ud800"', "lone surrogate"),
    ],
)
@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_wrong_or_unstorable_property_values_are_422(
    client: httpx.Client, method: str, name: str, reason: str
) -> None:
    key = f"{P}{method.lower()}"
    if method == "PATCH":  # a stored entity to patch
        made = _raw(client, "PUT", f"/api/v1/entities/Enterprise/{key}", _body('"Test Hostile Co"'), **KEY)
        assert made.status_code in (200, 201), made.text
    response = _raw(client, method, f"/api/v1/entities/Enterprise/{key}", _body(name), **KEY)
    assert response.status_code == 422, response.text
    messages = _messages(response)
    assert "name" in messages and reason in messages, messages
    stored = client.get(f"/api/v1/entities/Enterprise/{key}")
    if method == "PUT":
        assert stored.status_code == 404
    else:
        assert stored.json()["properties"]["name"] == "Test Hostile Co"
        assert client.delete(
            f"/api/v1/entities/Enterprise/{key}", params={"detach": "true"}, headers=KEY
        ).is_success


def test_lone_surrogate_in_an_end_key_is_422(client: httpx.Client) -> None:
    body: dict[str, Any] = json.loads(_body('"Test Hostile Co"'))
    body["relationships"][0]["other"]["key"] = "T\udc80H"
    text = json.dumps(body)  # writes the lone surrogate as the escape \udc80
    response = _raw(client, "PUT", f"/api/v1/entities/Enterprise/{P}rel", text, **KEY)
    assert response.status_code == 422, response.text
    assert "unicode" in _messages(response).lower() and '"key"' in _messages(response)
    assert client.get(f"/api/v1/entities/Enterprise/{P}rel").status_code == 404
