"""`.ci/run` runs the README's two commands in the README's order: the demo (not serving), then the tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run_with_fake_make(
    tmp_path: Path, fail: str | None = None
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", repo / ".ci" / "run")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "make.log"
    fake = bin_dir / "make"
    fake.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "$* | data=${{TRANSFERNET_DATA_DIR:-}}" >> {log}\n'
        f'if [ "$1" = "{fail}" ]; then exit 3; fi\n'
    )
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("TRANSFERNET_DATA_DIR", None)
    result = subprocess.run(
        ["bash", str(repo / ".ci" / "run")], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    return result, log.read_text().splitlines() if log.exists() else []


def test_ci_runs_the_demo_without_serving_then_the_tests(tmp_path: Path) -> None:
    result, calls = _run_with_fake_make(tmp_path)
    assert result.returncode == 0, result.stderr
    assert [c.split(" | ")[0] for c in calls] == ["demo DEMO_ARGS=--no-serve", "test"], calls
    demo_data = calls[0].split("data=")[1]
    assert demo_data and not Path(demo_data).exists()  # a fresh data directory, removed afterwards
    assert calls[1].endswith("data=")  # the tests do not inherit it


def test_ci_stops_at_a_failing_demo(tmp_path: Path) -> None:
    result, calls = _run_with_fake_make(tmp_path, fail="demo")
    assert result.returncode == 3
    assert [c.split(" | ")[0] for c in calls] == ["demo DEMO_ARGS=--no-serve"]


def test_make_demo_passes_demo_args() -> None:
    dry = subprocess.run(
        ["make", "-n", "-o", ".venv/bin/.installed", "demo", "DEMO_ARGS=--no-serve"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "transfernet demo --no-serve" in dry.stdout, dry.stdout + dry.stderr
