"""What a streamed load remembers about its file on disk, not in memory (`loaders.streamed`).

A temporary SQLite file holds, for one load,

* the first record of each node key (to report rows that give a key two values:
  `loaders.mapping.duplicates.conflicting_keys` needs the earlier record);
* the element keys already counted (a node named on many rows is counted once, by the
  first batch that names it);
* the row digest of each element as last written (`loaders.digests.row_digests`), for
  the load manifest, read back in key order.

Its folder is named after the loading process (``tn-spill-<pid>-…``): a load killed before it
could delete it leaves it behind, and the next spill in the same place removes the folders
of processes that no longer run.

Examples
--------
>>> from ontology.records import NodeRecord
>>> with Spill() as spill:
...     spill.firsts([NodeRecord("Country", "GR", {"name": "Greece"})])
...     [n.properties for n in spill.firsts([NodeRecord("Country", "GR", {"name": "Hellas"})])]
[]
[{'name': 'Greece'}]
"""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType

from ontology.records import NodeRecord

__all__ = ["Spill", "sweep"]

_SCHEMA = """
CREATE TABLE firsts (key BLOB PRIMARY KEY, record BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE counted (key BLOB PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE digests (key BLOB PRIMARY KEY, digest BLOB NOT NULL) WITHOUT ROWID;
"""


def _node_key(node: NodeRecord) -> bytes:
    return repr((node.label, node.key)).encode("utf-8", "surrogatepass")


def _dumps(node: NodeRecord) -> bytes:
    return pickle.dumps(
        (node.label, node.key, dict(node.properties), dict(node.merge)), protocol=pickle.HIGHEST_PROTOCOL
    )


def _loads(data: bytes) -> NodeRecord:
    label, key, properties, merge = pickle.loads(data)  # noqa: S301 - our own scratch file
    return NodeRecord(label, key, properties, merge) if merge else NodeRecord(label, key, properties)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def sweep(folder: Path) -> list[Path]:
    """Remove the spill folders in `folder` of loads whose process is gone; return them."""
    gone = []
    for path in folder.glob("tn-spill-*-*"):
        pid = path.name.split("-")[2]
        if path.is_dir() and pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            gone.append(path)
    return gone


class Spill:
    """The temporary file of one streamed load (a context manager: deleted on exit)."""

    def __init__(self, folder: Path | None = None) -> None:
        sweep(Path(folder or tempfile.gettempdir()))
        self._dir = tempfile.TemporaryDirectory(prefix=f"tn-spill-{os.getpid()}-", dir=folder)
        self._db = sqlite3.connect(Path(self._dir.name) / "spill.sqlite", isolation_level=None)
        self._db.execute("PRAGMA journal_mode = OFF")  # scratch: a crash loses nothing of value
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("PRAGMA cache_size = -65536")
        self._db.executescript(_SCHEMA)

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._db.close()
        self._dir.cleanup()

    def _in(self, table: str, keys: Sequence[bytes], column: str = "key") -> list[tuple[bytes, ...]]:
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS asked (key BLOB PRIMARY KEY) WITHOUT ROWID")
        self._db.execute("BEGIN")  # one transaction, not one a row
        self._db.execute("DELETE FROM asked")
        self._db.executemany("INSERT OR IGNORE INTO asked VALUES (?)", ((k,) for k in sorted(keys)))
        self._db.execute("COMMIT")
        return self._db.execute(
            f"SELECT t.key, t.{column} FROM {table} t JOIN asked a ON a.key = t.key"  # noqa: S608 - constants
        ).fetchall()

    def firsts(self, nodes: Iterable[NodeRecord]) -> list[NodeRecord]:
        """The first records of earlier batches with the keys of `nodes`, in no order; the
        keys of `nodes` not seen before are remembered with their first record here."""
        batch: dict[bytes, NodeRecord] = {}
        for node in nodes:
            batch.setdefault(_node_key(node), node)
        found = self._in("firsts", list(batch), "record")
        self._db.execute("BEGIN")
        seen = {key for key, _ in found}
        self._db.executemany(
            "INSERT INTO firsts VALUES (?, ?)",
            ((k, _dumps(n)) for k, n in batch.items() if k not in seen),
        )
        self._db.execute("COMMIT")
        return [_loads(record) for _, record in found]

    def first_seen(self, keys: Iterable[bytes]) -> set[bytes]:
        """Which of the element `keys` no earlier batch counted (now counted)."""
        asked = list(dict.fromkeys(keys))
        before = {key for (key, _) in self._in("counted", asked)}
        new = [k for k in asked if k not in before]
        self._db.execute("BEGIN")
        self._db.executemany("INSERT INTO counted VALUES (?)", ((k,) for k in sorted(new)))
        self._db.execute("COMMIT")
        return set(new)

    def keep_digests(self, digests: Mapping[bytes, bytes]) -> None:
        """Remember the row digests of a written batch (a later batch's row for an element wins)."""
        self._db.execute("BEGIN")
        self._db.executemany("INSERT OR REPLACE INTO digests VALUES (?, ?)", sorted(digests.items()))
        self._db.execute("COMMIT")

    def digest_count(self) -> int:
        """Elements with a digest."""
        return int(self._db.execute("SELECT count(*) FROM digests").fetchone()[0])

    def digests(self) -> Iterator[tuple[bytes, bytes]]:
        """Every element's last digest, in key order."""
        yield from self._db.execute("SELECT key, digest FROM digests ORDER BY key")
