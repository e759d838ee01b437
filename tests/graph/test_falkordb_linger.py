"""The embedded server lingers after its last user (`graph.backends.falkordb.linger`): the next
command reuses it, a user during the linger keeps it, and it stops on time when unused."""

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

from graph.backends.falkordb import linger
from graph.backends.falkordb.procs import pid_alive
from graph.backends.falkordb.server import read_registry, stop_server
from graph.backends.falkordb.store import FalkorDBStore
from ontology.schema import GraphSchema

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "falkordb"
    yield path
    stop_server(path)


def _use(store_dir: Path, schema: GraphSchema, linger_s: float) -> int:
    """Open the store, read, close; return the server's pid."""
    with FalkorDBStore(schema, store_dir, linger_s=linger_s) as store:
        assert store.query("RETURN 1 AS one") == [{"one": 1}]
        return store.server_info.pid


def _wait(predicate: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_the_next_user_within_the_linger_finds_the_same_server(store_dir: Path, schema: GraphSchema) -> None:
    first = _use(store_dir, schema, linger_s=30)
    info = read_registry(store_dir)
    assert info is not None and info.pid == first  # still up after its last user closed
    assert linger.deadline(store_dir) is not None
    assert _wait(lambda: linger.reaper_alive(store_dir), 10)
    assert _use(store_dir, schema, linger_s=30) == first  # no second start


def test_an_unused_server_stops_when_the_linger_ends(store_dir: Path, schema: GraphSchema) -> None:
    pid = _use(store_dir, schema, linger_s=1.0)
    assert pid_alive(pid)
    assert _wait(lambda: not pid_alive(pid), 20), "the lingering server was not stopped"
    assert read_registry(store_dir) is None
    assert linger.deadline(store_dir) is None
    assert _wait(lambda: not linger.reaper_alive(store_dir), 10)


def test_a_user_during_the_linger_keeps_the_server(store_dir: Path, schema: GraphSchema) -> None:
    pid = _use(store_dir, schema, linger_s=1.0)
    with FalkorDBStore(schema, store_dir, linger_s=1.0) as store:
        assert store.server_info.pid == pid
        time.sleep(2.5)  # past the first deadline: the reaper sees a live lease and leaves
        assert store.query("RETURN 2 AS two") == [{"two": 2}]
        assert pid_alive(pid)
    # the last release scheduled a new stop, which ends it
    assert _wait(lambda: not pid_alive(pid), 20)


def test_stop_during_the_linger_ends_server_and_reaper(store_dir: Path, schema: GraphSchema) -> None:
    pid = _use(store_dir, schema, linger_s=60)
    assert _wait(lambda: linger.reaper_alive(store_dir), 10)
    assert stop_server(store_dir)
    assert not pid_alive(pid)
    assert linger.deadline(store_dir) is None
    assert _wait(lambda: not linger.reaper_alive(store_dir), 15), "the reaper outlived the stop"


def test_a_killed_reaper_leaves_the_server_up_and_the_next_release_schedules_another(
    store_dir: Path, schema: GraphSchema
) -> None:
    pid = _use(store_dir, schema, linger_s=60)
    assert _wait(lambda: linger.reaper_alive(store_dir), 10)
    reaper = int((store_dir / linger.REAPER_PID).read_text().split()[0])
    os.kill(reaper, signal.SIGKILL)
    assert _wait(lambda: not linger.reaper_alive(store_dir), 10)
    assert pid_alive(pid)  # nothing stops it now: as when every client dies
    assert _use(store_dir, schema, linger_s=1.0) == pid
    assert _wait(lambda: not pid_alive(pid), 20)


def test_without_linger_the_last_user_stops_the_server(store_dir: Path, schema: GraphSchema) -> None:
    pid = _use(store_dir, schema, linger_s=0)
    assert not pid_alive(pid)
    assert not (store_dir / linger.LINGER_FILE).exists()


def test_consecutive_cli_commands_share_one_server(tmp_path: Path) -> None:
    env = {**os.environ, "TRANSFERNET_DATA_DIR": str(tmp_path), "TRANSFERNET_SERVER_LINGER_S": "30"}
    env.pop("TRANSFERNET_BACKEND", None)
    pids = []
    try:
        for _ in range(2):
            done = subprocess.run(
                [sys.executable, "-m", "api.cli", "query", "RETURN 1 AS one", "--json"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 0, done.stderr
            assert json.loads(done.stdout) == {"one": 1}
            info = read_registry(tmp_path / "falkordb")
            assert info is not None, "the server stopped with the command"
            pids.append(info.pid)
        assert pids[0] == pids[1]
    finally:
        stop_server(tmp_path / "falkordb")
