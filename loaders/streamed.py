"""Load one mapping in bounded memory: map, check and write it batch by batch, all or nothing.

`loaders.ingest` maps and checks a file whole before writing it, which needs memory for
every row (about 3 kB a row).  Files larger than ``stream_bytes`` (8 MB by default) go
through here instead, on stores that can hold one journal over many writes
(``journaled_writes``: the embedded store, `graph.backends.falkordb.store`):

* the file is mapped in batches of 10,000 rows; each batch is checked in the context of
  the graph as the earlier batches left it (they are written), then only what it changes
  is written, behind the load's one undo journal (each write batch's before-image on disk
  first: `graph.backends.falkordb.journal`);
* what a later row can still satisfy is deferred to the end of the file, for the few
  records it concerns: a relationship whose end no row so far made nor the store holds
  (written at the end if a later row made the end, else reported dangling), a node short
  of a relationship minimum or of a required property of a ``partial`` block (checked
  again at the end against the graph);
* rows giving one key two values are found with the first record of each key kept in a
  temporary file (`loaders.spill`), not in memory;
* when anything is wrong, the file is read to its end for the other problems, then every
  batch is rolled back: every problem (file, row, column, reason) is reported and nothing
  of the file is written; a process killed meanwhile leaves the journal, and the next
  writer rolls it back.

What stays in memory is one batch, the deferred records (none in a file whose rows
come in order) and the problems.  ``--skip-invalid``, ``--shacl full``, and mappings with
``resolve`` or ``existing_only`` blocks load whole as before.  The counts of created,
updated and unchanged nodes and relationships take each element at the first batch that
names it; an element that rows of two batches give different values (a repeated key
whose later row wins) is written again at each reload that maps the file, and counted
updated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.changes import Changes, changed_only
from graph.checks import (
    event_date_errors,
    incomplete,
    minimum_errors,
    missing_required,
    required_errors,
    source_row,
    store_context,
)
from graph.cypher.grouping import GroupedRecords, group_records
from graph.existing import existing_keys, existing_records
from graph.store import GraphStore
from loaders.digests import row_digests, without_held
from loaders.mapping import CompiledMapping
from loaders.mapping.dangling import dangling_errors, unproduced_ends
from loaders.mapping.run import Origin
from loaders.spill import Spill
from ontology.record_errors import RecordError
from ontology.records import NodeRecord, RelationshipRecord

__all__ = ["BATCH_ROWS", "STREAM_BYTES", "Streamed", "can_stream", "load_streamed", "streamable"]

#: Source files larger than this (bytes, all files of a mapping) are loaded in batches.
STREAM_BYTES = 8 << 20

#: Source rows mapped, checked and written together.
BATCH_ROWS = 10_000

#: ``changed(grouped) -> (rows to write, counts)``: `graph.changes.changed_only`, or the
#: ingest's version of it that asks the load manifest first.
Changed = Callable[[GroupedRecords], tuple[GroupedRecords, Changes]]
#: ``record(pairs, count, streamed)``, called once the load is written: every element's
#: last row digest, ``(element key, digest)`` in key order, read from the spill file.
Record = Callable[[Iterable[tuple[bytes, bytes]], int, "Streamed"], None]


def streamable(compiled: CompiledMapping, files: Sequence[Path], limit: int) -> bool:
    """Whether `compiled` loads in batches: its `files` are larger than `limit` bytes and it
    has no ``resolve`` or ``existing_only`` block (their rows depend on the whole file and
    the store).  The caller checks the rest: a store with ``journaled_writes``, and no
    ``skip_invalid`` or pyshacl, which need the whole file."""
    if any(block.resolve or block.existing_only for block in compiled.spec.nodes):
        return False
    return sum(path.stat().st_size for path in files) > limit


def can_stream(store: GraphStore) -> bool:
    """Whether `store` holds one journal over many writes (``journaled_writes``)."""
    return callable(getattr(store, "journaled_writes", None))


class _Refused(Exception):
    """The file has problems: every batch is rolled back."""


@dataclass(slots=True)
class Streamed:
    """What a streamed load did."""

    rows: int = 0
    #: node and relationship records written (duplicates included, as `LoadReport` counts)
    nodes: int = 0
    relationships: int = 0
    errors: list[RecordError] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    #: whether anything was written (the journal's write then counts once)
    wrote: bool = False


def _missing_ends(
    store: GraphStore, rels: Sequence[RelationshipRecord], nodes: Sequence[NodeRecord]
) -> set[Any]:
    """``(label, key)`` of the ends of `rels` neither in `nodes` nor stored."""
    schema = store.schema
    needed = unproduced_ends(rels, nodes, schema=schema)
    return {
        (label, key)
        for label, keys in needed.items()
        for key in (keys - existing_keys(store, label, keys) if label in schema.nodes else keys)
    }


def _shortfalls(
    store: GraphStore, nodes: Sequence[NodeRecord], rels: Sequence[RelationshipRecord]
) -> list[RecordError]:
    """Relationship minimums and required properties of `nodes`, in the stored graph's context."""
    schema = store.schema
    _, old_rels = store_context(store, nodes, rels, full=False)
    unfinished = missing_required(schema, nodes)
    partial = incomplete(schema, nodes, unfinished)
    old_nodes = existing_records(store, partial, None, node_properties=True)[0] if partial else []
    return [
        *minimum_errors(schema, nodes, rels, old_rels),
        *required_errors(schema, unfinished, old_nodes),
    ]


def _dates(store: GraphStore, nodes: Sequence[NodeRecord]) -> list[RecordError]:
    """Event date order of `nodes` with their stored part."""
    schema = store.schema
    partial = incomplete(schema, nodes, {})
    old_nodes = existing_records(store, partial, None, node_properties=True)[0] if partial else []
    return event_date_errors(schema, nodes, old_nodes)


class _Load:
    """The state of one streamed load between its batches."""

    def __init__(self, store: GraphStore, spill: Spill, changed: Changed, digest: bool) -> None:
        self.store, self.spill, self.changed, self.digest = store, spill, changed, digest
        self.out = Streamed()
        self.bad: set[tuple[str, int | None]] = set()
        self.later_rels: list[RelationshipRecord] = []
        self.later_origins: list[Origin] = []
        self.later_nodes: dict[tuple[str, Any], NodeRecord] = {}
        self.counts: Counter[str] = Counter()

    def batch(
        self,
        write: Callable[[GroupedRecords], None],
        nodes: list[NodeRecord],
        rels: list[RelationshipRecord],
        origins: list[Origin],
    ) -> None:
        """Check one batch's valid records in the graph's context and write what they change."""
        store, out = self.store, self.out
        missing = _missing_ends(store, rels, nodes)
        if missing:  # a later row may make them: kept for the end
            now = [
                (r, o)
                for r, o in zip(rels, origins, strict=True)
                if (r.start_label, r.start_key) not in missing and (r.end_label, r.end_key) not in missing
            ]
            for r, o in zip(rels, origins, strict=True):
                if (r.start_label, r.start_key) in missing or (r.end_label, r.end_key) in missing:
                    self.later_rels.append(r)
                    self.later_origins.append(o)
            rels = [r for r, _ in now]
        out.errors.extend(_dates(store, nodes))
        short = _shortfalls(store, nodes, rels)
        if short:  # a later row may complete them: checked again at the end
            rows = {(e.file, e.row) for e in short}
            for node in nodes:
                if source_row(node.properties.get("sources", ())) in rows:
                    self.later_nodes.setdefault((node.label, node.key), node)
        # written even when the file is refused already: the later rows are checked in the
        # context the whole file makes, and the journal rolls everything back at the end
        self.write(write, group_records(store.schema, nodes, rels))

    def write(self, write: Callable[[GroupedRecords], None], grouped: GroupedRecords) -> None:
        """Write what `grouped` changes; count its elements the first time a batch names them."""
        out, spill = self.out, self.spill
        out.nodes += grouped.node_records
        out.relationships += grouped.relationship_records
        digests = row_digests(grouped)  # its keys are the rows' element keys
        keys = list(digests)
        first = spill.first_seen(keys)
        fresh, _, _ = without_held(grouped, set(keys) - first)  # rows of elements counted before
        seen, _, _ = without_held(grouped, first)
        for part, counted in ((fresh, True), (seen, False)):
            if not part.rows:
                continue
            # an element an earlier batch named may have been written since the load began:
            # its later rows are compared with the graph as it is now, never with what the
            # load manifest says the graph held before the load
            written, changes = self.changed(part) if counted else changed_only(self.store, part)
            if counted:
                self.counts.update({k: getattr(changes, k) for k in Changes.__dataclass_fields__})
            if written.rows:
                write(written)
                out.wrote = True
        if self.digest:
            spill.keep_digests(digests)

    def finish(self, write: Callable[[GroupedRecords], None]) -> None:
        """The deferred checks, against the graph with every batch written."""
        store, out = self.store, self.out
        if self.later_rels:
            missing = _missing_ends(store, self.later_rels, [])
            dangling = dangling_errors(self.later_rels, self.later_origins, missing)
            # a row whose node was refused also leaves its relationships dangling: its cause is reported
            out.errors.extend(e for e in dangling if (e.file, e.row) not in self.bad)
            if not dangling:
                self.write(write, group_records(store.schema, [], self.later_rels))
        if self.later_nodes:
            out.errors.extend(_shortfalls(store, list(self.later_nodes.values()), []))


def load_streamed(
    store: GraphStore,
    compiled: CompiledMapping,
    changed: Changed,
    *,
    batch_size: int = 5000,
    record: Record | None = None,
    progress: Callable[[int], None] | None = None,
) -> Streamed:
    """Load `compiled` batch by batch behind one journal, all or nothing (module docstring).

    Parameters
    ----------
    store : GraphStore
        An open store with ``journaled_writes``.
    compiled : CompiledMapping
        The mapping to load.
    changed : callable
        What of a batch's grouped records changes the store (see `Changed`).
    batch_size : int
        Rows per write query.
    record : callable, optional
        Given the rows' digests once the load is written (see `Record`): the load manifest.
    progress : callable, optional
        Called with the rows mapped so far.

    Returns
    -------
    Streamed
        Its ``errors`` are every problem of the file; when there are any, nothing was written.
    """
    journaled = getattr(store, "journaled_writes")  # noqa: B009 - not part of the GraphStore protocol
    with Spill() as spill:
        load = _Load(store, spill, changed, record is not None)
        out = load.out
        try:
            with journaled(batch_size=batch_size) as write:
                for part in compiled.batches(batch_size=BATCH_ROWS):
                    out.rows += part.rows
                    earlier = spill.firsts(part.nodes)
                    problems = [*part.errors, *compiled.conflicting_keys([*earlier, *part.nodes])]
                    out.errors.extend(problems)
                    load.bad.update((e.file, e.row) for e in problems)
                    load.batch(write, part.nodes, part.relationships, part.origins)
                    if progress is not None:
                        progress(out.rows)
                load.finish(write)
                if out.errors:
                    raise _Refused
        except _Refused:
            out.wrote = False
            unique = {(e.file, e.row, e.column, e.reason): e for e in out.errors}
            out.errors = sorted(unique.values(), key=lambda e: (e.file, e.row or 0, e.column or "", e.reason))
            return out
        out.changes = Changes(**load.counts)
        if record is not None:
            record(spill.digests(), spill.digest_count(), out)
        return out
