"""Readiness answers within its deadline even when the store does not (a wedged server)."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

from fastapi.testclient import TestClient

from api.app import create_app
from api.routes import health
from api.settings import Settings


class _WedgedStore:
    """A store whose stats() hangs until released (as a stopped server would)."""

    capabilities = SimpleNamespace(name="wedged")

    def __init__(self) -> None:
        self.release = threading.Event()

    def stats(self) -> object:
        self.release.wait(30)
        return SimpleNamespace(nodes=0, relationships=0)


def test_ready_is_503_at_its_deadline_when_the_store_hangs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(Settings(_env_file=None, data_dir=tmp_path))
    store = _WedgedStore()
    app.state.store = store
    app.state.projection = SimpleNamespace(built=False)
    client = TestClient(app)  # no lifespan: the fake store stands in for the real one
    started = time.perf_counter()
    r = client.get("/api/v1/health/ready")
    waited = time.perf_counter() - started
    assert r.status_code == 503 and r.json()["type"].endswith("/store-unavailable")
    assert waited < health.READY_DEADLINE_S + 1.5
    # while the first check still waits, the next one answers 503 at once
    started = time.perf_counter()
    assert client.get("/api/v1/health/ready").status_code == 503
    assert time.perf_counter() - started < 0.5
    store.release.set()
    time.sleep(0.1)
    assert client.get("/api/v1/health/ready").status_code == 200


class _GoneStore:
    """A store whose server cannot be reached (killed, or hung and being replaced)."""

    capabilities = SimpleNamespace(name="gone")

    def query(self, *args: object, **kwargs: object) -> object:
        from graph.errors import StoreUnavailable

        raise StoreUnavailable("the FalkorDB server is unreachable: Connection refused")


def test_an_unreachable_store_is_503_with_retry_after_not_a_query_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # before: the Cypher route answered 400 "The query failed", other routes 500
    app = create_app(Settings(_env_file=None, data_dir=tmp_path))
    app.state.store = _GoneStore()
    client = TestClient(app)
    r = client.post("/api/v1/cypher", json={"query": "MATCH (n) RETURN count(n) AS n"})
    assert r.status_code == 503, r.text
    assert r.json()["type"].endswith("/store-unavailable") and r.headers["retry-after"] == "5"
    assert "unreachable" in r.json()["detail"]
