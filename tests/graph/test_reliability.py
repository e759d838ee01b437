"""Crash safety: SIGKILL a loading process (and the server) mid-way; atomic upserts."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.backends.falkordb import journal
from graph.backends.falkordb.server import read_registry, stop_server
from graph.backends.falkordb.store import FalkorDBStore
from graph.store import StoreError
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema

WORKER = Path(__file__).with_name("_worker.py")
BATCH = 2000


@pytest.fixture
def store_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "falkordb"
    yield path
    stop_server(path)


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wait_for(proc: subprocess.Popen[str], prefix: str, count: int = 1) -> None:
    assert proc.stdout is not None
    seen = 0
    while seen < count:
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else "worker died"
        seen += line.startswith(prefix)


def _kill_server(store_dir: Path) -> None:
    info = read_registry(store_dir)
    assert info is not None
    os.kill(info.pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while read_registry(store_dir) is not None and time.monotonic() < deadline:
        time.sleep(0.01)


def test_sigkill_of_a_loader_leaves_whole_batches(store_dir: Path, schema: GraphSchema) -> None:
    loader = _spawn("load", str(store_dir), "40", str(BATCH))
    _wait_for(loader, "batch", 3)
    time.sleep(0.05)  # somewhere inside a later batch
    loader.send_signal(signal.SIGKILL)
    loader.wait()
    _kill_server(store_dir)  # and the server too, before any clean shutdown
    with FalkorDBStore(schema, store_dir) as store:
        nodes = store.query("MATCH (e:Expert) RETURN e.batch AS b, count(e) AS n ORDER BY b", row_cap=1000)
        rels = store.query(
            "MATCH (:Expert)-[r:WORKS_AT]->() RETURN r.batch AS b, count(r) AS n ORDER BY b", row_cap=1000
        )
        assert len(nodes) >= 3
        assert all(row["n"] == BATCH for row in nodes), nodes
        assert nodes == rels  # each batch's nodes and relationships together
        assert [row["b"] for row in nodes] == list(range(len(nodes)))


def test_sigkill_during_a_journaled_atomic_upsert_changes_nothing(
    store_dir: Path, schema: GraphSchema
) -> None:
    with FalkorDBStore(schema, store_dir, stop_server_on_close=False) as store:
        store.install_schema()
        store.upsert_nodes([NodeRecord("Institution", "home"), NodeRecord("Expert", "before")])
    loader = _spawn("staged", str(store_dir), "20000")
    _wait_for(loader, "start")
    with FalkorDBStore(schema, store_dir, stop_server_on_close=False):  # the server stays up
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if journal.journals(store_dir):
                break
            time.sleep(0.005)
        else:
            pytest.fail("the loader wrote no journal")
        time.sleep(0.2)
        loader.send_signal(signal.SIGKILL)
        loader.wait()
    with FalkorDBStore(schema, store_dir) as store:
        assert store.stats().nodes == 2
        assert not journal.journals(store_dir)


def test_journaled_atomic_upsert_lands_and_survives_restart(store_dir: Path, schema: GraphSchema) -> None:
    with FalkorDBStore(schema, store_dir, atomic_single_query_max=100) as store:
        store.install_schema()
        store.upsert_nodes([NodeRecord("Institution", "home")])
        nodes = [NodeRecord("Expert", f"e{i}") for i in range(500)]
        rels = [RelationshipRecord("WORKS_AT", "Expert", f"e{i}", "Institution", "home") for i in range(500)]
        assert store.upsert(nodes, rels, batch_size=120) == (500, 500)
        assert store.stats().relationships == 500
        keys = store._conn().execute_command("GRAPH.LIST")
        assert keys == ["transfernet"]
        _kill_server(store_dir)
    with FalkorDBStore(schema, store_dir) as store:
        stats = store.stats()
        assert (stats.nodes, stats.relationships) == (501, 500)
        constraints = store.query("CALL db.constraints() YIELD label, status RETURN label, status")
        assert all(c["status"] == "OPERATIONAL" for c in constraints)
        assert len(constraints) == len(schema.key_labels)


def test_failed_journaled_upsert_leaves_graph_as_it_was(store_dir: Path, schema: GraphSchema) -> None:
    with FalkorDBStore(schema, store_dir, atomic_single_query_max=10) as store:
        store.install_schema()
        store.upsert_nodes([NodeRecord("Country", "CN")])
        nodes = [NodeRecord("Expert", f"e{i}") for i in range(50)]
        rels = [RelationshipRecord("WORKS_AT", "Expert", f"e{i}", "Institution", "gone") for i in range(50)]
        with pytest.raises(StoreError, match="Institution:gone"):
            store.upsert(nodes, rels)
        assert store.stats().nodes == 1
        # a failure inside the journaled load (after some batches were written) is rolled back too
        calls = []
        original = store._write_rels

        def failing(graph: object, groups: object, batch_size: int, ids: object) -> None:
            calls.append(1)
            original(graph, groups, batch_size, ids)  # type: ignore[arg-type]
            raise StoreError("boom")

        store._write_rels = failing  # type: ignore[method-assign]
        ok_rels = [
            RelationshipRecord("WORKS_AT", "Expert", f"e{i}", "Institution", "home") for i in range(50)
        ]
        with pytest.raises(StoreError, match="boom"):
            store.upsert([*nodes, NodeRecord("Institution", "home")], ok_rels, batch_size=5)
        assert calls
        assert store.stats().nodes == 1
        assert store._conn().execute_command("GRAPH.LIST") == ["transfernet"]


def test_a_server_that_stops_answering_is_an_error_not_a_hang(store_dir: Path, schema: GraphSchema) -> None:
    with FalkorDBStore(schema, store_dir, socket_timeout_s=1.0) as store:
        store.install_schema()
        store.upsert_nodes([NodeRecord("Institution", "home")])
        pid = store.server_info.pid
        os.kill(pid, signal.SIGSTOP)  # the server stops answering (as in a hang)
        try:
            started = time.monotonic()
            with pytest.raises(StoreError, match="stopped answering"):
                store.query("RETURN 1 AS one")
            assert time.monotonic() - started < 10  # one timeout and two PING probes
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        assert store.server_info.pid != pid  # the hung server was replaced ...
        assert store.query("RETURN 1 AS one") == [{"one": 1}]  # ... and the store works again
        assert store.stats().nodes == 1  # on the same data


def test_single_query_upsert_is_all_or_nothing(store_dir: Path, schema: GraphSchema) -> None:
    with FalkorDBStore(schema, store_dir) as store:
        store.install_schema()
        store.upsert_nodes([NodeRecord("Institution", "home")])
        # end nodes vanish between the check and the write: the query aborts and rolls back
        store._check_endpoints = lambda *a: None  # type: ignore[method-assign]
        with pytest.raises(StoreError, match="disappeared"):
            store.upsert(
                [NodeRecord("Expert", "a"), NodeRecord("Expert", "b")],
                [
                    RelationshipRecord("WORKS_AT", "Expert", "a", "Institution", "home"),
                    RelationshipRecord("WORKS_AT", "Expert", "b", "Institution", "gone"),
                ],
            )
        stats = store.stats()
        assert (stats.nodes, stats.relationships) == (1, 0)
