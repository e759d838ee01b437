"""The load manifest (`loaders.manifest`) in a real embedded store: an unchanged reload is
told without mapping, a changed one looks up only what changed, and any write that is not
a recorded load makes the manifest stale, so the graph decides again.

Expected values are counted by hand from the small files written here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import loaders.ingest
from graph.changes import Changes
from graph.cypher.grouping import GroupedRecords
from graph.store import GraphStore
from loaders.digests import row_digests
from loaders.ingest import LoadJob, ingest, ingest_many
from loaders.manifest import FILE, LoadManifest, SourceEntry, StoreState, manifest_for, store_state
from loaders.mapping.run import CompiledMapping
from ontology.records import NodeRecord

COUNTRIES = """
version: 1
name: countries
source: {path: countries.csv}
nodes:
  - label: Country
    key: id
    properties: {name: name}
"""

INSTITUTIONS = """
version: 1
name: institutions
source: {path: institutions.csv}
nodes:
  - label: Institution
    key: id
    properties: {name: name}
relationships:
  - type: LOCATED_IN
    start: {label: Institution, key: id}
    end: {label: Country, key: country}
"""


def _files(folder: Path, institutions: str = "id,name,country\nI1,Alpha,CN\nI2,Beta,TH\n") -> list[LoadJob]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "countries.csv").write_text("id,name\nCN,China\nTH,Thailand\n", encoding="utf-8")
    (folder / "institutions.csv").write_text(institutions, encoding="utf-8")
    (folder / "countries.yaml").write_text(COUNTRIES.lstrip(), encoding="utf-8")
    (folder / "institutions.yaml").write_text(INSTITUTIONS.lstrip(), encoding="utf-8")
    return [LoadJob(folder / "countries.yaml"), LoadJob(folder / "institutions.yaml")]


def _name(store: GraphStore, key: str) -> Any:
    return store.query("MATCH (n:Institution {id: $k}) RETURN n.name AS n", {"k": key})[0]["n"]


def _unmappable(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: CompiledMapping, batch_size: int = 10_000) -> Any:
        raise AssertionError(f"{self.spec.file} was mapped")

    monkeypatch.setattr(CompiledMapping, "batches", refuse)


def _looked_up(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Rows each comparison with the graph was given (`graph.changes.changed_only`)."""
    asked: list[int] = []
    real = loaders.ingest.changed_only

    def spy(store: GraphStore, grouped: GroupedRecords) -> tuple[GroupedRecords, Changes]:
        asked.append(grouped.rows)
        return real(store, grouped)

    monkeypatch.setattr(loaders.ingest, "changed_only", spy)
    return asked


def test_an_unchanged_reload_is_told_without_mapping(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = _files(tmp_path)
    first = list(ingest_many(store, jobs))
    assert [r.changes.writes for r in first] == [2, 4]  # 2 countries; 2 institutions + 2 LOCATED_IN
    assert (store.store_dir / FILE).is_file()  # type: ignore[attr-defined]
    _unmappable(monkeypatch)
    again = list(ingest_many(store, jobs))
    assert [r.loaded for r in again] == [True, True]
    assert [r.changes for r in again] == [
        Changes(nodes_unchanged=2),
        Changes(nodes_unchanged=2, relationships_unchanged=2),
    ]
    assert [(r.rows, r.nodes, r.relationships) for r in again] == [(2, 2, 0), (2, 2, 2)]


def test_a_changed_row_is_the_only_one_compared_with_the_graph(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    list(ingest_many(store, _files(tmp_path)))
    jobs = _files(tmp_path, "id,name,country\nI1,Alpha,CN\nI2,Beta Institute,TH\n")
    asked = _looked_up(monkeypatch)
    reports = list(ingest_many(store, jobs))
    # countries: not mapped (unchanged file); institutions: I2's row alone is looked up
    assert asked == [1]
    assert reports[1].changes == Changes(nodes_updated=1, nodes_unchanged=1, relationships_unchanged=2)
    assert _name(store, "I2") == "Beta Institute"
    # and recorded: reloading that file now maps nothing
    _unmappable(monkeypatch)
    assert [r.changes.writes for r in ingest_many(store, jobs)] == [0, 0]


def test_a_write_beside_the_loads_makes_the_manifest_stale(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = _files(tmp_path)
    list(ingest_many(store, jobs))
    store.upsert([NodeRecord("Institution", "I1", {"name": "Edited by hand"})], [])  # e.g. the API
    asked = _looked_up(monkeypatch)
    reports = list(ingest_many(store, jobs))
    # the graph decides: every row of both files compared, I1 written back as the file says
    assert asked == [2, 4]
    assert reports[1].changes == Changes(nodes_updated=1, nodes_unchanged=1, relationships_unchanged=2)
    assert _name(store, "I1") == "Alpha"


def test_a_later_load_writing_the_same_node_is_seen(store: GraphStore, tmp_path: Path) -> None:
    jobs = _files(tmp_path)
    list(ingest_many(store, jobs))
    other = tmp_path / "other"
    other.mkdir()
    (other / "institutions.csv").write_text("id,name,country\nI1,Alpha Renamed,CN\n", encoding="utf-8")
    (other / "institutions.yaml").write_text(INSTITUTIONS.lstrip(), encoding="utf-8")
    assert next(ingest_many(store, [LoadJob(other / "institutions.yaml")])).changes.nodes_updated == 1
    # the first files are as they were, but I1 no longer holds their row
    reports = list(ingest_many(store, jobs))
    assert [r.changes.writes for r in reports] == [0, 1]
    assert _name(store, "I1") == "Alpha"


def test_a_load_that_did_not_record_leaves_the_manifest_stale(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = _files(tmp_path)
    list(ingest_many(store, jobs))
    # a load killed after its write, before its record: the graph has Beta 2, the
    # manifest still the first files
    _files(tmp_path, "id,name,country\nI1,Alpha,CN\nI2,Beta 2,TH\n")
    with monkeypatch.context() as patch:
        patch.setattr(loaders.ingest, "_record", lambda *args: None)
        assert ingest(store, jobs[1].mapping).changes.nodes_updated == 1
    _files(tmp_path)  # the first files again: their fingerprints are recorded
    reports = list(ingest_many(store, jobs))
    assert [r.changes.writes for r in reports] == [0, 1]
    assert _name(store, "I2") == "Beta"


def test_a_file_with_bad_rows_is_reported_again(store: GraphStore, tmp_path: Path) -> None:
    jobs = _files(tmp_path, "id,name,country\nI1,Alpha,CN\nI2,Beta,XX\n")
    first = list(ingest_many(store, jobs, skip_invalid=True))
    assert first[1].skipped_rows == 1
    again = list(ingest_many(store, jobs, skip_invalid=True))
    assert [e.row for e in again[1].errors] == [3]  # institutions.csv row 3: XX is no stored country


def test_recording_after_another_process_wrote_leaves_it_stale(tmp_path: Path) -> None:
    manifest = LoadManifest(tmp_path / FILE)
    before, entry = StoreState(4, 10, 20), SourceEntry(b"f", 1, 1, 0, 1, 0)
    digests = {b"k" * 16: b"d" * 16}
    # one write of ours moved the counter from 4 to 6: someone else wrote too
    assert not manifest.record(
        before=before, after=StoreState(6, 11, 20), wrote=True, name="a", digests=digests, entry=entry
    )
    assert not manifest.valid(StoreState(6, 11, 20))
    after = StoreState(5, 11, 20)
    assert manifest.record(before=before, after=after, wrote=True, name="a", digests=digests, entry=entry)
    assert manifest.valid(after) and manifest.intact("a", b"f", after) == entry
    assert manifest.held(digests, after) == {b"k" * 16}
    assert manifest.held(digests, StoreState(5, 11, 21)) == set()  # other counts: stale
    assert manifest.intact("a", b"other inputs", after) is None


def test_stores_without_a_write_counter_have_no_manifest(store: GraphStore) -> None:
    class NoCounter:
        store_dir = Path("/nowhere")

    assert manifest_for(NoCounter()) is None  # type: ignore[arg-type]
    assert manifest_for(store) is not None
    state = store_state(store)
    assert state is not None and (state.nodes, state.relationships) == (0, 0)


def test_row_digests_see_every_part_of_a_row(store: GraphStore) -> None:
    from graph.cypher.grouping import group_records
    from ontology.records import MergePolicy

    def digest(props: dict[str, Any], merge: dict[str, MergePolicy] | None = None) -> bytes:
        record = NodeRecord("Institution", "I1", props, merge=merge or {})
        (value,) = row_digests(group_records(store.schema, [record], [])).values()
        return value

    base = digest({"name": "Alpha", "sources": ["a.csv:2"]})
    assert base == digest({"sources": ["a.csv:2"], "name": "Alpha"})  # order of properties
    assert (
        len(
            {
                base,
                digest({"name": "Alpha", "sources": ["a.csv:3"]}),
                digest({"name": "Alpha 2", "sources": ["a.csv:2"]}),
                digest({"name": "Alpha", "sources": ["a.csv:2"]}, {"name": MergePolicy.KEEP_LONGER}),
                digest({"name": "Alpha", "sources": ["a.csv:2"]}, {"name": MergePolicy.KEEP_EXISTING}),
            }
        )
        == 5
    )
