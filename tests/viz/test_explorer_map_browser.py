"""The explorer's Map view (issue #19, items 4 and 6) in a real headless Chromium at 1400×900 against
the real API server on the bundled dataset: every country drawn in its coverage colour, the legend
with each status and its count, labels that do not overlap, a country's centres in the side panel,
and the map in Chinese.  Screenshots: test-artifacts/explorer-map.png, explorer-map-zh.png."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from tests.chromium import ARTEFACTS, BROWSER_MARKS
from tests.viz.test_explorer_browser import wait_until

pytestmark = BROWSER_MARKS

#: label boxes of the map on screen (DOM pixels)
LABELS = """[...document.querySelectorAll('#map text.map-label')].map(t => {
  const r = t.getBoundingClientRect(); return [t.textContent, r.left, r.top, r.right, r.bottom];
})"""


def _overlapping(boxes: list[list[Any]], px: float) -> list[tuple[str, str]]:
    return [
        (a[0], b[0])
        for a, b in itertools.combinations(boxes, 2)
        if min(a[3], b[3]) - max(a[1], b[1]) > px and min(a[4], b[4]) - max(a[2], b[2]) > px
    ]


def test_map_view_colours_countries_and_shows_their_centres(browser: object, api_server: str) -> None:
    data = httpx.get(f"{api_server}/api/v1/explore/map", timeout=120).json()  # what the page is given
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{api_server}/explore")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.check("input[name=mode][value=map]")
    page.wait_for_selector("#map[data-drawn=true]", timeout=60_000)
    # every country of the atlas, filled with its status's colour
    fills = page.evaluate(
        "[...document.querySelectorAll('#map path.country')].map(p => [p.dataset.code, p.dataset.status,"
        " p.getAttribute('fill')])"
    )
    assert len(fills) == len(data["countries"])
    colours = {k: v["colour"] for k, v in data["statuses"].items()}
    assert all(fill == colours[status] for _, status, fill in fills)
    by_code = {code: status for code, status, _ in fills}
    assert by_code["TH"] == "centre" and by_code["KE"] == "gap"  # bilateral_centers.csv; the BRI list
    # the map fills the view: wider than half the page
    box = page.evaluate("(() => { const r = document.querySelector('#map-svg').getBoundingClientRect();"
                        " return [r.width, r.height]; })()")  # fmt: skip
    assert box[0] > 700 and box[1] > 400
    # the legend: each status with its count, and the centres' key
    legend = page.inner_text("#map-legend")
    for status in data["statuses"].values():
        assert f"{status['label']} ({status['count']})" in legend
    assert "transfer centres" in legend
    # labels: host countries of centres only, none overlapping another, legible (≥ 10 px high)
    labels = page.evaluate(LABELS)
    hosts = {c["name"] for c in data["countries"] if c["status"] in ("centre", "standalone")}
    assert labels and {label[0] for label in labels} <= hosts
    assert len(labels) <= len(data["centres"])
    assert not _overlapping(labels, 0.5), _overlapping(labels, 0.5)
    assert min(label[4] - label[2] for label in labels) >= 10
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "explorer-map.png"))
    # a click on Thailand: its status and its centre in the side panel; the centre opens in the graph
    page.click("#map path.country[data-code=TH]", force=True)
    details = page.inner_text("#details")
    assert "Thailand" in details and "hosts a transfer centre" in details
    assert "China–Thailand Technology Transfer Center" in details
    page.click("#details button[data-id='Institution:CATTC-TH']")
    wait_until(page, "document.querySelector('#map').hidden && "
               "window.transfernetExplorer.nodeData.has('Institution:CATTC-TH')", 60)  # fmt: skip
    # back to the map, in Chinese
    page.check("input[name=mode][value=map]")
    page.wait_for_selector("#map[data-drawn=true]", timeout=60_000)
    page.click("#lang-zh")
    wait_until(page, "document.querySelector('#map-legend').innerText.includes('设有技术转移中心')", 60)
    assert any(label[0] == "泰国" for label in page.evaluate(LABELS))
    assert page.is_checked("input[name=mode][value=map]")  # the view stays the map
    page.screenshot(path=str(ARTEFACTS / "explorer-map-zh.png"))
    page.click("#lang-en")
    assert not errors, errors
    page.close()


FILLS = (
    "Object.fromEntries([...document.querySelectorAll('#map path.country')]"
    ".map(p => [p.dataset.code, p.dataset.status]))"
)
MARKED = "[...document.querySelectorAll('#map circle.centre')].map(c => c.dataset.country)"


def _map_year(page: Any, year: int | str) -> None:
    page.evaluate(
        "(y) => { const s = document.querySelector('#map-year'); s.value = String(y);"
        " s.dispatchEvent(new Event('input')); }",
        year,
    )


def test_map_year_slider_shows_the_coverage_as_it_stood(browser: object, api_server: str) -> None:
    """The map's year slider follows the graph's rules (explorer-time.js): centres by their founding
    (centers.csv ``established``: CATTC 2013, CSATTC 2014-06-06, CASTTC 2015), an undated bilateral
    centre from its parent's (bilateral_centers.csv gives none a founding date of its own), a country's
    status as it stood; the last year is the run's map again."""
    data = httpx.get(f"{api_server}/api/v1/explore/map", timeout=120).json()
    final = {c["code"]: c["status"] for c in data["countries"] if c["code"]}
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{api_server}/explore")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.check("input[name=mode][value=map]")
    page.wait_for_selector("#map[data-drawn=true]", timeout=60_000)
    assert page.is_visible("#map-year")
    low, high = (
        int(page.get_attribute("#map-year", "min") or 0),
        int(page.get_attribute("#map-year", "max") or 0),
    )
    assert low <= 2013 and high >= 2020  # CATTC 2013; SCOTTC 2020-12-10, CLTTC 2023-06-28
    everything = page.evaluate(MARKED)
    # 2014: CATTC's bilateral centres (Thailand's, dated by their parent) but not CASTTC's (2015)
    _map_year(page, 2014)
    page.wait_for_selector("#map[data-year='2014']", timeout=10_000)
    fills = page.evaluate(FILLS)
    assert final["TH"] == "centre" and fills["TH"] == "centre"
    assert final["EG"] == "centre" and fills["EG"] != "centre"  # CASTTC-EG waits for CASTTC (2015)
    marked = page.evaluate(MARKED)
    assert "TH" in marked and "EG" not in marked and set(marked) < set(everything)
    note = page.inner_text("#map-year-note")
    assert "dated by their parent centre" in note and "Belt and Road members" in note
    legend = page.inner_text("#map-legend")
    hosting = sum(1 for v in fills.values() if v == "centre")
    assert f"{data['statuses']['centre']['label']} ({hosting})" in legend  # the legend counts that year
    assert hosting < data["statuses"]["centre"]["count"]
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "explorer-map-2014.png"))
    # 2015: CASTTC and its bilateral centres
    _map_year(page, 2015)
    page.wait_for_selector("#map[data-year='2015']", timeout=10_000)
    assert page.evaluate(FILLS)["EG"] == "centre"
    # in Chinese the map stays in 2015
    page.click("#lang-zh")
    wait_until(page, "document.querySelector('#map-legend').innerText.includes('设有技术转移中心')", 60)
    assert page.get_attribute("#map", "data-year") == "2015" and page.input_value("#map-year") == "2015"
    assert "按上级中心成立年份推定" in page.inner_text("#map-year-note")
    page.click("#lang-en")
    english = "document.querySelector('#map-legend').innerText.includes('hosts a transfer centre')"
    wait_until(page, english, 60)
    # the last year: the run's map (every status as the API gave it)
    _map_year(page, high)
    page.wait_for_selector("#map[data-year='all']", timeout=10_000)
    assert {k: v for k, v in page.evaluate(FILLS).items() if k} == final
    assert sorted(page.evaluate(MARKED)) == sorted(everything)
    assert not errors, errors
    page.close()
