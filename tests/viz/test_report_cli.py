"""``transfernet report`` as a user runs it, on the bundled dataset's data directory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def _transfernet(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", *args],
        env={**os.environ, "TRANSFERNET_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_report_in_every_format_and_language(bundle_data_dir: Path, tmp_path: Path) -> None:
    done = _transfernet(
        bundle_data_dir, "report", "--out", str(tmp_path), "--format", "html,md,pdf", "--lang", "zh"
    )
    assert done.returncode == 0, done.stderr
    names = ("report.html", "report.md", "report.pdf", "report_files")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    assert "<h1>技术转移网络分析报告</h1>" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert (tmp_path / "report.md").read_text(encoding="utf-8").startswith("# 技术转移网络分析报告")
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
    # --shacl is the default: the whole graph was validated (the bundled dataset conforms), said in Chinese
    assert "全图符合SHACL约束：0个问题。" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_country_report_and_errors(bundle_data_dir: Path, tmp_path: Path) -> None:
    done = _transfernet(
        bundle_data_dir, "report", "--country", "TH", "--out", str(tmp_path), "--format", "md"
    )
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "report-TH.md").read_text(encoding="utf-8")
    assert text.startswith("# Country profile: Thailand")
    # its figures are files beside it, linked relatively (a viewer that refuses data: URIs draws them)
    assert "data:image" not in text
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links and all(link.startswith("report-TH_files/figure-") for link in links)
    for link in links:
        assert (tmp_path / link).read_text(encoding="utf-8").startswith("<svg")
    unknown = _transfernet(bundle_data_dir, "report", "--country", "XX", "--out", str(tmp_path))
    assert unknown.returncode == 1
    assert unknown.stderr.strip().splitlines() == [
        "error: no country 'XX' in the graph (use an ISO 3166-1 alpha-2 code)"
    ]
    bad = _transfernet(bundle_data_dir, "report", "--format", "docx", "--out", str(tmp_path))
    assert bad.returncode == 1 and "use html, md, pdf" in bad.stderr
