"""The CLI's tables as a person reads them in an 80-column terminal: names, not keys; one line a
row (cut with an ellipsis); the keys and whole values stay in ``--json``."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from rich.console import Console

import api.cli
from graph.analytics.registry import BROKERAGE
from graph.analytics.runs import latest_run


def _body_rows(text: str) -> list[str]:
    """The rows of the first rich table in `text` (box-drawing lines between its header and its end)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("┡"))
    end = next(i for i, line in enumerate(lines) if line.startswith("└"))
    return lines[start + 1 : end]


def test_broker_table_names_actors_and_fits_80_columns(
    bundle_data_dir: Path, bundle_graph: nx.MultiDiGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = latest_run(bundle_data_dir / "runs")
    assert run is not None
    out = io.StringIO()
    monkeypatch.setattr(api.cli, "console", Console(file=out, width=80, color_system=None))
    api.cli._print_brokers(run, bundle_graph)
    text = out.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    scores = run.require(BROKERAGE).nodes
    ranked = [n for n, s in sorted(scores.items(), key=lambda kv: (-kv[1].count("total"), kv[0]))]
    ranked = [n for n in ranked if scores[n].count("total") > 0][:10]
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.lstrip().startswith("─"))
    rows = [line for line in lines[rule + 1 :] if line.strip()]
    assert len(rows) == len(ranked)  # one line a row: nothing wrapped
    for row, node in zip(rows, ranked, strict=True):  # the numbers whole, never cut
        cells = row.split()
        assert cells[-1] == f"{scores[node].total_z:.2f}" and f" {scores[node].count('total'):g} " in row
    # centers.csv: CASTTC is the China-Arab States Technology Transfer Center, in China; the name
    # stands where the key stood (cut with an ellipsis at this width)
    first = rows[0][: rows[0].index("…")].strip()
    assert len(first) > 20 and "China-Arab States Technology Transfer Center".startswith(first)
    assert " China " in rows[0] and "CASTTC" not in text
    assert "gatekeeper 20" in rows[0]  # its main role (bilateral centres across China's boundary)


def _transfernet(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", *args],
        env={**os.environ, "TRANSFERNET_DATA_DIR": str(data_dir), "COLUMNS": "80", "TRANSFERNET_LANG": "en"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_query_table_fits_80_columns_and_json_keeps_whole_values(bundle_data_dir: Path) -> None:
    cypher = (
        "MATCH (c:TransferCentre)-[:HOSTED_IN]->(k:Country) "
        "RETURN c.id AS key, c.name AS name, k.name AS country ORDER BY key"
    )
    table = _transfernet(bundle_data_dir, "query", cypher)
    assert table.returncode == 0, table.stderr
    assert max(len(line) for line in table.stdout.splitlines()) <= 80
    as_json = _transfernet(bundle_data_dir, "query", cypher, "--json")
    assert as_json.returncode == 0, as_json.stderr
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]  # JSON Lines: one object a line
    assert len(_body_rows(table.stdout)) == len(rows) > 20  # one line a row
    # bilateral_centers.csv: CATTC-TH, the China–Thailand centre, whole in --json
    thailand = {"key": "CATTC-TH", "name": "China–Thailand Technology Transfer Center", "country": "Thailand"}
    assert thailand in rows
