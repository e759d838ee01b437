"""Lifecycle of the embedded FalkorDB server: one per data dir, leases, crash recovery, durability."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.backends import create_store, open_store
from graph.backends.falkordb.server import (
    LOCK,
    REGISTRY,
    ensure_server,
    live_leases,
    pid_alive,
    read_registry,
    stop_server,
)
from graph.backends.falkordb.store import FalkorDBStore
from graph.config import StoreSettings
from ontology.records import NodeRecord
from ontology.schema import GraphSchema

WORKER = Path(__file__).with_name("_worker.py")


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def store_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "falkordb"
    yield path
    stop_server(path)


def test_open_store_from_settings(tmp_path: Path, schema: GraphSchema) -> None:
    settings = StoreSettings(_env_file=None, data_dir=tmp_path)
    store = open_store(settings, schema)
    try:
        assert isinstance(store, FalkorDBStore)
        info = store.server_info
        assert Path(info.socket).parent == settings.store_dir.resolve()
        assert (settings.store_dir / "appendonlydir").is_dir()
        assert (settings.store_dir / REGISTRY).exists()
    finally:
        store.close()
    assert not pid_alive(info.pid, info.start_time)  # last client closed: server stopped
    assert read_registry(settings.store_dir) is None


def test_create_store_does_not_start_anything(tmp_path: Path, schema: GraphSchema) -> None:
    create_store(StoreSettings(_env_file=None, data_dir=tmp_path), schema)
    assert not (tmp_path / "falkordb").exists()


def test_data_survives_restart(store_dir: Path, schema: GraphSchema) -> None:
    with FalkorDBStore(schema, store_dir) as store:
        store.install_schema()
        store.upsert_nodes([NodeRecord("Country", "CN", {"name": "China"})])
    assert read_registry(store_dir) is None
    with FalkorDBStore(schema, store_dir) as store:
        assert store.query("MATCH (c:Country) RETURN c.name AS n") == [{"n": "China"}]
        # the server rebuilds the constraints in the background after a restart (seen
        # "UNDER CONSTRUCTION" for a moment on a busy machine): they must come back
        deadline = time.monotonic() + 30
        while True:
            constraints = store.query("CALL db.constraints() YIELD label, status RETURN label, status")
            if {"label": "Country", "status": "OPERATIONAL"} in constraints or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert {"label": "Country", "status": "OPERATIONAL"} in constraints


def test_write_survives_sigkill_of_the_server(store_dir: Path, schema: GraphSchema) -> None:
    store = FalkorDBStore(schema, store_dir)
    store.open()
    store.upsert_nodes([NodeRecord("Country", "TH", {"name": "Thailand"})])
    pid = store.server_info.pid
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while pid_alive(pid, store.server_info.start_time) and time.monotonic() < deadline:
        time.sleep(0.01)
    store.close()  # the server is gone: close must not fail
    with FalkorDBStore(schema, store_dir) as again:
        assert again.server_info.pid != pid
        assert again.query("MATCH (c:Country) RETURN c.code AS c") == [{"c": "TH"}]


def test_stale_registry_and_socket_are_recovered(store_dir: Path, schema: GraphSchema) -> None:
    store_dir.mkdir(parents=True)
    (store_dir / "redis.sock").write_text("stale")
    (store_dir / "redis.pid").write_text("999999")
    (store_dir / REGISTRY).write_text(
        json.dumps(
            {
                "pid": 999999,
                "start_time": "1",
                "socket": str(store_dir / "redis.sock"),
                "port": 0,
                "store_dir": str(store_dir),
                "started_at": 0.0,
            }
        )
    )
    with FalkorDBStore(schema, store_dir) as store:
        assert store.server_info.pid != 999999
        assert store.stats().nodes == 0


def test_lease_keeps_server_for_other_processes(store_dir: Path, schema: GraphSchema) -> None:
    holder = spawn("open", str(store_dir), "stdin")
    assert holder.stdout is not None
    pid = int(holder.stdout.readline().split()[1])
    with FalkorDBStore(schema, store_dir) as store:
        assert store.server_info.pid == pid
    assert pid_alive(pid)  # the other process still holds a lease
    holder.communicate("", timeout=30)
    assert holder.returncode == 0
    assert read_registry(store_dir) is None  # the last one out stopped it


def test_dead_client_lease_is_ignored(store_dir: Path, schema: GraphSchema) -> None:
    holder = spawn("open", str(store_dir), "stdin")
    assert holder.stdout is not None
    pid = int(holder.stdout.readline().split()[1])
    holder.kill()
    holder.wait()
    assert pid_alive(pid)  # the server survives its clients' crashes
    with FalkorDBStore(schema, store_dir) as store:
        assert store.server_info.pid == pid
        assert len(live_leases(store_dir)) == 1
    assert not pid_alive(pid)


def test_two_processes_starting_at_once_share_one_server(store_dir: Path) -> None:
    procs = [spawn("open", str(store_dir), "1.0") for _ in range(3)]
    pids = set()
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        pids.add(out.split()[1])
    assert len(pids) == 1
    assert read_registry(store_dir) is None


def test_two_workers_read_concurrently(store_dir: Path, schema: GraphSchema) -> None:
    with FalkorDBStore(schema, store_dir, stop_server_on_close=False) as store:
        store.upsert_nodes(NodeRecord("Expert", f"e{i}") for i in range(100))
    readers = [spawn("read", str(store_dir), "200") for _ in range(2)]
    for proc in readers:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out.strip() == "ok 200"


def test_ensure_and_stop_server(store_dir: Path) -> None:
    info = ensure_server(store_dir)
    assert ensure_server(store_dir) == info
    assert (store_dir / LOCK).exists()
    assert stop_server(store_dir)
    assert not pid_alive(info.pid, info.start_time)
    assert not stop_server(store_dir)


def test_long_data_dir_falls_back_to_a_short_socket(tmp_path: Path, schema: GraphSchema) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60) / "falkordb"
    try:
        with FalkorDBStore(schema, deep) as store:
            store.upsert_nodes([NodeRecord("Country", "CN")])
            assert len(store.server_info.socket) <= 100
            assert store.stats().nodes == 1
    finally:
        stop_server(deep)
