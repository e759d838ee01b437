"""The analytics endpoints over real HTTP (``transfernet serve`` on the bundled dataset).

Expected values come from the stored run the ``bundle_data_dir`` fixture saved
(read back with :func:`graph.analytics.runs.latest_run`) and, for computations on
demand, from the functions of :mod:`graph.analytics` called in the test on the same
store's projection.  Coverage gaps need technology demand and supply, which the
bundled dataset does not hold, so they are checked on a second server whose store
holds a hand-made network (gap worked out by hand in the test).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import pytest

from graph.analytics.actors import actor_network
from graph.analytics.brokerage import brokerage_scores, structural_holes
from graph.analytics.centrality import betweenness, degree, pagerank
from graph.analytics.channels import ChannelFinder
from graph.analytics.coverage import coverage_gaps
from graph.analytics.opportunities import brokerage_opportunities
from graph.analytics.population import select
from graph.analytics.registry import (
    BROKERAGE,
    COLLABORATION,
    COMMUNITIES,
    COVERAGE,
    DUPLICATES,
    REGISTRY,
    STRUCTURAL_HOLES,
)
from graph.analytics.runs import RunRecord, latest_run
from graph.analytics.views import VIEWS
from graph.backends import open_store, stop_server
from graph.config import StoreSettings
from ontology.derive import load_schema
from ontology.records import NodeRecord, RelationshipRecord
from ontology.vocab import NodeLabel, PropertyName, RelType
from tests.server_process import serve_api

BASE = "/api/v1/analytics"

ENDPOINTS = [v.path for v in VIEWS]  # every view of every analysis of the registry
STORED = [e for e in ENDPOINTS if e not in ("opportunities", "channels")]  # counted below


@pytest.fixture(scope="module")
def client(api_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server, timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def run(bundle_data_dir: Path) -> RunRecord:
    stored = latest_run(bundle_data_dir / "runs")
    assert stored is not None
    return stored


@pytest.fixture(scope="module")
def graph(bundle_graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """What the analyses answer about by default: the real, established part of the projection."""
    return select(bundle_graph)[0]


def _same(api: Any, expected: Any) -> bool:
    """API numbers are the run's JSON: NaN/inf as null, rounded to 10 places."""
    if expected is None or (isinstance(expected, float) and not math.isfinite(expected)):
        return api is None
    return api is not None and math.isclose(api, expected, rel_tol=0, abs_tol=1e-9)


def _expected_total(run: RunRecord, endpoint: str) -> int:
    return {
        "brokerage": len(run.require(BROKERAGE).nodes),
        "structural-holes": len(run.require(STRUCTURAL_HOLES).nodes),
        "centrality": len(run.require(BROKERAGE).nodes),  # every actor
        "communities": len(run.require(COMMUNITIES).membership),
        "communities/bridges": len(run.require(COMMUNITIES).bridge_edges),
        "duplicates": len(run.require(DUPLICATES).clusters),
        "duplicates/co-located": len(run.require(DUPLICATES).co_located),
        "collaboration": len(run.require(COLLABORATION).ties),
        "coverage-gaps": len(run.require(COVERAGE).gaps),
        "coverage": len(run.require(COVERAGE).countries),
    }[endpoint]


@pytest.mark.parametrize("endpoint", STORED)
def test_served_from_the_stored_run(client: httpx.Client, run: RunRecord, endpoint: str) -> None:
    r = client.get(f"{BASE}/{endpoint}", params={"limit": 10_000})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["run"]["source"] == "stored"
    assert body["run"]["run_id"] == run.id and body["run"]["timestamp"] == run.started
    assert all(getattr(run.params, k) == v for k, v in body["run"]["parameters"].items())
    assert body["total"] == len(body["items"]) == _expected_total(run, endpoint)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_csv_has_the_json_rows(client: httpx.Client, endpoint: str) -> None:
    params = {"limit": 10_000}
    as_json = client.get(f"{BASE}/{endpoint}", params=params).json()
    r = client.get(f"{BASE}/{endpoint}", params=params, headers={"Accept": "text/csv"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["x-total-count"] == str(as_json["total"])
    reader = csv.DictReader(io.StringIO(r.text))
    rows = list(reader)
    assert len(rows) == len(as_json["items"])
    if as_json["items"]:
        assert reader.fieldnames == list(as_json["items"][0])
    for row, item in zip(rows, as_json["items"], strict=True):
        for column, value in item.items():
            cell = row[column]
            if value is None:
                assert cell == ""
            elif isinstance(value, bool):
                assert cell == str(value).lower()
            elif isinstance(value, int | float):
                assert float(cell) == value
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                assert cell == ";".join(value)
            elif isinstance(value, str):
                assert cell == value  # names with commas and quotes survive the csv module's quoting


def test_the_run_holds_every_analysis_of_the_registry(run: RunRecord) -> None:
    assert set(run.results) == {a.key for a in REGISTRY}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_stored_and_fresh_answers_agree(client: httpx.Client, run: RunRecord, endpoint: str) -> None:
    """One code path: the stored run's rows equal the rows computed now with the same parameters
    (the run used the defaults, and so does fresh=true)."""
    stored = client.get(f"{BASE}/{endpoint}", params={"limit": 10_000}).json()
    fresh = client.get(f"{BASE}/{endpoint}", params={"limit": 10_000, "fresh": "true"}).json()
    assert stored["run"]["source"] == "stored" and stored["run"]["run_id"] == run.id
    assert fresh["run"]["source"] == "computed" and fresh["run"]["run_id"] is None
    assert fresh["run"]["parameters"] == stored["run"]["parameters"]
    assert fresh["total"] == stored["total"] and fresh["summary"] == stored["summary"]
    assert fresh["items"] == stored["items"]


def test_brokerage_rows_are_the_stored_run(
    client: httpx.Client, run: RunRecord, graph: nx.MultiDiGraph
) -> None:
    body = client.get(f"{BASE}/brokerage", params={"limit": 10_000}).json()
    stored = run.require(BROKERAGE)
    assert body["summary"]["graph"] == {k: dataclasses.asdict(v) for k, v in stored.graph.items()}
    for item in body["items"]:
        node = item["id"]
        assert item["group"] == stored.groups[node]
        assert item["name"] == graph.nodes[node]["props"].get(PropertyName.NAME)
        assert item["type"] == graph.nodes[node]["label"]
        assert all(item[k] == v for k, v in dataclasses.asdict(stored.nodes[node]).items())


def test_brokerage_for_another_partition_is_computed(client: httpx.Client, graph: nx.MultiDiGraph) -> None:
    body = client.get(f"{BASE}/brokerage", params={"partition": "region", "limit": 10_000}).json()
    assert body["run"]["source"] == "computed" and body["run"]["run_id"] is None
    assert body["run"]["parameters"]["partition"] == "region"
    A = actor_network(graph, max_group=body["run"]["parameters"]["max_group"])
    groups = {n: (d.get("region") or "(unknown)") for n, d in A.nodes(data=True)}
    expected = brokerage_scores(A, groups)
    assert {i["id"] for i in body["items"]} == set(expected)
    for item in body["items"]:
        assert item["group"] == groups[item["id"]]
        assert all(_same(item[k], v) for k, v in expected[item["id"]].items()), item["id"]


def test_fresh_centrality_and_structural_holes_equal_the_functions(
    client: httpx.Client, graph: nx.MultiDiGraph
) -> None:
    body = client.get(f"{BASE}/centrality", params={"fresh": "true", "limit": 10_000}).json()
    assert body["run"]["source"] == "computed"
    p = body["run"]["parameters"]
    A = actor_network(graph, max_group=p["max_group"])
    exp = {
        "degree": degree(A),
        "pagerank": pagerank(A, weight="weight"),
        "betweenness": betweenness(
            A, exact_threshold=p["betweenness_exact_threshold"], seed=p["seed"]
        ).values,
    }
    for item in body["items"]:
        assert all(_same(item[m], exp[m][item["id"]]) for m in exp), item["id"]
    holes = client.get(f"{BASE}/structural-holes", params={"fresh": "true", "limit": 10_000}).json()
    expected = structural_holes(A, weight="weight")
    assert len(holes["items"]) == len(expected)
    for item in holes["items"]:
        assert all(_same(item[k], v) for k, v in expected[item["id"]].items()), item["id"]


def test_communities_and_bridges_are_the_stored_run(client: httpx.Client, run: RunRecord) -> None:
    stored = run.require(COMMUNITIES)
    body = client.get(f"{BASE}/communities", params={"limit": 10_000}).json()
    assert body["summary"]["modularity"] == stored.modularity
    members = list(stored.membership.values())
    sizes = {c: members.count(c) for c in set(members)}
    for item in body["items"]:
        assert item["community"] == stored.membership[item["id"]]
        assert item["community_size"] == sizes[item["community"]]
        bridge = stored.bridge_nodes.get(item["id"])
        assert item["participation"] == (bridge.participation if bridge else None)
    edges = client.get(f"{BASE}/communities/bridges", params={"limit": 10_000}).json()["items"]
    assert sorted((e["source"], e["target"]) for e in edges) == sorted(
        (e.source, e.target) for e in stored.bridge_edges
    )
    assert all(e["source_community"] != e["target_community"] for e in edges)


def test_duplicates_are_the_stored_clusters(client: httpx.Client, run: RunRecord) -> None:
    items = client.get(f"{BASE}/duplicates").json()["items"]
    stored = sorted(run.require(DUPLICATES).clusters, key=lambda c: -c.score)
    assert [i["members"] for i in items] == [list(c.members) for c in stored]
    assert [i["score"] for i in items] == sorted((c.score for c in stored), reverse=True)
    assert all(len(i["member_names"]) == len(i["members"]) for i in items)


def test_sorting_offset_and_limit(client: httpx.Client, run: RunRecord) -> None:
    nodes = run.require(BROKERAGE).nodes
    # the run's nodes by total_z, largest first, ties by id; nulls (zero sd) last
    ranked = sorted((v.total_z, k) for k, v in nodes.items() if v.total_z is not None)
    expected = [k for _, k in sorted(ranked, key=lambda t: (-t[0], t[1]))]
    expected += sorted(k for k, v in nodes.items() if v.total_z is None)
    body = client.get(f"{BASE}/brokerage", params={"sort": "total_z", "limit": 5}).json()
    assert [i["id"] for i in body["items"]] == expected[:5]
    assert body["total"] == len(nodes) and body["limit"] == 5 and body["sort"] == "total_z"
    page2 = client.get(f"{BASE}/brokerage", params={"sort": "total_z", "limit": 5, "offset": 5}).json()
    assert [i["id"] for i in page2["items"]] == expected[5:10]
    asc = client.get(f"{BASE}/structural-holes", params={"sort": "constraint", "order": "asc"}).json()
    values = [i["constraint"] for i in asc["items"] if i["constraint"] is not None]
    assert values == sorted(values) and values


def test_stored_only_conflicts_with_other_parameters(client: httpx.Client, run: RunRecord) -> None:
    other = next(p for p in ("region", "income", "country") if p != run.params.partition)
    r = client.get(f"{BASE}/brokerage", params={"partition": other, "fresh": "false"})
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"
    same = client.get(f"{BASE}/brokerage", params={"partition": run.params.partition, "fresh": "false"})
    assert same.status_code == 200 and same.json()["run"]["source"] == "stored"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("image/png", 406),
        ("application/xml, text/html;q=0.9", 406),
        ("text/csv;q=0, application/json;q=0", 406),
        ("text/csv;q=0.2, application/json;q=0.1", "text/csv; charset=utf-8"),
        ("text/*", "text/csv; charset=utf-8"),
        ("application/*, text/csv;q=0.5", "application/json"),
        ("*/*", "application/json"),
    ],
)
def test_content_negotiation(client: httpx.Client, accept: str, expected: int | str) -> None:
    r = client.get(f"{BASE}/centrality", params={"limit": 1}, headers={"Accept": accept})
    if isinstance(expected, int):
        assert r.status_code == expected
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["status"] == expected
    else:
        assert r.status_code == 200 and r.headers["content-type"] == expected


@pytest.mark.parametrize(
    "params",
    [{"partition": "planet"}, {"sort": "nonsense"}, {"limit": 0}, {"order": "sideways"}, {"max_group": 1}],
)
def test_invalid_parameters(client: httpx.Client, params: dict[str, Any]) -> None:
    r = client.get(f"{BASE}/brokerage", params=params)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_openapi_examples_match_the_answers(client: httpx.Client, endpoint: str) -> None:
    path = client.get("/api/v1/openapi.json").json()["paths"][f"{BASE}/{endpoint}"]["get"]
    content = path["responses"]["200"]["content"]
    example = content["application/json"]["example"]
    answer = client.get(f"{BASE}/{endpoint}", params={"limit": 1}).json()
    assert set(example) == set(answer)
    columns = client.get(f"{BASE}/{endpoint}", headers={"Accept": "text/csv"}).text.splitlines()[0].split(",")
    for item in example["items"]:
        assert set(item) <= set(columns), endpoint  # example rows use the real columns
    shown = [c for c in content["text/csv"]["example"].splitlines()[0].split(",") if c != "..."]
    assert columns[: len(shown)] == shown
    assert {"406", "422"} <= set(path["responses"])


# --- coverage gaps and a store without runs: a second server on a hand-made network ------


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, nx.MultiDiGraph]]:
    """A store with Kenya (BRI member) demanding in field f, offered from China; no analysis run.

    A Kenyan institution seeks the demands, a Chinese one owns the offer, and one expert in
    Thailand is affiliated with both (the whole link between the two countries).
    """
    data_dir = tmp_path_factory.mktemp("small")
    settings = StoreSettings(_env_file=None, data_dir=data_dir)
    src: dict[str, Any] = {PropertyName.SOURCES: ["tests/api/routes/test_analytics.py"]}
    nodes = [
        NodeRecord(
            NodeLabel.COUNTRY, "KE", {PropertyName.NAME: "Kenya", PropertyName.BRI_MEMBER: True, **src}
        ),
        NodeRecord(
            NodeLabel.COUNTRY, "CN", {PropertyName.NAME: "China", PropertyName.BRI_MEMBER: False, **src}
        ),
        NodeRecord(NodeLabel.FIELD, "f", {PropertyName.NAME: "Field f", **src}),
        NodeRecord(NodeLabel.TECHNOLOGY_DEMAND, "d1", dict(src)),
        NodeRecord(NodeLabel.TECHNOLOGY_DEMAND, "d2", dict(src)),
        NodeRecord(NodeLabel.TECHNOLOGY_OFFER, "o", dict(src)),
        NodeRecord(NodeLabel.COUNTRY, "TH", {PropertyName.NAME: "Thailand", **src}),
        NodeRecord(NodeLabel.INSTITUTION, "cn-inst", {PropertyName.NAME: "Chinese supplier", **src}),
        NodeRecord(NodeLabel.INSTITUTION, "ke-inst", {PropertyName.NAME: "Kenyan seeker", **src}),
        NodeRecord(NodeLabel.EXPERT, "b", {PropertyName.NAME: "Broker B", **src}),
    ]
    rels = [
        RelationshipRecord(
            RelType.LOCATED_IN, NodeLabel.TECHNOLOGY_DEMAND, d, NodeLabel.COUNTRY, "KE", dict(src)
        )
        for d in ("d1", "d2")
    ]
    rels += [
        RelationshipRecord(RelType.IN_FIELD, NodeLabel.TECHNOLOGY_DEMAND, d, NodeLabel.FIELD, "f", dict(src))
        for d in ("d1", "d2")
    ]
    rels += [
        RelationshipRecord(
            RelType.LOCATED_IN, NodeLabel.TECHNOLOGY_OFFER, "o", NodeLabel.COUNTRY, "CN", dict(src)
        ),
        RelationshipRecord(
            RelType.IN_FIELD, NodeLabel.TECHNOLOGY_OFFER, "o", NodeLabel.FIELD, "f", dict(src)
        ),
    ]
    actors = [("cn-inst", NodeLabel.INSTITUTION, "CN"), ("ke-inst", NodeLabel.INSTITUTION, "KE")]
    for start, label, country in [*actors, ("b", NodeLabel.EXPERT, "TH")]:
        rels.append(
            RelationshipRecord(RelType.LOCATED_IN, label, start, NodeLabel.COUNTRY, country, dict(src))
        )
    for inst, _, _ in actors:
        rels.append(
            RelationshipRecord(
                RelType.AFFILIATED_WITH, NodeLabel.EXPERT, "b", NodeLabel.INSTITUTION, inst, dict(src)
            )
        )
    for d in ("d1", "d2"):
        rels.append(
            RelationshipRecord(
                RelType.SEEKS, NodeLabel.INSTITUTION, "ke-inst", NodeLabel.TECHNOLOGY_DEMAND, d, dict(src)
            )
        )
    rels.append(
        RelationshipRecord(
            RelType.OFFERS, NodeLabel.INSTITUTION, "cn-inst", NodeLabel.TECHNOLOGY_OFFER, "o", dict(src)
        )
    )
    store = open_store(settings, load_schema())
    try:
        store.install_schema()
        store.upsert(nodes, rels)
        G = store.to_networkx()
    finally:
        store.close()
    assert isinstance(G, nx.MultiDiGraph)
    try:
        with serve_api(data_dir) as base:
            yield base, G
    finally:
        stop_server(settings.store_dir)


def test_coverage_gaps_computed_without_a_run(small_server: tuple[str, nx.MultiDiGraph]) -> None:
    base, G = small_server
    body = httpx.get(f"{base}{BASE}/coverage-gaps", timeout=60).json()
    assert body["run"]["source"] == "computed" and body["run"]["parameters"] == {
        "synthetic": False,
        "scenario": "established",
        "coverage_bri_only": True,
    }
    # by hand: Kenya has two demands in f, no centre or partner; China offers once in f
    assert body["items"] == [
        {
            "country": "Country:KE",
            "country_name": "Kenya",
            "field": "Field:f",
            "field_name": "Field f",
            "demands": 2,
            "offers_elsewhere": 1,
        }
    ]
    assert [(g.country, g.field, g.demands) for g in coverage_gaps(G)] == [("KE", "f", 2)]
    as_csv = httpx.get(f"{base}{BASE}/coverage-gaps", headers={"Accept": "text/csv"}, timeout=60).text
    assert as_csv == (
        "country,country_name,field,field_name,demands,offers_elsewhere\n"
        "Country:KE,Kenya,Field:f,Field f,2,1\n"
    )
    countries = httpx.get(f"{base}{BASE}/coverage", params={"sort": "demands"}, timeout=60).json()["items"]
    assert countries[0]["country"] == "Country:KE" and countries[0]["demands"] == 2


def test_stored_only_without_a_run_is_404(small_server: tuple[str, nx.MultiDiGraph]) -> None:
    base, _ = small_server
    r = httpx.get(f"{base}{BASE}/brokerage", params={"fresh": "false"}, timeout=60)
    assert r.status_code == 404
    assert r.json()["type"].endswith("/no-analysis-run")


def test_opportunities_computed_on_demand(small_server: tuple[str, nx.MultiDiGraph]) -> None:
    base, G = small_server
    body = httpx.get(f"{base}{BASE}/opportunities", timeout=60).json()
    assert body["run"]["source"] == "computed"
    assert body["run"]["parameters"]["partition"] == "country"
    # by hand: China offers in f, Kenya seeks in f twice (2 pairs); the only route is through expert B
    (row,) = body["items"]
    names = (row["supplier"], row["supplier_name"], row["demander"], row["demander_name"])
    assert names == ("CN", "China", "KE", "Kenya")
    assert (row["status"], row["pairs"], row["fields"], row["field_names"]) == (
        "single broker",
        2,
        ["Field:f"],
        ["Field f"],
    )
    assert row["brokers"] == ["Expert:b"] and row["broker_names"] == ["Broker B"]
    A = actor_network(G)
    groups = {n: d.get("country") or "(unknown)" for n, d in A.nodes(data=True)}
    (expected,) = brokerage_opportunities(G, groups, A=A)
    assert (row["distance"], row["intermediaries"]) == (expected.distance, expected.intermediaries)
    unconnected = httpx.get(f"{base}{BASE}/opportunities", params={"k": 1}, timeout=60).json()["items"]
    assert [r["status"] for r in unconnected] == ["unconnected"]  # two hops apart: farther than k=1


def test_channels_computed_on_demand(small_server: tuple[str, nx.MultiDiGraph]) -> None:
    base, G = small_server
    body = httpx.get(f"{base}{BASE}/channels", timeout=60).json()
    assert body["run"]["source"] == "computed"
    finder = ChannelFinder(G)
    expected = {d: [c.to_dict() for c in finder.channels(d)] for d in finder.matcher.demands}
    assert {r["demand"] for r in body["items"]} == {"TechnologyDemand:d1", "TechnologyDemand:d2"}
    for row in body["items"]:
        channel = expected[row["demand"]][row["rank"] - 1]
        assert row["nodes"] == channel["nodes"] and row["length"] == channel["length"]
        # by hand: the demand, its Kenyan owner, expert B, the Chinese owner, the offer
        assert row["nodes"][1:] == [
            "Institution:ke-inst",
            "Expert:b",
            "Institution:cn-inst",
            "TechnologyOffer:o",
        ]
        assert row["node_names"][1:] == ["Kenyan seeker", "Broker B", "Chinese supplier", None]
        assert row["relation"] == "same field"
    one = httpx.get(f"{base}{BASE}/channels", params={"demand": "TechnologyDemand:d2"}, timeout=60).json()
    assert [r["demand"] for r in one["items"]] == ["TechnologyDemand:d2"]
    missing = httpx.get(f"{base}{BASE}/channels", params={"demand": "TechnologyDemand:nope"}, timeout=60)
    assert missing.status_code == 404
