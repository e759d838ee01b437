"""Analysis results stored back into a real embedded store (graph.analytics.writeback)."""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.analytics.params import AnalysisParams
from graph.analytics.registry import CENTRALITY, STRUCTURAL_HOLES
from graph.analytics.results import HoleMeasures
from graph.analytics.runs import GraphCounts, RunRecord, save_run
from graph.analytics.suite import run_suite
from graph.analytics.writeback import RESULT_PROPERTIES, actor_results, run_node, write_back
from graph.backends.falkordb.server import stop_server
from graph.backends.falkordb.store import FalkorDBStore
from graph.cypher.identifiers import ident, labels_clause
from graph.export import graph_records
from ontology.derive import load_schema
from ontology.rdfio import dumps, loads
from ontology.records import NodeRecord, RelationshipRecord
from ontology.validation import validate
from ontology.vocab import NodeLabel as L
from ontology.vocab import PropertyName as P
from ontology.vocab import RelType as R

SYN = {"sources": ["test_writeback.py"], "synthetic": True, "seed": 7}
SAMPLE = AnalysisParams(synthetic=True)  # the test network is synthetic: analyse it as such


def _records() -> list[NodeRecord | RelationshipRecord]:
    """A small synthetic network.

    Institutions a (CN) -OPERATED_BY-> b (CN) -OPERATED_BY-> c (TH): b brokers the
    two-path a -> b -> c, its ends in b's group and in another one, so with the
    country partition b is a *representative* once (Gould & Fernandez 1989, Table 1;
    hand count) and nobody brokers anything else.  Expert e (TH) is affiliated with c;
    d (VN) is an isolate.
    """
    n, r = NodeRecord, RelationshipRecord
    out: list[NodeRecord | RelationshipRecord] = [
        n(L.COUNTRY, "CN", {P.NAME: "China", **SYN}),
        n(L.COUNTRY, "TH", {P.NAME: "Thailand", **SYN}),
        n(L.COUNTRY, "VN", {P.NAME: "Viet Nam", **SYN}),
        n(L.UNIVERSITY, "a", {P.NAME: "A University", P.CITY: "Nanning", **SYN}),
        n(L.REGIONAL_TRANSFER_CENTRE, "b", {P.NAME: "B Centre", **SYN}),
        n(L.ENTERPRISE, "c", {P.NAME: "C Company", **SYN}),
        n(L.RESEARCH_INSTITUTE, "d", {P.NAME: "D Institute", **SYN}),
        n(L.EXPERT, "e", {P.NAME: "E Expert", **SYN}),
        r(R.OPERATED_BY, L.INSTITUTION, "a", L.INSTITUTION, "b", SYN),
        r(R.OPERATED_BY, L.INSTITUTION, "b", L.INSTITUTION, "c", SYN),
        r(R.AFFILIATED_WITH, L.EXPERT, "e", L.INSTITUTION, "c", SYN),
    ]
    for key, country in (("a", "CN"), ("b", "CN"), ("c", "TH"), ("d", "VN"), ("e", "TH")):
        label = L.EXPERT if key == "e" else L.INSTITUTION
        out.append(r(R.LOCATED_IN, label, key, L.COUNTRY, country, SYN))
    return out


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FalkorDBStore]:
    s = FalkorDBStore(load_schema(), tmp_path / "falkordb", query_timeout_ms=10_000, row_cap=10_000)
    s.open()
    s.install_schema()
    nodes = [x for x in _records() if isinstance(x, NodeRecord)]
    rels = [x for x in _records() if isinstance(x, RelationshipRecord)]
    s.upsert(nodes, rels)
    try:
        yield s
    finally:
        s.close()
        stop_server(tmp_path / "falkordb")


def _stored(store: FalkorDBStore) -> dict[str, dict[str, Any]]:
    """Every stored actor's properties, by stable id."""
    out = {}
    for label in (L.INSTITUTION, L.EXPERT):
        for row in store.query(
            f"MATCH (n{labels_clause([label])}) RETURN n.{ident(P.ID)} AS k, properties(n) AS p"
        ):
            out[f"{label}:{row['k']}"] = row["p"]
    return out


def _runs(store: FalkorDBStore) -> dict[str, dict[str, Any]]:
    rows = store.query(f"MATCH (n{labels_clause([L.ANALYSIS_RUN])}) RETURN properties(n) AS p")
    return {row["p"][P.ID]: row["p"] for row in rows}


def test_results_are_stored_on_the_actors(store: FalkorDBStore, tmp_path: Path) -> None:
    run = run_suite(store.to_networkx(), SAMPLE)
    report = write_back(store, run)
    stored = _stored(store)
    assert report.scored == 5 and report.cleared == 0 and report.missing == ()
    # hand count (see _records): b is a representative once, nobody brokers anything else
    assert stored["Institution:b"][P.BROKERAGE_REPRESENTATIVE] == 1.0
    assert stored["Institution:b"][P.BROKERAGE_TOTAL] == 1.0
    assert stored["Institution:b"][P.BROKERAGE_GROUP] == "CN"
    assert all(stored[n][P.BROKERAGE_TOTAL] == 0.0 for n in stored if n != "Institution:b")
    # every other value is the run record's (which the suite's own tests check against networkx)
    expected = actor_results(run)
    for node, props in expected.items():
        for name in RESULT_PROPERTIES:
            if props[name] is None:
                assert name not in stored[node], (node, name)
            else:
                assert stored[node][name] == pytest.approx(props[name]), (node, name)
    assert stored["Institution:b"][P.PAGERANK] == pytest.approx(
        run.require(CENTRALITY).pagerank["Institution:b"]
    )
    assert {p[P.ANALYSIS_RUN] for p in stored.values()} == {run.id}


def test_other_properties_labels_and_sources_are_kept(store: FalkorDBStore) -> None:
    before = _stored(store)
    labels = (
        f"MATCH (n) WHERE NOT n{labels_clause([L.ANALYSIS_RUN])} RETURN n.id AS k, labels(n) AS l ORDER BY k"
    )
    labels_before = store.query(labels)
    write_back(store, run_suite(store.to_networkx(), SAMPLE))
    after = _stored(store)
    for node, props in before.items():
        assert {k: v for k, v in after[node].items() if k not in RESULT_PROPERTIES} == props
    assert store.query(labels) == labels_before
    assert store.stats().relationships == 8  # write-back adds no relationships


def test_run_node_records_parameters_time_and_counts(store: FalkorDBStore, tmp_path: Path) -> None:
    params = AnalysisParams(partition="region", seed=3, synthetic=True)
    run = run_suite(store.to_networkx(), params)
    path = save_run(run, tmp_path / "runs")
    write_back(store, run, source=path.name)
    node = _runs(store)[run.id]
    assert json.loads(node[P.PARAMETERS]) == run.params.model_dump(mode="json")
    assert node[P.PARTITION] == "region"
    assert node[P.STARTED_AT] == run.started and node[P.ENDED_AT] == run.ended
    assert node[P.STARTED_AT] <= node[P.ENDED_AT]
    assert (node[P.NODE_COUNT], node[P.RELATIONSHIP_COUNT]) == (8, 8)
    assert (node[P.ACTOR_COUNT], node[P.ACTOR_TIE_COUNT]) == (5, 3)  # a->b, b->c, e->c
    assert node[P.BETWEENNESS_ERROR_BOUND] == 0.0  # 5 actors: exact betweenness
    assert node[P.DURATION_SECONDS] == pytest.approx(sum(run.seconds.values()), abs=1e-3)
    assert node["sources"] == [path.name]
    assert node[P.SOFTWARE_VERSION]


def test_a_new_run_replaces_the_old_results_everywhere(store: FalkorDBStore) -> None:
    first = run_suite(store.to_networkx(), SAMPLE)
    write_back(store, first)
    G = store.to_networkx()
    G.remove_node("Institution:d")  # the second run does not score d (computed without it)
    second = run_suite(G, SAMPLE)
    assert second.id != first.id
    report = write_back(store, second)
    stored = _stored(store)
    assert report.cleared == 1 and report.scored == 4
    assert not set(RESULT_PROPERTIES) & set(stored["Institution:d"])  # no stale result left
    assert stored["Institution:d"][P.NAME] == "D Institute"  # the rest of d is intact
    assert {stored[n][P.ANALYSIS_RUN] for n in stored if n != "Institution:d"} == {second.id}
    assert set(_runs(store)) == {first.id, second.id}  # each run keeps its node


def test_a_value_the_new_run_cannot_compute_is_removed(store: FalkorDBStore) -> None:
    run = run_suite(store.to_networkx(), SAMPLE)
    write_back(store, run)
    assert P.CONSTRAINT in _stored(store)["Institution:a"]
    # the same run with a's constraint undefined (as for an isolate: NaN, stored as null)
    holes = run.require(STRUCTURAL_HOLES)
    undefined = dataclasses.replace(holes.nodes["Institution:a"], constraint=None)
    changed = dataclasses.replace(run, id=run.id + "b", results=dict(run.results))
    changed.results[STRUCTURAL_HOLES.key] = type(holes)({**holes.nodes, "Institution:a": undefined})
    assert isinstance(undefined, HoleMeasures)
    write_back(store, changed)
    assert P.CONSTRAINT not in _stored(store)["Institution:a"]
    assert _stored(store)["Institution:a"][P.ANALYSIS_RUN] == changed.id


def test_actors_deleted_since_the_run_are_not_recreated(store: FalkorDBStore) -> None:
    run = run_suite(store.to_networkx(), SAMPLE)
    store.delete_nodes(L.INSTITUTION, ["d"])
    report = write_back(store, run)
    assert report.missing == ("Institution:d",)
    assert "Institution:d" not in _stored(store)


def test_a_node_that_cannot_carry_results_is_refused_before_writing(store: FalkorDBStore) -> None:
    run = run_suite(store.to_networkx(), SAMPLE)
    run.require(CENTRALITY).pagerank["Country:CN"] = 0.5
    with pytest.raises(ValueError, match="Country:CN"):
        write_back(store, run)
    assert _runs(store) == {}
    assert not any(P.ANALYSIS_RUN in p for p in _stored(store).values())


def test_stored_results_pass_shacl_and_round_trip_through_rdf(store: FalkorDBStore) -> None:
    write_back(store, run_suite(store.to_networkx(), SAMPLE))
    schema = store.schema
    records = list(graph_records(store.to_networkx(), schema))
    report = validate(records, schema=schema)
    assert report.conforms, [str(v) for v in report.violations][:5]
    for fmt in ("turtle", "json-ld"):
        back = loads(dumps(records, format=fmt, schema=schema), format=fmt, schema=schema)
        nodes = {(r.label, r.key): dict(r.properties) for r in records if isinstance(r, NodeRecord)}
        after = {(r.label, r.key): dict(r.properties) for r in back if isinstance(r, NodeRecord)}
        assert after == nodes


def test_shacl_refuses_a_malformed_result() -> None:
    bad = NodeRecord(L.UNIVERSITY, "x", {P.NAME: "X", P.COMMUNITY: -1, P.BROKERAGE_TOTAL: -2.0, **SYN})
    report = validate([bad])
    assert {v.path for v in report.violations} == {P.COMMUNITY, P.BROKERAGE_TOTAL}


def test_loading_again_keeps_the_results(store: FalkorDBStore) -> None:
    run = run_suite(store.to_networkx(), SAMPLE)
    write_back(store, run)
    before = _stored(store)
    nodes = [x for x in _records() if isinstance(x, NodeRecord)]
    rels = [x for x in _records() if isinstance(x, RelationshipRecord)]
    store.upsert(nodes, rels)
    assert _stored(store) == before


def test_run_node_without_optional_values() -> None:
    run = RunRecord("r", "2026-01-01T00:00:00+00:00", AnalysisParams(), GraphCounts(0, 0))
    props = run_node(run).properties
    assert P.ENDED_AT not in props and P.MODULARITY not in props and P.BETWEENNESS_ERROR_BOUND not in props
    assert props[P.PARTITION] == "country"  # typed parameters: a run always has its partition
    assert not validate([run_node(run, source="x")]).violations


def test_cli_analyze_writes_back_unless_told_not_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.cli import main
    from graph.backends import open_store
    from graph.config import StoreSettings

    monkeypatch.setenv("TRANSFERNET_DATA_DIR", str(tmp_path))
    settings = StoreSettings(_env_file=None, data_dir=tmp_path)
    with open_store(settings, load_schema()) as s:
        s.install_schema()
        s.upsert([x for x in _records() if isinstance(x, NodeRecord)],
                 [x for x in _records() if isinstance(x, RelationshipRecord)])  # fmt: skip
    try:
        main(["analyze", "--synthetic", "--timings", str(tmp_path / "timings.json")])
        main(["analyze", "--synthetic", "--no-write-back"])
        # the phases the benchmark prints (benchmarks/analyze_suite.py), in the order they ran
        timed = json.loads((tmp_path / "timings.json").read_text())
        marks = timed["marks"]
        assert [mark[0] for mark in marks] == [
            "start-up: analysis imports", "store open", "projection", "suite",
            "write-back", "saving the run record", "saving the run record", "write-back: run node",
            "store close", "printing",
        ]  # fmt: skip
        # the actors' scores and their part of the run record are written beside the last steps
        # of the suite: the seconds and CPU of each thread
        beside = timed["notes"]
        assert set(beside) == {
            f"{work} beside the steps{cpu}"
            for work in ("write-back", "run record")
            for cpu in ("", ", CPU of its thread")
        } | {"run record beside the steps, CPU holding the GIL"}
        assert all(v > 0 for v in beside.values())
        assert all(a[1] <= b[1] and a[2] <= b[2] for a, b in itertools.pairwise(marks))  # time, peak RSS
        records = sorted((tmp_path / "runs").glob("analysis-*.json.gz"))
        assert len(records) == 2  # both runs keep their JSON record
        with open_store(settings, load_schema()) as s:
            runs = _runs(s)
            stored = _stored(s)
        assert len(runs) == 1  # only the first run was stored in the graph
        (run_id,) = runs
        assert runs[run_id]["sources"] == [records[0].name]
        assert {p[P.ANALYSIS_RUN] for p in stored.values()} == {run_id}
    finally:
        stop_server(settings.store_dir)


@pytest.mark.slow
def test_bundled_dataset_with_results_reloads_and_round_trips(tmp_path: Path) -> None:
    from graph.backends import open_store
    from graph.config import StoreSettings
    from loaders.bundle import load_bundle

    schema = load_schema()
    settings = StoreSettings(_env_file=None, data_dir=tmp_path)
    try:
        with open_store(settings, schema) as s:
            s.install_schema()
            assert all(r.loaded for r in load_bundle(s, tmp_path / "generated"))
            run = run_suite(s.to_networkx())
            report = write_back(s, run)
            assert report.scored == run.graph.actors > 0
            before = _stored(s)
            # loading the same files again: accepted (SHACL sees the stored results), results kept
            again = load_bundle(s, tmp_path / "generated")
            assert all(r.loaded and not r.errors for r in again), [str(e) for r in again for e in r.errors][
                :5
            ]
            assert _stored(s) == before
            records = list(graph_records(s.to_networkx(), schema))
    finally:
        stop_server(settings.store_dir)
    back = loads(dumps(records, format="turtle", schema=schema), format="turtle", schema=schema)

    def canon(props: Any) -> dict[str, Any]:  # RDF has no list order
        return {k: sorted(map(str, v)) if isinstance(v, list) else v for k, v in props.items()}

    nodes = {(r.label, r.key): canon(r.properties) for r in records if isinstance(r, NodeRecord)}
    after = {(r.label, r.key): canon(r.properties) for r in back if isinstance(r, NodeRecord)}
    assert after == nodes
    assert sum(P.BROKERAGE_TOTAL in props for props in nodes.values()) == report.scored


def test_the_run_node_is_written_last_as_the_commit_marker(
    store: FalkorDBStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = run_suite(store.to_networkx(), SAMPLE)
    real = store.upsert
    calls: list[int] = []

    def fail_on_the_marker(nodes: Any, rels: Any, **kwargs: Any) -> tuple[int, int]:
        nodes = list(nodes)
        calls.append(len(nodes))
        if any(n.label == L.ANALYSIS_RUN for n in nodes):
            raise RuntimeError("server gone")  # the crash happens after the actors' results
        return real(nodes, rels, **kwargs)

    monkeypatch.setattr(store, "upsert", fail_on_the_marker)
    with pytest.raises(RuntimeError):
        write_back(store, run)
    assert _runs(store) == {}  # no marker: an incomplete run that readers ignore
    assert {p[P.ANALYSIS_RUN] for p in _stored(store).values()} == {run.id}
    monkeypatch.setattr(store, "upsert", real)
    again = run_suite(store.to_networkx(), SAMPLE)
    write_back(store, again)
    assert set(_runs(store)) == {again.id}
    assert {p[P.ANALYSIS_RUN] for p in _stored(store).values()} == {again.id}


def test_the_marker_waits_for_before_marker_and_is_not_written_when_it_fails(store: FalkorDBStore) -> None:
    # api.jobs.analyse saves the run record in a thread during the write and passes the wait for
    # it as `before_marker`: the run node, which names the record, comes only after it
    run = run_suite(store.to_networkx(), SAMPLE)
    seen: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def record_lost() -> None:
        seen.append((_runs(store), _stored(store)))  # what the graph holds when it is called
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_back(store, run, before_marker=record_lost)
    ((runs_then, stored_then),) = seen
    assert runs_then == {} and {p[P.ANALYSIS_RUN] for p in stored_then.values()} == {run.id}
    assert _runs(store) == {}  # no marker: an incomplete run, replaced by the next
    report = write_back(store, run, before_marker=lambda: None)
    assert set(_runs(store)) == {run.id} and report.scored == len(stored_then)


def test_a_suite_that_fails_after_the_scores_leaves_an_incomplete_run(
    store: FalkorDBStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`api.jobs.analyse` writes the scores while the last analyses run: when one of those
    fails, the error reaches the caller, no run node and no run record are written, and the
    actors carry the results of a run without a run node (an incomplete run, module
    docstring), as a write-back that fails part-way leaves them."""
    from api.jobs import analyse
    from api.settings import Settings
    from graph.analytics import channels

    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    first = analyse(settings, store, SAMPLE)
    assert set(_runs(store)) == {first.run.id}

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("channels broke")

    monkeypatch.setattr(channels.ChannelFinder, "__init__", broken)
    with pytest.raises(RuntimeError, match="channels broke"):
        analyse(settings, store, SAMPLE)
    assert set(_runs(store)) == {first.run.id}  # no marker for the failed run
    assert len(list(settings.runs_dir.glob("analysis-*.json.gz"))) == 1  # nor a record
    (incomplete,) = {p[P.ANALYSIS_RUN] for p in _stored(store).values() if P.ANALYSIS_RUN in p}
    assert incomplete != first.run.id and incomplete not in _runs(store)


def test_a_write_back_that_fails_still_saves_the_run_record_and_writes_no_run_node(
    store: FalkorDBStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scores are written in a thread: its failure reaches the caller once the run record,
    whose results are sound, is saved; no run node names it (the scores are incomplete)."""
    from api.jobs import analyse
    from api.settings import Settings
    from graph.errors import StoreError

    def broken(*args: object, **kwargs: object) -> int:
        raise StoreError("the server went away")

    monkeypatch.setattr(FalkorDBStore, "set_properties", broken)
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    with pytest.raises(StoreError, match="went away"):
        analyse(settings, store, SAMPLE)
    assert _runs(store) == {}
    (path,) = settings.runs_dir.glob("analysis-*.json.gz")
    assert not list(settings.runs_dir.glob("*.tmp"))
    from graph.analytics.runs import load_run

    assert set(load_run(path).results) == {
        "brokerage", "structural_holes", "centrality", "communities", "collaboration",
        "duplicates", "coverage", "opportunities", "channels",
    }  # fmt: skip
