"""`loaders.spill`: the scratch folder of a streamed load, and what a killed load leaves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from loaders.spill import Spill, sweep
from ontology.records import NodeRecord


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)  # that process has exited (and been reaped) by now


def test_a_spill_removes_folders_left_by_killed_loads_and_keeps_live_ones(tmp_path: Path) -> None:
    dead = tmp_path / f"tn-spill-{_dead_pid()}-abc"
    live = tmp_path / f"tn-spill-{os.getpid()}-def"
    other = tmp_path / "tn-spill-notapid"
    for folder in (dead, live, other):
        folder.mkdir()
        (folder / "spill.sqlite").write_bytes(b"x")
    with Spill(tmp_path) as spill:
        assert spill.firsts([NodeRecord("Country", "GR", {"name": "Greece"})]) == []
        assert not dead.exists() and live.exists() and other.exists()
        mine = [p for p in tmp_path.iterdir() if p.name.startswith(f"tn-spill-{os.getpid()}-") and p != live]
        assert len(mine) == 1  # its own folder, named after this process
    assert not mine[0].exists()  # deleted on exit
    assert sweep(tmp_path) == []  # nothing else of a dead process is left
