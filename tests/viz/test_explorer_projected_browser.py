"""The explorer's projected organisation network in a real headless Chromium, on the CORDIS example.

Expected nodes and widths come from the API's own answers (checked against the CSV in
``tests/api/routes/test_graph_projected.py``): the page must draw what it was sent.
"""

from __future__ import annotations

from urllib.parse import urlparse

import httpx

from tests.chromium import ARTEFACTS, BROWSER_MARKS
from tests.viz.test_explorer_browser import wait_until

pytestmark = BROWSER_MARKS

FRAUNHOFER = "Institution:999984059"


def test_projected_network_is_drawn_and_focus_shows_weighted_partners(
    browser: object, cordis_server: str
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname != "127.0.0.1" else None)
    page.goto(f"{cordis_server}/explore")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    # no transfer centre, projects: the explorer opens on the projected network's core
    assert page.is_checked("input[name=mode][value=projected]")
    core = httpx.get(f"{cordis_server}/api/v1/explore/view", timeout=60).json()
    drawn = set(page.evaluate("window.transfernetExplorer.nodes.getIds()"))
    assert drawn == {n["id"] for n in core["nodes"]} and len(drawn) == 150
    ties = page.evaluate("window.transfernetExplorer.edges.get().map(e => [e.id, e.width, e.arrows])")
    assert len(ties) == len(core["edges"]) and all(arrows == "" for _, _, arrows in ties)
    assert len({round(width, 3) for _, width, _ in ties}) > 5  # widths follow the weights
    assert "strongest of" in page.inner_text("#mode-note")
    assert core["physics"] is False  # laid out on the server: drawn at once, nothing moves
    page.wait_for_timeout(300)
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "explorer-projected-core.png"))

    # focusing Fraunhofer draws it and its partners (not its projects), the strongest tie the widest
    partners = httpx.get(
        f"{cordis_server}/api/v1/explore/view",
        params={"projected": "true", "focus": FRAUNHOFER},
        timeout=60,
    ).json()
    page.evaluate(f"window.transfernetExplorer.focusNode('{FRAUNHOFER}')")
    wait_until(page, "document.querySelector('#mode-note').textContent.includes('partners')")
    drawn = set(page.evaluate("window.transfernetExplorer.nodes.getIds()"))
    assert drawn == {n["id"] for n in partners["nodes"]} and len(drawn) == 150
    widths = dict(page.evaluate("window.transfernetExplorer.edges.get().map(e => [e.id, e.width])"))
    assert len(widths) == 149
    strongest, weakest = partners["edges"][0], partners["edges"][-1]  # the API sends the strongest first
    assert strongest["properties"]["weight"] > weakest["properties"]["weight"]
    assert widths[strongest["id"]] > widths[weakest["id"]]
    assert "149 of 352 partners (203 weaker ones left out)" in page.inner_text("#mode-note")
    assert "FRAUNHOFER" in page.inner_text("#details h3")
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTEFACTS / "explorer-projected.png"))
    # the same note in Chinese (the numbers of the same view; the population as the Chinese report says it)
    page.click("#lang-zh")
    note = page.inner_text("#mode-note")
    assert "显示352个合作方中的149个（203个较弱的合作方未显示）" in note and "数据范围：仅真实数据" in note
    page.click("#lang-en")
    assert "149 of 352 partners" in page.inner_text("#mode-note")

    # expanding a partner adds its own partners around it; what was drawn stays in place
    partner = strongest["target"] if strongest["source"] == FRAUNHOFER else strongest["source"]
    before = page.evaluate(
        f"window.transfernetExplorer.network.getPositions(['{FRAUNHOFER}'])['{FRAUNHOFER}']"
    )
    page.evaluate(f"window.transfernetExplorer.expand('{partner}')")
    wait_until(page, "window.transfernetExplorer.nodes.length > 150")
    after = page.evaluate(
        f"window.transfernetExplorer.network.getPositions(['{FRAUNHOFER}'])['{FRAUNHOFER}']"
    )
    assert after == before
    assert not any(
        i.startswith("Project:") for i in page.evaluate("window.transfernetExplorer.nodes.getIds()")
    )

    # back to the stored graph: Fraunhofer is a star of projects again
    page.check("input[name=mode][value=graph]")
    wait_until(page, "window.transfernetExplorer.nodes.get().some(n => n.id.startsWith('Project:'))")
    assert page.evaluate("window.transfernetExplorer.edges.get().every(e => e.arrows === 'to')")
    assert errors == []
    assert outside == []  # nothing leaves 127.0.0.1
    page.close()
