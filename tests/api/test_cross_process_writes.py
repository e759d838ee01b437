"""Writes by ``transfernet load`` in another process are in the API's very next answer
(issue #20: "Nodes loaded through the CLI reach search and neighbourhood answers only
about 3 minutes later").  A real ``transfernet serve`` and real CLI loads, one data dir."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.server_process import serve_api

MAPPING = """\
version: 1
name: centres
source: {path: centres.csv}
nodes:
  - label: RegionalTransferCentre
    key: id
    properties: {name: name}
relationships:
  - type: PARENT_CENTRE
    start: {label: TransferCentre, key: id}
    end: {label: TransferCentre, key: parent}
"""


def _load(data_dir: Path, folder: Path, rows: str) -> None:
    (folder / "centres.csv").write_text("id,name,parent\n" + rows, encoding="utf-8")
    (folder / "centres.yaml").write_text(MAPPING, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()",
         "--data-dir", str(data_dir), "load", str(folder / "centres.yaml")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def _names(client: httpx.Client, query: str) -> set[str]:
    items = client.get("/api/v1/search", params={"q": query}).json()["items"]
    return {item["name"] for item in items}


def test_a_load_through_the_cli_is_in_the_next_answer_of_the_running_api(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _load(data_dir, tmp_path, "SW,Sichuan West ITTC,SW\n")
    with serve_api(data_dir) as base, httpx.Client(base_url=base, timeout=30) as client:
        assert _names(client, "Sichuan") == {"Sichuan West ITTC"}
        assert _names(client, "Chongqing") == set()
        # a new node and a relationship: the counts change
        _load(data_dir, tmp_path, "SW,Sichuan West ITTC,SW\nCE,Chongqing East ITTC,SW\n")
        assert _names(client, "Chongqing") == {"Chongqing East ITTC"}
        view = client.get(
            "/api/v1/graph/neighbourhood", params={"id": "Institution:SW", "types": "PARENT_CENTRE"}
        ).json()
        assert "Institution:CE" in {n["id"] for n in view["nodes"]}
        # a renamed node: the counts stay the same (a projection checked by counts never saw it)
        _load(data_dir, tmp_path, "SW,Sichuan West International ITTC,SW\nCE,Chongqing East ITTC,SW\n")
        assert _names(client, "Sichuan") == {"Sichuan West International ITTC"}
