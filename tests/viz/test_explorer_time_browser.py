"""The explorer's year slider (issue #19, item 3) in a real headless Chromium against the real API
server on the bundled dataset: the network as it stood in a year — centres by their founding date
(centers.csv ``established``; an undated bilateral or branch centre from its parent's), Belt and Road
memberships by their start (``MEMBER_OF.since``, else ``Country.briYear``)."""

from __future__ import annotations

from typing import Any

from tests.chromium import ARTEFACTS, BROWSER_MARKS
from tests.viz.test_explorer_browser import wait_until

pytestmark = BROWSER_MARKS

SHOWN = """(() => {
  const x = window.transfernetExplorer;
  return { nodes: x.nodes.get().filter(n => !n.hidden).map(n => n.id),
           edges: x.edges.get().filter(e => !e.hidden).map(e => e.id) };
})()"""


def _set_year(page: Any, year: int | str) -> None:
    page.evaluate(
        "(y) => { const s = document.querySelector('#year'); s.value = String(y);"
        " s.dispatchEvent(new Event('input')); }",
        year,
    )


def test_year_slider_shows_the_network_as_it_stood(browser: object, api_server: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{api_server}/explore")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.wait_for_selector("#network[data-settled=true]", state="attached", timeout=60_000)
    assert page.is_visible("#time")
    everything = page.evaluate(SHOWN)
    # centers.csv: CATTC established 2013, CSATTC 2014-06-06, CASTTC 2015, SCOTTC 2020-12-10
    _set_year(page, 2014)
    wait_until(page, "document.querySelector('#year-value').textContent === '2014'")
    shown = page.evaluate(SHOWN)
    nodes = set(shown["nodes"])
    assert {"Institution:CATTC", "Institution:CSATTC"} <= nodes
    assert not {"Institution:CASTTC", "Institution:SCOTTC"} & nodes
    # CASTTC's bilateral centres carry no date of their own: they wait for their parent (2015)
    assert "Institution:CASTTC-EG" in everything["nodes"] and "Institution:CASTTC-EG" not in nodes
    # fewer Belt and Road memberships than in the last year (bri_countries_beeway.csv: 2014 … 2023)
    assert len(shown["edges"]) < len(everything["edges"])
    note = page.inner_text("#year-note")
    assert "centres" in note and "dated by their parent centre" in note
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "explorer-year-2014.png"))
    # the last year: all of it again
    _set_year(page, page.get_attribute("#year", "max") or "")
    wait_until(page, "document.querySelector('#year-value').textContent.includes('(all years)')")
    assert set(page.evaluate(SHOWN)["nodes"]) == set(everything["nodes"])
    assert not errors, errors
    page.close()
