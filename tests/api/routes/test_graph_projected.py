"""The projected organisation network over real HTTP, on the CORDIS example.

Expected values are computed in the test from the source table itself,
``data/examples/cordis/participations_with_names.csv`` (csv module, a
(project, organisation) pair counted once): two organisations' tie weight is the sum
over their shared projects of ``1/(n-1)`` (``n`` distinct participants, Newman 2001),
and an organisation's strength is then the number of its projects with a partner
(each project spreads one unit over its partners).  The CORDIS organisations have no
other tie to each other, and none is synthetic or only planned.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from fractions import Fraction
from functools import cache

import httpx
import pytest

from tests.conftest import CORDIS_DIR

FRAUNHOFER = "Institution:999984059"  # FRAUNHOFER GESELLSCHAFT ... EV, 38 rows of the CSV
NEIGHBOURHOOD = "/api/v1/graph/neighbourhood"
VIEW = "/api/v1/explore/view"


@cache
def _acronyms() -> dict[str, str]:
    """Project node id -> its acronym (``projectAcronym``, the project's display name), from the CSV."""
    with (CORDIS_DIR / "participations_with_names.csv").open(encoding="utf-8", newline="") as f:
        return {f"Project:{row['projectID']}": row["projectAcronym"] for row in csv.DictReader(f)}


@cache
def _projects() -> dict[str, frozenset[str]]:
    """Project id -> its distinct participating organisations, from the CSV."""
    members: defaultdict[str, set[str]] = defaultdict(set)
    with (CORDIS_DIR / "participations_with_names.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            members[row["projectID"]].add(row["organisationID"])
    return {p: frozenset(m) for p, m in members.items()}


def _partners(org: str) -> dict[str, tuple[Fraction, list[str]]]:
    """Partner organisation -> (exact weight, shared projects smallest first), from the CSV."""
    found: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
    for project, members in _projects().items():
        if org in members:
            for other in members - {org}:
                found[other].append((len(members), f"Project:{project}"))
    return {
        f"Institution:{o}": (
            sum((Fraction(1, n - 1) for n, _ in shared), Fraction(0)),
            [p for _, p in sorted(shared)],
        )
        for o, shared in found.items()
    }


def _strengths() -> dict[str, int]:
    counts: defaultdict[str, int] = defaultdict(int)
    for members in _projects().values():
        if len(members) >= 2:
            for m in members:
                counts[f"Institution:{m}"] += 1
    return counts


@pytest.fixture(scope="module")
def client(cordis_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=cordis_server, timeout=60) as c:
        yield c


def test_partners_of_fraunhofer_match_the_csv(client: httpx.Client) -> None:
    expected = _partners(FRAUNHOFER.split(":")[1])
    assert len(expected) == 352  # the CSV's count, also the API's below
    r = client.get(NEIGHBOURHOOD, params={"id": FRAUNHOFER, "projected": "true", "limit": 1000})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["mode"], body["focus"], body["partners"], body["partners_left_out"]) == (
        "projected",
        FRAUNHOFER,
        352,
        0,
    )
    assert body["truncated"] is False
    assert "Real data only" in body["population"]
    # the same population as the Chinese report says it (viz.report.graphinfo.population_sentence)
    assert body["population_zh"].startswith("数据范围：仅真实数据，仅已成立的机构")
    names = {n["id"]: n["name"] for n in body["nodes"]}
    assert names[FRAUNHOFER].startswith("FRAUNHOFER GESELLSCHAFT")
    assert set(names) == {FRAUNHOFER, *expected}
    assert len(body["edges"]) == 352
    for edge in body["edges"]:
        assert edge["type"] == "PROJECTED_TIE"
        assert FRAUNHOFER in (edge["source"], edge["target"])
        other = edge["target"] if edge["source"] == FRAUNHOFER else edge["source"]
        weight, shared = expected[other]
        props = edge["properties"]
        assert props["weight"] == pytest.approx(float(weight), abs=1e-12)
        assert props["shared"] == len(shared)
        assert props["types"] == ["CO_PARTICIPATION"]
        assert props["evidence"] == shared[:3]  # the smallest shared projects first, then by id
        assert props["evidence_names"] == [_acronyms()[p] for p in shared[:3]]


def test_the_limit_keeps_the_strongest_partners_and_counts_the_rest(client: httpx.Client) -> None:
    expected = _partners(FRAUNHOFER.split(":")[1])
    body = client.get(NEIGHBOURHOOD, params={"id": FRAUNHOFER, "projected": "true"}).json()  # limit 300
    shown = {n["id"] for n in body["nodes"]} - {FRAUNHOFER}
    assert len(shown) == 299 and body["partners_left_out"] == 352 - 299 and body["truncated"] is True
    weakest_shown = min(expected[p][0] for p in shown)
    strongest_left = max(w for p, (w, _) in expected.items() if p not in shown)
    assert weakest_shown >= strongest_left


def test_projected_neighbourhood_problems(client: httpx.Client) -> None:
    r = client.get(NEIGHBOURHOOD, params={"id": "Institution:nope", "projected": "true"})
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    r = client.get(
        NEIGHBOURHOOD, params={"id": "Project:859111", "projected": "true"}
    )  # a project is no actor
    assert r.status_code == 422 and r.json()["type"].endswith("/not-an-actor")
    assert "Project:859111" in r.json()["detail"]
    r = client.get(NEIGHBOURHOOD, params={"id": FRAUNHOFER, "projected": "true", "depth": 2})
    assert r.status_code == 422
    r = client.get(NEIGHBOURHOOD, params={"id": FRAUNHOFER, "projected": "true", "scenario": "nope"})
    assert r.status_code == 422


def test_the_stored_neighbourhood_is_a_star_of_projects(client: httpx.Client) -> None:
    """Without projected=true nothing changes: Fraunhofer's stored neighbours are its projects and country."""
    body = client.get(NEIGHBOURHOOD, params={"id": FRAUNHOFER}).json()
    types = {n["type"] for n in body["nodes"] if n["id"] != FRAUNHOFER}
    assert types == {"Project", "Country"} and "mode" not in body


def test_explorer_opens_on_the_core_of_a_collaboration_network(client: httpx.Client) -> None:
    # no transfer centre and 336 projects: the first view is the projected network's core
    body = client.get(VIEW).json()
    assert body["mode"] == "projected"
    strengths = _strengths()
    shown = [n["id"] for n in body["nodes"]]
    assert len(shown) == 150  # the projected default
    assert body["actors"] == len(strengths)  # organisations with a partner
    assert body["actors_left_out"] == len(strengths) - 150 and body["truncated"] is True
    assert min(strengths[a] for a in shown) >= max(s for a, s in strengths.items() if a not in shown)
    # the ties among them: every pair of shown organisations sharing a project, once
    projects = _projects()
    inside = {a.split(":")[1] for a in shown}
    pairs = {
        frozenset((u, v))
        for members in projects.values()
        for u in members & inside
        for v in members & inside
        if u != v
    }
    assert len(body["edges"]) == len(pairs)
    assert body["ties_left_out"] == body["ties"] - len(pairs)
    assert {frozenset((e["source"].split(":")[1], e["target"].split(":")[1])) for e in body["edges"]} == pairs


def test_explorer_view_modes(client: httpx.Client) -> None:
    body = client.get(VIEW, params={"projected": "true", "focus": FRAUNHOFER, "limit": 20}).json()
    assert (body["mode"], body["partners"], body["partners_left_out"], len(body["nodes"])) == (
        "projected",
        352,
        333,
        20,
    )
    body = client.get(VIEW, params={"projected": "false", "limit": 50}).json()
    assert body["mode"] == "graph" and len(body["nodes"]) == 50
    assert not any(e["type"] == "PROJECTED_TIE" for e in body["edges"])
    # a focus without projected: the stored graph around it, as before
    assert client.get(VIEW, params={"focus": FRAUNHOFER, "limit": 50}).json()["mode"] == "graph"
    assert client.get(VIEW, params={"projected": "true", "focus": "Country:DE"}).status_code == 422
    assert client.get(VIEW, params={"projected": "true", "focus": "Institution:nope"}).status_code == 404


def test_the_bundled_dataset_opens_on_the_graph_and_projects_its_actors(api_server: str) -> None:
    """The bundled dataset has transfer centres: the explorer opens on the stored graph; its projected
    network holds actors only (institutions of every subtype; the bundle's experts are synthetic, and
    the bundle loaded by the fixture has no synthetic sample)."""
    with httpx.Client(base_url=api_server, timeout=60) as c:
        assert c.get(VIEW).json()["mode"] == "graph"
        body = c.get(VIEW, params={"projected": "true", "limit": 30}).json()
        assert body["mode"] == "projected" and 0 < len(body["nodes"]) <= 30
        assert all(n["id"].startswith(("Institution:", "Expert:")) for n in body["nodes"])
        assert all(e["type"] == "PROJECTED_TIE" for e in body["edges"])
        r = c.get(NEIGHBOURHOOD, params={"id": "Institution:CASTTC", "projected": "true"})
        assert r.status_code == 200 and r.json()["partners"] >= 1
