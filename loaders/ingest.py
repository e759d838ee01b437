"""Validate mapped records and write them to a store, atomically per mapping.

One call loads one mapping (its source files): read and map every row, collect every
bad value (`RecordError`: file, row, column, reason), check that every relationship
end exists (produced by this load or already stored), run the SHACL shapes on the
records, and only then upsert nodes and relationships in one atomic write.  When
anything is wrong nothing is written, unless ``skip_invalid`` is set, in which case
the bad rows are left out and the rest is loaded.  Loads are idempotent: the store
merges on the ontology's keys.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from graph.existing import existing_keys, existing_records
from graph.store import GraphStore
from loaders.errors import RecordError
from loaders.mapping import compile_mapping
from loaders.mapping.dangling import find_dangling
from loaders.mapping.run import MappedBatch
from ontology.convert import node_iri, relationship_iri
from ontology.derive import constrained_relationships, relationship_minimums
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema
from ontology.validation import validate
from ontology.vocab import PropertyName

__all__ = ["LoadJob", "LoadReport", "Shacl", "ingest", "ingest_many", "write_error_report"]


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


_LOCATION = re.compile(r"^(?P<file>.+):(?P<row>\d+)$")


@dataclass(slots=True)
class LoadReport:
    """The outcome of loading one mapping."""

    mapping: str
    files: list[str]
    rows: int = 0
    nodes: int = 0
    relationships: int = 0
    errors: list[RecordError] = field(default_factory=list)
    loaded: bool = False
    skipped_rows: int = 0
    shacl: str = "not run"
    seconds: float = 0.0
    #: seconds per phase: ``map`` (read + map), ``check`` (dangling ends, stored
    #: context, SHACL or minimums) and ``write``
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        """Throughput of the whole load."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (errors as file/row/column/reason)."""
        out = asdict(self)
        out["errors"] = [
            {"file": e.file, "row": e.row, "column": e.column, "reason": e.reason} for e in self.errors
        ]
        out["rows_per_second"] = round(self.rows_per_second, 1)
        return out


class _StoreLookup:
    """``exists(label, key)`` answered by the store: one batched query per label."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.known: dict[tuple[str, Any], bool] = {}

    def prefetch(
        self, relationships: Iterable[RelationshipRecord], produced: Iterable[NodeRecord] = ()
    ) -> None:
        """Ask the store once per label about every end key the load does not produce itself."""
        wanted: dict[str, set[Any]] = defaultdict(set)
        for rel in relationships:
            wanted[rel.start_label].add(rel.start_key)
            wanted[rel.end_label].add(rel.end_key)
        nodes = self.store.schema.nodes
        for node in produced:  # `find_dangling` never asks about these
            for label in nodes[node.label].labels if node.label in nodes else (node.label,):
                keys = wanted.get(label)
                if keys:
                    keys.discard(node.key)
        for label, keys in wanted.items():
            if not keys:
                continue
            if label in self.store.schema.nodes:
                found = existing_keys(self.store, label, keys)
                self.known.update(((label, k), k in found) for k in keys)

    def __call__(self, label: str, key: Any) -> bool:
        if (label, key) not in self.known:
            found = label in self.store.schema.nodes and key in existing_keys(self.store, label, [key])
            self.known[(label, key)] = found
        return self.known[(label, key)]


def _context(
    store: GraphStore,
    nodes: Sequence[NodeRecord],
    relationships: Sequence[RelationshipRecord],
    *,
    full: bool,
) -> tuple[list[NodeRecord], list[RelationshipRecord]]:
    """What the store holds around this load: the relationships its nodes' shapes count and,
    when `full` (for a SHACL run), every touched node's stored properties."""
    schema = store.schema
    checked = constrained_relationships()
    wanted = {n.label: checked.get(n.label, frozenset()) for n in nodes}
    keys: dict[str, set[Any]] = defaultdict(set)
    for node in nodes:
        if full or wanted.get(node.label):
            keys[node.label].add(node.key)
    if full:
        for rel in relationships:
            keys[rel.start_label].add(rel.start_key)
            keys[rel.end_label].add(rel.end_key)
    keys = {k: v for k, v in keys.items() if k in schema.nodes}
    return existing_records(store, keys, wanted, node_properties=full)


def _merged(
    schema: GraphSchema, old_nodes: Sequence[NodeRecord], nodes: Sequence[NodeRecord]
) -> list[NodeRecord]:
    """Stored nodes updated by this load's records, as the store will hold them.

    A file may complete nodes that another source created (a Chinese name for a centre
    named in English elsewhere), so shapes that count names must see the stored part.
    New values win, as they will in the store; sources are merged.
    """
    merged: dict[tuple[str, Any], NodeRecord] = {}
    for node in [*old_nodes, *nodes]:
        if node.label not in schema.nodes:
            merged[(node.label, node.key)] = node
            continue
        slot = (schema.node(node.label).key_label, node.key)
        before = merged.get(slot)
        if before is None:
            merged[slot] = node
            continue
        depth = len(schema.node(node.label).labels) >= len(schema.node(before.label).labels)
        label = node.label if depth else before.label
        sources = list(
            dict.fromkeys([*before.properties.get("sources", []), *node.properties.get("sources", [])])
        )
        merged[slot] = NodeRecord(
            label, node.key, {**before.properties, **node.properties, "sources": sources}
        )
    return list(merged.values())


def _place(sources: Iterable[str]) -> tuple[str, int]:
    for place in sources:
        match = _LOCATION.match(place)
        if match:
            return match["file"], int(match["row"])
    return "(records)", 0


def _minimum_errors(
    schema: GraphSchema,
    nodes: Sequence[NodeRecord],
    relationships: Sequence[RelationshipRecord],
    stored: Sequence[RelationshipRecord],
) -> list[RecordError]:
    """The shapes' relationship minimums, checked on every node of the load (stored ties count)."""
    minimums = relationship_minimums()
    counts: Counter[tuple[str, bool, str, Any]] = Counter()
    seen: set[tuple[Any, ...]] = set()
    for rel in [*stored, *relationships]:
        if rel.start_label not in schema.nodes or rel.end_label not in schema.nodes:
            continue
        start = (schema.node(rel.start_label).key_label, rel.start_key)
        end = (schema.node(rel.end_label).key_label, rel.end_key)
        if (rel.type, start, end) in seen:
            continue
        seen.add((rel.type, start, end))
        counts[(rel.type, True, *start)] += 1
        counts[(rel.type, False, *end)] += 1
    errors = []
    for node in nodes:
        if node.label not in schema.nodes:
            continue
        key_label = schema.node(node.label).key_label
        for rel_type, outgoing, minimum, message in minimums.get(node.label, ()):
            if counts[(rel_type, outgoing, key_label, node.key)] < minimum:
                file, row = _place(node.properties.get("sources", ()))
                column = rel_type if outgoing else f"^{rel_type}"
                errors.append(RecordError(file, row, column, f"{node.label} {node.key!r}: {message}"))
    return errors


def _slot(schema: GraphSchema, node: NodeRecord) -> tuple[str, Any]:
    """A node's identity in the store: its key label and key."""
    return schema.node(node.label).key_label, node.key


def _stored_properties(
    schema: GraphSchema, stored: Sequence[NodeRecord]
) -> dict[tuple[str, Any], Mapping[str, Any]]:
    return {_slot(schema, n): n.properties for n in stored if n.label in schema.nodes}


def _event_date_errors(
    schema: GraphSchema, nodes: Sequence[NodeRecord], stored: Sequence[NodeRecord]
) -> list[RecordError]:
    """``tn:EventDatesShape`` compiled: an event may not end before it starts.

    As the shape's SPARQL does, the end date is compared with the start date cut to the
    end date's precision (an event of 2019-05 ending in 2019 is fine); a date the load
    does not give is taken from the stored node.
    """
    start, end = PropertyName.START_DATE, PropertyName.END_DATE
    before = _stored_properties(schema, stored)
    errors = []
    for node in nodes:
        props = node.properties
        if (start not in props and end not in props) or node.label not in schema.nodes:
            continue
        old = before.get(_slot(schema, node), {})
        first, last = props.get(start, old.get(start)), props.get(end, old.get(end))
        if first is None or last is None:
            continue
        first, last = str(first), str(last)
        if last < first[: len(last)]:
            file, row = _place(props.get("sources", ()))
            reason = f"{node.label} {node.key!r}: The event ends ({last}) before it starts."
            errors.append(RecordError(file, row, end, reason))
    return errors


def _required(schema: GraphSchema, nodes: Sequence[NodeRecord]) -> dict[str, tuple[str, ...]]:
    """Required properties of each node label in `nodes` (the key travels beside the
    properties, and every record has one and its sources)."""
    out: dict[str, tuple[str, ...]] = {}
    for label in {n.label for n in nodes} & schema.nodes.keys():
        nt = schema.node(label)
        out[label] = tuple(p.name for p in nt.properties if p.required and p.name not in ("sources", nt.key))
    return out


def _missing_required(
    schema: GraphSchema, nodes: Sequence[NodeRecord]
) -> dict[tuple[str, Any], list[NodeRecord]]:
    """The records, by node, of the nodes the load leaves without a required property."""
    required = _required(schema, nodes)
    merged: dict[tuple[str, Any], dict[str, Any]] = {}
    records: dict[tuple[str, Any], list[NodeRecord]] = defaultdict(list)
    for node in nodes:
        if node.label in required:
            slot = _slot(schema, node)
            merged.setdefault(slot, {}).update(node.properties)  # rows of one key complete each other
            records[slot].append(node)
    return {
        slot: recs
        for slot, recs in records.items()
        if any(name not in merged[slot] for rec in recs for name in required[rec.label])
    }


def _incomplete(
    schema: GraphSchema, nodes: Sequence[NodeRecord], missing: Mapping[tuple[str, Any], list[NodeRecord]]
) -> dict[str, set[Any]]:
    """Keys (by label) of nodes whose checks need their stored part: a required property
    `missing` (a ``partial`` block completing a stored node) or only one of an event's dates."""
    start, end = PropertyName.START_DATE, PropertyName.END_DATE
    out: dict[str, set[Any]] = defaultdict(set)
    for records in missing.values():
        out[records[0].label].add(records[0].key)
    for node in nodes:
        if (start in node.properties) != (end in node.properties) and node.label in schema.nodes:
            out[node.label].add(node.key)
    return out


def _required_errors(
    schema: GraphSchema,
    missing: Mapping[tuple[str, Any], list[NodeRecord]],
    stored: Sequence[NodeRecord],
) -> list[RecordError]:
    """``sh:minCount 1`` on node properties, for the nodes the load leaves without one
    (`missing`, from `_missing_required`).

    A ``partial`` mapping block may leave out required properties when another source sets
    them; the node then passes only if the store gives them.
    """
    if not missing:
        return []
    required = _required(schema, [r for records in missing.values() for r in records])
    before = _stored_properties(schema, stored)
    errors = []
    for slot, records in missing.items():
        have = set(before.get(slot, {})).union(*(r.properties for r in records))
        for node in records:
            for name in required[node.label]:
                if name not in have:
                    file, row = _place(node.properties.get("sources", ()))
                    reason = (
                        f"{node.label} {node.key!r}: required property {name!r} is neither given here "
                        "nor stored"
                    )
                    errors.append(RecordError(file, row, name, reason))
    return errors


def _shacl_errors(
    store: GraphStore,
    nodes: Sequence[NodeRecord],
    relationships: Sequence[RelationshipRecord],
    old_nodes: Sequence[NodeRecord],
    old_rels: Sequence[RelationshipRecord],
) -> list[RecordError]:
    """SHACL violations of this load's records, judged together with the stored graph around them."""
    schema = store.schema
    all_nodes, all_rels = _merged(schema, old_nodes, nodes), [*old_rels, *relationships]
    ours = {str(node_iri(schema.node(n.label).key_label, n.key)) for n in nodes if n.label in schema.nodes}
    ours |= {str(relationship_iri(r, schema)) for r in relationships if r.type in schema.relationships}
    report = validate([*all_nodes, *all_rels], schema=schema, focus=ours)  # the stored part is context
    errors = []
    for violation in report.violations:
        if violation.constraint != "schema" and violation.focus_node not in ours:
            continue  # a problem of stored data that this load does not touch
        file, row = _place(violation.location)
        column = violation.path or "-"
        reason = f"{violation.subject}: {violation.message}"
        if violation.value is not None:
            reason += f" (value {violation.value!r})"
        errors.append(RecordError(file, row, column, reason))
    return errors


def _without_rows(
    batch: MappedBatch, bad: set[tuple[str, int | None]]
) -> tuple[list[NodeRecord], list[RelationshipRecord]]:
    def row_of(sources: Iterable[str]) -> tuple[str, int | None] | None:
        for place in sources:
            match = _LOCATION.match(place)
            if match:
                return match["file"], int(match["row"])
        return None

    nodes = [n for n in batch.nodes if row_of(n.properties.get("sources", ())) not in bad]
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
        Called with the number of rows mapped so far.

    Returns
    -------
    LoadReport
        ``loaded`` tells whether anything was written; ``errors`` lists every problem.
    """
    mapped = _map(store.schema, mapping, data_dir, provenance_root, progress)
    _check(store, mapped, shacl)
    return _write(store, mapped, skip_invalid=skip_invalid, batch_size=batch_size)


@dataclass(slots=True)
class _Mapped:
    """A mapping read and mapped, not yet checked against the store."""

    report: LoadReport
    batch: MappedBatch
    start: float


def _map(
    schema: GraphSchema,
    mapping: str | Path,
    data_dir: str | Path | None,
    provenance_root: str | Path | None,
    progress: Callable[[int], None] | None,
) -> _Mapped:
    """Read and map every row of a mapping's files (no store access)."""
    start = time.perf_counter()
    compiled = compile_mapping(mapping, schema, data_dir=data_dir, provenance_root=provenance_root)
    report = LoadReport(mapping=str(mapping), files=[str(f) for f in compiled.files()])
    batch = MappedBatch()
    for part in compiled.batches(batch_size=10_000):
        batch.extend(part)
        if progress is not None:
            progress(batch.rows)
    report.rows = batch.rows
    report.phases["map"] = time.perf_counter() - start
    return _Mapped(report, batch, start)


def _check(store: GraphStore, mapped: _Mapped, shacl: Shacl | str) -> None:
    """Check mapped records in the context of the store; the problems go to the report."""
    report, batch = mapped.report, mapped.batch
    mapped_at = time.perf_counter()
    errors = list(batch.errors)
    exists = _StoreLookup(store)
    exists.prefetch(batch.relationships, batch.nodes)
    bad_rows = {(e.file, e.row) for e in errors}
    dangling = find_dangling(batch.relationships, batch.origins, batch.nodes, exists, schema=store.schema)
    # a row whose node was refused also leaves its relationships dangling: report the cause only
    errors.extend(e for e in dangling if (e.file, e.row) not in bad_rows)
    full = Shacl(shacl) is Shacl.FULL
    old_nodes, old_rels = _context(store, batch.nodes, batch.relationships, full=full)
    missing = _missing_required(store.schema, batch.nodes)
    if not full:
        incomplete = _incomplete(store.schema, batch.nodes, missing)
        if incomplete:
            old_nodes = existing_records(store, incomplete, None, node_properties=True)[0]
    errors.extend(_minimum_errors(store.schema, batch.nodes, batch.relationships, old_rels))
    errors.extend(_required_errors(store.schema, missing, old_nodes))
    errors.extend(_event_date_errors(store.schema, batch.nodes, old_nodes))
    if full:
        errors.extend(_shacl_errors(store, batch.nodes, batch.relationships, old_nodes, old_rels))
    report.shacl = "compiled + pyshacl" if full else "compiled"
    unique = {(e.file, e.row, e.column, e.reason): e for e in errors}  # a cell can fail two blocks
    report.errors = sorted(unique.values(), key=lambda e: (e.file, e.row or 0, e.column))
    report.phases["check"] = time.perf_counter() - mapped_at


def _refused(mapped: _Mapped, skip_invalid: bool) -> bool:
    return bool(mapped.report.errors) and not skip_invalid


def _write(store: GraphStore, mapped: _Mapped, *, skip_invalid: bool, batch_size: int) -> LoadReport:
    """Write checked records atomically, or nothing when the check refused them."""
    report, batch, start = mapped.report, mapped.batch, mapped.start
    checked = time.perf_counter()
    if _refused(mapped, skip_invalid):
        report.seconds = checked - start
        return report
    bad = {(e.file, e.row) for e in report.errors}
    nodes, rels = _without_rows(batch, bad) if bad else (batch.nodes, batch.relationships)
    report.skipped_rows = len(bad)
    report.nodes, report.relationships = store.upsert(nodes, rels, batch_size=batch_size, atomic=True)
    report.loaded = True
    report.seconds = time.perf_counter() - start
    report.phases["write"] = time.perf_counter() - checked
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
) -> Iterator[LoadReport]:
    """Load mappings one after another, each as `ingest` does; stop after one is refused.

    While a mapping is written, the next one's files are read and mapped (no store
    access) in a worker thread: the store server works in its own process, so reading
    overlaps with writing instead of following it.  (Not with checking: both are Python
    work and would only take turns.)  Each mapping is still checked against the store as
    its predecessors left it, and written atomically on its own.  A report is yielded per
    mapping attempted.
    """

    def map_job(job: LoadJob) -> _Mapped:
        tick = None if progress is None else functools.partial(progress, job)
        return _map(store.schema, job.mapping, job.data_dir, job.provenance_root, tick)

    pending = iter(jobs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="map-next") as pool:
        job = next(pending, None)
        mapped = map_job(job) if job is not None else None
        while mapped is not None:
            _check(store, mapped, shacl)
            job = None if _refused(mapped, skip_invalid) else next(pending, None)
            upcoming = pool.submit(map_job, job) if job is not None else None
            report = _write(store, mapped, skip_invalid=skip_invalid, batch_size=batch_size)
            yield report
            mapped = upcoming.result() if upcoming is not None else None


def write_error_report(reports: Sequence[LoadReport], path: str | Path) -> Path:
    """Write every report (with all its errors) as JSON."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return target
