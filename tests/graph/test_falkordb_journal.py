"""Large atomic writes through the undo journal (`graph.backends.falkordb.journal`): a failed
or killed write leaves the graph exactly as it was — nodes, labels, properties and
relationships — and no copy of the graph is made."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.backends.falkordb import journal
from graph.backends.falkordb.server import read_registry, stop_server
from graph.backends.falkordb.store import FalkorDBStore
from graph.errors import StoreError
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema

WORKER = Path(__file__).with_name("_worker.py")


@pytest.fixture
def store_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "falkordb"
    yield path
    stop_server(path)


def _dump(store: FalkorDBStore) -> tuple[list[Any], list[Any]]:
    """Every node (labels, properties) and relationship (ends, type, properties), sorted."""
    nodes = store.query("MATCH (n) RETURN labels(n) AS l, properties(n) AS p", row_cap=100_000)
    rels = store.query(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, a.code AS ac, type(r) AS t, properties(r) AS p, "
        "b.id AS b, b.code AS bc",
        row_cap=100_000,
    )
    key = repr
    return sorted(([sorted(n["l"]), n["p"]] for n in nodes), key=key), sorted(
        ([r["a"], r["ac"], r["t"], r["p"], r["b"], r["bc"]] for r in rels), key=key
    )


def _before(store: FalkorDBStore) -> None:
    store.install_schema()
    store.upsert(
        [
            NodeRecord("Institution", "home", {"name": "Home", "batch": 1, "sources": ["a.csv:2"]}),
            NodeRecord("Institution", "plain", {"name": "Plain"}),
            NodeRecord("Country", "CN", {"name": "China"}),
            NodeRecord("Expert", "e0", {"name": "Zero"}),
            NodeRecord("Field", "f1", {"name": "Field one"}),
        ],
        [
            RelationshipRecord("WORKS_AT", "Expert", "e0", "Institution", "home", {"role": "chair"}),
            RelationshipRecord("EXPERT_IN", "Expert", "e0", "Field", "f1", {"level": "high", "since": 2001}),
            RelationshipRecord("LOCATED_IN", "Institution", "home", "Country", "CN"),
        ],
    )


def _change() -> tuple[list[NodeRecord], list[RelationshipRecord]]:
    """A write that creates, updates properties, adds labels and relationships, and changes
    the properties of existing relationships."""
    nodes = [NodeRecord("Expert", f"n{i}", {"name": f"new {i}"}) for i in range(40)]
    nodes += [
        NodeRecord("Institution", "home", {"name": "Home renamed", "sources": ["b.csv:9"]}),
        NodeRecord("TransferCentre", "plain", {"name": "Plain, now a centre", "fields": ["x"]}),
        NodeRecord("Expert", "e0", {"name": "Zero again"}),
    ]
    rels = [RelationshipRecord("WORKS_AT", "Expert", f"n{i}", "Institution", "home") for i in range(40)]
    rels += [
        RelationshipRecord("WORKS_AT", "Expert", "e0", "Institution", "home", {"role": "member"}),
        RelationshipRecord("WORKS_AT", "Expert", "e0", "Institution", "plain", {"role": "guest"}),
        RelationshipRecord("LOCATED_IN", "Institution", "plain", "Country", "CN"),
    ]
    return nodes, rels


def test_a_journaled_write_lands_whole_and_leaves_no_journal(store_dir: Path, schema: GraphSchema) -> None:
    with FalkorDBStore(schema, store_dir, atomic_single_query_max=10) as store:
        _before(store)
        nodes, rels = _change()
        assert store.upsert(nodes, rels, batch_size=7) == (43, 43)
        assert store.query("MATCH (n:TransferCentre {id: 'plain'}) RETURN n.name AS n") == [
            {"n": "Plain, now a centre"}
        ]
        assert store.stats().relationships == 3 + 40 + 2  # e0→home updated, not doubled
        assert journal.journals(store_dir) == []
        assert store._conn().execute_command("GRAPH.LIST") == ["transfernet"]  # no copy was made


def test_a_write_failing_after_some_batches_is_undone_exactly(store_dir: Path, schema: GraphSchema) -> None:
    with FalkorDBStore(schema, store_dir, atomic_single_query_max=10) as store:
        _before(store)
        before = _dump(store)
        original = store._write_rels

        def failing(graph: object, groups: object, batch_size: int, ids: object) -> None:
            original(graph, groups, batch_size, ids)  # type: ignore[arg-type]
            raise StoreError("boom after every batch")

        store._write_rels = failing  # type: ignore[method-assign]
        nodes, rels = _change()
        with pytest.raises(StoreError, match="boom"):
            store.upsert(nodes, rels, batch_size=7)
        assert _dump(store) == before
        assert journal.journals(store_dir) == []


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.parametrize("wait_s", [0.0, 0.3, 0.8])
def test_a_writer_killed_mid_write_is_rolled_back_by_the_next_writer(
    store_dir: Path, schema: GraphSchema, wait_s: float
) -> None:
    with FalkorDBStore(schema, store_dir, stop_server_on_close=False) as store:
        store.install_schema()
        store.upsert_nodes([NodeRecord("Institution", "home"), NodeRecord("Expert", "before")])
        before = _dump(store)
    loader = _spawn("staged", str(store_dir), "20000")
    assert loader.stdout is not None
    assert loader.stdout.readline().strip() == "start"
    deadline = time.monotonic() + 60
    while not journal.journals(store_dir) and time.monotonic() < deadline:
        time.sleep(0.002)
    assert journal.journals(store_dir), "the loader wrote no journal"
    time.sleep(wait_s)  # before its first batch, among its batches, or near the end
    loader.send_signal(signal.SIGKILL)
    loader.wait()
    pending = bool(journal.journals(store_dir))  # False: the write had finished (journal deleted)
    with FalkorDBStore(schema, store_dir, read_only=True) as reader:
        half = reader.stats().nodes
    with FalkorDBStore(schema, store_dir) as store:  # a writer's open rolls the journal back
        stats = store.stats()
        if pending:
            assert _dump(store) == before, f"not rolled back (a reader saw {half} nodes meanwhile)"
        else:  # killed after its last batch and the journal's deletion: the write stands, whole
            assert (stats.nodes, stats.relationships) == (20_002, 20_000)
        assert journal.journals(store_dir) == []
        store.upsert_nodes([NodeRecord("Expert", "after")])  # and the store takes writes
        assert store.stats().nodes == stats.nodes + 1


def test_a_rollback_interrupted_by_a_kill_is_finished_by_the_next(
    store_dir: Path, schema: GraphSchema, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FalkorDBStore(schema, store_dir, atomic_single_query_max=10) as store:
        _before(store)
        before = _dump(store)
        nodes, rels = _change()
        calls = {"n": 0}
        real_rollback = journal.rollback

        def rollback_dies_half_way(schema_: GraphSchema, undo: journal.Journal, run: Any) -> None:
            # the relationships are put back, then the process "dies": nothing else is undone
            calls["n"] += 1
            real_rollback(schema_, journal.Journal(undo.graph, {}, undo.relationships), run)
            raise KeyboardInterrupt

        original = store._write_rels

        def failing(graph: object, groups: object, batch_size: int, ids: object) -> None:
            original(graph, groups, batch_size, ids)  # type: ignore[arg-type]
            raise StoreError("boom")

        store._write_rels = failing  # type: ignore[method-assign]
        monkeypatch.setattr(journal, "rollback", rollback_dies_half_way)
        with pytest.raises(KeyboardInterrupt):  # a Ctrl-C during the rollback
            store.upsert(nodes, rels, batch_size=7)
        assert calls["n"] == 1
        assert len(journal.journals(store_dir)) == 1  # kept: the rollback did not finish
        monkeypatch.undo()
        store._recover()
        assert _dump(store) == before
        assert journal.journals(store_dir) == []


def test_the_server_killed_mid_write_then_the_next_writer_rolls_back(
    store_dir: Path, schema: GraphSchema
) -> None:
    with FalkorDBStore(schema, store_dir, stop_server_on_close=False) as store:
        store.install_schema()
        store.upsert_nodes([NodeRecord("Institution", "home")])
        before = _dump(store)
    loader = _spawn("staged", str(store_dir), "20000")
    assert loader.stdout is not None
    assert loader.stdout.readline().strip() == "start"
    deadline = time.monotonic() + 60
    while not journal.journals(store_dir) and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(0.3)
    info = read_registry(store_dir)
    assert info is not None
    import os

    os.kill(info.pid, signal.SIGKILL)  # the server dies under the loader
    loader.wait(timeout=120)
    assert loader.returncode != 0
    with FalkorDBStore(schema, store_dir) as store:
        assert _dump(store) == before
        assert journal.journals(store_dir) == []


def _records_on_disk(store_dir: Path) -> int:
    """Batch records in the journal on disk (its lines after the first), 0 when there is none."""
    found = journal.journals(store_dir)
    try:
        return max(0, found[0].read_bytes().count(b"\n") - 1) if found else 0
    except FileNotFoundError:
        return 0


@pytest.mark.parametrize("records", [3, 120])  # among the node batches; among the relationship batches
def test_a_writer_killed_among_its_batches_leaves_the_graph_as_before(
    store_dir: Path, schema: GraphSchema, records: int
) -> None:
    # 20,000 experts and their WORKS_AT in batches of 200: 100 node batches, then 100
    # relationship batches, each recorded in the journal before it is written
    with FalkorDBStore(schema, store_dir, stop_server_on_close=False) as store:
        store.install_schema()
        store.upsert_nodes([NodeRecord("Institution", "home"), NodeRecord("Expert", "before")])
        before = _dump(store)
    loader = _spawn("staged", str(store_dir), "20000")
    assert loader.stdout is not None
    assert loader.stdout.readline().strip() == "start"
    deadline = time.monotonic() + 120
    while _records_on_disk(store_dir) < records and time.monotonic() < deadline:
        time.sleep(0.001)
    loader.send_signal(signal.SIGKILL)
    loader.wait()
    seen = _records_on_disk(store_dir)
    assert seen >= records, f"the journal held {seen} batch records when the loader was killed"
    with FalkorDBStore(schema, store_dir) as store:  # a writer's open rolls every batch back
        assert _dump(store) == before
        assert journal.journals(store_dir) == []


def test_a_torn_last_record_is_left_out(tmp_path: Path) -> None:
    first = journal.Journal("g", {"Expert": [["a", None, None]]})
    second = journal.Journal("g", {"Expert": [["b", ["Expert"], {"name": "B\nline two"}]]})
    path = journal.create(tmp_path, "g")
    journal.append(path, first)
    journal.append(path, second)
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"nodes": {"Expert": [["c", nu')  # killed while appending a third
    assert journal.read(path) == [first, second]
