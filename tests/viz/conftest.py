"""The headless Chromium shared by the browser tests of the explorer and the report."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.chromium import CHROMIUM, LAUNCH_ARGS


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A launched Debian Chromium (Playwright), closed at the end of the session."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()
