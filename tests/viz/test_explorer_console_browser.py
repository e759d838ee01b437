"""The explorer's Cypher console in a real headless Chromium (Debian's) against the real API server:
typed queries, lint before sending, the results table, "show in graph", problems, hostile values and
the plain-textarea fallback when the editor bundle is missing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

from graph.backends import open_store, stop_server
from graph.config import StoreSettings
from ontology.derive import load_schema
from ontology.records import NodeRecord
from tests.chromium import ARTEFACTS, BROWSER_MARKS
from tests.server_process import serve_api
from tests.viz.test_explorer_browser import wait_until

pytestmark = BROWSER_MARKS

#: The committed screenshot of the console; the first test writes a fresh one to test-artifacts/.
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "explorer-console.png"
SHOWN = "MATCH (c:BilateralCentre)-[r:HOSTED_IN]->(k:Country)\nRETURN c, r, k.name AS country, k\nLIMIT 14"
QUERY = "MATCH (c:TransferCentre)-[r:HOSTED_IN]->(k:Country {id: $code}) RETURN c, r, k.name AS country"


def open_console(browser: Any, base: str, *, block_editor: bool = False) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "console",
        # the browser logs every 4xx answer; the console's own problems are checked in the panel
        lambda m: (
            errors.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None
        ),
    )
    if block_editor:
        page.route("**/cypher-editor.js", lambda route: route.abort())
    page.goto(f"{base}/explore?limit=120")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.click("#console-toggle")  # the first opening loads the editor bundle
    page.wait_for_selector("#console[data-schema=loaded][data-editor]", timeout=30_000)
    return page, errors


def type_query(page: Any, text: str) -> None:
    """Type `text` as a person would (into Neo4j's editor, or the plain textarea)."""
    if page.get_attribute("#console", "data-editor") == "cypher":
        page.evaluate("window.transfernetConsole.setQuery('')")
        page.click("#console-editor .cm-content")
        page.keyboard.type(text)
        page.keyboard.press("Escape")  # close the completion list, if open
    else:
        page.fill("#console-text", text)


def focus_editor(page: Any) -> None:
    cypher = page.get_attribute("#console", "data-editor") == "cypher"
    page.focus("#console-editor .cm-content" if cypher else "#console-text")


def run_and_wait(page: Any, *, keys: str = "Control+Enter") -> str:
    """Run with the keyboard from the editor; the panel's state once the answer is drawn."""
    page.evaluate("document.getElementById('console').removeAttribute('data-state')")
    focus_editor(page)
    page.keyboard.press(keys)
    wait_until(page, "['done', 'error'].includes(document.getElementById('console').dataset.state)")
    return str(page.get_attribute("#console", "data-state"))


def table(page: Any) -> tuple[list[str], list[list[str]]]:
    head = page.evaluate("[...document.querySelectorAll('#console-table th')].map(th => th.textContent)")
    rows = page.evaluate(
        "[...document.querySelectorAll('#console-table tbody tr')]"
        ".map(tr => [...tr.children].map(td => td.textContent))"
    )
    return head, rows


@pytest.mark.skipif(not shutil.which("npm"), reason="npm is missing: the editor bundle cannot be built")
def test_console_highlights_completes_lints_and_runs(browser: Any, api_server: str) -> None:
    page, errors = open_console(browser, api_server)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname != "127.0.0.1" else None)
    assert page.get_attribute("#console", "data-editor") == "cypher"  # make browser built the bundle
    # completion offers the graph's own labels (db.labels() through the API)
    labels = [r["label"] for r in httpx.post(f"{api_server}/api/v1/cypher", json={
        "query": "CALL db.labels() YIELD label RETURN label"}).json()["rows"]]  # fmt: skip
    assert "TransferCentre" in labels
    page.evaluate("window.transfernetConsole.setQuery('')")
    page.click("#console-editor .cm-content")
    page.keyboard.type("MATCH (c:TransferCen")
    page.wait_for_selector(".cm-tooltip-autocomplete li", timeout=5_000)
    offered = page.evaluate(
        "[...document.querySelectorAll('.cm-tooltip-autocomplete li')].map(li => li.textContent)"
    )
    assert ":TransferCentre" in offered
    # highlighting: the keyword and the label are tokens of their own
    assert page.evaluate("document.querySelectorAll('#console-editor .cm-line span').length") >= 2
    # lint before sending (Neo4j's front end): a syntax error is marked, shown and nothing is sent
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.post_data or "") if r.url.endswith("/api/v1/cypher") else None)
    type_query(page, "MATCH (n RETURN n")
    page.wait_for_selector("#console-editor .cm-lintRange-error", timeout=10_000)
    focus_editor(page)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#console-message ul.console-lint li.error", timeout=10_000)
    assert "error, line 1, column 10: Invalid input 'RETURN'" in page.inner_text("#console-message")
    assert sent == []
    # ...unless asked to send it anyway: the API's problem (RFC 9457) is shown in the panel
    assert run_and_wait(page, keys="Control+Shift+Enter") == "error"
    assert "400" in page.inner_text("#console-message") and len(sent) == 1
    # the lint knows the graph's schema: an unknown label is a warning, and the query is sent
    type_query(page, "MATCH (n:Contry) RETURN n")
    assert run_and_wait(page) == "done" and len(sent) == 2
    assert "Label Contry is not present in the database" in page.inner_text("#console-message")
    # ...and the parameters: an undefined one is an error until it is given
    type_query(page, QUERY)
    page.fill("#console-params", "")
    focus_editor(page)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#console-message ul.console-lint li.error", timeout=10_000)
    assert "Parameter $code is not defined" in page.inner_text("#console-message")
    assert len(sent) == 2
    # a typed query with parameters: the table holds the rows the API answers
    type_query(page, QUERY)
    page.fill("#console-params", '{"code": "TH"}')
    assert run_and_wait(page) == "done"
    expected = httpx.post(
        f"{api_server}/api/v1/cypher", json={"query": QUERY, "parameters": {"code": "TH"}}
    ).json()["rows"]
    assert expected
    head, rows = table(page)
    assert head == ["c", "r", "country"]
    assert len(rows) == len(expected)
    for shown, row in zip(rows, expected, strict=True):
        assert row["c"]["properties"]["name"] in shown[0]
        # a relationship names its ends (the centre is a node of the row; Thailand is not: its id)
        assert shown[1] == f"({row['c']['properties']['name']})-[:HOSTED_IN]->({row['r']['end']})"
        assert shown[2] == row["country"]
    # show in graph: the view holds exactly the result's nodes (centres and Thailand)
    page.click("#console-show")
    page.wait_for_selector("#console[data-shown]", timeout=15_000)
    wanted = {row["c"]["id"] for row in expected} | {"Country:TH"}
    wait_until(page, f"window.transfernetExplorer.nodes.length === {len(wanted)}")
    assert set(page.evaluate("window.transfernetExplorer.nodes.getIds()")) == wanted
    drawn = page.evaluate("window.transfernetExplorer.edges.get().map(e => [e.from, e.to, e.title])")
    assert {(row["c"]["id"], "Country:TH", "HOSTED_IN") for row in expected} <= {tuple(e) for e in drawn}
    # a node of the table opens in the side panel
    page.click(f"#console-table button.console-node[data-id='{expected[0]['c']['id']}']")
    wait_until(page, "document.querySelector('#details h3') !== null")
    assert page.inner_text("#details h3") == expected[0]["c"]["properties"]["name"]
    # a refused query: 403 with the screen's reason
    type_query(page, "MATCH (n) DETACH DELETE n")
    assert run_and_wait(page) == "error"
    assert "403" in page.inner_text("#console-message")
    # the screenshot of docs/screenshots: a result of nodes and relationships, drawn in the graph
    type_query(page, SHOWN)
    page.fill("#console-params", "")
    assert run_and_wait(page) == "done"
    page.click("#console-show")
    page.wait_for_selector("#console[data-shown]", timeout=15_000)
    page.wait_for_timeout(1500)  # let the layout settle
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / SCREENSHOT.name))
    assert errors == []
    assert outside == []
    page.close()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store with one country whose name is markup, served."""
    data_dir = tmp_path_factory.mktemp("hostile-console")
    settings = StoreSettings(_env_file=None, data_dir=data_dir)
    store = open_store(settings, load_schema())
    try:
        store.install_schema()
        store.upsert([NodeRecord("Country", "XX", {"name": EVIL, "sources": ["a test"]})], [])
    finally:
        store.close()
    try:
        with serve_api(data_dir) as base:
            yield base
    finally:
        stop_server(settings.store_dir)


EVIL = "<img src=x onerror='window.pwned=1'>"


@pytest.mark.parametrize("block_editor", [False, True], ids=["cypher-editor", "plain-textarea"])
def test_hostile_values_stay_inert(browser: Any, hostile_server: str, block_editor: bool) -> None:
    page, errors = open_console(browser, hostile_server, block_editor=block_editor)
    if block_editor:
        # without the bundle: a plain textarea, and the panel says what is missing
        assert page.get_attribute("#console", "data-editor") == "plain"
        assert "unavailable" in page.inner_text("#console-note")
    type_query(page, "MATCH (n:Country) WHERE n.id = $id RETURN n, n.name AS name, [n.name] AS names")
    page.fill("#console-params", '{"id": "XX"}')
    assert run_and_wait(page) == "done"
    head, rows = table(page)
    assert head == ["n", "name", "names"]
    assert rows[0][1] == EVIL  # the characters are shown
    assert EVIL in rows[0][0] and rows[0][2] == f'["{EVIL}"]'  # JSON of the list, as text
    page.click("#console-show")
    page.wait_for_selector("#console[data-shown]", timeout=15_000)
    page.click("#console-table button.console-node[data-id='Country:XX']")
    wait_until(page, "document.querySelector('#details h3') !== null")
    assert page.inner_text("#details h3") == EVIL
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("window.pwned === undefined")  # and nothing ran
    if not block_editor:
        assert errors == []
    page.close()
