"""The explorer in Chinese (issue #22, item 3) in a real headless Chromium against the real API server:
the language switch, the words of every control, legend and side panel, names in Chinese, the choice
remembered across a reload, and the way back to English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.chromium import ARTEFACTS, BROWSER_MARKS
from tests.viz.prose import latin_lines
from tests.viz.test_explorer_browser import wait_until

pytestmark = BROWSER_MARKS

#: The committed screenshot; the test writes a fresh one to test-artifacts/.
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "explorer-zh.png"

#: The page's words as a reader meets them: headings, buttons, labels (legend and filters), notes,
#: the first option of each filter, the side panel's heading and property names, the status line,
#: the overlay's note, and the placeholder, title and aria-label attributes of every element.
#: Data values (the side panel's second column, the filters' country codes) are left out.
CONTROL_TEXT = """(() => {
  const shown = (e) => e.getClientRects().length > 0;
  const texts = [];
  const selectors = ["header h1", "header button", "aside h2", "aside label", "aside .muted", "aside button",
    "#details h3", "#details > div", "#details td:first-child", "#status", "#overlay-legend"];
  for (const e of document.querySelectorAll(selectors.join(","))) if (shown(e)) texts.push(e.innerText);
  for (const s of document.querySelectorAll("select")) texts.push(s.options[0].text);
  for (const e of document.querySelectorAll("[placeholder],[title],[aria-label]")) {
    for (const a of ["placeholder", "title", "aria-label"]) {
      if (e.getAttribute(a)) texts.push(e.getAttribute(a));
    }
  }
  return texts.filter((t) => t && t.trim());
})()"""


def _open(context: Any, base: str) -> tuple[Any, list[str]]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/explore?limit=150")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    return page, errors


def _show_thailand(page: Any) -> None:
    page.evaluate("window.transfernetExplorer.focusNode('Country:TH')")
    wait_until(page, "document.querySelector('#details h3') !== null")


def _label(page: Any, node: str) -> str:
    return str(page.evaluate(f"window.transfernetExplorer.nodes.get('{node}').label"))


def test_explorer_switches_to_chinese_remembers_it_and_back(browser: Any, api_server: str) -> None:
    # expected names: the store's own, through the Cypher endpoint (the bundle's CLDR name of Thailand)
    rows = httpx.post(
        f"{api_server}/api/v1/cypher",
        json={"query": "MATCH (k:Country {id: 'TH'}) RETURN k.name AS name, k.nameZh AS zh"},
    ).json()["rows"]
    english, chinese = rows[0]["name"], rows[0]["zh"]
    assert (english, chinese) == ("Thailand", "泰国")
    context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 900})
    page, errors = _open(context, api_server)
    assert page.evaluate("document.documentElement.lang") == "en"  # an English browser: English first
    _show_thailand(page)  # expanded into the view
    assert page.inner_text("#fit") == "Fit" and _label(page, "Country:TH") == english

    page.click("#lang-zh")
    page.check("input[name=overlay][value=brokerage]")
    wait_until(page, "document.querySelector('#overlay-legend').textContent.length > 0")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert _label(page, "Country:TH") == chinese  # drawn in Chinese
    assert page.inner_text("#details h3") == f"{chinese}（{english}）"  # the English name beside it, once
    assert page.get_attribute("#details td[data-key=nameZh]", "title") == "nameZh"  # 中文名称, its key beside
    texts = page.evaluate(CONTROL_TEXT)
    assert len(texts) > 40
    # technical identifiers (PNG, JSON, Cypher, transfernet, ids, codes, the console's Ctrl-Enter) and the
    # names of the language switch and of the node shown are not prose (tests/viz/prose.py strips them)
    assert latin_lines(texts, names={"transfernet", "EN", "Ctrl-Enter", english}).latin == []
    assert "中文名称" in page.inner_text("#details")  # the ontology's name of nameZh (ontology/data)
    assert "数据范围" in page.inner_text("#overlay-legend")  # the run's population, as the report says it
    legend = page.inner_text("#type-filters")
    assert "国家" in legend and "Country" not in legend
    assert page.inner_text("#details td[data-key=briMember] + td") == "是"  # a boolean in Chinese
    page.evaluate("document.querySelector('aside').scrollTop = 0")  # the screenshot: the panel's top
    page.wait_for_timeout(800)
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / SCREENSHOT.name))

    page.reload()  # the choice is remembered
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    _show_thailand(page)
    assert page.inner_text("#fit") == "适应窗口" and _label(page, "Country:TH") == chinese

    page.click("#lang-en")  # and English again, at any time
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.inner_text("#fit") == "Fit"
    assert page.inner_text("aside h2 >> nth=0") == "VIEW"  # the English heading, in CSS capitals
    assert _label(page, "Country:TH") == english and page.inner_text("#details h3") == english
    assert "nameZh" in page.inner_text("#details")
    page.reload()
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert page.inner_text("#fit") == "Fit"
    assert errors == []
    context.close()


def test_a_chinese_browser_gets_the_chinese_explorer_first(browser: Any, api_server: str) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1000, "height": 700})
    page, errors = _open(context, api_server)
    assert page.evaluate("navigator.language").startswith("zh")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.inner_text("#save-positions") == "保存布局"
    assert page.inner_text("#console-toggle") == "Cypher 查询"
    # the console's words (its note: the editor's schema, or that the editor bundle is not built)
    page.click("#console-toggle")
    page.wait_for_selector("#console[data-schema=loaded][data-editor]", timeout=30_000)
    texts = page.evaluate(
        "[...document.querySelectorAll('#console button, #console label, #console-note')]"
        ".map(e => e.innerText).concat([...document.querySelectorAll("
        "'#console [placeholder], #console [title], #console [aria-label]')]"
        ".flatMap(e => ['placeholder', 'title', 'aria-label'].map(a => e.getAttribute(a)).filter(Boolean)))"
    )
    assert "运行" in texts and "在图谱中显示" in texts
    assert latin_lines(texts, names={"Ctrl-Enter", "Cypher", "JSON"}).latin == []
    assert errors == []
    context.close()
