"""Debian's Chromium for the browser tests: where it is, how tests are marked, where artefacts go."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

__all__ = ["ARTEFACTS", "BROWSER_MARKS", "CHROMIUM", "LAUNCH_ARGS"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTEFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian's chromium is missing (make test installs it)"
    ),
]
