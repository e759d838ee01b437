"""All or nothing for a large write without copying the graph: an undo journal.

A write too large for one query (``atomic_single_query_max``) used to be made in a
``GRAPH.COPY`` of the whole graph, swapped in at the end: a 60k-row file into a graph of
ten million elements paid for the ten million.  Now it is written into the graph itself,
after its **undo journal** is on disk:

* the journal ``journal/<owner>.json`` is created naming the graph (a temporary file,
  ``fsync``, ``rename``: it exists complete or not at all);
* before each batch, the store reads what that batch will touch — which of its nodes
  exist (their labels and properties) and, for relationships between nodes that both
  existed before the write, every relationship of that type between them (their
  properties) — and **appends** that record to the journal as one line, ``fsync``'d;
  then the batch is written.  A batch is never written before its record is on disk,
  so what the journal holds always covers what the graph has of the write, and the
  memory a write needs for its journal is one batch's, whatever its size;
* on success the journal is deleted; on a failure it is **rolled back** (`rollback_all`):
  the records from the last to the first, each putting back what it recorded — the
  relationships between nodes that existed, the labels and properties of the nodes that
  existed, deleting the nodes the batch created with their relationships; then the
  journal is deleted.  A torn last line (a process killed while appending it) names a
  batch that was not written: it is ignored.

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

__all__ = [
    "JOURNAL_DIR",
    "Journal",
    "append",
    "capture",
    "create",
    "dedupe_pairs",
    "journals",
    "read",
    "recover",
    "rollback",
    "rollback_all",
    "write",
]

JOURNAL_DIR = "journal"
#: Rows per capture or rollback query.
_BATCH = 5000

#: ``run(cypher, params, read_only) -> rows`` (plain values), on the store's graph.
Run = Callable[[str, Mapping[str, Any], bool], list[list[Any]]]


@dataclass(slots=True)
class Journal:
    """What one write (or one batch of it) will change, as it was before (see the module
    docstring).

    ``nodes``: per node label, ``[key, labels or None, properties or None]`` (``None``: the
    write creates it).  ``relationships``: per ``"TYPE|start label|end label"``,
    ``[start key, end key, [properties of each such relationship before]]``.
    """

    graph: str
    nodes: dict[str, list[list[Any]]] = field(default_factory=dict)
    relationships: dict[str, list[list[Any]]] = field(default_factory=dict)


def _owner_name() -> str:
    pid = os.getpid()
    return f"{pid}-{proc_start_time(pid)}.json"


def _fsync_dir(folder: Path) -> None:
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def create(store_dir: Path, graph: str) -> Path:
    """Put an empty journal of `graph` on disk, complete or not at all; return its path."""
    folder = store_dir / JOURNAL_DIR
    folder.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"graph": graph}) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    path = folder / _owner_name()
    os.replace(tmp, path)
    _fsync_dir(folder)
    return path


def append(path: Path, journal: Journal) -> None:
    """Append one batch's record to the journal at `path`, on disk before this returns."""
    line = json.dumps({"nodes": journal.nodes, "relationships": journal.relationships}, default=str)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")  # JSON escapes the newlines inside strings: one record, one line
        fh.flush()
        os.fsync(fh.fileno())


def write(store_dir: Path, journal: Journal) -> Path:
    """A journal holding one record, `journal` (`create` then `append`)."""
    path = create(store_dir, journal.graph)
    append(path, journal)
    return path


def read(path: Path) -> list[Journal]:
    """The records of the journal at `path`, in the order they were appended (a torn last
    line, whose batch was never written, left out).

    Raises ValueError for a file that is not a journal.
    """
    lines = path.read_text(encoding="utf-8").split("\n")
    graph = str(json.loads(lines[0])["graph"])
    records: list[Journal] = []
    for line in lines[1:]:
        if not line:
            continue
        try:
            data = json.loads(line)
        except ValueError:
            break  # torn: the process died while appending it, before writing its batch
        records.append(Journal(graph, dict(data["nodes"]), dict(data["relationships"])))
    if not records:
        records.append(Journal(graph))
    return records


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


def rollback_all(schema: GraphSchema, records: list[Journal], run: Run) -> None:
    """`rollback` every record of a journal, the last batch first (each puts back the
    state before its batch, so the first batch's record has the last word)."""
    for record in reversed(records):
        rollback(schema, record, run)


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
            records = read(path)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            continue  # not ours to judge; left for a person (it is named in the store's folder)
        if records[0].graph != graph:
            continue
        rollback_all(schema, records, run)
        with contextlib.suppress(OSError):
            path.unlink()
        done += 1
    for tmp in (store_dir / JOURNAL_DIR).glob(".*.tmp") if (store_dir / JOURNAL_DIR).exists() else ():
        with contextlib.suppress(OSError):
            tmp.unlink()  # incomplete: nothing was written after it
    return done
