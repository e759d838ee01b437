"""Ingest into a real embedded store: refusal with precise messages, atomicity, idempotence."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.store import GraphStore
from loaders.errors import MappingError
from loaders.ingest import LoadJob, ingest, ingest_many

MAPPING = """
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

COUNTRIES = """
version: 1
name: countries
source: {path: countries.csv}
nodes:
  - label: Country
    key: id
    properties: {name: name}
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text.lstrip(), encoding="utf-8")
    return path


def _counts(store: GraphStore) -> tuple[int, int]:
    stats = store.stats()
    return stats.nodes, stats.relationships


def test_bad_file_is_refused_with_four_precise_messages(store: GraphStore, tmp_path: Path) -> None:
    _write(tmp_path, "countries.csv", "id,name\nCN,China\nTH,Thailand\n")
    assert ingest(store, _write(tmp_path, "countries.yaml", COUNTRIES)).loaded
    before = _counts(store)
    _write(
        tmp_path,
        "centres.csv",
        "id,name,founded,country,parent\n"
        "SW,Sichuan West ITTC,2019,CN,\n"  # row 2: fine
        "XX1,Bad Country Centre,2020,XX,\n"  # row 3: XX is no ISO 3166 code
        ",Keyless Centre,2020,TH,\n"  # row 4: missing key
        "BD,Bad Date Centre,2015-13-40,TH,\n"  # row 5: no such date
        "DG,Dangling Centre,2021,TH,NOPE\n",  # row 6: parent centre NOPE exists nowhere
    )
    report = ingest(store, _write(tmp_path, "centres.yaml", MAPPING))
    assert not report.loaded
    found = {(e.row, e.column): e.reason for e in report.errors}
    assert set(found) == {(3, "country"), (4, "id"), (5, "founded"), (6, "parent")}, report.errors
    assert found[(3, "country")].startswith("'XX' is not an ISO 3166 alpha-2 code")
    assert found[(4, "id")] == "missing key column 'id'"
    assert "2015-13-40" in found[(5, "founded")] and "date" in found[(5, "founded")]
    assert "NOPE" in found[(6, "parent")] and "neither loaded here nor in the store" in found[(6, "parent")]
    assert all(e.file.endswith("centres.csv") for e in report.errors)
    assert _counts(store) == before  # nothing written, not even the good row 2


def test_skip_invalid_loads_the_good_rows(store: GraphStore, tmp_path: Path) -> None:
    _write(tmp_path, "countries.csv", "id,name\nCN,China\n")
    ingest(store, _write(tmp_path, "countries.yaml", COUNTRIES))
    _write(
        tmp_path,
        "centres.csv",
        "id,name,founded,country,parent\nSW,Sichuan West,2019,CN,\nBD,Bad,2015-13-40,CN,\n",
    )
    report = ingest(store, _write(tmp_path, "centres.yaml", MAPPING), skip_invalid=True)
    assert report.loaded and report.skipped_rows == 1
    rows = store.query("MATCH (c:RegionalTransferCentre) RETURN c.id AS id, c.sources AS sources")
    assert rows == [{"id": "SW", "sources": ["centres.csv:2"]}]


def test_loading_twice_changes_nothing(store: GraphStore, tmp_path: Path) -> None:
    _write(tmp_path, "countries.csv", "id,name\nCN,China\nTH,Thailand\n")
    mapping = _write(tmp_path, "countries.yaml", COUNTRIES)
    first = ingest(store, mapping)
    after_first = (_counts(store), store.query("MATCH (c:Country) RETURN c ORDER BY c.id"))
    second = ingest(store, mapping)
    assert first.loaded and second.loaded
    assert (_counts(store), store.query("MATCH (c:Country) RETURN c ORDER BY c.id")) == after_first


def test_validation_sees_the_stored_graph(store: GraphStore, tmp_path: Path) -> None:
    # A Chinese name alone would fail "needs exactly one English name" on its own, but the
    # node already has its English name in the store: the load is valid in context.
    _write(tmp_path, "countries.csv", "id,name\nTH,Thailand\n")
    ingest(store, _write(tmp_path, "countries.yaml", COUNTRIES))
    _write(tmp_path, "zh.csv", "id,name_zh\nTH,泰国\n")
    partial = (
        "version: 1\nsource: {path: zh.csv}\n"
        "nodes:\n  - {label: Country, key: id, partial: true, properties: {nameZh: name_zh}}\n"
    )
    report = ingest(store, _write(tmp_path, "zh.yaml", partial))
    assert report.loaded, report.errors
    assert store.query("MATCH (c:Country {id: 'TH'}) RETURN c.name AS en, c.nameZh AS zh") == [
        {"en": "Thailand", "zh": "泰国"}
    ]


def test_only_ends_the_load_does_not_produce_are_looked_up(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import loaders.ingest as ingest_module

    _write(tmp_path, "countries.csv", "id,name\nCN,China\n")
    ingest(store, _write(tmp_path, "countries.yaml", COUNTRIES))
    asked: list[tuple[str, set[object]]] = []
    real = ingest_module.existing_keys

    def spy(st: GraphStore, label: str, keys: set[object]) -> set[object]:
        asked.append((label, set(keys)))
        return real(st, label, keys)

    monkeypatch.setattr(ingest_module, "existing_keys", spy)
    _write(tmp_path, "centres.csv", "id,name,founded,country,parent\nR1,One,2015,CN,\nR2,Two,2016,CN,R1\n")
    report = ingest(store, _write(tmp_path, "centres.yaml", MAPPING))
    assert report.loaded, report.errors
    # R1 and R2 come from this file (a RegionalTransferCentre is a TransferCentre): only CN is asked
    assert asked == [("Country", {"CN"})]
    assert set(report.phases) == {"map", "check", "write"}
    assert _counts(store) == (3, 3)


def test_ingest_many_checks_each_mapping_against_the_ones_before(store: GraphStore, tmp_path: Path) -> None:
    # centres.csv needs the countries loaded just before it (it is read while they are written)
    _write(tmp_path, "countries.csv", "id,name\nCN,China\nTH,Thailand\n")
    _write(tmp_path, "centres.csv", "id,name,founded,country,parent\nSW,Sichuan West,2019,CN,\n")
    jobs = [
        LoadJob(_write(tmp_path, "countries.yaml", COUNTRIES)),
        LoadJob(_write(tmp_path, "centres.yaml", MAPPING)),
    ]
    reports = list(ingest_many(store, jobs))
    assert [(Path(r.mapping).name, r.loaded, r.errors) for r in reports] == [
        ("countries.yaml", True, []),
        ("centres.yaml", True, []),
    ]
    assert _counts(store) == (3, 1)
    for report in reports:  # the time spent on each, not the time waiting for its turn
        assert set(report.phases) == {"map", "check", "write"}
        assert report.seconds == pytest.approx(sum(report.phases.values()))


def test_ingest_many_stops_after_a_refused_mapping(store: GraphStore, tmp_path: Path) -> None:
    _write(tmp_path, "countries.csv", "id,name\nCN,China\n")
    _write(tmp_path, "centres.csv", "id,name,founded,country,parent\nSW,Sichuan West,2019,TH,\n")  # no TH
    _write(tmp_path, "more.csv", "id,name\nTH,Thailand\n")
    more = _write(tmp_path, "more.yaml", COUNTRIES.replace("countries.csv", "more.csv"))
    jobs = [
        LoadJob(_write(tmp_path, "countries.yaml", COUNTRIES)),
        LoadJob(_write(tmp_path, "centres.yaml", MAPPING)),
    ]
    reports = list(ingest_many(store, [*jobs, LoadJob(more)]))
    assert [(Path(r.mapping).name, r.loaded) for r in reports] == [
        ("countries.yaml", True),
        ("centres.yaml", False),
    ]
    assert [(e.row, e.column) for e in reports[1].errors] == [(2, "country")]
    assert _counts(store) == (1, 0)  # Thailand, mapped ahead, was not written


def test_ingest_many_raises_a_broken_mapping_in_its_turn(store: GraphStore, tmp_path: Path) -> None:
    """Mappings are read ahead in a worker thread; one that cannot be compiled fails the
    load when its turn comes, after the ones before it were loaded."""
    _write(tmp_path, "countries.csv", "id,name\nCN,China\n")
    broken = _write(tmp_path, "broken.yaml", COUNTRIES.replace("label: Country", "label: Planet"))
    jobs = [LoadJob(_write(tmp_path, "countries.yaml", COUNTRIES)), LoadJob(broken)]
    loaded = []
    with pytest.raises(MappingError, match="Planet"):
        for report in ingest_many(store, jobs, read_ahead=1):
            loaded.append((Path(report.mapping).name, report.loaded))
    assert loaded == [("countries.yaml", True)]
    assert _counts(store) == (1, 0)


def test_errors_with_and_without_a_column_are_listed_in_an_empty_store(
    store: GraphStore, tmp_path: Path
) -> None:
    # row 2 names a missing Country (column 'country') and a missing parent centre through a
    # two-column key (no column to blame): both on one row, sorted without comparing None and str
    mapping = MAPPING.replace(
        "key: parent}\n    when: {column: parent, not_empty: true}", 'key: "{country}-{id}"}'
    )
    _write(tmp_path, "centres.csv", "id,name,founded,country,parent\nSW,Sichuan West ITTC,2019,CN,\n")
    report = ingest(store, _write(tmp_path, "centres.yaml", mapping))
    assert not report.loaded
    assert [(e.row, e.column) for e in report.errors] == [(2, None), (2, "country")], report.errors
    assert "TransferCentre 'CN-SW'" in report.errors[0].reason


def test_one_key_two_values_in_a_file_is_refused_naming_both_rows(store: GraphStore, tmp_path: Path) -> None:
    _write(tmp_path, "countries.csv", "id,name\nCN,China\nTH,Thailand\nCN,China\nTH,Siam\n")
    report = ingest(store, _write(tmp_path, "countries.yaml", COUNTRIES))
    assert not report.loaded
    assert [(e.row, e.column) for e in report.errors] == [(5, "name")], (
        report.errors
    )  # row 4 agrees with row 2
    assert "countries.csv:3" in report.errors[0].reason and "'Thailand'" in report.errors[0].reason
    assert str(report.errors[0]).startswith(f"{report.errors[0].file}:5: column 'name': Country 'TH'")
    assert _counts(store) == (0, 0)
