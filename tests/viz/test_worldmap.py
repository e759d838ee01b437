"""The coverage map's geometry (`viz.report.worldmap`): world-atlas 2.0.2's Natural Earth 110m
countries decoded, projected and placed; the figure escapes names and labels without overlap."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import pairwise

from graph.analytics.duplicates import PairEvidence
from viz.report.worldmap import WIDTH, Centre, WorldMap, map_svg, project, shapes

SVG = "{http://www.w3.org/2000/svg}"


def _near(a: tuple[float, float], b: tuple[float, float], units: float) -> bool:
    return abs(a[0] - b[0]) <= units and abs(a[1] - b[1]) <= units


def test_atlas_decodes_to_iso_countries_placed_where_they_are() -> None:
    found = shapes()
    codes = [s.code for s in found if s.code]
    # world-atlas countries-110m: 177 geometries; Antarctica left out; Kosovo, N. Cyprus and
    # Somaliland have no ISO 3166 numeric id
    assert len(found) == 176 and len(codes) == len(set(codes)) == 173
    anchor = {s.code: s.anchor for s in found}
    # Thailand's centre of mass near 101°E 15°N; Chile's near 71°W 35°S (a long thin country)
    assert _near(anchor["TH"], project(101, 15), 15)
    assert _near(anchor["CL"], project(-71, -35), 40)
    # Russia crosses the antimeridian: its mainland, made continuous, is still placed in Siberia
    x, y = anchor["RU"]
    assert project(60, 62)[0] < x < project(130, 62)[0] and y < project(0, 50)[1]


def test_antimeridian_rings_are_unwrapped_not_drawn_across_the_map() -> None:
    # a ring drawn across the map would have one segment almost the map's width long
    for shape in shapes():
        for ring in re.findall(r"M([^Z]+)Z", shape.path):
            points = [tuple(map(float, p.split(","))) for p in ring.split("L")]
            longest = max(abs(b[0] - a[0]) for a, b in pairwise(points))
            assert longest < WIDTH / 3, (shape.atlas_name, longest)


def test_figure_escapes_names_and_labels_without_overlap() -> None:
    countries = [
        {"code": "TH", "name": "Thai<land>", "status": "centre", "path": "M0,0L1,1Z"},
        {"code": "LA", "name": "Laos", "status": "centre", "path": "M0,0L1,1Z"},
        {"code": "KH", "name": "Cambodia", "status": "gap", "path": "M0,0L1,1Z"},
    ]
    # three markers a few units apart (Thailand, Laos and Cambodia are neighbours)
    centres = [Centre("TH", 700.0, 200.0, ("a",), ("A",)), Centre("LA", 704.0, 190.0, ("b",), ("B",)),
               Centre("KH", 708.0, 204.0, ("c", "d"), ("C", "D"))]  # fmt: skip
    svg = map_svg(WorldMap(countries, centres, []), "Coverage")
    root = ET.fromstring(svg)  # well-formed: the name is text, not markup
    labels = [t for t in root.iter(f"{SVG}text") if t.get("stroke") == "#ffffff"]
    assert "Thai<land>" in [t.text for t in labels]
    boxes = []
    for t in labels:
        x, y, w = float(t.get("x", 0)), float(t.get("y", 0)), 0.56 * 10 * len(t.text or "")
        boxes.append((x, y - 8, x + w, y + 2))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


def test_pair_evidence_as_the_side_panel_reads_it() -> None:
    from api.routes.explore import _pair_json

    pair = PairEvidence("Institution:A", "Institution:B", ("MY",), True, 0.5, ("ford:2.10",), 0.0, (), 0.7,
                        ("Institution:P",), ("Institution:Q",), 0.61234, ("same city", "shared fields"),
                        "duplicate", "high")  # fmt: skip
    assert _pair_json(pair, pair.b) == {
        "other": "Institution:B", "kind": "duplicate", "confidence": "high", "score": 0.612,
        "evidence": ["same city", "shared fields"], "hosts": ["MY"], "same_city": True, "fields": 0.5,
        "partners": 0.0, "names": 0.7,
    }  # fmt: skip


def test_a_centre_in_no_network_is_told_apart_from_one_that_serves_a_country() -> None:
    # Hand-made: CN hosts the parent, TH its bilateral centre (PARENT_CENTRE), US a centre with
    # neither parent nor branches (the study's US NTTC), FR only a partner institution.
    import networkx as nx

    from graph.analytics.coverage import CountryCoverage
    from viz.report.worldmap import _in_network

    G = nx.MultiDiGraph()
    for n in ("TransferCentre:P", "TransferCentre:B", "TransferCentre:U"):
        G.add_node(n, labels=("TransferCentre",))
    G.add_edge("TransferCentre:B", "TransferCentre:P", type="PARENT_CENTRE")
    assert _in_network(G, "TransferCentre:P") and _in_network(G, "TransferCentre:B")
    assert not _in_network(G, "TransferCentre:U") and not _in_network(G, "TransferCentre:missing")
    cov = {
        "CN": CountryCoverage("CN", True, ("TransferCentre:P",), (), 0, 0),
        "TH": CountryCoverage("TH", True, ("TransferCentre:B",), (), 0, 0),
        "US": CountryCoverage("US", False, ("TransferCentre:U",), (), 0, 0),
        "FR": CountryCoverage("FR", False, ("TransferCentre:U",), ("Institution:x",), 0, 0),
    }

    class Run:
        id = "r"

        def require(self, _name: str) -> object:
            return type("R", (), {"countries": cov})()

    from viz.report.worldmap import world_map

    m = world_map(G, Run())  # type: ignore[arg-type]
    status = {c["code"]: c["status"] for c in m.countries}
    assert status["CN"] == status["TH"] == "centre"
    assert status["US"] == "standalone"
    assert status["FR"] == "partner"  # a partner of a centre outranks a stand-alone centre
