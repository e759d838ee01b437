"""The analysis suite end to end on a small typed graph (expected values by hand)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pydantic
import pytest

from graph.analytics.actors import actor_network
from graph.analytics.params import AnalysisParams
from graph.analytics.registry import BROKERAGE, CENTRALITY, DUPLICATES, REGISTRY
from graph.analytics.runs import RUN_FORMAT, RunRecordError, latest_run, load_run, save_run
from graph.analytics.suite import run_suite


def _graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()

    def node(n: str, labels: list[str], **props: object) -> None:
        G.add_node(n, labels=labels, key=n.split(":", 1)[1], props=props)

    node("Country:CN", ["Country"], region="East Asia & Pacific")
    node("Country:TH", ["Country"], region="East Asia & Pacific", briMember=True)
    node("Country:EG", ["Country"], region="Middle East & North Africa", briMember=True)
    centre = ["Institution", "TransferCentre"]
    node("Institution:N1", [*centre, "NationalTransferCentre"])
    node("Institution:N2", [*centre, "NationalTransferCentre"])
    node("Institution:B1", [*centre, "BilateralCentre"], name="Thailand centre")
    node("Institution:B2", [*centre, "BranchCentre"], name="Thailand branch centre")
    node("Institution:U", ["Institution", "University"])
    node("Expert:e", ["Expert"])
    node("Agreement:m", ["Agreement"])
    edges = [
        ("Institution:N1", "Country:CN", "LOCATED_IN"),
        ("Institution:N2", "Country:CN", "LOCATED_IN"),
        ("Institution:B1", "Country:TH", "HOSTED_IN"),
        ("Institution:B2", "Country:TH", "HOSTED_IN"),
        ("Institution:U", "Country:EG", "LOCATED_IN"),
        ("Institution:B1", "Institution:N1", "PARENT_CENTRE"),
        ("Institution:B2", "Institution:N2", "PARENT_CENTRE"),
        ("Expert:e", "Institution:N1", "AFFILIATED_WITH"),
        ("Expert:e", "Institution:U", "AFFILIATED_WITH"),
        ("Institution:U", "Agreement:m", "PARTY_TO"),
        ("Institution:B1", "Agreement:m", "PARTY_TO"),
    ]
    for u, v, t in edges:
        G.add_edge(u, v, key=t, type=t)
    return G


def test_actor_network_partitions_and_co_affiliation() -> None:
    A = actor_network(_graph())
    assert set(A) == {
        "Institution:N1",
        "Institution:N2",
        "Institution:B1",
        "Institution:B2",
        "Institution:U",
        "Expert:e",
    }
    assert A.nodes["Institution:B1"]["centre_system"] == "N1"  # through PARENT_CENTRE
    assert A.nodes["Expert:e"]["country"] is None  # no LOCATED_IN
    # U and B1 are parties to agreement m: a co-affiliation tie both ways
    assert A["Institution:U"]["Institution:B1"]["types"] == ["CO_AFFILIATION"]
    assert A.has_edge("Institution:B1", "Institution:U")


def test_suite_has_every_section(tmp_path: Path) -> None:
    run = run_suite(_graph(), AnalysisParams(partition="country"))
    assert (
        set(run.results)
        == {a.key for a in REGISTRY}
        == {
            "brokerage",
            "structural_holes",
            "centrality",
            "communities",
            "collaboration",
            "duplicates",
            "coverage",
            "opportunities",
            "channels",
        }
    )
    # e -> N1 and e -> U: e ties CN's centre and an Egyptian university but is itself in no
    # country ("(unknown)"), so no two-path runs *through* e (e has no incoming tie).
    brokerage = run.require(BROKERAGE)
    assert brokerage.nodes["Expert:e"].total == 0
    # N1 receives e and B1 and sends nothing: no brokerage either; U brokers e -> U -> B1
    # (e unknown, U EG, B1 TH: three groups -> liaison)
    assert brokerage.nodes["Institution:U"].liaison == 1
    # B1 and B2 share Thailand with different parents: one duplicate cluster
    assert [c.members for c in run.require(DUPLICATES).clusters] == [("Institution:B1", "Institution:B2")]
    assert run.require(CENTRALITY).betweenness_exact is True
    assert run.graph.actors == 6
    path = save_run(run, tmp_path)
    assert path.name.endswith(".json.gz")
    again = latest_run(tmp_path)
    assert again is not None and again.id == run.id and again.version == RUN_FORMAT
    assert again.params == run.params
    assert again.results == run.results  # every typed result read back equal


def test_a_record_of_another_format_is_refused_clearly(tmp_path: Path) -> None:
    import gzip
    import json

    path = tmp_path / "analysis-20260101T000000000000Z.json.gz"
    with gzip.open(path, "wt") as handle:  # a record of the untyped format (no version)
        json.dump({"id": "x", "started": "", "params": {}, "graph": {}, "results": {}}, handle)
    with pytest.raises(RunRecordError, match="format 1"):
        load_run(path)


def test_unknown_partition_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError, match="partition"):
        run_suite(_graph(), AnalysisParams(partition="colour"))


def test_checkpoint_is_called_once_its_analyses_are_done() -> None:
    from graph.analytics.suite import Checkpoint
    from graph.analytics.writeback import SCORED_BY

    seen: list[tuple[str, list[str], str | None]] = []
    run = run_suite(
        _graph(), checkpoint=Checkpoint(SCORED_BY, lambda r: seen.append((r.id, list(r.results), r.ended)))
    )
    # once, with the four analyses the actors' scores come from (the first four of the registry)
    # and the final run's id, before the others and before the run ends
    assert seen == [(run.id, ["brokerage", "structural_holes", "centrality", "communities"], None)]
    assert run.ended is not None and list(run.results) == [a.key for a in REGISTRY]


def test_checkpoint_of_an_unknown_analysis_is_refused() -> None:
    from graph.analytics.suite import Checkpoint

    with pytest.raises(ValueError, match="checkpoint after nope"):
        run_suite(_graph(), checkpoint=Checkpoint(["brokerage", "nope"], lambda r: None))


def test_an_unknown_demand_fails_before_the_checkpoint() -> None:
    from graph.analytics.registry import UnknownDemandError
    from graph.analytics.suite import Checkpoint

    called: list[object] = []
    with pytest.raises(UnknownDemandError, match="TechnologyDemand:none"):
        run_suite(
            _graph(),
            AnalysisParams(channels_demand="TechnologyDemand:none"),
            checkpoint=Checkpoint(["brokerage"], called.append),
        )
    assert called == []  # nothing would have been written
