"""Validate mapped records and write them to a store, atomically per mapping.

One call loads one mapping (its source files): read and map every row, collect every
bad value (`RecordError`: file, row, column, reason), check that every relationship
end exists (produced by this load or already stored), run the SHACL shapes on the
records, and only then upsert nodes and relationships in one atomic write.  When
anything is wrong nothing is written, unless ``skip_invalid`` is set, in which case
the bad rows are left out and the rest is loaded.  Loads are idempotent: the store
merges on the ontology's keys.

Only what would change the store is written (`graph.changes.changed_only`), and an
unchanged reload costs little more than reading its files (`loaders.manifest`): a mapping
whose inputs (`loaders.digests.source_fingerprint`) are those of its last load, whose
rows every element still holds, is reported unchanged without being mapped; otherwise
the rows the manifest knows the store holds are left out of the comparison with the
graph, which looks up only the others.  Files larger than ``stream_bytes`` load in
batches, in bounded memory, still all or nothing (`loaders.streamed`).
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from graph.analytics.runs import LoadProblem, LoadSummary
from graph.changes import Changes, changed_only
from graph.checks import (
    event_date_errors,
    incomplete,
    minimum_errors,
    missing_required,
    required_errors,
    shacl_errors,
    source_row,
    store_context,
)
from graph.cypher.grouping import GroupedRecords, group_records
from graph.existing import existing_keys, existing_records
from graph.gcpause import paused_gc
from graph.store import GraphStore
from loaders.digests import row_digests, source_fingerprint, without_held
from loaders.manifest import LoadManifest, SourceEntry, StoreState, manifest_for, store_state
from loaders.mapping import CompiledMapping, compile_mapping
from loaders.mapping.dangling import dangling_errors, unproduced_ends
from loaders.mapping.run import MappedBatch
from loaders.readahead import ReadAhead
from loaders.resolve import ResolutionReport, resolve_batch
from loaders.streamed import STREAM_BYTES, Streamed, can_stream, load_streamed, streamable
from ontology.record_errors import RecordError
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema, SchemaError

__all__ = ["LoadJob", "LoadReport", "Shacl", "ingest", "ingest_many"]


class Shacl(StrEnum):
    """How a load checks its records against the SHACL shapes.

    ``compiled`` (the default) checks every constraint of ``ontology/data/shapes.ttl`` on
    every record, compiled from the shapes: datatypes, patterns, allowed values, counts,
    ranges and dates not in the future in the mapping's value checks (from the derived
    `GraphSchema`); relationship minimums and event date order here; unique keys by
    construction (a node's IRI and store identity are its key).  ``tests/loaders/
    test_compiled_shapes.py`` fails when the shapes gain a constraint that is not
    compiled, and checks the compiled verdicts against pyshacl's.
    ``full`` also runs pyshacl on the records inside the stored graph around them: the
    reference implementation, about a thousand records a second.
    """

    COMPILED = "compiled"
    FULL = "full"


@dataclass(slots=True)
class LoadReport:
    """The outcome of loading one mapping."""

    mapping: str
    files: list[str]
    rows: int = 0
    #: node and relationship records mapped (duplicates included; see `changes`)
    nodes: int = 0
    relationships: int = 0
    errors: list[RecordError] = field(default_factory=list)
    loaded: bool = False
    skipped_rows: int = 0
    #: rows of ``existing_only`` blocks whose node did not exist (not written, not an error)
    not_existing: int = 0
    #: nodes (per node type) and relationships the write created, updated and left as they were
    #: (`graph.changes.changed_only`: only the created and updated ones are written)
    changes: Changes = field(default_factory=Changes)
    shacl: str = "not run"
    #: time spent on this mapping (its phases; not the time it waited, read ahead, for
    #: the mappings before it to be written)
    seconds: float = 0.0
    #: seconds per phase: ``map`` (read, map, group for the store), ``check`` (dangling
    #: ends, stored context, SHACL or minimums) and ``write`` (with the manifest's record;
    #: a file loaded in batches, `loaders.streamed`, counts its batches there)
    phases: dict[str, float] = field(default_factory=dict)
    #: what the mapping's ``resolve`` blocks linked to stored institutions, and the rows
    #: listed for review (`loaders.resolve`)
    resolution: ResolutionReport = field(default_factory=ResolutionReport)

    @property
    def rows_per_second(self) -> float:
        """Throughput of the whole load."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> LoadSummary:
        """The typed summary the data directory's last-load record keeps (`graph.analytics.runs`)."""
        return LoadSummary(
            mapping=self.mapping,
            files=tuple(self.files),
            rows=self.rows,
            nodes=self.nodes,
            relationships=self.relationships,
            loaded=self.loaded,
            shacl=self.shacl,
            seconds=round(self.seconds, 3),
            rows_per_second=round(self.rows_per_second, 1),
            skipped_rows=self.skipped_rows,
            phases=dict(self.phases),
            errors=tuple(LoadProblem(e.file, e.row, e.column, e.reason) for e in self.errors),
            changes=self.changes,
        )


def _without_rows(
    batch: MappedBatch, bad: set[tuple[str, int | None]]
) -> tuple[list[NodeRecord], list[RelationshipRecord]]:
    nodes = [n for n in batch.nodes if source_row(n.properties.get("sources", ())) not in bad]
    rels = [r for r, o in zip(batch.relationships, batch.origins, strict=True) if (o.file, o.row) not in bad]
    return nodes, rels


def ingest(
    store: GraphStore,
    mapping: str | Path,
    *,
    data_dir: str | Path | None = None,
    provenance_root: str | Path | None = None,
    skip_invalid: bool = False,
    shacl: Shacl | str = Shacl.COMPILED,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
    stream_bytes: int = STREAM_BYTES,
) -> LoadReport:
    """Load the source files of one mapping into `store`.

    Parameters
    ----------
    store : GraphStore
        An open store.
    mapping : path
        The mapping YAML (see ``docs/mapping.md``).
    data_dir, provenance_root : path, optional
        Where the mapping's source paths are resolved, and what ``sources`` are
        written relative to.
    skip_invalid : bool
        Load the valid rows of a file that has bad rows (default: load nothing).
    shacl : Shacl or str
        ``"compiled"``: every shape constraint, compiled (fast); ``"full"``: pyshacl too
        (see `Shacl`).
    progress : callable, optional
        Called with the number of rows mapped so far (0 when reading starts).
    stream_bytes : int
        Source files larger than this load in batches, in bounded memory
        (`loaders.streamed`), on a store that can.

    Returns
    -------
    LoadReport
        ``loaded`` tells whether anything was written; ``errors`` lists every problem.
    """
    manifest = manifest_for(store)
    limit = _stream_limit(store, stream_bytes, skip_invalid=skip_invalid, shacl=shacl)
    with paused_gc():  # see `ingest_many`
        mapped = _map(store.schema, mapping, data_dir, provenance_root, progress, manifest, limit)
        return _load(store, mapped, manifest, shacl=shacl, skip_invalid=skip_invalid, batch_size=batch_size)


def _stream_limit(
    store: GraphStore, stream_bytes: int, *, skip_invalid: bool, shacl: Shacl | str
) -> int | None:
    """The size above which files load in batches, or None when they cannot."""
    if skip_invalid or Shacl(shacl) is Shacl.FULL or not can_stream(store):
        return None
    return stream_bytes


def _load(
    store: GraphStore,
    mapped: _Mapped,
    manifest: LoadManifest | None,
    *,
    shacl: Shacl | str,
    skip_invalid: bool,
    batch_size: int,
) -> LoadReport:
    """Check and write one mapped mapping (mapping it first when it was only a candidate for
    being unchanged and is not), then record it in the manifest."""
    mapped.state = store_state(store) if manifest is not None else None
    if mapped.unmapped is not None:
        if _unchanged(manifest, mapped):
            return mapped.report
        if mapped.stream:
            return _stream(store, mapped, manifest, batch_size)
        _map_rows(mapped, mapped.unmapped, None, digest=True)
    _resolve(store, mapped)
    _check(store, mapped, shacl, manifest)
    report = _write(store, mapped, skip_invalid=skip_invalid, batch_size=batch_size)
    if report.loaded and manifest is not None:
        _record(store, manifest, mapped)
    return report


@dataclass(slots=True)
class _Mapped:
    """A mapping read and mapped, not yet checked against the store."""

    report: LoadReport
    batch: MappedBatch
    #: the records grouped for the store's write (None when the mapping found errors, or
    #: the grouping raised: the write groups them itself then, and reports the problem)
    grouped: GroupedRecords | None = None
    #: what of `grouped` the write would change (`graph.changes.changed_only`), when known
    changed: tuple[GroupedRecords, Changes] | None = None
    #: the mapping's name in the manifest, and the fingerprint of its inputs (None when its
    #: rows depend on the stored graph: ``resolve`` or ``existing_only`` blocks)
    source: str = ""
    fingerprint: bytes | None = None
    #: the compiled mapping, not mapped yet: the manifest says its inputs are those of its
    #: last load (`_unchanged` decides when its turn comes), or it loads in batches
    unmapped: CompiledMapping | None = None
    #: it loads in batches when its turn comes (`loaders.streamed`)
    stream: bool = False
    #: the store as the load compared with it, and what was written (for the manifest)
    state: StoreState | None = None
    #: `loaders.digests.row_digests` of the grouped records they were computed for (in the
    #: read-ahead thread when the store has a manifest)
    digests: tuple[GroupedRecords, dict[bytes, bytes]] | None = None
    grouped_written: GroupedRecords | None = None
    wrote: bool = False


def _map(
    schema: GraphSchema,
    mapping: str | Path,
    data_dir: str | Path | None,
    provenance_root: str | Path | None,
    progress: Callable[[int], None] | None,
    manifest: LoadManifest | None = None,
    stream_limit: int | None = None,
) -> _Mapped:
    """Read and map every row of a mapping's files, and group the records for the write
    (no store access); or, when the manifest has its inputs' fingerprint, only compile it
    (`_unchanged` decides at its turn)."""
    start = time.perf_counter()
    compiled = compile_mapping(mapping, schema, data_dir=data_dir, provenance_root=provenance_root)
    files = compiled.files()
    report = LoadReport(mapping=str(mapping), files=[str(f) for f in files])
    mapped = _Mapped(report, MappedBatch())
    context = [str(Path(mapping).resolve()), str(compiled.data_dir), str(compiled.provenance_root)]
    mapped.source = "|".join(context)
    if manifest is not None and not any(b.resolve or b.existing_only for b in compiled.spec.nodes):
        mapped.fingerprint = source_fingerprint(compiled.spec.model_dump_json(), files, context)
        if manifest.recorded(mapped.source, mapped.fingerprint):
            mapped.unmapped = compiled
    if stream_limit is not None and streamable(compiled, files, stream_limit):
        mapped.unmapped, mapped.stream = compiled, True
    if mapped.unmapped is not None:
        report.phases["map"] = time.perf_counter() - start
        return mapped
    report.phases["map"] = time.perf_counter() - start
    _map_rows(mapped, compiled, progress, digest=manifest is not None)
    return mapped


def _map_rows(
    mapped: _Mapped, compiled: CompiledMapping, progress: Callable[[int], None] | None, *, digest: bool
) -> None:
    """Map every row of `compiled` into `mapped`, group the records and, with `digest`,
    digest the rows (no store access)."""
    start = time.perf_counter()
    mapped.unmapped = None
    report, batch = mapped.report, mapped.batch
    if progress is not None:
        progress(0)  # reading starts
    for part in compiled.batches(batch_size=10_000):
        batch.extend(part)
        if progress is not None:
            progress(batch.rows)
    batch.errors.extend(compiled.conflicting_keys(batch.nodes))  # one key, two values in a file
    batch.errors.extend(compiled.conflicting_keys(batch.existing_only))
    report.rows = batch.rows
    if not batch.errors:
        with contextlib.suppress(SchemaError):
            mapped.grouped = group_records(compiled.schema, batch.nodes, batch.relationships)
    if digest and mapped.grouped is not None:
        mapped.digests = (mapped.grouped, row_digests(mapped.grouped))
    report.phases["map"] = report.phases.get("map", 0.0) + time.perf_counter() - start


def _unchanged(manifest: LoadManifest | None, mapped: _Mapped) -> bool:
    """Report `mapped` unchanged without mapping it when the manifest says every element
    of its last load still holds its row (`loaders.manifest.LoadManifest.intact`)."""
    started = time.perf_counter()
    report = mapped.report
    entry = None
    if manifest is not None and mapped.state is not None and mapped.fingerprint is not None:
        entry = manifest.intact(mapped.source, mapped.fingerprint, mapped.state)
    report.phases["check"] = time.perf_counter() - started
    if entry is None:
        return False
    report.rows, report.nodes, report.relationships = entry.rows, entry.nodes, entry.relationships
    report.changes = entry.unchanged()
    report.shacl = "nothing to check: the files are as last loaded and the store holds every record"
    report.loaded = True
    report.phases["write"] = 0.0
    report.seconds = sum(report.phases.values())
    return True


def _stream(store: GraphStore, mapped: _Mapped, manifest: LoadManifest | None, batch_size: int) -> LoadReport:
    """Load `mapped` in batches (`loaders.streamed`) and record it in the manifest."""
    started = time.perf_counter()
    report, compiled = mapped.report, mapped.unmapped
    assert compiled is not None
    mapped.unmapped = None

    def changed(grouped: GroupedRecords) -> tuple[GroupedRecords, Changes]:
        return _changed(store, mapped, grouped, manifest)

    def record(pairs: Iterable[tuple[bytes, bytes]], count: int, done: Streamed) -> None:
        after = store_state(store)
        if manifest is None or mapped.state is None or after is None:
            return
        c = done.changes
        entry = SourceEntry(
            mapped.fingerprint,
            done.rows,
            done.nodes,
            done.relationships,
            c.nodes_created + c.nodes_updated + c.nodes_unchanged,
            c.relationships_created + c.relationships_updated + c.relationships_unchanged,
        )
        # one journaled write, counted once even when it wrote nothing
        manifest.record(
            before=mapped.state,
            after=after,
            wrote=True,
            name=mapped.source,
            digests=pairs,
            entry=entry,
            members=count,
        )

    done = load_streamed(
        store, compiled, changed, batch_size=batch_size, record=None if manifest is None else record
    )
    report.rows, report.nodes, report.relationships = done.rows, done.nodes, done.relationships
    report.errors, report.changes, report.loaded = done.errors, done.changes, not done.errors
    report.shacl = "compiled (in batches)"
    report.phases["write"] = time.perf_counter() - started
    report.seconds = sum(report.phases.values())
    return report


def _record(store: GraphStore, manifest: LoadManifest, mapped: _Mapped) -> None:
    """Record what the store now holds of `mapped` (`loaders.manifest.LoadManifest.record`)."""
    started = time.perf_counter()
    report, grouped = mapped.report, mapped.grouped_written
    after = store_state(store)
    if grouped is None or mapped.state is None or after is None:
        return
    c = report.changes
    entry = SourceEntry(
        None if report.errors else mapped.fingerprint,
        report.rows,
        report.nodes,
        report.relationships,
        c.nodes_created + c.nodes_updated + c.nodes_unchanged,
        c.relationships_created + c.relationships_updated + c.relationships_unchanged,
    )
    manifest.record(
        before=mapped.state,
        after=after,
        wrote=mapped.wrote,
        name=mapped.source,
        digests=_digests(mapped, grouped),
        entry=entry,
    )
    report.phases["write"] = report.phases.get("write", 0.0) + time.perf_counter() - started
    report.seconds = sum(report.phases.values())


def _resolve(store: GraphStore, mapped: _Mapped) -> None:
    """Link the rows of ``resolve`` blocks to the stored institutions they name
    (`loaders.resolve`), and group the records again when some were linked."""
    if not mapped.batch.resolvable:
        return
    started = time.perf_counter()
    mapped.report.resolution = resolve_batch(store, mapped.batch)
    if mapped.report.resolution.linked and not mapped.batch.errors:
        with contextlib.suppress(SchemaError):
            mapped.grouped = group_records(store.schema, mapped.batch.nodes, mapped.batch.relationships)
    mapped.report.phases["resolve"] = time.perf_counter() - started


def _digests(mapped: _Mapped, grouped: GroupedRecords) -> dict[bytes, bytes]:
    """The row digests of `grouped` (computed once)."""
    if mapped.digests is None or mapped.digests[0] is not grouped:
        mapped.digests = (grouped, row_digests(grouped))
    return mapped.digests[1]


def _changed(
    store: GraphStore, mapped: _Mapped, grouped: GroupedRecords, manifest: LoadManifest | None
) -> tuple[GroupedRecords, Changes]:
    """`graph.changes.changed_only`, without looking up the rows the manifest says the
    store holds (counted unchanged)."""
    held: set[bytes] = set()
    if manifest is not None and mapped.state is not None and manifest.valid(mapped.state):
        held = manifest.held(_digests(mapped, grouped), mapped.state)
    rest, n_held, r_held = without_held(grouped, held)
    written, changes = changed_only(store, rest)
    if n_held or r_held:
        changes = replace(
            changes,
            nodes_unchanged=changes.nodes_unchanged + n_held,
            relationships_unchanged=changes.relationships_unchanged + r_held,
        )
    return written, changes


def _check(
    store: GraphStore, mapped: _Mapped, shacl: Shacl | str, manifest: LoadManifest | None = None
) -> None:
    """Check mapped records in the context of the store; the problems go to the report."""
    report, batch = mapped.report, mapped.batch
    mapped_at = time.perf_counter()
    schema = store.schema
    if batch.existing_only:
        _keep_existing(store, mapped)
    if mapped.grouped is not None and not batch.errors:
        mapped.changed = _changed(store, mapped, mapped.grouped, manifest)
        if not mapped.changed[1].writes:
            # nothing would be written, so nothing can make the graph break a shape: the
            # stored nodes and relationships were checked when they were written
            report.shacl = f"{Shacl(shacl).value} (nothing to check: the store holds every record)"
            report.phases["check"] = time.perf_counter() - mapped_at
            return
    errors = list(batch.errors)
    needed = unproduced_ends(batch.relationships, batch.nodes, schema=schema)
    missing = {
        (label, key)
        for label, keys in needed.items()
        for key in (keys - existing_keys(store, label, keys) if label in schema.nodes else keys)
    }
    bad_rows = {(e.file, e.row) for e in errors}
    dangling = dangling_errors(batch.relationships, batch.origins, missing)
    # a row whose node was refused also leaves its relationships dangling: report the cause only
    errors.extend(e for e in dangling if (e.file, e.row) not in bad_rows)
    full = Shacl(shacl) is Shacl.FULL
    old_nodes, old_rels = store_context(store, batch.nodes, batch.relationships, full=full)
    unfinished = missing_required(schema, batch.nodes)
    if not full:
        partial = incomplete(schema, batch.nodes, unfinished)
        if partial:
            old_nodes = existing_records(store, partial, None, node_properties=True)[0]
    errors.extend(minimum_errors(schema, batch.nodes, batch.relationships, old_rels))
    errors.extend(required_errors(schema, unfinished, old_nodes))
    errors.extend(event_date_errors(schema, batch.nodes, old_nodes))
    if full:
        errors.extend(shacl_errors(store, batch.nodes, batch.relationships, old_nodes, old_rels))
    report.shacl = "compiled + pyshacl" if full else "compiled"
    unique = {(e.file, e.row, e.column, e.reason): e for e in errors}  # a cell can fail two blocks
    # errors that name no column (None) first on their row: None and str do not compare
    report.errors = sorted(unique.values(), key=lambda e: (e.file, e.row or 0, e.column or "", e.reason))
    report.phases["check"] = time.perf_counter() - mapped_at


def _keep_existing(store: GraphStore, mapped: _Mapped) -> None:
    """Move the ``existing_only`` records whose node exists (stored, or made by this load)
    into the nodes to write; count the others in ``not_existing``."""
    schema, batch = store.schema, mapped.batch
    produced = {(schema.node(n.label).key_label, n.key) for n in batch.nodes if n.label in schema.nodes}
    asked: dict[str, set[object]] = {}
    for node in batch.existing_only:
        if node.label in schema.nodes and (schema.node(node.label).key_label, node.key) not in produced:
            asked.setdefault(node.label, set()).add(node.key)
    stored = {label: existing_keys(store, label, keys) for label, keys in asked.items()}
    kept = [
        n
        for n in batch.existing_only
        if n.label in schema.nodes
        and ((schema.node(n.label).key_label, n.key) in produced or n.key in stored.get(n.label, ()))
    ]
    mapped.report.not_existing = len(batch.existing_only) - len(kept)
    batch.nodes.extend(kept)
    batch.existing_only = []
    if kept and not batch.errors:
        with contextlib.suppress(SchemaError):
            mapped.grouped = group_records(schema, batch.nodes, batch.relationships)


def _write(store: GraphStore, mapped: _Mapped, *, skip_invalid: bool, batch_size: int) -> LoadReport:
    """Write checked records atomically, or nothing when the check refused them."""
    report, batch = mapped.report, mapped.batch
    checked = time.perf_counter()
    if report.errors and not skip_invalid:
        report.seconds = sum(report.phases.values())
        return report
    bad = {(e.file, e.row) for e in report.errors}
    report.skipped_rows = len(bad)
    grouped, changed = mapped.grouped, mapped.changed
    if grouped is None or bad:
        nodes, rels = _without_rows(batch, bad) if bad else (batch.nodes, batch.relationships)
        grouped = group_records(store.schema, nodes, rels)  # a SchemaError names the record
        changed = None
    report.nodes, report.relationships = grouped.node_records, grouped.relationship_records
    written, report.changes = changed if changed is not None else changed_only(store, grouped)
    mapped.grouped_written = grouped
    if written.rows:  # an unchanged reload writes nothing (and copies no graph)
        mapped.wrote = True
        store.upsert_grouped(written, batch_size=batch_size, atomic=True)
    report.loaded = True
    report.phases["write"] = time.perf_counter() - checked
    report.seconds = sum(report.phases.values())
    return report


@dataclass(frozen=True, slots=True)
class LoadJob:
    """One mapping to load: its YAML, where its sources are, what provenance is relative to."""

    mapping: Path
    data_dir: Path | None = None
    provenance_root: Path | None = None


def ingest_many(
    store: GraphStore,
    jobs: Iterable[LoadJob],
    *,
    skip_invalid: bool = False,
    shacl: Shacl | str = Shacl.COMPILED,
    batch_size: int = 5000,
    progress: Callable[[LoadJob, int], None] | None = None,
    read_ahead: int = 500_000,
    stream_bytes: int = STREAM_BYTES,
) -> Iterator[LoadReport]:
    """Load mappings one after another, each as `ingest` does; stop after one is refused.

    While a mapping is checked and written, the next ones' files are read, mapped and
    grouped for the write (no store access) in a worker thread, up to `read_ahead` rows
    ahead (a `ReadAhead`): the store server works in its own process, so preparing the
    next files overlaps with writing instead of following it, and a big file is ready
    when the small ones before it are written.  Each mapping is still checked against
    the store as its predecessors left it, and written atomically on its own; nothing
    after a refused mapping is written.  A report is yielded per mapping attempted.

    Python's cyclic garbage collector is paused meanwhile: a load allocates millions of
    records, dicts and lists (none in cycles; reference counting frees them), and each
    burst of allocations made the collector traverse all of them again.  On the
    generator's 1M-relationship output it took a third of the Python time (25.6 s of
    CPU with the collector, 16.7 s without).

    Parameters
    ----------
    store : GraphStore
        An open store.
    jobs : iterable of LoadJob
        The mappings, in load order (a mapping may need the nodes of the ones before).
    skip_invalid, shacl, batch_size
        As for `ingest`.
    progress : callable, optional
        ``progress(job, rows)`` while a job is mapped (from the worker thread).
    read_ahead : int
        Rows that may wait mapped ahead of the write (memory: about 1 kB a row,
        mapped and grouped).
    stream_bytes : int
        As for `ingest`: larger files are not read ahead, but loaded in batches at their turn.

    Yields
    ------
    LoadReport
        One per mapping attempted; the last one is refused when a mapping is.
    """

    manifest = manifest_for(store)
    limit = _stream_limit(store, stream_bytes, skip_invalid=skip_invalid, shacl=shacl)

    def map_job(job: LoadJob) -> _Mapped:
        tick = None if progress is None else functools.partial(progress, job)
        return _map(store.schema, job.mapping, job.data_dir, job.provenance_root, tick, manifest, limit)

    def rows(mapped: _Mapped) -> int:
        return mapped.report.rows

    ahead = ReadAhead(jobs, map_job, weight=rows, budget=read_ahead, name="map-ahead")
    with paused_gc(), ahead:
        for mapped in ahead:
            report = _load(
                store, mapped, manifest, shacl=shacl, skip_invalid=skip_invalid, batch_size=batch_size
            )
            ahead.done(mapped)
            yield report
            if not report.loaded:
                return
