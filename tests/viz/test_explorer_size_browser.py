"""Node size by a measure the user chooses (issue #19, item 1) in a real headless Chromium at
1400×900 against the real API server on the bundled dataset: by the edges shown, by the latest
run's brokerage total and by its betweenness, the largest value drawn largest and sizes ordered
as the values.  Screenshot: test-artifacts/explorer-size-brokerage.png."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from tests.chromium import ARTEFACTS, BROWSER_MARKS
from tests.viz.test_explorer_browser import wait_until

pytestmark = BROWSER_MARKS

SIZES = "Object.fromEntries(window.transfernetExplorer.nodes.get().map(n => [n.id, n.size]))"
DRAWN = "[...window.transfernetExplorer.nodeData.values()].map(n => n.id)"


def _ordered(sizes: dict[str, float], values: dict[str, float]) -> None:
    """A larger value never gets a smaller node, and the largest value the largest node."""
    pairs = sorted((values.get(n, 0.0), sizes[n]) for n in sizes)
    assert all(a[1] <= b[1] + 1e-9 for a, b in itertools.pairwise(pairs)), pairs[-5:]
    top = max(values, key=lambda n: values[n])
    assert sizes[top] == max(sizes.values())


def _drawn(page: Any, measure: str) -> None:
    wait_until(page, f"document.querySelector('#size-by').dataset.drawn === '{measure}'", 60)
    assert "largest" in page.inner_text("#size-note") or measure == "type"


def test_node_size_follows_the_chosen_measure(browser: object, api_server: str) -> None:
    client = httpx.Client(base_url=api_server, timeout=120)
    brokerage = client.get("/api/v1/explore/overlays/brokerage").json()["nodes"]
    centrality = client.get("/api/v1/explore/overlays/centrality").json()["nodes"]
    page: Any = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{api_server}/explore")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.wait_for_selector("#network[data-settled=true]", state="attached", timeout=60_000)
    drawn = set(page.evaluate(DRAWN))
    # by brokerage: the run's totals (GET /explore/overlays/brokerage)
    page.select_option("#size-by", "brokerage")
    _drawn(page, "brokerage")
    totals = {n: float(r.get("total") or 0) for n, r in brokerage.items() if n in drawn}
    assert max(totals.values()) > 0
    _ordered(page.evaluate(SIZES), totals)
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "explorer-size-brokerage.png"))
    # by the edges shown: counted from the view the page holds
    page.select_option("#size-by", "degree")
    _drawn(page, "degree")
    edges = page.evaluate("[...window.transfernetExplorer.edgeData.values()].map(e => [e.source, e.target])")
    degree: dict[str, float] = {}
    for a, b in edges:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    _ordered(page.evaluate(SIZES), {n: degree.get(n, 0.0) for n in drawn})
    # by betweenness: the run's values (GET /explore/overlays/centrality)
    page.select_option("#size-by", "betweenness")
    _drawn(page, "betweenness")
    between = {n: float(c["betweenness"] or 0) for n, c in centrality.items() if n in drawn}
    assert max(between.values()) > 0
    _ordered(page.evaluate(SIZES), between)
    # back to sizes by type: the national centres (depth 0) larger than the rest, as before
    page.select_option("#size-by", "type")
    _drawn(page, "type")
    assert set(page.evaluate(SIZES).values()) <= {11, 14}
    assert not errors, errors
