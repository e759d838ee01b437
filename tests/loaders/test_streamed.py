"""Loads in batches (`loaders.streamed`) in a real embedded store: the same graph and the same
problems as a whole-file load, nothing written when refused, and a load killed among its
batches rolled back by the next writer.

Each test compares with the whole-file load of the same files (`stream_bytes` above their
size), so the expected values are the whole-file path's.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import loaders.streamed
from graph.backends import open_store, stop_server
from graph.backends.falkordb import journal
from graph.config import StoreSettings
from graph.store import GraphStore
from loaders.ingest import LoadJob, LoadReport, ingest_many
from ontology.derive import load_schema

REPO = Path(__file__).resolve().parents[2]

COUNTRIES = """
version: 1
name: countries
source: {path: countries.csv}
nodes:
  - label: Country
    key: id
    properties: {name: name}
"""

CENTRES = """
version: 1
name: centres
source: {path: centres.csv}
nodes:
  - label: RegionalTransferCentre
    key: id
    properties: {name: name, established: founded}
relationships:
  - type: LOCATED_IN
    start: {label: RegionalTransferCentre, key: id}
    end: {label: Country, key: country}
  - type: PARENT_CENTRE
    start: {label: TransferCentre, key: id}
    end: {label: TransferCentre, key: parent}
    when: {column: parent, not_empty: true}
"""

#: row 2 names its parent P, which row 6 makes: a reference forward across batches of two rows
GOOD = (
    "id,name,founded,country,parent\n"
    "C1,Centre one,2019,CN,P\n"
    "C2,Centre two,2020,TH,\n"
    "C3,Centre three,2020,TH,C1\n"
    "C4,Centre four,2021,CN,\n"
    "P,Parent centre,2010,CN,\n"
)

BAD = (
    "id,name,founded,country,parent\n"
    "C1,Centre one,2019,CN,P\n"  # row 2: P is made by row 6
    "XX1,Bad Country Centre,2020,XX,\n"  # row 3: XX is no ISO 3166 code
    "C2,Centre two,2020,TH,\n"
    "DG,Dangling Centre,2021,TH,NOPE\n"  # row 5: parent centre NOPE exists nowhere
    "P,Parent centre,2010,CN,\n"
    "C1,Centre one again,2019,CN,P\n"  # row 7: C1 is also made by row 2 with another name
)


def _jobs(folder: Path, centres: str) -> list[LoadJob]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "countries.csv").write_text("id,name\nCN,China\nTH,Thailand\n", encoding="utf-8")
    (folder / "centres.csv").write_text(centres, encoding="utf-8")
    (folder / "countries.yaml").write_text(COUNTRIES.lstrip(), encoding="utf-8")
    (folder / "centres.yaml").write_text(CENTRES.lstrip(), encoding="utf-8")
    return [LoadJob(folder / "countries.yaml"), LoadJob(folder / "centres.yaml")]


def _snapshot(store: GraphStore) -> tuple[list[Any], list[Any]]:
    nodes = store.query("MATCH (n) RETURN labels(n) AS l, properties(n) AS p", row_cap=100_000)
    rels = store.query(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p", row_cap=100_000
    )
    return sorted(repr((sorted(n["l"]), sorted(n["p"].items()))) for n in nodes), sorted(
        repr(sorted(r.items())) for r in rels
    )


def _load(store: GraphStore, jobs: list[LoadJob], *, streamed: bool) -> list[LoadReport]:
    return list(ingest_many(store, jobs, stream_bytes=0 if streamed else 1 << 40))


def _other_store(tmp_path: Path, name: str) -> GraphStore:
    store = open_store(StoreSettings(_env_file=None, data_dir=tmp_path / name), load_schema())
    store.install_schema()
    return store


@pytest.fixture
def two_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loaders.streamed, "BATCH_ROWS", 2)


@pytest.mark.usefixtures("two_rows")
def test_batches_make_the_graph_a_whole_file_makes(store: GraphStore, tmp_path: Path) -> None:
    streamed = _load(store, _jobs(tmp_path / "a", GOOD), streamed=True)
    assert [r.loaded for r in streamed] == [True, True], [r.errors for r in streamed]
    assert streamed[1].shacl == "compiled (in batches)"
    whole_store = _other_store(tmp_path, "whole")
    try:
        whole = _load(whole_store, _jobs(tmp_path / "a", GOOD), streamed=False)
        assert whole[1].shacl == "compiled"
        assert _snapshot(store) == _snapshot(whole_store)
        # 5 centres created; 5 LOCATED_IN and 2 PARENT_CENTRE (C1 -> P deferred to the end)
        assert [r.changes for r in streamed] == [r.changes for r in whole]
        assert streamed[1].changes.nodes_created == 5 and streamed[1].changes.relationships_created == 7
    finally:
        whole_store.close()
        stop_server(tmp_path / "whole" / "falkordb")


@pytest.mark.usefixtures("two_rows")
def test_a_refused_file_reports_what_a_whole_load_reports_and_writes_nothing(
    store: GraphStore, tmp_path: Path
) -> None:
    jobs = _jobs(tmp_path / "a", BAD)
    countries = _load(store, jobs[:1], streamed=True)
    assert countries[0].loaded
    before = _snapshot(store)
    streamed = _load(store, jobs[1:], streamed=True)[0]
    assert not streamed.loaded
    assert _snapshot(store) == before  # the batches written before the end were rolled back
    assert journal.journals(store.store_dir) == []  # type: ignore[attr-defined]
    whole = _load(store, jobs[1:], streamed=False)[0]
    assert [(e.file, e.row, e.column, e.reason) for e in streamed.errors] == [
        (e.file, e.row, e.column, e.reason) for e in whole.errors
    ]
    # rows 3 (country), 5 (parent) and 7 (two names for C1): counted from BAD by hand
    assert [(e.row, e.column) for e in whole.errors] == [(3, "country"), (5, "parent"), (7, "name")]


_KILLED_LOAD = """
import sys
from pathlib import Path
import loaders.streamed
from graph.backends import open_store
from graph.config import StoreSettings
from loaders.bundle import bundle_entries
from loaders.ingest import LoadJob, ingest_many
from ontology.derive import load_schema
loaders.streamed.BATCH_ROWS = 100
bundle, data_dir = Path(sys.argv[1]), Path(sys.argv[2])
settings = StoreSettings(_env_file=None, data_dir=data_dir)
store = open_store(settings, load_schema(), stop_server_on_close=False)
jobs = [LoadJob(e.mapping, e.data_dir, bundle.parent) for e in bundle_entries(bundle, data_dir / "work")]
print("start", flush=True)
for report in ingest_many(store, jobs, stream_bytes=0, batch_size=50):
    print(report.mapping, report.loaded, flush=True)
"""


def _records(store_dir: Path) -> int:
    found = journal.journals(store_dir)
    try:
        return max(0, found[0].read_bytes().count(b"\n") - 1) if found else 0
    except FileNotFoundError:
        return 0


def test_a_streamed_load_killed_among_its_batches_is_rolled_back(tmp_path: Path) -> None:
    from loaders.bundle import bundle_entries
    from loaders.generate_cordis import generate_cordis
    from loaders.iso3166 import write_countries_csv

    table = generate_cordis(tmp_path / "table", participations=3000, seed=1)
    data_dir = tmp_path / "data"
    (data_dir / "work").mkdir(parents=True)
    write_countries_csv(data_dir / "work" / "iso3166.csv")
    store = _other_store(tmp_path, "data")
    store_dir = data_dir / "falkordb"
    try:
        # the countries first, then the participations killed among their batches
        work = data_dir / "work"
        jobs = [
            LoadJob(e.mapping, e.data_dir, table.directory.parent)
            for e in bundle_entries(table.directory, work)
        ]
        assert next(ingest_many(store, jobs[:1])).loaded
        before = _snapshot(store)
        loader = subprocess.Popen(
            [sys.executable, "-c", _KILLED_LOAD, str(table.directory), str(data_dir)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert loader.stdout is not None and loader.stdout.readline().strip() == "start"
        deadline = time.monotonic() + 120
        while _records(store_dir) < 30 and time.monotonic() < deadline:  # several batches of rows in
            time.sleep(0.002)
        loader.send_signal(signal.SIGKILL)
        loader.wait()
        assert _records(store_dir) >= 30, "the load was not killed among its batches"
        store.close()
        store = _other_store(tmp_path, "data")  # a writer's open rolls the journal back
        assert _snapshot(store) == before
        assert journal.journals(store_dir) == []
    finally:
        store.close()
        stop_server(store_dir)
