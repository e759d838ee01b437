"""`graph.analytics.notices`: what a run left out, kept in the run record and read in the
reader's language."""

from __future__ import annotations

from pathlib import Path

from graph.analytics.notices import MANY_ACTORS, NO_ACTORS, Notice
from graph.analytics.params import AnalysisParams
from graph.analytics.runs import GraphCounts, RunRecord, load_run, save_run
from viz.i18n import run_notices, use


def _run(**extra: object) -> RunRecord:
    return RunRecord("r1", "2026-12-02T00:00:00+00:00", AnalysisParams(), GraphCounts(3, 2), **extra)  # type: ignore[arg-type]


def test_notices_survive_the_run_record(tmp_path: Path) -> None:
    # (before: neither the warnings nor the notices were saved, so a stored run lost them)
    notices = (Notice(MANY_ACTORS, {"groups": 2, "max_group": 10, "ties": 1500}),)
    path = save_run(_run(warnings=tuple(n.text for n in notices), notices=notices), tmp_path)
    loaded = load_run(path)
    assert loaded.notices == notices
    assert loaded.warnings[0].startswith("2 agreements or events with more than 10 actors")


def test_notices_read_in_each_language_and_older_records_keep_their_text() -> None:
    notice = Notice(NO_ACTORS, {"synthetic": 35898})
    assert run_notices([notice])[0].startswith("no actors to analyse: the 35,898 synthetic nodes")
    with use("zh"):
        assert run_notices([notice])[0].startswith("无可分析的行动者：35,898个合成节点未计入")
        # a record written before the notices: its English text, as it is
        assert run_notices([], ["an older warning"]) == ["an older warning"]
