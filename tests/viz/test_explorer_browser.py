"""The explorer in a real headless Chromium (Debian's) against the real API server."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

from graph.backends import open_store, stop_server
from graph.config import StoreSettings
from ontology.derive import load_schema
from ontology.records import NodeRecord, RelationshipRecord
from tests.chromium import ARTEFACTS, BROWSER_MARKS
from tests.server_process import serve_api

pytestmark = BROWSER_MARKS


def wait_until(page: object, script: str, timeout_s: float = 15.0) -> None:
    """Poll `script` from the test side: the page's CSP forbids the eval wait_for_function needs."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(script):  # type: ignore[attr-defined]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {script}")
        time.sleep(0.1)


def test_explorer_loads_searches_and_expands(browser: object, api_server: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname != "127.0.0.1" else None)
    # 70: the centre system and its host countries (the first view's order), not all of Thailand's ties
    page.goto(f"{api_server}/explore?limit=70")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert page.evaluate("window.transfernetExplorer.nodes.length") > 50
    # search (Chinese name) finds the China-ASEAN centre; clicking it focuses and shows its properties
    page.fill("#search", "中国—东盟")
    page.wait_for_selector("#results li[data-id='Institution:CATTC']", timeout=10_000)
    page.click("#results li[data-id='Institution:CATTC']")
    wait_until(page, "document.querySelector('#details h3') !== null")
    assert "China-ASEAN" in page.inner_text("#details")
    # double-clicking a node expands it through the API (a country: its neighbours are not all shown)
    before = page.evaluate("window.transfernetExplorer.nodes.length")
    page.evaluate("window.transfernetExplorer.focusNode('Country:TH')")
    wait_until(page, "window.transfernetExplorer.nodes.get('Country:TH') !== null")
    page.wait_for_timeout(300)
    box = page.locator("#network").bounding_box()
    spot = page.evaluate(
        "(() => { const n = window.transfernetExplorer.network;"
        " return n.canvasToDOM(n.getPositions(['Country:TH'])['Country:TH']); })()"
    )
    page.mouse.dblclick(box["x"] + spot["x"], box["y"] + spot["y"])
    wait_until(page, f"window.transfernetExplorer.nodes.length > {before}")
    # a type filter hides nodes
    page.uncheck("input[data-type='Country']")
    hidden = page.evaluate("window.transfernetExplorer.nodes.get().filter(n => n.hidden).map(n => n.id)")
    assert hidden and all(h.startswith("Country:") for h in hidden)
    page.check("input[data-type='Country']")
    # path overlay: from one of CASTTC's bilateral centres to another; the highlighted edges are exactly
    # the ones between consecutive nodes of the path the API returns
    page.evaluate("window.transfernetExplorer.focusNode('Institution:CASTTC-SA')")
    page.click("#path-from")
    page.evaluate("window.transfernetExplorer.focusNode('Institution:CASTTC-EG')")
    page.click("#path-to")
    wait_until(page, "document.querySelector('#path-info').textContent.includes('hops')")
    path = httpx.get(
        f"{api_server}/api/v1/graph/path",
        params={"source": "Institution:CASTTC-SA", "target": "Institution:CASTTC-EG"},
    ).json()["paths"][0]
    expected = {frozenset((h["source"], h["target"])) for h in path["hops"]}
    lit = page.evaluate(
        "window.transfernetExplorer.edges.get().filter(e => e.width === 4).map(e => [e.from, e.to])"
    )
    assert {frozenset(pair) for pair in lit} == expected
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "explorer.png"))
    assert errors == []
    assert outside == []  # nothing leaves 127.0.0.1
    page.close()


def test_offline_file_renders_markup_as_text(browser: object, tmp_path: Path) -> None:
    from ontology.schema import GraphSchema, NodeType, PropertySpec
    from viz.explorer import render_explorer
    from viz.view import build_view

    schema = GraphSchema.build(
        [NodeType("Country", "urn:c", "id", "Country", ("Country",), (PropertySpec("name", "urn:n"),))], []
    )
    evil = "<img src=x onerror='window.pwned=1'>"
    view = build_view([{"id": "Country:XX", "labels": ["Country"], "properties": {"name": evil}}], [], schema)
    html = render_explorer(api_base=None, schema=schema, view=view)
    assert "<img src=x" not in html  # escaped inside the JSON block
    path = tmp_path / "explorer.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.evaluate("window.transfernetExplorer.focusNode('Country:XX')")
    wait_until(page, "document.querySelector('#details h3') !== null")
    assert page.inner_text("#details h3") == evil  # shown as characters
    assert page.evaluate("window.pwned === undefined")  # and never run
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    page.close()


def test_synthetic_nodes_are_drawn_dashed_and_say_so(browser: object, tmp_path: Path) -> None:
    """Generated nodes (the demo's labelled sample, scale tests) are marked in the view."""
    data_dir = tmp_path / "data"
    settings = StoreSettings(_env_file=None, data_dir=data_dir)
    store = open_store(settings, load_schema())
    marked = {"synthetic": True, "seed": 7, "sources": ["synthetic: a test"]}
    try:
        store.install_schema()
        store.upsert(
            [
                NodeRecord("Country", "TH", {"name": "Thailand", "sources": ["iso3166"]}),
                NodeRecord("Scientist", "syn-1", {"name": "Synthetic scientist", **marked}),
            ],
            [RelationshipRecord("LOCATED_IN", "Expert", "syn-1", "Country", "TH", marked)],
        )
    finally:
        store.close()
    try:
        with serve_api(data_dir) as base:
            page = browser.new_page(viewport={"width": 1000, "height": 700})  # type: ignore[attr-defined]
            page.goto(f"{base}/explore")
            page.wait_for_selector("body[data-ready=true]", timeout=30_000)
            assert page.evaluate("window.transfernetExplorer.nodes.length") == 1  # hidden by default
            page.check("#show-synthetic")  # one click shows them
            wait_until(page, "window.transfernetExplorer.nodes.length === 2")
            dashed = page.evaluate(
                "window.transfernetExplorer.nodes.get().filter(n => n.shapeProperties"
                " && n.shapeProperties.borderDashes).map(n => [n.id, n.title.textContent])"
            )
            assert len(dashed) == 1
            node_id, tooltip = dashed[0]
            assert node_id.endswith(":syn-1") and "synthetic (seed 7)" in tooltip
            page.close()
    finally:
        stop_server(settings.store_dir)


def test_side_panel_folds_the_written_back_scores_under_the_analysis(browser: object, tmp_path: Path) -> None:
    """The properties an analysis run writes back onto an actor (tn:AnalysisResultsShape,
    graph.analytics.writeback) are shown folded under the node's analysis, not among its own."""
    from graph.analytics.writeback import RESULT_PROPERTIES
    from viz.explorer import render_explorer
    from viz.view import build_view

    schema = load_schema()
    props = {"name": "China-Arab States Technology Transfer Center", "acronym": "CASTTC", "city": "Yinchuan",
             "lifecycle": "established", "analysisRun": "run-1", "brokerageTotal": 12.0,
             "brokerageGatekeeper": 5.0, "community": 2, "betweenness": 0.25}  # fmt: skip
    view = build_view(
        [{"id": "Institution:CASTTC", "labels": ["Institution"], "properties": props}], [], schema
    )
    path = tmp_path / "explorer.html"
    path.write_text(render_explorer(api_base=None, schema=schema, view=view), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.evaluate("window.transfernetExplorer.focusNode('Institution:CASTTC')")
    wait_until(page, "document.querySelector('#analysis details.results') !== null")
    cells = (
        "[...document.querySelectorAll('%s tr td:first-child')].map(td => td.dataset.key || td.textContent)"
    )
    own = set(page.evaluate(cells % "#details > table.props"))
    stored = set(page.evaluate(cells % "#analysis details.results"))
    assert own == {"name", "acronym", "city"}  # lifecycle: the badge
    assert (
        stored
        == {"brokerageTotal", "brokerageGatekeeper", "community", "betweenness"}
        <= set(RESULT_PROPERTIES)
    )
    summary = page.inner_text("#analysis details.results summary")
    assert "run-1" in summary and "(4)" in summary
    assert page.inner_text("#details .badge[data-stage]") == "established"  # tn:stageEstablished's prefLabel
    page.close()
