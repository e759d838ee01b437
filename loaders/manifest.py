"""The load manifest: what the loads wrote, beside the store, so a reload can tell what changed.

A SQLite file in the embedded store's folder (``load-manifest.sqlite``) holds

* ``elements``: per element key (`loaders.digests.row_digests`), the digest of the last
  row a load wrote to that element or found it already holding — the store holds that
  row (writing it again changes nothing) — and which load recorded it (its source and
  that source's generation);
* ``sources``: per mapping (its name: mapping, data and provenance folders), the
  fingerprint of its inputs when last loaded (`loaders.digests.source_fingerprint`), its
  counts, its generation (one more at each load) and how many elements it recorded: when
  as many elements still name it and its generation, no later load wrote to any of them;
* ``meta``: the store's write counter (``version()``) and its node and relationship
  counts when that was true.

**Consistency with the graph.**  The manifest is trusted only while the store's write
counter and counts are the ones it names: every write of the store, from any process,
moves the counter (`graph.backends.falkordb.connection.FalkorDBConnection.version`), so a
write that is not a recorded load (an API edit, an analysis write-back, a deletion, a
rolled-back load) makes the manifest stale, and the next load compares its rows with the
graph itself, as without a manifest, then records them anew.  A load records after its
write is complete (its journal deleted); one killed before recording leaves the manifest
naming the counter before its write, hence stale; one killed during its write is rolled
back to the graph the manifest describes, counter unchanged.  A load that finds the
counter moved by more than its own write (another process wrote meanwhile) leaves the
manifest stale.  What it does not survive: the operating system losing the last second
of the server's append-only file (``appendfsync everysec``) while keeping the manifest,
and then exactly as many writes making the same counts; ``appendfsync always`` closes it.

Stores without a write counter (Neo4j) have no manifest (`manifest_for` returns None): a
reload compares its rows with the graph.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.changes import Changes
from graph.store import GraphStore

__all__ = ["FILE", "LoadManifest", "SourceEntry", "StoreState", "manifest_for", "store_state"]

FILE = "load-manifest.sqlite"
#: ``PRAGMA user_version`` of the tables below; a file of another layout is started afresh
_LAYOUT = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS elements (
    key BLOB PRIMARY KEY, digest BLOB NOT NULL, source INTEGER NOT NULL, generation INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, fingerprint BLOB, generation INTEGER NOT NULL,
    members INTEGER NOT NULL, rows INTEGER NOT NULL, nodes INTEGER NOT NULL, relationships INTEGER NOT NULL,
    node_rows INTEGER NOT NULL, relationship_rows INTEGER NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class StoreState:
    """What the manifest is checked against: the store's write counter and counts."""

    version: int
    nodes: int
    relationships: int


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One mapping as last loaded: its fingerprint and what its load counted."""

    fingerprint: bytes | None
    rows: int
    nodes: int
    relationships: int
    #: distinct node rows (per node type) and relationship rows: its ``unchanged`` counts
    node_rows: int
    relationship_rows: int

    def unchanged(self) -> Changes:
        """The counts of a reload that changes nothing."""
        return Changes(nodes_unchanged=self.node_rows, relationships_unchanged=self.relationship_rows)


class LoadManifest:
    """The manifest file of one store (see the module docstring); one connection per call,
    so threads and processes can use it at once (SQLite locks the file)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
        try:
            db.execute("PRAGMA synchronous = NORMAL")  # a lost last record only makes it stale
            db.execute("PRAGMA cache_size = -65536")
            if db.execute("PRAGMA user_version").fetchone()[0] != _LAYOUT:
                for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                    db.execute(f'DROP TABLE IF EXISTS "{table}"')
                db.execute(f"PRAGMA user_version = {_LAYOUT}")
            db.executescript(_SCHEMA)
            yield db
        finally:
            db.close()

    @staticmethod
    def _valid(db: sqlite3.Connection, state: StoreState) -> bool:
        meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
        return (meta.get("version"), meta.get("nodes"), meta.get("relationships")) == (
            state.version,
            state.nodes,
            state.relationships,
        )

    def recorded(self, name: str, fingerprint: bytes) -> bool:
        """Whether source `name` was last loaded from inputs with this fingerprint (a hint
        read without the store: `intact` decides)."""
        if not self.path.exists():
            return False
        with self._db() as db:
            row = db.execute("SELECT fingerprint FROM sources WHERE name = ?", (name,)).fetchone()
            return row is not None and row[0] == fingerprint

    def valid(self, state: StoreState) -> bool:
        """Whether the manifest describes the store in `state`."""
        with self._db() as db:
            return self._valid(db, state)

    def intact(self, name: str, fingerprint: bytes, state: StoreState) -> SourceEntry | None:
        """The entry of source `name` when a reload of it would change nothing: the manifest
        is valid, the source's inputs are the ones last loaded, and each of its elements
        still holds the row it wrote (no later load wrote another row to it)."""
        with self._db() as db:
            if not self._valid(db, state):
                return None
            row = db.execute(
                "SELECT id, fingerprint, generation, members, rows, nodes, relationships, node_rows,"
                " relationship_rows FROM sources WHERE name = ?",
                (name,),
            ).fetchone()
            if row is None or row[1] != fingerprint:
                return None
            # a scan, not an index: an index on every element cost more at each record
            (held,) = db.execute(
                "SELECT count(*) FROM elements WHERE source = ? AND generation = ?", (row[0], row[2])
            ).fetchone()
            return SourceEntry(row[1], *row[4:]) if held == row[3] else None

    def held(self, digests: Mapping[bytes, bytes], state: StoreState) -> set[bytes]:
        """The element keys of `digests` whose element holds that row (empty when stale)."""
        with self._db() as db:
            if not self._valid(db, state) or not digests:
                return set()
            db.execute("CREATE TEMP TABLE asked (key BLOB PRIMARY KEY, digest BLOB) WITHOUT ROWID")
            db.execute("BEGIN")  # one transaction, not one a row
            db.executemany("INSERT OR REPLACE INTO asked VALUES (?, ?)", sorted(digests.items()))
            db.execute("COMMIT")
            rows = db.execute(
                "SELECT a.key FROM asked a JOIN elements e ON e.key = a.key AND e.digest = a.digest"
            ).fetchall()
            return {key for (key,) in rows}

    def record(
        self,
        *,
        before: StoreState,
        after: StoreState,
        wrote: bool,
        name: str,
        digests: Mapping[bytes, bytes] | Iterable[tuple[bytes, bytes]],
        entry: SourceEntry,
        members: int | None = None,
    ) -> bool:
        """Record a load: after it, the store holds every row of `digests` (a mapping, or
        ``(element key, digest)`` pairs in key order with their number, `members`).

        `before` is the store as the load compared its rows with it, `after` as it is now;
        the load made one write (`wrote`) or none.  When the counter moved otherwise,
        another process wrote meanwhile: the manifest is left stale (returns False).  When
        the manifest did not describe `before`, it is emptied first (what it held may no
        longer be true) and starts again with this load.
        """
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                if not self._valid(db, before):
                    for table in ("elements", "sources", "meta"):
                        db.execute(f"DELETE FROM {table}")  # noqa: S608 - constant names
                if after.version != before.version + (1 if wrote else 0):
                    db.execute("DELETE FROM meta")
                    db.execute("COMMIT")
                    return False
                db.execute(
                    "INSERT INTO sources (name, fingerprint, generation, members, rows, nodes, relationships,"
                    " node_rows, relationship_rows) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO"
                    " UPDATE SET fingerprint = excluded.fingerprint, generation = generation + 1,"
                    " members = excluded.members, rows = excluded.rows, nodes = excluded.nodes,"
                    " relationships = excluded.relationships, node_rows = excluded.node_rows,"
                    " relationship_rows = excluded.relationship_rows",
                    (
                        name,
                        entry.fingerprint,
                        len(digests) if isinstance(digests, Mapping) else members,
                        entry.rows,
                        entry.nodes,
                        entry.relationships,
                        entry.node_rows,
                        entry.relationship_rows,
                    ),
                )
                pairs = sorted(digests.items()) if isinstance(digests, Mapping) else digests
                source, generation = db.execute(
                    "SELECT id, generation FROM sources WHERE name = ?", (name,)
                ).fetchone()
                db.executemany(  # in key order: the B-tree fills along, three times faster
                    "INSERT OR REPLACE INTO elements VALUES (?, ?, ?, ?)",
                    ((k, d, source, generation) for k, d in pairs),
                )
                meta: dict[str, Any] = {
                    "version": after.version,
                    "nodes": after.nodes,
                    "relationships": after.relationships,
                }
                db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return True


def _count(store: GraphStore, cypher: str) -> int:
    rows = store.query(cypher, read_only=True)
    return int(next(iter(rows[0].values()))) if rows else 0


def store_state(store: GraphStore) -> StoreState | None:
    """The store's write counter and counts (None for a store without a counter)."""
    version = getattr(store, "version", None)
    if not callable(version):
        return None
    return StoreState(
        int(version()),
        _count(store, "MATCH (n) RETURN count(n) AS c"),
        _count(store, "MATCH ()-[r]->() RETURN count(r) AS c"),
    )


def manifest_for(store: GraphStore) -> LoadManifest | None:
    """The manifest of an embedded store (in its folder), or None for a store that has no
    folder or no write counter (Neo4j)."""
    folder = getattr(store, "store_dir", None)
    if not isinstance(folder, Path) or not callable(getattr(store, "version", None)):
        return None
    return LoadManifest(folder / FILE)
