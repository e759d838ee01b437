"""Over real HTTP: a chunked body past the limit gets 413; HTML pages send security headers.

A ``transfernet serve`` process on the bundled dataset (``TRANSFERNET_MAX_REQUEST_BYTES=20000``).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from viz.explorer import SERVED_CSP

KEY = {"X-API-Key": "test-key"}
P = "test-hardening-"


@pytest.fixture(scope="module")
def client(api_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server, timeout=120) as c:
        yield c


# -- body size ------------------------------------------------------------------------------


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    yield b'{"query": "RETURN 1", "parameters": {"x": "'
    for _ in range(total // size):
        yield b"y" * size
    yield b'"}}'


@pytest.mark.parametrize(
    ("method", "url"), [("POST", "/api/v1/cypher"), ("PUT", f"/api/v1/entities/Enterprise/{P}x")]
)
def test_chunked_10mb_body_is_413(client: httpx.Client, method: str, url: str) -> None:
    response = client.request(
        method, url, content=_chunks(10 * 1024 * 1024), headers={"Content-Type": "application/json", **KEY}
    )  # a generator: sent chunked, no Content-Length to check up front
    assert response.status_code == 413, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/payload-too-large")


# -- security headers -------------------------------------------------------------------------


def test_explorer_page_sends_csp_and_frame_headers(client: httpx.Client) -> None:
    page = client.get("/explore")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == SERVED_CSP + "; frame-ancestors 'none'"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"


def test_report_and_docs_pages_send_csp_and_frame_headers(client: httpx.Client) -> None:
    report = client.get("/api/v1/reports/latest")
    assert report.status_code == 200
    assert report.headers["content-security-policy"].startswith("default-src 'none'")  # its own, kept
    assert "frame-ancestors 'none'" in report.headers["content-security-policy"]
    docs = client.get("/api/v1/ontology/docs")
    assert "default-src 'self'" in docs.headers["content-security-policy"]
    for page in (report, docs):
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"


def test_json_answers_say_nosniff(client: httpx.Client) -> None:
    assert client.get("/api/v1/health/live").headers["x-content-type-options"] == "nosniff"
