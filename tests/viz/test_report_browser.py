"""The report in a real headless Chromium (Debian's), served by the real API server.

The first page is saved as a screenshot (a test artefact): under the test's ``tmp_path``
and in ``test-artifacts/`` at the repository root, beside the explorer's, so CI keeps it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.chromium import ARTEFACTS, BROWSER_MARKS

pytestmark = BROWSER_MARKS


def _distinct_colours(png: Path) -> int:
    from PIL import Image

    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    return len(colours or [])


@pytest.mark.parametrize(("lang", "heading"), [("en", "Overview"), ("zh", "概况")])
def test_first_page_screenshot(
    browser: object, api_server: str, tmp_path: Path, lang: str, heading: str
) -> None:
    page = browser.new_page(viewport={"width": 1240, "height": 1754})  # type: ignore[attr-defined]
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{api_server}/api/v1/reports/latest?lang={lang}", timeout=180_000)
    page.wait_for_load_state("load")
    # one request: the page itself (figures are data: URIs, the style is inline)
    assert [urlparse(u).path for u in requests if not u.startswith("data:")] == ["/api/v1/reports/latest"]
    assert errors == []
    images = page.evaluate("[...document.images].map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
    assert images and all(done and w > 100 and h > 100 for done, w, h in images)
    assert page.inner_text("section#overview h2") == heading
    shot = tmp_path / f"report-first-page-{lang}.png"
    page.screenshot(path=str(shot))
    assert (
        shot.stat().st_size > 10_000 and _distinct_colours(shot) > 20
    )  # text and a figure, not a blank page
    ARTEFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTEFACTS / shot.name)
    print(f"screenshot: {shot} and {ARTEFACTS / shot.name}")
    # the first screen as a planner opens it (docs/screenshots/report-first-page.png, report-zh.png)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.screenshot(path=str(ARTEFACTS / f"report-{lang}-1400x900.png"))
    page.close()


def test_print_layout(browser: object, api_server: str, tmp_path: Path) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(f"{api_server}/api/v1/reports/latest", timeout=180_000)
    page.emulate_media(media="print")
    # each top-level section starts a page when printed
    assert (
        page.evaluate("getComputedStyle(document.querySelector('section#brokerage > h2')).breakBefore")
        == "page"
    )
    pdf = tmp_path / "report-chromium.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF-")
    page.close()
