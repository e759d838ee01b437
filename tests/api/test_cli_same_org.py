"""``transfernet load`` with a ``resolve:`` mapping, then ``transfernet same-org`` (list, keep-apart,
decisions, undo), as a user runs them (subprocesses on a data directory of their own).

The files are those of ``tests/loaders/test_resolve.py`` (five CORDIS organisations, then a
synthetic ROR-shaped file); the expected counts are the ones that test establishes.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from test_cli import run_cli

ROOT = Path(__file__).resolve().parents[2]


def _write_sources(work: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "resolve_files", ROOT / "tests" / "loaders" / "test_resolve.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module._write(work)
    shutil.copy(ROOT / "data" / "mappings" / "iso3166.yaml", work / "iso3166.yaml")


def test_load_resolves_and_same_org_records_reversible_decisions(tmp_path: Path) -> None:
    work = tmp_path / "files"
    work.mkdir()
    _write_sources(work)
    data = ["--data-dir", str(tmp_path / "data")]
    # this checkout's code first (the load runs from the files' folder); lines not wrapped
    env = {"PYTHONPATH": str(ROOT), "COLUMNS": "300"}
    try:
        loaded = run_cli(*data, "load", "iso3166.yaml", "first.yaml", "second.yaml", cwd=work, env=env)
        assert loaded.returncode == 0, loaded.stderr
        assert (
            "resolved 6 institutions: 4 linked to stored ones, 1 listed for review (not merged)"
            in loaded.stdout
        )
        assert "review second.csv:6 'Uppsala University Hospital': 999985029" in loaded.stdout

        listed = run_cli(*data, "same-org", "list", "--min-confidence", "0.6", "--json", env=env)
        assert listed.returncode == 0, listed.stderr
        assert '"a": "0synth005"' in listed.stdout and '"b": "999985029"' in listed.stdout

        apart = run_cli(
            *data, "same-org", "keep-apart", "0synth005", "999985029",
            "--by", "tester", "--why", "a hospital", env=env,
        )  # fmt: skip
        assert apart.returncode == 0, apart.stderr
        assert "recorded DISTINCT_FROM 0synth005 -> 999985029 by tester" in apart.stdout
        after = run_cli(*data, "same-org", "list", "--min-confidence", "0.6", env=env)
        assert "1 kept apart by a decision" in after.stdout, after.stdout
        decisions = run_cli(*data, "same-org", "decisions", env=env)
        assert "1 decisions" in decisions.stdout and "distinct" in decisions.stdout

        undone = run_cli(*data, "same-org", "undo", "999985029", "0synth005", env=env)
        assert undone.returncode == 0, undone.stderr
        assert "removed 1 decision link(s)" in undone.stdout
        again = run_cli(*data, "same-org", "undo", "999985029", "0synth005", env=env)
        assert again.returncode == 1 and "no decision on" in again.stderr

        unknown = run_cli(*data, "same-org", "merge", "999985029", "nope", "--by", "t", "--why", "w", env=env)
        assert unknown.returncode == 1 and "no institution with key nope" in unknown.stderr
    finally:
        run_cli(*data, "stop", env=env)
