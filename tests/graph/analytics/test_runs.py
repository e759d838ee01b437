"""Run records on disk (`graph.analytics.runs`): written result by result, never half-written.

The round trip of a whole suite run is in ``test_suite.py``.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import networkx as nx
import pytest

from graph.analytics.params import AnalysisParams
from graph.analytics.registry import CENTRALITY, COMMUNITIES, DUPLICATES
from graph.analytics.results import CentralityResult, CommunitiesResult, DuplicatesResult
from graph.analytics.runs import GraphCounts, RunRecord, RunRecordError, load_run, run_file_name, save_run


def _run(**results: object) -> RunRecord:
    return RunRecord("20260101T000000000000Z", "2026-01-01T00:00:00+00:00", AnalysisParams(),
                     GraphCounts(3, 2), seconds={"projection": 0.5}, results=dict(results))  # fmt: skip


def test_a_saved_run_reads_back_equal_and_is_one_json_document(tmp_path: Path) -> None:
    e = "Expert:e"
    run = _run(**{
        CENTRALITY.key: CentralityResult({e: 0.5}, {e: 0.25}, {e: 0.0}, True, 0.0, 0.0, 1),
        COMMUNITIES.key: CommunitiesResult({"Expert:e": 0}, None, "leiden", "igraph", (1,)),
        DUPLICATES.key: DuplicatesResult(()),
    })  # fmt: skip
    path = save_run(run, tmp_path)
    assert path.name == run_file_name(run)
    data = json.loads(gzip.decompress(path.read_bytes()))  # any JSON reader reads it (zcat | jq)
    assert list(data["results"]) == [CENTRALITY.key, COMMUNITIES.key, DUPLICATES.key]
    assert data["results"][CENTRALITY.key]["pagerank"] == {"Expert:e": 0.25}
    again = load_run(path)
    assert again.results == run.results and again.seconds == run.seconds


def test_a_save_that_fails_part_way_leaves_no_file(tmp_path: Path) -> None:
    # the record is written result by result: a result that cannot be serialised (here the
    # third, after two were written) must leave neither the record nor its temporary file
    bad = _run(**{
        CENTRALITY.key: CentralityResult({}, {}, {}, True, 0.0, 0.0, 1),
        COMMUNITIES.key: CommunitiesResult({}, None, "leiden", "igraph", ()),
        DUPLICATES.key: object(),
    })  # fmt: skip
    with pytest.raises(Exception, match=r"(?i)serializ"):
        save_run(bad, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_result_outside_the_registry_is_refused_before_writing(tmp_path: Path) -> None:
    with pytest.raises(RunRecordError, match="not an analysis of the registry"):
        save_run(_run(colour=1), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_record_written_in_parts_reads_back_as_one_saved_at_once(tmp_path: Path) -> None:
    from graph.analytics.runs import RunRecordWriter

    run = _run(
        duplicates=DuplicatesResult(()),
        communities=CommunitiesResult({"Expert:e": 0}, 0.5, "leiden", "igraph", (1,)),
    )
    writer = RunRecordWriter(tmp_path / "parts", run)
    writer.add("communities", run.results["communities"])  # early, as analyze does
    assert not list((tmp_path / "parts").glob("*.json.gz"))  # not visible before it is finished
    path = writer.finish(run)  # adds duplicates, then the rest of the record
    assert load_run(path).results == load_run(save_run(run, tmp_path / "whole")).results == run.results
    assert not writer.writing
    with pytest.raises(RunRecordError, match="finished or aborted"):
        writer.add("duplicates", run.results["duplicates"])


def test_a_record_writer_refuses_twice_the_same_result_and_aborts_leaving_nothing(tmp_path: Path) -> None:
    from graph.analytics.runs import RunRecordWriter

    run = _run(duplicates=DuplicatesResult(()))
    writer = RunRecordWriter(tmp_path, run)
    writer.add("duplicates", run.results["duplicates"])
    with pytest.raises(RunRecordError, match="already holds 'duplicates'"):
        writer.add("duplicates", run.results["duplicates"])
    with pytest.raises(RunRecordError, match="not an analysis of the registry"):
        writer.add("nope", None)
    writer.abort()
    assert list(tmp_path.iterdir()) == []  # no temporary file, no record


def test_bridge_ties_are_stored_as_two_columns_and_read_from_the_older_list(tmp_path: Path) -> None:
    from graph.analytics.results import BridgeEdge, BridgeEdges

    ties = BridgeEdges(("Expert:a", "Expert:b"), ("Expert:b", "Expert:c"))
    run = _run(
        **{COMMUNITIES.key: CommunitiesResult({"Expert:a": 0}, None, "leiden", "igraph", (1,), {}, ties)}
    )
    path = save_run(run, tmp_path)
    data = json.loads(gzip.decompress(path.read_bytes()))
    stored = data["results"][COMMUNITIES.key]["bridge_edges"]
    assert stored == {"sources": ["Expert:a", "Expert:b"], "targets": ["Expert:b", "Expert:c"]}
    # a record saved before the columns (same format version) lists one object per tie
    data["results"][COMMUNITIES.key]["bridge_edges"] = [
        {"source": "Expert:a", "target": "Expert:b"},
        {"source": "Expert:b", "target": "Expert:c"},
    ]
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    again = load_run(path).require(COMMUNITIES).bridge_edges
    assert again == ties
    assert list(again) == [BridgeEdge("Expert:a", "Expert:b"), BridgeEdge("Expert:b", "Expert:c")]


@pytest.mark.parametrize("synthetic", [False, True])
def test_results_written_by_orjson_are_what_their_pydantic_adapter_writes(
    bundle_graph: nx.MultiDiGraph, synthetic: bool
) -> None:
    # every result of the bundle's run (real bodies; with the labelled synthetic sample, larger
    # and with every analysis finding something): the record's JSON is the adapter's, value for value
    from graph.analytics.registry import REGISTRY
    from graph.analytics.runs import _adapter, result_json
    from graph.analytics.suite import run_suite

    run = run_suite(bundle_graph, AnalysisParams(synthetic=synthetic))
    for analysis in REGISTRY:
        value = run.results[analysis.key]
        assert json.loads(result_json(analysis, value)) == json.loads(_adapter(analysis).dump_json(value)), (
            analysis.key
        )


def test_a_value_orjson_refuses_is_written_by_the_adapter() -> None:
    # a set (or a key that is not text) is not JSON to orjson: the adapter writes it as a list
    from graph.analytics.runs import result_json

    result = CommunitiesResult({"Expert:e1": 0}, None, "leiden", "igraph", (1,))
    object.__setattr__(result, "sizes", {1})  # a set where a tuple was expected
    with pytest.warns(UserWarning, match="serialized value may not be as expected"):  # pydantic's
        assert json.loads(result_json(COMMUNITIES, result))["sizes"] == [1]
