"""The CLI as a user meets it: every --help works; bad input is one line and a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = ["demo", "init", "load", "validate", "analyze", "report", "serve", "query", "export"]


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    # English unless a test asks otherwise: the CLI follows the machine's locale
    environment = {**os.environ, "TRANSFERNET_LANG": "en", **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=environment,
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


CENTRES_MAPPING = """\
version: 1
name: centres
source: {path: centres.csv}
nodes:
  - label: RegionalTransferCentre
    key: id
    properties: {name: name}
relationships:
  - type: LOCATED_IN
    start: {label: RegionalTransferCentre, key: id}
    end: {label: Country, key: country}
  - type: PARENT_CENTRE  # a two-column key: its errors name no column
    start: {label: TransferCentre, key: id}
    end: {label: TransferCentre, key: "{country}-{id}"}
"""


def _bad_load(folder: Path) -> Path:
    """A mapping whose rows name missing nodes (errors with and without a column), one a surplus cell."""
    (folder / "centres.csv").write_text(
        "id,name,country\nSW,Sichuan West ITTC,CN\nEX,Extra Cells,TH,surplus\nDG,Dangling,TH\n",
        encoding="utf-8",
    )
    mapping = folder / "centres.yaml"
    mapping.write_text(CENTRES_MAPPING, encoding="utf-8")
    return mapping


def test_refused_load_exits_non_zero(tmp_path: Path) -> None:
    result = run_cli("--data-dir", str(tmp_path / "d"), "load", str(_bad_load(tmp_path)))
    assert "REFUSED" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    assert "not supported between" not in result.stderr
    assert "centres.csv:3: row has 4 cells" in result.stderr, result.stderr  # the list of problems
    assert "centres.csv:4: column 'country'" in result.stderr, result.stderr
    assert "centres.csv:4: PARENT_CENTRE: end node TransferCentre 'TH-DG'" in result.stderr, result.stderr


def test_failing_validate_exits_non_zero(tmp_path: Path) -> None:
    mapping = _bad_load(tmp_path)
    result = run_cli(
        "--data-dir", str(tmp_path / "d"), "validate", "-m", str(mapping), str(tmp_path / "centres.csv")
    )
    assert "problem(s)" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 1, result.stdout + result.stderr


def test_truncated_gzip_load_is_an_error_naming_the_file(tmp_path: Path) -> None:
    import gzip

    whole = gzip.compress(
        ("id,name,country\n" + "".join(f"C{i},Centre {i},CN\n" for i in range(20_000))).encode()
    )
    (tmp_path / "centres.csv.gz").write_bytes(whole[: len(whole) // 2])
    mapping = tmp_path / "centres.yaml"
    mapping.write_text(CENTRES_MAPPING.replace("centres.csv", "centres.csv.gz"), encoding="utf-8")
    result = run_cli("--data-dir", str(tmp_path / "d"), "load", str(mapping))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "aborted" not in result.stderr
    assert "centres.csv.gz: the compressed file is truncated or corrupt after row" in result.stderr, (
        result.stderr
    )


def test_analyze_refuses_an_option_out_of_bounds(tmp_path: Path) -> None:
    # AnalysisParams: max_group >= 2 (an agreement of one actor ties nobody)
    from api.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--data-dir", str(tmp_path), "analyze", "--max-group", "1"])
    assert exc.value.code == 1


def test_an_invalid_mapping_lists_every_problem(tmp_path: Path) -> None:
    # two problems in one mapping: both reach the user (the CLI printed the first line only,
    # "error: invalid mapping:", and no problem at all)
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("version: 1\nname: bad\nnodes:\n  - {label: Country, key: iso2, colour: red}\n")
    result = run_cli("--data-dir", str(tmp_path / "d"), "load", str(mapping))
    assert result.returncode == 1
    assert "source: required option is missing" in result.stderr
    assert "colour: unknown option" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_the_cli_speaks_the_language_asked_for(tmp_path: Path) -> None:
    # --lang zh, and a Chinese locale (LANG=zh_CN.UTF-8, installed on the machine or not: the
    # store server used to refuse to start on a locale the machine lacks)
    asked = run_cli("--lang", "zh", "--data-dir", str(tmp_path / "d"), "load", str(_bad_load(tmp_path)))
    assert asked.returncode == 1
    assert "已拒绝" in asked.stdout and "REFUSED" not in asked.stdout, asked.stdout
    assert "个问题" in asked.stderr, asked.stderr
    chinese = {"TRANSFERNET_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"}
    missing = run_cli("load", str(tmp_path / "missing.csv"), env=chinese)
    assert missing.stderr.startswith("错误：") and "文件不存在" in missing.stderr, missing.stderr
    good = tmp_path / "good"
    good.mkdir()
    (good / "centres.csv").write_text("id,name,country\nSW,Sichuan West ITTC,CN\n", encoding="utf-8")
    (good / "centres.yaml").write_text(CENTRES_MAPPING.split("relationships:")[0], encoding="utf-8")
    loaded = run_cli(
        "--data-dir", str(tmp_path / "d2"), "load", str(good / "centres.yaml"),
        env=chinese,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert "新建／更新／未变" in loaded.stdout, loaded.stdout
    run_cli("--data-dir", str(tmp_path / "d2"), "stop")


PROGRAM_PROBE = """
import atexit, sys
atexit.register(lambda: print("exit handler ran"))
from api.cli import program
program()
"""


def test_the_program_runs_the_exit_handlers_then_skips_the_teardown() -> None:
    # `transfernet` is `program`: after a command succeeded, its output and the exit handlers
    # (logging, coverage) are done before the process ends without the interpreter's teardown
    import tomllib

    scripts = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["transfernet"] == "api.cli:program"
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM_PROBE, "--help"], capture_output=True, text=True, timeout=120,
        env={**os.environ, "TRANSFERNET_LANG": "en"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "validate" in done.stdout and done.stdout.rstrip().endswith("exit handler ran")
    failed = subprocess.run(
        [sys.executable, "-c", PROGRAM_PROBE, "validate", "/no/such/file.ttl"], capture_output=True,
        text=True, timeout=120, env={**os.environ, "TRANSFERNET_LANG": "en"},
    )  # fmt: skip
    assert failed.returncode == 1 and "no such file" in failed.stderr
    assert failed.stdout.strip() == "exit handler ran"
