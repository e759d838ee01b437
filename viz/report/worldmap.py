"""The coverage map: countries coloured by what serves them, the transfer centres and the links from
each centre to its parent, projected once for the explorer's Map view and the report's figure.

Country shapes: Natural Earth 1:110m as the npm package ``world-atlas`` 2.0.2 ships them
(``viz/static/geo/countries-110m.json``, TopoJSON, ISO 3166-1 numeric ids, mapped to alpha-2 with
pycountry).  The arcs are decoded here (delta-coded, quantised) and projected with the Natural Earth
projection (Šavrič et al. 2011, the polynomial of d3-geo's ``geoNaturalEarth1``); Antarctica is left
out.  The map's status of a country comes from the analysis run's coverage results
(`graph.analytics.coverage.country_coverage`): it hosts a transfer centre of a centre network, a
partner of one, only stand-alone centres, or neither (a Belt and Road country with neither is a gap;
other countries are drawn grey).  A centre belongs to a network when a ``PARENT_CENTRE`` tie joins
it to another centre (a branch or bilateral centre and its parent); one with neither parent nor
branches (the US National Technology Transfer Center, which the study cites for comparison) says
nothing about which countries the networks serve, so its country is told apart.

Examples
--------
>>> x, y = project(0.0, 0.0)
>>> (round(x, 1), round(y, 1))
(480.0, 250.0)
>>> len(shapes()) > 170
True
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any
from xml.sax.saxutils import escape

import networkx as nx

from graph.analytics.registry import COVERAGE
from graph.analytics.runs import RunRecord
from ontology.vocab import NodeLabel, RelType
from viz.i18n import N_, _, num

__all__ = [
    "HEIGHT",
    "STATUSES",
    "STATUS_COLOURS",
    "WIDTH",
    "Centre",
    "CountryShape",
    "Link",
    "WorldMap",
    "map_svg",
    "outline",
    "project",
    "shapes",
    "world_map",
]

#: the projected map's size (d3's default for ``geoNaturalEarth1``: scale 175.295, centre 480, 250)
WIDTH, HEIGHT = 960, 425
_SCALE, _CX, _CY = 175.295, 480.0, 250.0
_TOP = 5.0  # above the atlas's northernmost point (83.6°N, y 8.3): the map starts there

#: a country's status on the map, as the legend says it
STATUSES = {
    "centre": N_("hosts a transfer centre"),
    "partner": N_("hosts a partner of a centre"),
    "standalone": N_("hosts only centres outside any centre network"),
    "gap": N_("Belt and Road country with neither"),
    "other": N_("other country"),
}
STATUS_COLOURS = {
    "centre": "#1f6f8b",
    "partner": "#7fb8cc",
    "standalone": "#b3a6c9",
    "gap": "#f2b872",
    "other": "#e4e7eb",
}
_LINK_COLOUR = "#7a1f5c"


def project(lon: float, lat: float) -> tuple[float, float]:
    """Degrees to map coordinates (Natural Earth projection; y grows southwards).

    Examples
    --------
    >>> [round(v, 1) for v in project(180.0, 0.0)]
    [959.5, 250.0]
    """
    lam, phi = math.radians(lon), math.radians(lat)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))
    return _CX + _SCALE * x, _CY - _SCALE * y


@dataclass(frozen=True, slots=True)
class CountryShape:
    """A country's outline: its ISO alpha-2 code (None where ISO has none), the atlas's name, the SVG
    path (projected), and where its marker and label go (the centre of its largest part)."""

    code: str | None
    atlas_name: str
    path: str
    anchor: tuple[float, float]


@cache
def _topology() -> dict[str, Any]:
    text = resources.files("viz").joinpath("static/geo/countries-110m.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """The topology's arcs in degrees (quantised deltas summed, then the transform applied)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def _ring(arcs: list[list[tuple[float, float]]], indexes: Iterable[int]) -> list[tuple[float, float]]:
    """One ring from its arcs (``~i`` is arc ``i`` reversed; each arc's first point repeats the last)."""
    ring: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def _unwrapped(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses the antimeridian (a jump of more than 180° in longitude) as two copies made
    continuous, 360° apart: the sphere's outline clips each to its side.  Other rings as they are."""
    offset, out = 0.0, [ring[0]]
    for (lon0, _lat0), (lon1, lat1) in pairwise(ring):
        if lon1 - lon0 > 180:
            offset -= 360
        elif lon0 - lon1 > 180:
            offset += 360
        out.append((lon1 + offset, lat1))
    if all(lon == out_lon for (lon, _), (out_lon, _) in zip(ring, out, strict=True)):
        return [ring]
    shift = -360.0 if sum(p[0] for p in out) / len(out) > 0 else 360.0
    return [out, [(lon + shift, lat) for lon, lat in out]]


def outline() -> str:
    """The sphere's outline in the projection (the map's edge; countries are clipped to it)."""
    edge = [project(180.0, lat) for lat in range(-90, 91, 5)] + [
        project(-180.0, lat) for lat in range(90, -91, -5)
    ]
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in edge) + "Z"


def _area(points: list[tuple[float, float]]) -> float:
    return 0.5 * abs(
        sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True))
    )


def _centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The centroid of a polygon (its vertices' mean where the area vanishes)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-9:
        return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
    return cx / (3 * a), cy / (3 * a)


def _alpha2(numeric: str | None) -> str | None:
    import pycountry

    if not numeric or not numeric.isdigit():
        return None
    country = pycountry.countries.get(numeric=numeric.zfill(3))
    return str(country.alpha_2) if country is not None else None


@cache
def shapes() -> tuple[CountryShape, ...]:
    """Every country of the atlas but Antarctica, projected (read once)."""
    topology = _topology()
    arcs = _arcs(topology)
    out = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = _alpha2(geometry.get("id"))
        if code == "AQ":
            continue
        kind = geometry.get("type")
        polygons = [geometry["arcs"]] if kind == "Polygon" else geometry.get("arcs", []) if kind else []
        parts, biggest, best = [], (0.0, 0.0), -1.0
        for polygon in polygons:
            for n, ring_arcs in enumerate(polygon):
                for copy in _unwrapped(_ring(arcs, ring_arcs)):
                    ring = [project(lon, lat) for lon, lat in copy]
                    if len(ring) < 3:
                        continue
                    parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + "Z")
                    on_map = abs(sum(lon for lon, _lat in copy) / len(copy)) <= 180  # the copy on this side
                    if n == 0 and on_map and _area(ring) > best:  # outer rings only
                        best, biggest = _area(ring), _centroid(ring)
        if parts:
            name = str((geometry.get("properties") or {}).get("name", ""))
            out.append(CountryShape(code, name, "".join(parts), (round(biggest[0], 1), round(biggest[1], 1))))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Centre:
    """The transfer centres of one host country, drawn as one marker."""

    country: str
    x: float
    y: float
    ids: tuple[str, ...]
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """A centre and its parent (``PARENT_CENTRE``), drawn between their host countries."""

    centre: str
    parent: str
    source: str  # the parent's host country
    target: str  # the centre's host country
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(slots=True)
class WorldMap:
    """What the map draws: countries with their status, centre markers and links."""

    countries: list[dict[str, Any]]
    centres: list[Centre]
    links: list[Link]
    counts: dict[str, int] = field(default_factory=dict)
    run: str | None = None
    width: int = WIDTH
    height: int = HEIGHT


def _host(G: nx.MultiDiGraph, node: Hashable) -> str | None:
    """The ISO code of the country a centre is hosted in (``HOSTED_IN`` first, then ``LOCATED_IN``)."""
    for rel in (RelType.HOSTED_IN, RelType.LOCATED_IN):
        for _u, v, d in G.out_edges(node, data=True):
            if d.get("type") == rel and NodeLabel.COUNTRY in G.nodes[v].get("labels", ()):
                return str(G.nodes[v].get("key") or str(v).split(":", 1)[-1])
    return None


def _in_network(G: nx.MultiDiGraph, node: Hashable) -> bool:
    """Whether a ``PARENT_CENTRE`` tie joins the centre `node` to another (either direction)."""
    if node not in G:
        return False
    ties = (*G.out_edges(node, data="type"), *G.in_edges(node, data="type"))
    return any(t == RelType.PARENT_CENTRE for _u, _v, t in ties)


def world_map(G: nx.MultiDiGraph, run: RunRecord) -> WorldMap:
    """The coverage map of the run's population: a status for each country, the centres the run
    counts (`CountryCoverage.centres`) at their host countries, their links to their parents.

    Names in the current language (`viz.i18n.use`) where the graph holds a Chinese name.
    """
    from viz.report.graphinfo import short_name

    coverage = run.require(COVERAGE).countries
    anchors = {s.code: s.anchor for s in shapes() if s.code}
    statuses: dict[str, str] = {}
    counted: set[str] = set()
    for code, c in coverage.items():
        networked = any(_in_network(G, n) for n in c.centres)
        statuses[code] = (
            "centre"
            if networked
            else "partner"
            if c.partners
            else "standalone"
            if c.centres
            else "gap"
            if c.bri_member
            else "other"
        )
        counted.update(str(n) for n in c.centres)
    countries = []
    for s in shapes():
        status = statuses.get(s.code or "", "other")
        node = f"{NodeLabel.COUNTRY}:{s.code}" if s.code else None
        name = short_name(G, node) if node in G else s.atlas_name
        countries.append({"code": s.code, "name": name, "status": status, "path": s.path})
    by_country: dict[str, list[str]] = defaultdict(list)
    for node in sorted(counted):
        host = _host(G, node) if node in G else None
        if host and host in anchors:
            by_country[host].append(node)
    centres = [
        Centre(code, *anchors[code], tuple(ids), tuple(short_name(G, n) for n in ids))
        for code, ids in sorted(by_country.items())
    ]
    links = []
    host_of = {n: code for code, ids in by_country.items() for n in ids}
    for node in sorted(host_of):
        for _u, parent, d in G.out_edges(node, data=True):
            if d.get("type") != RelType.PARENT_CENTRE or str(parent) not in host_of:
                continue
            a, b = host_of[str(parent)], host_of[node]
            if a != b:
                (x1, y1), (x2, y2) = anchors[a], anchors[b]
                links.append(Link(node, str(parent), a, b, x1, y1, x2, y2))
    counts = {k: sum(1 for c in countries if c["status"] == k) for k in STATUSES}
    return WorldMap(countries, centres, links, counts, run.id)


def _curve(link: Link) -> str:
    """A link as a quadratic curve bowed to one side (links from one parent fan out)."""
    mx, my = (link.x1 + link.x2) / 2, (link.y1 + link.y2) / 2
    dx, dy = link.x2 - link.x1, link.y2 - link.y1
    bow = 0.18
    cx, cy = mx - dy * bow, my + dx * bow
    return f"M{link.x1:.1f},{link.y1:.1f}Q{cx:.1f},{cy:.1f} {link.x2:.1f},{link.y2:.1f}"


def _text_width(text: str, size: float) -> float:
    """A label's width estimated from its characters (a CJK character is about one em wide)."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.56 for ch in text)


def _labels(m: WorldMap, size: float = 10.0) -> list[str]:
    """Names of the countries hosting centres, most centres first, each right, left, above or below
    its marker where it overlaps no marker or label already placed (else left out: the legend and the
    tables name them).  The explorer's Map view places its labels the same way."""
    names = {c["code"]: str(c["name"]) for c in m.countries if c["code"]}
    radius = {c.country: 3.0 + 2.2 * math.sqrt(len(c.ids)) for c in m.centres}
    boxes = [(c.x - r, c.y - r, c.x + r, c.y + r) for c in m.centres for r in (radius[c.country],)]
    out: list[str] = []
    for c in sorted(m.centres, key=lambda c: (-len(c.ids), c.country)):
        name = names.get(c.country)
        if not name:
            continue
        r = radius[c.country]
        w, h = _text_width(name, size), size
        for x, y in ((c.x + r + 2, c.y + 3.5), (c.x - r - 2 - w, c.y + 3.5), (c.x - w / 2, c.y - r - 3),
                     (c.x - w / 2, c.y + r + h + 1)):  # fmt: skip
            box = (x, y - h + 2, x + w, y + 2)
            if (
                box[0] >= 0
                and box[2] <= m.width
                and not any(
                    box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes
                )
            ):
                boxes.append(box)
                out.append(
                    f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="#102a43" stroke="#ffffff" '
                    f'stroke-width="2.5" paint-order="stroke">{escape(name)}</text>'
                )
                break
    return out


def _legend_rows(m: WorldMap) -> list[list[tuple[float, str, str]]]:
    """The statuses' legend entries (x, status, text), wrapped into rows that fit the map's width."""
    rows: list[list[tuple[float, str, str]]] = [[]]
    x = 20.0
    for key, label in STATUSES.items():
        text = f"{_(label)} ({num(m.counts.get(key, 0))})"
        wide = any(ord(ch) > 0x2E80 for ch in text)  # a CJK character is about twice as wide
        width = 34 + 6.6 * len(text) * (1.8 if wide else 1.0)
        if rows[-1] and x + width - 17 > m.width - 10:
            rows.append([])
            x = 20.0
        rows[-1].append((x, key, text))
        x += width
    return rows


def map_svg(m: WorldMap, title: str) -> str:
    """The map as an SVG document (the report's figure): countries by status, links, one marker per
    host country sized by its centres, the legend with each status's count.

    Examples
    --------
    >>> svg = map_svg(WorldMap([{"code": "TH", "name": "<T>", "status": "gap", "path": "M0,0L1,1Z"}],
    ...                        [], []), "Coverage")
    >>> svg.startswith("<svg") and "&lt;T&gt;" in svg and "<script" not in svg
    True
    """
    legend = _legend_rows(m)
    height = m.height - _TOP + 28 + 18 * len(legend)  # the map, the statuses' rows, the centres' key
    box = f'x="0" y="{_TOP:.0f}" width="{m.width}" height="{height:.0f}"'
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{m.width}pt" height="{height:.0f}pt" '
        f'viewBox="0 {_TOP:.0f} {m.width} {height:.0f}" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<rect {box} fill="#ffffff"/>',
        f'<clipPath id="sphere"><path d="{outline()}"/></clipPath><g clip-path="url(#sphere)">',
    ]
    for c in m.countries:
        out.append(
            f'<path d="{c["path"]}" fill="{STATUS_COLOURS[c["status"]]}" stroke="#ffffff" stroke-width="0.5">'
            f"<title>{escape(str(c['name']))}</title></path>"
        )
    out.append("</g>")
    link = f'fill="none" stroke="{_LINK_COLOUR}" stroke-width="1.1" stroke-opacity="0.75"'
    out.extend(f'<path d="{_curve(line)}" {link}/>' for line in m.links)
    for centre in m.centres:
        r = 3.0 + 2.2 * math.sqrt(len(centre.ids))
        out.append(
            f'<circle cx="{centre.x:.1f}" cy="{centre.y:.1f}" r="{r:.1f}" fill="{_LINK_COLOUR}" '
            f'stroke="#ffffff" stroke-width="1"><title>{escape("; ".join(centre.names))}</title></circle>'
        )
        if len(centre.ids) > 1:
            out.append(
                f'<text x="{centre.x:.1f}" y="{centre.y + 3.5:.1f}" font-size="9" fill="#ffffff" '
                f'text-anchor="middle" font-weight="bold">{len(centre.ids)}</text>'
            )
    out.extend(_labels(m))
    text_style = 'font-size="12" fill="#222"'
    y = m.height + 12.0
    for row in legend:
        for x, key, text in row:
            swatch = (
                f'width="12" height="12" fill="{STATUS_COLOURS[key]}" stroke="#9aa5b1" stroke-width="0.5"'
            )
            out.append(f'<rect x="{x:.0f}" y="{y:.0f}" {swatch}/>')
            out.append(f'<text x="{x + 17:.0f}" y="{y + 10:.0f}" {text_style}>{escape(text)}</text>')
        y += 18
    y -= 18
    key_text = _("transfer centres (a number where more than one) and their links to the parent centre")
    out.append(
        f'<line x1="20" y1="{y + 28:.0f}" x2="34" y2="{y + 28:.0f}" stroke="{_LINK_COLOUR}" '
        'stroke-width="1.5"/>'
    )
    out.append(f'<circle cx="27" cy="{y + 28:.0f}" r="4" fill="{_LINK_COLOUR}"/>')
    out.append(f'<text x="40" y="{y + 32:.0f}" {text_style}>{escape(key_text)}</text>')
    out.append("</svg>")
    return "".join(out)
