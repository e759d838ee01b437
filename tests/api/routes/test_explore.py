"""``POST /api/v1/explore/nodes`` (the console's "show in graph") and the console's assets, over HTTP
against a real server on the bundled dataset."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from graph.backends import open_store, stop_server
from graph.config import StoreSettings
from loaders.bundle import load_bundle
from loaders.sample import demo_sample
from ontology.derive import load_schema
from tests.server_process import serve_api
from viz.explorer import EDITOR_ASSET, asset_path


@pytest.fixture(scope="module")
def client(api_server: str) -> httpx.Client:
    return httpx.Client(base_url=api_server, timeout=60)


def _cypher(client: httpx.Client, query: str) -> list[dict[str, object]]:
    response = client.post("/api/v1/cypher", json={"query": query})
    assert response.status_code == 200, response.text
    rows: list[dict[str, object]] = response.json()["rows"]
    return rows


def test_nodes_of_a_cypher_result_become_a_view(client: httpx.Client) -> None:
    # expected: the database's own answer to the same question, through the Cypher endpoint
    rows = _cypher(
        client, "MATCH (c:TransferCentre)-[r:HOSTED_IN]->(k:Country) RETURN c, r, k ORDER BY c.id LIMIT 5"
    )
    assert len(rows) == 5
    ids = [row["c"]["id"] for row in rows] + [row["k"]["id"] for row in rows]  # type: ignore[index]
    hosted = {(row["r"]["start"], row["r"]["end"]) for row in rows}  # type: ignore[index]
    response = client.post("/api/v1/explore/nodes", json={"ids": [*ids, ids[0], "Country:NOWHERE", "_:17"]})
    assert response.status_code == 200, response.text
    view = response.json()
    assert {n["id"] for n in view["nodes"]} == set(ids)
    assert view["missing"] == ["Country:NOWHERE", "_:17"]
    drawn = {(e["source"], e["target"]) for e in view["edges"] if e["type"] == "HOSTED_IN"}
    assert hosted <= drawn  # every relationship of the result is drawn between its ends
    assert all(e["source"] in ids and e["target"] in ids for e in view["edges"])
    centre = next(n for n in view["nodes"] if n["id"] == ids[0])
    assert centre["name"] == rows[0]["c"]["properties"]["name"]  # type: ignore[index]
    assert centre["type"] and centre["color"].startswith("#") and "facets" in centre


def test_node_selection_is_bounded(client: httpx.Client) -> None:
    assert client.post("/api/v1/explore/nodes", json={"ids": []}).status_code == 422
    assert client.post("/api/v1/explore/nodes", json={"ids": [""]}).status_code == 422
    too_many = client.post("/api/v1/explore/nodes", json={"ids": [f"X:{i}" for i in range(2001)]})
    assert too_many.status_code in (413, 422)  # the body limit of the test server may answer first
    problem = client.post("/api/v1/explore/nodes", json={"ids": "Country:TH"})
    assert problem.status_code == 422
    assert problem.headers["content-type"].startswith("application/problem+json")


def test_page_loads_the_console_and_the_editor_is_served_when_built(client: httpx.Client) -> None:
    page = client.get("/explore").text
    assert '<script src="/explore/static/console.js">' in page
    assert '<link rel="stylesheet" href="/explore/static/console.css">' in page
    assert EDITOR_ASSET not in page  # console.js loads it when the console is first opened
    for asset in ("console.js", "console.css"):
        assert client.get(f"/explore/static/{asset}").status_code == 200
    built = asset_path(EDITOR_ASSET).is_file()  # scripts/ensure-cypher-console.sh (make browser) builds it
    editor = client.get(f"/explore/static/{EDITOR_ASSET}")
    assert editor.status_code == (200 if built else 404)
    if built:
        assert editor.headers["content-type"].startswith("text/javascript")
        assert "transfernetCypherEditor" in editor.text and "lintCypherQuery" in editor.text


def test_legend_names_properties_and_relationships_in_both_languages(client: httpx.Client) -> None:
    # expected names: the ontology's (ontology/data/*.ttl, sh:name or rdfs:label), through the schema
    from ontology.derive import load_schema

    schema = load_schema()
    named = client.get("/api/v1/explore/legend").json()
    assert named["types"]["Country"]["label_zh"] == schema.nodes["Country"].label_zh == "国家"
    name_zh = next(p for p in schema.nodes["Country"].properties if p.name == "nameZh")
    assert named["properties"]["nameZh"] == {"en": name_zh.label_en, "zh": name_zh.label_zh}
    assert named["relationships"]["HOSTED_IN"]["zh"] == schema.relationships["HOSTED_IN"].label_zh
    assert all(term["zh"] for kind in ("properties", "relationships") for term in named[kind].values())


def test_legend_names_the_lifecycle_stages_from_the_ontology(client: httpx.Client) -> None:
    # expected: the skos:prefLabel of each concept of tn:lifecycleStages (ontology/data/transfernet.ttl)
    from ontology.concepts import concept_labels

    stages = client.get("/api/v1/explore/legend").json()["stages"]
    assert stages == {k: {"en": v["en"], "zh": v["zh"]} for k, v in concept_labels("lifecycleStages").items()}
    assert stages["agreed"] == {"en": "agreed (MoU signed)", "zh": "已签约"}
    assert set(stages) == {"proposed", "planned", "agreed", "established", "operating", "suspended", "closed"}


def test_legend_lists_the_properties_analysis_runs_write_back(client: httpx.Client) -> None:
    # expected: the paths of tn:AnalysisResultsShape (ontology/data/shapes.ttl), the same names
    # graph.analytics.writeback stores on the actors
    from graph.analytics.writeback import RESULT_PROPERTIES

    results = client.get("/api/v1/explore/legend").json()["results"]
    assert set(results) == set(RESULT_PROPERTIES)
    assert "name" not in results and results["brokerageTotal"]["zh"]


def test_view_nodes_carry_their_chinese_name(client: httpx.Client) -> None:
    # expected: the stored nameZh, read through the Cypher endpoint (the bundle's CLDR names: 泰国)
    (row,) = _cypher(client, "MATCH (k:Country {id: 'TH'}) RETURN k.name AS name, k.nameZh AS zh")
    view = client.post("/api/v1/explore/nodes", json={"ids": ["Country:TH"]}).json()
    (node,) = view["nodes"]
    assert (node["name"], node["name_zh"]) == (row["name"], row["zh"]) == ("Thailand", "泰国")


def test_overlay_says_its_population_in_both_languages(client: httpx.Client) -> None:
    brokerage = client.get("/api/v1/explore/overlays/brokerage").json()
    # the reports' sentence (viz.report.graphinfo.population_note) in each edition
    assert brokerage["population"]["en"].startswith("Population: real data only, established bodies only")
    assert brokerage["population"]["zh"].startswith("数据范围：仅真实数据，仅已成立的机构")
    assert brokerage["partition"] == "country"
    assert client.get("/api/v1/explore/overlays/duplicates").json()["clusters"] == 0
    communities = client.get("/api/v1/explore/overlays/communities").json()
    assert 0 < communities["modularity"] < 1


@pytest.fixture(scope="module")
def sampled_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bundled dataset and a small labelled synthetic sample (as ``make demo`` loads them)."""
    data_dir = tmp_path_factory.mktemp("sampled")
    settings = StoreSettings(_env_file=None, data_dir=data_dir)
    store = open_store(settings, load_schema())
    try:
        store.install_schema()
        load_bundle(store, data_dir / "generated")
        net = demo_sample(store, data_dir / "sample", seed=0, experts=20, offers=20, demands=20)
        load_bundle(store, data_dir / "generated-sample", root=net.directory)
    finally:
        store.close()
    try:
        with serve_api(data_dir) as base:
            yield base
    finally:
        stop_server(settings.store_dir)


def _count(client: httpx.Client, where: str) -> int:
    rows = _cypher(client, f"MATCH (n) WHERE {where} RETURN count(n) AS c")
    return int(rows[0]["c"])  # type: ignore[call-overload]


def test_first_view_leaves_out_synthetic_and_statistics_and_counts_them(sampled_server: str) -> None:
    client = httpx.Client(base_url=sampled_server, timeout=60)
    view = client.get("/api/v1/explore/view").json()
    types = [n["type"] for n in view["nodes"]]
    assert view["mode"] == "graph" and 0 < len(types) <= 400
    assert sum(bool(n["properties"].get("synthetic")) for n in view["nodes"]) == 0
    assert "Statistic" not in types
    # expected: the database's own count of what the filters hide
    synthetic = _count(client, "coalesce(n.synthetic, false)")
    statistics = _count(client, "n:Statistic AND NOT coalesce(n.synthetic, false)")
    assert synthetic > 0 and statistics > 0
    assert view["left_out"] == {"synthetic": synthetic, "statistics": statistics}
    # the centre system comes first: every national centre, then its bilateral/branch centres
    national = _count(client, "n:NationalTransferCentre")
    assert national > 0 and all(t == "NationalTransferCentre" for t in types[:national])
    assert {"BilateralCentre", "Country"} <= set(types)
    both = client.get("/api/v1/explore/view", params={"synthetic": "true", "statistics": "true"}).json()
    assert sum(bool(n["properties"].get("synthetic")) for n in both["nodes"]) > 0
    assert "Statistic" in {n["type"] for n in both["nodes"]}
    assert both["left_out"] == {"synthetic": 0, "statistics": 0}
