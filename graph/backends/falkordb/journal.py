"""All or nothing for a large write without copying the graph: an undo journal.

A write too large for one query (``atomic_single_query_max``) used to be made in a
``GRAPH.COPY`` of the whole graph, swapped in at the end: a 60k-row file into a graph of
ten million elements paid for the ten million.  Now it is written into the graph itself,
after its **undo journal** is on disk:

* before the first batch, the store reads what the write will touch — which of its
  nodes exist (their labels and properties) and, for relationships between nodes that
  both exist, every relationship of that type between them (their properties) — and
  writes that to ``journal/<owner>.json`` (a temporary file, ``fsync``, ``rename``):
  a journal on disk is complete;
* the batches are written;
* on success the journal is deleted; on a failure it is **rolled back** (`rollback`):
  the relationships between nodes that existed are put back as they were, the nodes
  that existed get their labels and properties back, the nodes the write created are
  deleted with their relationships; then the journal is deleted.

A process killed mid-way leaves its journal; the next process that opens the store for
writing rolls it back, under the write lock, before anything else (`recover`).  A
rollback is idempotent: a process killed during one leaves the journal, and the next
rollback finishes it.  Its cost is that of the file: the rows it names, not the graph.

What the journal does not give that the copy gave: readers of the database during the
write see it half made (the API's projection does not: it is rebuilt when the write's
counter moves, at the end).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.backends.falkordb.procs import pid_alive, proc_start_time
from graph.cypher.grouping import NodeGroup, RelGroup, chunks
from graph.cypher.identifiers import ident, labels_clause
from ontology.schema import GraphSchema

__all__ = ["JOURNAL_DIR", "Journal", "capture", "dedupe_pairs", "journals", "recover", "rollback", "write"]

JOURNAL_DIR = "journal"
#: Rows per capture or rollback query.
_BATCH = 5000

#: ``run(cypher, params, read_only) -> rows`` (plain values), on the store's graph.
Run = Callable[[str, Mapping[str, Any], bool], list[list[Any]]]


@dataclass(slots=True)
class Journal:
    """What one write will change, as it was before (see the module docstring).

    ``nodes``: per node label, ``[key, labels or None, properties or None]`` (``None``: the
    write creates it).  ``relationships``: per ``"TYPE|start label|end label"``,
    ``[start key, end key, [properties of each such relationship before]]``.
    """

    graph: str
    nodes: dict[str, list[list[Any]]] = field(default_factory=dict)
    relationships: dict[str, list[list[Any]]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The journal as written to disk."""
        return {"graph": self.graph, "nodes": self.nodes, "relationships": self.relationships}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Journal:
        """Read back `to_json`."""
        return cls(str(data["graph"]), dict(data["nodes"]), dict(data["relationships"]))


def _owner_name() -> str:
    pid = os.getpid()
    return f"{pid}-{proc_start_time(pid)}.json"


def write(store_dir: Path, journal: Journal) -> Path:
    """Put `journal` on disk, complete or not at all; return its path."""
    folder = store_dir / JOURNAL_DIR
    folder.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(journal.to_json(), fh, ensure_ascii=False, default=str)
        fh.flush()
        os.fsync(fh.fileno())
    path = folder / _owner_name()
    os.replace(tmp, path)
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return path


def capture(
    schema: GraphSchema,
    graph: str,
    run: Run,
    ngroups: Mapping[str, NodeGroup],
    rgroups: Mapping[tuple[str, str, str], RelGroup],
    existing: Mapping[str, Iterable[Any]],
) -> Journal:
    """Read what the write of `ngroups` and `rgroups` will change.

    `existing` gives, by end label, the keys of relationship ends stored before the write
    (`graph.backends.falkordb.ends.end_ids`): only relationships between two of them can
    exist already; the others go with the created node that ends them.
    """
    journal = Journal(graph)
    for label, group in ngroups.items():
        nt = group.node_type
        cypher = (
            f"UNWIND $keys AS k MATCH (n{labels_clause([nt.key_label])} {{{ident(nt.key)}: k}}) "
            "RETURN k, labels(n), properties(n)"
        )
        keys = list(group.rows)
        found: dict[Any, list[Any]] = {}
        for batch in chunks(keys, _BATCH):
            for k, labels, props in run(cypher, {"keys": list(batch)}, True):
                found[k] = [k, list(labels), dict(props)]
        journal.nodes[label] = [found.get(k, [k, None, None]) for k in keys]
    for (rel_type, start, end), rg in rgroups.items():
        starts, ends = set(existing.get(start, ())), set(existing.get(end, ()))
        pairs = dedupe_pairs(
            (r["s"], r["e"]) for r in rg.rows.values() if r["s"] in starts and r["e"] in ends
        )
        if not pairs:
            continue
        cypher = (
            f"UNWIND $pairs AS p MATCH (a{labels_clause([start])} {{{ident(rg.start.key)}: p[0]}}) "
            f"MATCH (b{labels_clause([end])} {{{ident(rg.end.key)}: p[1]}}) "
            f"OPTIONAL MATCH (a)-[x{labels_clause([rel_type])}]->(b) "
            "RETURN p[0], p[1], collect(properties(x))"
        )
        rows: list[list[Any]] = []
        for batch in chunks(pairs, _BATCH):
            rows.extend([s, e, list(before)] for s, e, before in run(cypher, {"pairs": list(batch)}, True))
        journal.relationships[f"{rel_type}|{start}|{end}"] = rows
    return journal


def dedupe_pairs(pairs: Iterable[tuple[Any, Any]]) -> list[list[Any]]:
    """Distinct ``[start, end]`` pairs in their first order.

    >>> dedupe_pairs([(1, 2), (1, 2), (2, 1)])
    [[1, 2], [2, 1]]
    """
    return [list(p) for p in dict.fromkeys(pairs)]


def rollback(schema: GraphSchema, journal: Journal, run: Run) -> None:
    """Put back what `journal` recorded (idempotent: run it again after an interruption)."""
    for name, rows in journal.relationships.items():
        rel_type, start, end = name.split("|")
        start_key, end_key = schema.node(start).key, schema.node(end).key
        rt = labels_clause([schema.relationship(rel_type).type])
        delete = (
            f"UNWIND $rows AS r MATCH (a{labels_clause([start])} {{{ident(start_key)}: r[0]}}) "
            f"MATCH (b{labels_clause([end])} {{{ident(end_key)}: r[1]}}) "
            f"MATCH (a)-[x{rt}]->(b) DELETE x"
        )
        create = (
            f"UNWIND $rows AS r MATCH (a{labels_clause([start])} {{{ident(start_key)}: r[0]}}) "
            f"MATCH (b{labels_clause([end])} {{{ident(end_key)}: r[1]}}) "
            f"UNWIND r[2] AS p CREATE (a)-[y{rt}]->(b) SET y = p"
        )
        for batch in chunks(rows, _BATCH):
            run(delete, {"rows": list(batch)}, False)
            run(create, {"rows": [r for r in batch if r[2]]}, False)
    for label, rows in journal.nodes.items():
        nt = schema.node(label)
        match = f"MATCH (n{labels_clause([nt.key_label])} {{{ident(nt.key)}: r[0]}})"
        before = [r for r in rows if r[1] is not None]
        created = [r[0] for r in rows if r[1] is None]
        added = [x for x in nt.labels if x != nt.key_label]
        for batch in chunks(before, _BATCH):
            run(f"UNWIND $rows AS r {match} SET n = r[2]", {"rows": list(batch)}, False)
            for extra in added:  # labels the write may have added; put back those it had
                remove = f"WHERE NOT {_quote(extra)} IN r[1] REMOVE n{labels_clause([extra])}"
                run(f"UNWIND $rows AS r {match} {remove}", {"rows": list(batch)}, False)
        key_match = f"MATCH (n{labels_clause([nt.key_label])} {{{ident(nt.key)}: k}})"
        delete = f"UNWIND $keys AS k {key_match} DETACH DELETE n"
        for batch in chunks(created, _BATCH):
            run(delete, {"keys": list(batch)}, False)


def _quote(label: str) -> str:
    """A checked label as a Cypher string literal (labels are schema names: no quotes inside)."""
    if "'" in label or "\\" in label:
        raise ValueError(f"unexpected label {label!r}")
    return f"'{label}'"


def journals(store_dir: Path) -> list[Path]:
    """Journals on disk, complete ones only."""
    folder = store_dir / JOURNAL_DIR
    return sorted(folder.glob("*.json")) if folder.exists() else []


def _owner_alive(path: Path) -> bool:
    pid, _, start = path.stem.partition("-")
    try:
        return pid_alive(int(pid), start) and int(pid) != os.getpid()
    except ValueError:
        return False


def recover(store_dir: Path, schema: GraphSchema, graph: str, run: Run) -> int:
    """Roll back the journals of dead writers of `graph` (call under the write lock); return how many."""
    done = 0
    for path in journals(store_dir):
        if _owner_alive(path):
            continue
        try:
            journal = Journal.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not ours to judge; left for a person (it is named in the store's folder)
        if journal.graph != graph:
            continue
        rollback(schema, journal, run)
        with contextlib.suppress(OSError):
            path.unlink()
        done += 1
    for tmp in (store_dir / JOURNAL_DIR).glob(".*.tmp") if (store_dir / JOURNAL_DIR).exists() else ():
        with contextlib.suppress(OSError):
            tmp.unlink()  # incomplete: nothing was written after it
    return done
