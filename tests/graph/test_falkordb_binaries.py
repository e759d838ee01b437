"""Which binaries the embedded server runs (graph/backends/falkordb/binaries.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.backends.falkordb.binaries import binaries
from graph.errors import StoreError


def test_a_missing_override_is_an_error_that_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "falkordb.so"
    monkeypatch.setenv("TRANSFERNET_FALKORDB_MODULE", str(missing))
    with pytest.raises(StoreError, match=str(missing)):
        binaries()
