"""``GET /api/v1/explore/map``: the coverage map over HTTP against a real server on the bundled dataset
(the same data the report's map figure draws, `viz.report.worldmap`)."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture(scope="module")
def client(api_server: str) -> httpx.Client:
    return httpx.Client(base_url=api_server, timeout=120)


def test_map_colours_countries_by_coverage_and_draws_centres_and_links(client: httpx.Client) -> None:
    data = client.get("/api/v1/explore/map").json()
    status = {c["code"]: c["status"] for c in data["countries"] if c["code"]}
    # the atlas: Natural Earth 1:110m, 177 countries, Antarctica left out
    assert len(data["countries"]) == 176 and "AQ" not in status
    assert {k: v["count"] for k, v in data["statuses"].items()} == {
        k: sum(1 for c in data["countries"] if c["status"] == k) for k in data["statuses"]
    }
    # bilateral_centers.csv: CATTC-TH in Thailand, CASTTC-EG in Egypt; centers.csv: the national
    # centres in China; bri_countries_beeway.csv: Kenya a Belt and Road partner with no centre
    assert status["TH"] == status["EG"] == status["CN"] == "centre"
    assert status["KE"] == "gap"
    assert status["BR"] == "other"  # not a Belt and Road country, no centre
    # data/study/institutions.csv: the US NTTC, cited for comparison, has no parent or branches
    assert status["US"] == "standalone"
    assert sorted(c for c, s in status.items() if s == "standalone") == ["US"]
    centres = {c["country"]: c for c in data["centres"]}
    assert {"Institution:CATTC", "Institution:CASTTC"} <= set(centres["CN"]["ids"])
    assert "Institution:CATTC-TH" in centres["TH"]["ids"]
    assert "China–Thailand Technology Transfer Center" in centres["TH"]["names"]
    # CATTC-TH -[PARENT_CENTRE]-> CATTC: a link from China to Thailand
    link = next(k for k in data["links"] if k["centre"] == "Institution:CATTC-TH")
    assert (link["parent"], link["source"], link["target"]) == ("Institution:CATTC", "CN", "TH")
    assert data["population"].startswith("Population:")


def test_map_in_chinese(client: httpx.Client) -> None:
    data = client.get("/api/v1/explore/map", params={"lang": "zh"}).json()
    names = {c["code"]: c["name"] for c in data["countries"]}
    assert names["TH"] == "泰国" and data["statuses"]["gap"]["label"] == "二者皆无的共建“一带一路”国家"
    assert client.get("/api/v1/explore/map", params={"lang": "fr"}).status_code == 422


def test_map_carries_the_dated_facts_of_its_year_slider(client: httpx.Client) -> None:
    """``time`` (`viz.map_time.map_time`): the centres with their stored dates and their parents, the
    Belt and Road memberships, the partners' ties to centres."""
    data = client.get("/api/v1/explore/map").json()
    time = data["time"]
    nodes = {n["id"]: n["properties"] for n in time["nodes"]}
    # centers.csv: CATTC established 2013; bilateral_centers.csv gives CATTC-TH no founding date of
    # its own, and CATTC as its parent
    assert str(nodes["Institution:CATTC"]["established"]).startswith("2013")
    assert "established" not in nodes["Institution:CATTC-TH"]
    parents = {(e["source"], e["target"]) for e in time["edges"] if e["type"] == "PARENT_CENTRE"}
    assert ("Institution:CATTC-TH", "Institution:CATTC") in parents
    # every centre on the map is dated by the facts (its own node is among them)
    assert {i for c in data["centres"] for i in c["ids"]} <= set(nodes)
    assert "Institution:CATTC-TH" in time["centres"]["TH"]
    # Kenya: a Belt and Road member (a gap): its membership is an edge to Bloc:BRI, or None
    member = time["members"]["KE"]
    edges = {e["id"]: e for e in time["edges"]}
    assert member is None or (edges[member]["type"], edges[member]["target"]) == ("MEMBER_OF", "Bloc:BRI")
    assert "BR" not in time["members"]  # not a Belt and Road country
    for ties in time["partners"].values():
        assert all(edge in edges and centre in nodes for edge, centre in ties)
