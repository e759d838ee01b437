"""The embedded server's own limits: a per-query memory cap, an empty import folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from graph.backends.falkordb.server import DEFAULT_QUERY_MEMORY_MB, ensure_server, stop_server


@pytest.fixture
def small_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    info = ensure_server(tmp_path, query_memory_mb=64)
    conn = redis.Redis(unix_socket_path=info.socket, socket_timeout=60)
    try:
        yield conn
    finally:
        conn.close()
        stop_server(tmp_path)


def test_default_cap_is_generous() -> None:
    assert DEFAULT_QUERY_MEMORY_MB >= 1024


def test_memory_cap_stops_a_query_and_the_server_goes_on(small_server: redis.Redis) -> None:
    config = dict(small_server.execute_command("GRAPH.CONFIG", "GET", "*"))
    assert config[b"QUERY_MEM_CAPACITY"] == 64 * 1024 * 1024
    import_dir = Path(config[b"IMPORT_FOLDER"].decode())
    assert import_dir.is_dir() and not any(import_dir.iterdir())
    small_server.execute_command("GRAPH.QUERY", "g", "CREATE (:A {x: 1})")
    with pytest.raises(redis.ResponseError, match="mem consumption exceeded capacity"):
        # 10 million integers: about 160 MB
        small_server.execute_command(
            "GRAPH.RO_QUERY", "g", "UNWIND range(1, 10000000) AS x RETURN count(x)", "timeout", 5000
        )
    reply = small_server.execute_command("GRAPH.RO_QUERY", "g", "MATCH (a:A) RETURN a.x")
    assert reply[1] == [[1]]
