"""The API over real HTTP: a ``transfernet serve`` process on the bundled dataset.

Expected facts come from the bundled data: the study (CASTTC's bilateral centres in
section 3.2), centers.csv and the ISO 3166 list.
"""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture(scope="module")
def client(api_server: str) -> httpx.Client:
    return httpx.Client(base_url=api_server, timeout=30)


def test_liveness_and_readiness(client: httpx.Client) -> None:
    assert client.get("/api/v1/health/live").json() == {"status": "ok"}
    ready = client.get("/api/v1/health/ready").json()
    assert ready["status"] == "ok" and ready["backend"] == "falkordb"
    assert ready["nodes"] > 1000  # 249 countries + 832 fields alone


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("中国—东盟", "Institution:CATTC"),  # Chinese name (centers.csv name_zh)
        ("china-arab states", "Institution:CASTTC"),  # case-insensitive
        ("cote d'ivoire", "Country:CI"),  # accent-insensitive: Côte d'Ivoire
    ],
)
def test_search(client: httpx.Client, query: str, expected: str) -> None:
    items = client.get("/api/v1/search", params={"q": query}).json()["items"]
    assert expected in [i["id"] for i in items]


def test_search_answers_names_in_the_language_asked_for(client: httpx.Client) -> None:
    # Thailand's Chinese name: the CLDR's 泰国 (loaders/iso3166.py), stored as nameZh
    params = {"q": "thailand", "type": "Country"}
    assert client.get("/api/v1/search", params=params).json()["items"][0]["name"] == "Thailand"
    zh = client.get("/api/v1/search", params={**params, "lang": "zh"}).json()["items"][0]
    assert (zh["id"], zh["name"]) == ("Country:TH", "泰国")
    by_header = client.get(
        "/api/v1/search", params=params, headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
    )
    assert by_header.json()["items"][0]["name"] == "泰国"
    # an unknown language is refused
    assert client.get("/api/v1/search", params={**params, "lang": "fr"}).status_code == 422


def test_search_by_type_and_errors(client: httpx.Client) -> None:
    items = client.get("/api/v1/search", params={"q": "thailand", "type": "Country"}).json()["items"]
    assert [i["id"] for i in items] == ["Country:TH"]
    bad = client.get("/api/v1/search", params={"q": "x", "type": "Planet"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/search").status_code == 422  # q is required


def test_neighbourhood_of_the_china_arab_states_centre(client: httpx.Client) -> None:
    view = client.get(
        "/api/v1/graph/neighbourhood", params={"id": "Institution:CASTTC", "types": "PARENT_CENTRE"}
    ).json()
    ids = {n["id"] for n in view["nodes"]}
    # the study, section 3.2: bilateral centres with Saudi Arabia, UAE, Jordan, Oman, Egypt, Morocco, Sudan
    assert {f"Institution:CASTTC-{c}" for c in ("SA", "AE", "JO", "OM", "EG", "MA", "SD")} <= ids
    assert all(e["type"] == "PARENT_CENTRE" for e in view["edges"])
    node = next(n for n in view["nodes"] if n["id"] == "Institution:CASTTC")
    assert node["type"] == "NationalTransferCentre" and node["facets"]["country"] == ["CN"]


def test_neighbourhood_errors(client: httpx.Client) -> None:
    assert client.get("/api/v1/graph/neighbourhood", params={"id": "Institution:nope"}).status_code == 404
    assert (
        client.get("/api/v1/graph/neighbourhood", params={"id": "Country:CN", "depth": 9}).status_code == 422
    )
    r = client.get("/api/v1/graph/neighbourhood", params={"id": "Country:CN", "types": "NOPE"})
    assert r.status_code == 422 and "NOPE" in r.json()["detail"]


def test_paths_between_a_centre_and_a_country(client: httpx.Client) -> None:
    r = client.get(
        "/api/v1/graph/path",
        params={"source": "Institution:CASTTC", "target": "Country:EG", "types": "PARENT_CENTRE,HOSTED_IN"},
    ).json()
    (path,) = r["paths"]
    # CASTTC <-PARENT_CENTRE- CASTTC-EG -HOSTED_IN-> EG
    assert path["nodes"] == ["Institution:CASTTC", "Institution:CASTTC-EG", "Country:EG"]
    assert [h["types"] for h in path["hops"]] == [["PARENT_CENTRE"], ["HOSTED_IN"]]
    k = client.get(
        "/api/v1/graph/path",
        params={"source": "Institution:CASTTC", "target": "Country:EG", "mode": "k-shortest", "k": 3},
    ).json()
    lengths = [len(p["nodes"]) for p in k["paths"]]
    assert lengths == sorted(lengths) and 1 <= len(lengths) <= 3


def test_introducers(client: httpx.Client) -> None:
    found = client.get(
        "/api/v1/graph/introducers",
        params={"a": "Institution:CASTTC-SA", "b": "Institution:CASTTC-EG", "types": "PARENT_CENTRE"},
    ).json()
    assert [i["id"] for i in found] == ["Institution:CASTTC"]  # their common parent


def test_read_only_cypher(client: httpx.Client) -> None:
    body = {
        "query": "MATCH (c:TransferCentre)-[:PARENT_CENTRE]->(p:TransferCentre {id: $p}) RETURN c.id AS id",
        "parameters": {"p": "CASTTC"},
    }
    r = client.post("/api/v1/cypher", json=body)
    assert r.status_code == 200
    ids = {row["id"] for row in r.json()["rows"]}
    assert {"CASTTC-SA", "CASTTC-EG"} <= ids


@pytest.mark.parametrize(
    "query",
    [
        "CREATE (n:Country {id: 'XX'}) RETURN n",
        "MATCH (n:Country {id: 'CN'}) SET n.name = 'x' RETURN n",
        "MATCH (n) DETACH DELETE n",
        "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
        "CALL algo.pageRank('Country', 'MEMBER_OF') YIELD node RETURN node",
    ],
)
def test_writes_and_procedures_are_refused(client: httpx.Client, query: str) -> None:
    r = client.post("/api/v1/cypher", json={"query": query})
    assert r.status_code == 403
    assert r.json()["status"] == 403
    count = client.post(
        "/api/v1/cypher", json={"query": "MATCH (n:Country {id: 'CN'}) RETURN n.name AS name"}
    )
    assert count.json()["rows"] == [{"name": "China"}]  # nothing changed


def test_cypher_errors_row_cap_and_size_limit(client: httpx.Client) -> None:
    bad = client.post("/api/v1/cypher", json={"query": "MATCH (n RETURN n"})
    assert bad.status_code == 400
    capped = client.post("/api/v1/cypher", json={"query": "MATCH (f:Field) RETURN f.id AS id"}).json()
    assert len(capped["rows"]) == 500 and capped["truncated"]  # TRANSFERNET_ROW_CAP=500; 832 fields
    huge = client.post("/api/v1/cypher", json={"query": "RETURN 1", "parameters": {"x": "y" * 30_000}})
    assert huge.status_code == 413  # TRANSFERNET_MAX_REQUEST_BYTES=20000
    assert client.post("/api/v1/cypher", json={}).status_code == 422


def test_cypher_timeout(client: httpx.Client) -> None:
    # a cross product of 832 fields cubed takes far longer than TRANSFERNET_QUERY_TIMEOUT_MS=2000
    slow = "MATCH (a:Field), (b:Field), (c:Field) WHERE a.id < b.id AND b.id < c.id RETURN count(*) AS n"
    r = client.post("/api/v1/cypher", json={"query": slow})
    assert r.status_code == 504


def test_ontology_documents(client: httpx.Client) -> None:
    turtle = client.get("/api/v1/ontology")
    assert turtle.headers["content-type"].startswith("text/turtle") and "tn:BilateralCentre" in turtle.text
    jsonld = client.get("/api/v1/ontology", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json") and jsonld.json()
    docs = client.get("/api/v1/ontology/docs")
    assert "双边技术转移中心" in docs.text  # the Chinese label of BilateralCentre


def test_explorer_page_and_local_assets(client: httpx.Client) -> None:
    page = client.get("/explore")
    assert page.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text  # nothing from a CDN
    for asset in ("vis-network.min.js", "vis-network.css", "explorer.js", "explorer.css"):
        assert client.get(f"/explore/static/{asset}").status_code == 200
    assert client.get("/explore/static/../../etc/passwd").status_code == 404
    legend = client.get("/api/v1/explore/legend").json()["types"]
    assert legend["BilateralCentre"]["root"] == "Institution"


def test_openapi_lists_every_route(client: httpx.Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"health_ready", "search_entities", "graph_neighbourhood", "graph_paths", "cypher_read"} <= ids


def test_explorer_overlays_come_from_the_latest_run(client: httpx.Client) -> None:
    brokerage = client.get("/api/v1/explore/overlays/brokerage").json()
    # CASTTC brokers between its Chinese parent and its bilateral centres abroad (gatekeeper role)
    assert brokerage["nodes"]["Institution:CASTTC"]["total"] > 0
    duplicates = client.get("/api/v1/explore/overlays/duplicates").json()
    # the real, established network has no duplicated centre (data/labels/duplicate_pairs.csv), and the
    # overlay says which population it rests on
    assert duplicates["nodes"] == {} and "Real data only, established bodies only" in duplicates["note"]
    communities = client.get("/api/v1/explore/overlays/communities").json()
    assert "modularity" in communities["note"]
    assert client.get("/api/v1/explore/overlays/colour").status_code == 422
