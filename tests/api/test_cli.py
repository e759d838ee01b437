"""The CLI as a user meets it: every --help works; bad input is one line and a non-zero exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = ["demo", "init", "load", "validate", "analyze", "report", "serve", "query", "export"]


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_top_level_help_lists_every_command() -> None:
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_subcommand_help(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout
    assert len(result.stdout.strip()) > 80  # says what it does, not just a usage line


def test_wrong_option_is_one_line_error() -> None:
    result = run_cli("init", "--no-such-option")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no-such-option" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("command", ["load", "validate"])
def test_missing_file_is_one_line_error(command: str, tmp_path: Path) -> None:
    result = run_cli("--data-dir", str(tmp_path / "d"), command, str(tmp_path / "missing.csv"))
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "missing.csv" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
