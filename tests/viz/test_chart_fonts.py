"""Figures find a CJK font even when matplotlib's font cache predates it, and say when there is none."""

from __future__ import annotations

import re
import subprocess
import warnings
from collections.abc import Iterator

import pytest
from matplotlib import font_manager

from viz.report import charts

CJK = re.compile(r"CJK|SourceHan|Source Han|WenQuanYi|wqy|UMing|Noto Sans SC", re.I)


def _fontconfig_knows_cjk() -> bool:
    try:
        return bool(subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip())
    except OSError:
        return False


@pytest.fixture
def stale_font_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """matplotlib's font list as a cache built before any CJK font was installed."""
    manager = font_manager.fontManager
    monkeypatch.setattr(manager, "ttflist", [f for f in manager.ttflist if not CJK.search(f.name + f.fname)])
    manager._findfont_cached.cache_clear()  # type: ignore[attr-defined]
    charts.font_families.cache_clear()
    yield
    charts.font_families.cache_clear()
    manager._findfont_cached.cache_clear()  # type: ignore[attr-defined]


@pytest.mark.skipif(
    not _fontconfig_knows_cjk(), reason="no CJK font installed (apt-get install fonts-noto-cjk)"
)
@pytest.mark.usefixtures("stale_font_cache")
def test_cjk_font_found_despite_stale_cache() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "no CJK font" warning
        families = charts.font_families()
    assert len(families) == 2 and CJK.search(families[1]), families
    svg = charts.bar_chart(["泰国"], [1], "国家级中心")
    assert re.search(r'id="[^"]*(CJK|SourceHan|WenQuanYi)', svg), "the Chinese title is not in a CJK font"


@pytest.mark.usefixtures("stale_font_cache")
def test_no_cjk_font_is_one_clear_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "_cjk_font_files", lambda: [])
    with pytest.warns(RuntimeWarning, match="fonts-noto-cjk"):
        assert charts.font_families() == ("DejaVu Sans",)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        charts.font_families()  # said once, not on every figure
