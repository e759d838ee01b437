"""The explorer's overlays and side panel (issue #19, items 2 and 6) in a real headless Chromium at
1400×900 against the real API server on the bundled dataset: each overlay colours the nodes by the
latest run and says its key, a path is drawn, and the side panel gives a node's status, its sources as
links and its analysis results.  Screenshots: test-artifacts/explorer-overlay-*.png,
explorer-path.png."""

from __future__ import annotations

from typing import Any

import httpx

from tests.chromium import ARTEFACTS, BROWSER_MARKS
from tests.viz.test_explorer_browser import wait_until

pytestmark = BROWSER_MARKS

COLOURS = "Object.fromEntries(window.transfernetExplorer.nodes.get().map(n => [n.id, n.color]))"


def _shot(page: Any, name: str) -> None:
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / name))


def test_overlays_colour_by_the_run_and_the_panel_explains_a_node(browser: object, api_server: str) -> None:
    client = httpx.Client(base_url=api_server, timeout=120)
    brokerage = client.get("/api/v1/explore/overlays/brokerage").json()["nodes"]
    communities = client.get("/api/v1/explore/overlays/communities").json()["nodes"]
    legend = client.get("/api/v1/explore/legend").json()["types"]
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{api_server}/explore")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.wait_for_selector("#network[data-settled=true]", state="attached", timeout=60_000)
    # every node family drawn has its entry (colour and name) in the legend
    drawn = set(page.evaluate("[...window.transfernetExplorer.nodeData.values()].map(n => n.type)"))
    listed = set(
        page.evaluate("[...document.querySelectorAll('#type-filters input')].map(i => i.dataset.type)")
    )
    assert drawn <= listed <= set(legend)
    # brokerage: a node's strongest role (the run: CASTTC is a gatekeeper of its bilateral centres)
    page.check("input[name=overlay][value=brokerage]")
    wait_until(page, "document.querySelector('#overlay-legend').innerText.includes('gatekeeper')", 60)
    colours = page.evaluate(COLOURS)
    roles = brokerage["Institution:CASTTC"]
    strongest = max(
        ("coordinator", "itinerant", "representative", "gatekeeper", "liaison"), key=lambda r: roles[r]
    )
    role_colour = {"gatekeeper": "#e7298a", "coordinator": "#1b9e77"}
    assert colours["Institution:CASTTC"] == role_colour[strongest]
    key = page.inner_text("#overlay-legend")
    assert all(r in key for r in ("coordinator", "itinerant", "representative", "gatekeeper", "liaison"))
    _shot(page, "explorer-overlay-brokerage.png")
    # communities: one colour per community among the nodes drawn
    page.check("input[name=overlay][value=communities]")
    wait_until(page, "document.querySelector('#overlay-legend').innerText.includes('modularity')", 60)
    colours = page.evaluate(COLOURS)
    by_community: dict[int, set[str]] = {}
    for node, community in communities.items():
        if node in colours:
            by_community.setdefault(community, set()).add(colours[node])
    assert by_community and all(len(c) == 1 for c in by_community.values())
    _shot(page, "explorer-overlay-communities.png")
    # duplicates: its key (clusters, co-located centres) and the run's count
    page.check("input[name=overlay][value=duplicates]")
    wait_until(page, "document.querySelector('#overlay-legend').innerText.includes('co-located')", 60)
    _shot(page, "explorer-overlay-duplicates.png")
    # the side panel of CASTTC: its status, its sources as links, its analysis results
    page.check("input[name=overlay][value=brokerage]")
    page.evaluate("window.transfernetExplorer.focusNode('Institution:CASTTC')")
    page.wait_for_selector("#analysis .analysis[data-kind=brokerage]", timeout=30_000)
    analysis = page.inner_text("#analysis")
    assert (
        f"brokerage: {roles['total']:g} roles" in analysis
        and f"gatekeeper {roles['gatekeeper']:g}" in analysis
    )
    assert f"community {communities['Institution:CASTTC']}" in analysis
    links = page.evaluate(
        "[...document.querySelectorAll('#details ul.sources a')].map(a => [a.href, a.rel, a.target])"
    )
    # centers.csv: CASTTC's sources include its own site
    assert any(href.startswith("https://en.casttc.org/") for href, _, _ in links)
    assert all(href.startswith(("http://", "https://")) and "noopener" in rel for href, rel, _ in links)
    assert "centers.csv" in page.inner_text("#details ul.sources")  # a file row stays text
    _shot(page, "explorer-side-panel.png")
    # a path: CASTTC to CATTC, its hops drawn in red
    page.click("#path-from")
    page.evaluate("window.transfernetExplorer.focusNode('Institution:CATTC')")
    page.click("#path-to")
    wait_until(page, "document.querySelector('#path-info').textContent.includes('→')", 60)
    red = page.evaluate("window.transfernetExplorer.edges.get().filter(e => e.color === '#d62728').length")
    assert red >= 1
    page.evaluate("window.transfernetExplorer.network.fit({ animation: false })")
    page.wait_for_timeout(300)
    _shot(page, "explorer-path.png")
    # a bilateral centre's stage (bilateral_centers.csv ``stage``: CATTC-TH established), named as
    # the ontology names it (tn:lifecycleStages, served with the legend)
    page.evaluate("window.transfernetExplorer.focusNode('Institution:CATTC-TH')")
    page.wait_for_selector("#details .badge[data-stage]", timeout=30_000)
    stage = page.get_attribute("#details .badge[data-stage]", "data-stage") or ""
    stages = client.get("/api/v1/explore/legend").json()["stages"]
    assert stage == "established" and page.inner_text("#details .badge[data-stage]") == stages[stage]["en"]
    assert not errors, errors
    page.close()
