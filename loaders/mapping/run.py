"""Running a compiled mapping over source files: `compile_mapping`, `apply_mapping`, batches."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from loaders.errors import MappingError, ReaderError
from loaders.mapping.check import check_mapping, find_prop, key_converter
from loaders.mapping.duplicates import conflicting_keys
from loaders.mapping.values import (
    EMPTY,
    CellError,
    CompiledValue,
    cell_text,
    compile_condition,
    compile_value,
    condition_columns,
    empty_column,
    parse_template,
)
from loaders.mapping_model import MappingSpec, NodeBlock, RelationshipBlock, ValueSpec, load_mapping
from loaders.readers import EXTRA_CELLS, SourceRecord, detect_format, read
from ontology.record_errors import RecordError
from ontology.records import MergePolicy, NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema, PropertySpec
from ontology.values import converter_for, parse_date
from ontology.vocab import NodeLabel

__all__ = ["CompiledMapping", "MappedBatch", "Origin", "Resolvable", "apply_mapping", "compile_mapping"]

_TABULAR = frozenset({"csv", "tsv", "xlsx"})


class Origin(NamedTuple):
    """Where a relationship came from: the row and the columns holding its end keys."""

    file: str
    row: int
    start_column: str | None
    end_column: str | None


class Resolvable(NamedTuple):
    """A node of a ``resolve`` block (one of `MappedBatch.nodes`) with what resolves it."""

    node: NodeRecord
    countries: tuple[str, ...]
    link: float
    review: float
    file: str
    row: int


@dataclass(slots=True)
class MappedBatch:
    """Records and errors produced from a run of source rows."""

    nodes: list[NodeRecord] = field(default_factory=list)
    relationships: list[RelationshipRecord] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)  # parallel to `relationships`
    errors: list[RecordError] = field(default_factory=list)
    rows: int = 0
    #: nodes of ``existing_only`` blocks: written only where the node exists (`loaders.ingest`)
    existing_only: list[NodeRecord] = field(default_factory=list)
    #: nodes of ``resolve`` blocks, to resolve against the store (`loaders.resolve`)
    resolvable: list[Resolvable] = field(default_factory=list)

    def extend(self, other: MappedBatch) -> None:
        """Append the contents of `other`."""
        self.nodes.extend(other.nodes)
        self.existing_only.extend(other.existing_only)
        self.resolvable.extend(other.resolvable)
        self.relationships.extend(other.relationships)
        self.origins.extend(other.origins)
        self.errors.extend(other.errors)
        self.rows += other.rows


# --------------------------------------------------------------------------- compiled blocks


@dataclass(slots=True)
class _NodeBlock:
    label: str
    key: CompiledValue
    props: list[tuple[str, Callable[[dict[str, Any]], Any], bool, str | None]]
    when: list[Callable[[dict[str, Any]], bool]]
    once: bool
    for_each: tuple[str, str] | None = None
    seen: set[Any] = field(default_factory=set)
    existing_only: bool = False
    merge: Mapping[str, MergePolicy] = field(default_factory=dict)
    #: ``resolve``: the compiled country value (or None) and the link and review thresholds
    resolve: tuple[CompiledValue | None, float, float] | None = None


@dataclass(slots=True)
class _RelBlock:
    type: str
    start_label: str
    start: CompiledValue
    start_optional: bool
    end_label: str
    end: CompiledValue
    end_optional: bool
    props: list[tuple[str, Callable[[dict[str, Any]], Any], bool, str | None]]
    when: list[Callable[[dict[str, Any]], bool]]
    for_each: tuple[str, str] | None = None


def _compile_props(
    mapped: dict[str, ValueSpec],
    props: Sequence[PropertySpec],
    nulls: frozenset[str],
    owner: str,
    partial: bool = False,
) -> list[tuple[str, Callable[[dict[str, Any]], Any], bool, str | None]]:
    """Getters of the mapped properties; in a `partial` block an empty required cell is
    left to the store (the check against the stored node reports it if the node lacks it)."""
    out = []
    for name, value in mapped.items():
        prop = find_prop(props, name)
        nul = frozenset(value.null_values) if value.null_values is not None else nulls
        conv = converter_for(prop, value.datatype, owner)
        compiled = compile_value(value, conv, nul, bool(prop and prop.multiple))
        out.append((name, compiled.get, bool(prop and prop.required) and not partial, compiled.label))
    return out


def _value_columns(value: ValueSpec) -> tuple[str, ...]:
    if value.column is not None:
        return (value.column,)
    if value.template is not None:
        return tuple(f for is_field, f in parse_template(value.template) if is_field)
    return ()


def _spec_columns(spec: MappingSpec) -> list[str]:
    columns: list[str] = list(spec.provenance.source_columns)
    blocks: list[NodeBlock | RelationshipBlock] = [*spec.nodes, *spec.relationships]
    for block in blocks:
        columns.extend(condition_columns(block.when))
        if block.for_each is not None:
            columns.append(block.for_each.column)
        values = list(block.properties.values())
        if isinstance(block, NodeBlock):
            values.append(block.key)
            if block.resolve is not None and block.resolve.country is not None:
                values.append(block.resolve.country)
        else:
            values.extend((block.start.key, block.end.key))
        for value in values:
            columns.extend(_value_columns(value))
    return list(dict.fromkeys(columns))


def _provenance_label(path: Path, root: Path) -> str:
    """`path` relative to `root` in POSIX form (``shared/data/x/centers.csv``), else absolute."""
    try:
        return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return path.resolve().as_posix()


class CompiledMapping:
    """A mapping checked against a schema, ready to run.

    Use `compile_mapping` to build one.  `batches` streams the configured source
    files; `map_records` maps any iterable of `SourceRecord` (for callers that read
    themselves); `apply` collects everything into one `MappedBatch`.
    """

    def __init__(
        self, spec: MappingSpec, schema: GraphSchema, *, data_dir: Path, provenance_root: Path
    ) -> None:
        self.spec = spec
        self.schema = schema
        self.data_dir = data_dir
        self.provenance_root = provenance_root
        self.columns = _spec_columns(spec)
        nulls = frozenset(spec.source.null_values)
        self._nulls = nulls
        self._nodes: list[_NodeBlock] = []
        for block in spec.nodes:
            node = schema.nodes[block.label]
            key_nulls = frozenset(block.key.null_values) if block.key.null_values is not None else nulls
            key = compile_value(block.key, key_converter(node, block.key), key_nulls, False, is_key=True)
            self._nodes.append(
                _NodeBlock(
                    label=block.label,
                    key=key,
                    props=_compile_props(
                        block.properties,
                        node.properties,
                        nulls,
                        block.label,
                        block.partial or block.existing_only,
                    ),
                    when=[compile_condition(c) for c in block.when],
                    once=block.once,
                    existing_only=block.existing_only,
                    merge=dict(block.merge),
                    for_each=(block.for_each.column, block.for_each.separator) if block.for_each else None,
                    resolve=self._compile_resolve(block, nulls),
                )
            )
        self._rels: list[_RelBlock] = []
        for rblock in spec.relationships:
            rel = schema.relationships[rblock.type]
            ends = []
            for end in (rblock.start, rblock.end):
                node = schema.nodes[end.label]
                end_nulls = frozenset(end.key.null_values) if end.key.null_values is not None else nulls
                conv = key_converter(node, end.key)
                ends.append(compile_value(end.key, conv, end_nulls, False, is_key=True))
            self._rels.append(
                _RelBlock(
                    type=rblock.type,
                    start_label=rblock.start.label,
                    start=ends[0],
                    start_optional=rblock.start.optional,
                    end_label=rblock.end.label,
                    end=ends[1],
                    end_optional=rblock.end.optional,
                    props=_compile_props(rblock.properties, rel.properties, nulls, rblock.type),
                    when=[compile_condition(c) for c in rblock.when],
                    for_each=(rblock.for_each.column, rblock.for_each.separator) if rblock.for_each else None,
                )
            )
        prov = spec.provenance
        self._row_reference = prov.row_reference
        self._separator = prov.separator
        self._source_columns = tuple(prov.source_columns)
        self._const_sources = tuple(prov.sources)
        self._const_prov: dict[str, Any] = {"synthetic": prov.synthetic}
        if prov.retrieved is not None:
            self._const_prov["retrieved"] = parse_date(prov.retrieved)
        if prov.seed is not None:
            self._const_prov["seed"] = prov.seed

    def _compile_resolve(
        self, block: NodeBlock, nulls: frozenset[str]
    ) -> tuple[CompiledValue | None, float, float] | None:
        spec = block.resolve
        if spec is None:
            return None
        if NodeLabel.INSTITUTION not in self.schema.node(block.label).labels:
            raise MappingError(f"{self.spec.file}: resolve applies to institutions, not {block.label}")
        country = None
        if spec.country is not None:
            node = self.schema.node(NodeLabel.COUNTRY)
            country = compile_value(
                spec.country, key_converter(node, spec.country), nulls, False, is_key=True
            )
        return country, spec.link, spec.review

    # ------------------------------------------------------------------ files

    @property
    def format(self) -> str:
        """The source format (given or detected from the first path)."""
        return self.spec.source.format or detect_format(self.spec.source.paths[0])

    def files(self) -> list[Path]:
        """The source files, globs expanded (sorted); `MappingError` if one is missing."""
        out: list[Path] = []
        missing: list[str] = []
        for pattern in self.spec.source.paths:
            if any(ch in pattern for ch in "*?["):
                found = sorted(self.data_dir.glob(pattern))
                if not found:
                    where = self.spec.where("source", "path")
                    missing.append(f"{where}: no file matches {pattern!r} in {self.data_dir}")
                out.extend(found)
            else:
                path = self.data_dir / pattern
                if not path.is_file():
                    missing.append(f"{self.spec.where('source', 'path')}: source file not found: {path}")
                out.append(path)
        if missing:
            raise MappingError(missing)
        return out

    # ------------------------------------------------------------------ running

    def batches(self, batch_size: int = 10_000) -> Iterator[MappedBatch]:
        """Read every source file and yield mapped batches of at most `batch_size` rows."""
        self._reset()
        for path in self.files():
            label = _provenance_label(path, self.provenance_root)
            records = read(path, self.spec.source.format, name=label, **self.spec.source.options)
            yield from self._map_file(records, label, batch_size)

    def apply(self) -> MappedBatch:
        """Map every source file and return all records and errors in one batch."""
        total = MappedBatch()
        for batch in self.batches(batch_size=1 << 30):
            total.extend(batch)
        total.errors.extend(self.conflicting_keys(total.nodes))
        total.errors.extend(self.conflicting_keys(total.existing_only))
        return total

    def conflicting_keys(self, nodes: Iterable[NodeRecord]) -> list[RecordError]:
        """Rows of one file that give one node key different values (see `conflicting_keys`).

        Batches cannot tell (they hold a few rows each): call this on every node mapped.
        """
        columns: dict[str, str] = {}
        for nb in self._nodes:
            for name, _, _, column in nb.props:
                if column is not None:
                    columns.setdefault(name, column)
        return conflicting_keys(nodes, columns)

    def map_records(
        self, records: Iterable[SourceRecord], file: str, *, batch_size: int = 10_000
    ) -> Iterator[MappedBatch]:
        """Map `records` (all from the file called `file`), yielding batches.

        A `ReaderError` raised while reading becomes a `RecordError` and ends the file.
        """
        self._reset()
        return self._map_file(records, file, batch_size)

    def _reset(self) -> None:
        for nb in self._nodes:
            nb.seen.clear()

    def _map_file(self, records: Iterable[SourceRecord], file: str, batch_size: int) -> Iterator[MappedBatch]:
        batch = MappedBatch()
        map_row = self._map_row
        iterator = iter(records)
        first = True
        try:
            for record in iterator:
                if first:
                    first = False
                    if self.format in _TABULAR and not self._check_columns(record, file, batch):
                        break
                map_row(record, batch)
                batch.rows += 1
                if batch.rows >= batch_size:
                    yield batch
                    batch = MappedBatch()
        except ReaderError as exc:
            batch.errors.append(RecordError(file, exc.row, None, exc.reason))
        if batch.rows or batch.errors or batch.nodes or batch.existing_only:
            yield batch

    def _check_columns(self, record: SourceRecord, file: str, batch: MappedBatch) -> bool:
        have = record.values.keys()
        missing = [c for c in self.columns if c not in have]
        for column in missing:
            reason = f"source has no column {column!r} (columns: {', '.join(have)})"
            batch.errors.append(RecordError(file, None, column, reason))
        return not missing

    def _sources(self, record: SourceRecord) -> list[str]:
        loc = record.location
        sources = []
        if self._row_reference:
            sources.append(f"{loc.file}:{loc.row}" if loc.sheet is None else str(loc))
        separator = self._separator
        nulls = self._nulls
        for column in self._source_columns:
            raw = record.values.get(column)
            if raw is None:
                continue
            if raw.__class__ is str:
                items = raw.split(separator) if separator else [raw]
            else:
                items = raw if isinstance(raw, list) else [raw]
            for item in items:
                text = cell_text(item)
                if text not in nulls and text not in sources:
                    sources.append(text)
        for text in self._const_sources:
            if text not in sources:
                sources.append(text)
        return sources

    def _props(
        self,
        props: list[tuple[str, Callable[[dict[str, Any]], Any], bool, str | None]],
        values: dict[str, Any],
        record: SourceRecord,
        errors: list[RecordError],
    ) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        ok = True
        for name, get, required, column in props:
            try:
                value = get(values)
            except CellError as exc:
                errors.append(RecordError(record.location.file, record.location.row, exc.column, exc.reason))
                ok = False
                continue
            if value is EMPTY:
                if required:
                    errors.append(
                        RecordError(
                            record.location.file,
                            record.location.row,
                            column,
                            f"required property {name!r} is empty",
                        )
                    )
                    ok = False
                continue
            out[name] = value
        return out if ok else None

    def _keys(
        self,
        key: CompiledValue,
        values: dict[str, Any],
        record: SourceRecord,
        errors: list[RecordError],
        optional: bool = False,
    ) -> list[Any] | None:
        try:
            keys = key.get(values)
        except CellError as exc:
            errors.append(RecordError(record.location.file, record.location.row, exc.column, exc.reason))
            return None
        if keys is EMPTY:
            if not optional:
                column = empty_column(key, values, self._nulls)
                reason = f"missing key column {column!r}" if column else "the key is empty"
                errors.append(RecordError(record.location.file, record.location.row, column, reason))
            return None
        return keys

    def _map_row(self, record: SourceRecord, batch: MappedBatch) -> None:
        values = record.values
        if EXTRA_CELLS in values:
            extra = values[EXTRA_CELLS]
            width = len(values) - 1
            reason = (
                f"row has {width + len(extra)} cells but the header has {width} columns"
                f" (surplus: {', '.join(repr(cell_text(x)) for x in extra)}); an unquoted separator?"
            )
            batch.errors.append(RecordError(record.location.file, record.location.row, None, reason))
            return
        sources: list[list[str]] = []  # computed once per row, on first use
        for nb in self._nodes:
            if nb.when and not all(cond(values) for cond in nb.when):
                continue
            if nb.for_each is None:
                self._node(nb, values, record, batch, sources)
            else:
                for item in self._items(values, nb.for_each):
                    self._node(nb, {**values, nb.for_each[0]: item}, record, batch, sources)
        for rb in self._rels:
            if rb.when and not all(cond(values) for cond in rb.when):
                continue
            if rb.for_each is None:
                self._relationship(rb, values, record, batch, sources)
            else:
                for item in self._items(values, rb.for_each):
                    self._relationship(rb, {**values, rb.for_each[0]: item}, record, batch, sources)

    def _items(self, values: dict[str, Any], for_each: tuple[str, str]) -> list[Any]:
        raw = values.get(for_each[0])
        if isinstance(raw, list):
            return raw
        items = [cell_text(x) for x in cell_text(raw).split(for_each[1])]
        return [x for x in items if x not in self._nulls] or [""]

    def _node(
        self,
        nb: _NodeBlock,
        values: dict[str, Any],
        record: SourceRecord,
        batch: MappedBatch,
        sources: list[list[str]],
    ) -> None:
        errors = batch.errors
        try:
            keys = nb.key.get(values)
        except CellError as exc:
            errors.append(RecordError(record.location.file, record.location.row, exc.column, exc.reason))
            return
        if keys is EMPTY:
            self._keys(nb.key, values, record, errors)  # records the error
            return
        props = self._props(nb.props, values, record, errors)
        if props is None:
            return
        if not sources:
            sources.append(self._sources(record))
        row_sources = sources[0]
        const = self._const_prov
        out = batch.existing_only if nb.existing_only else batch.nodes
        countries: tuple[str, ...] = ()
        if nb.resolve is not None and nb.resolve[0] is not None:
            try:
                found = nb.resolve[0].get(values)
            except CellError:
                found = EMPTY
            countries = () if found is EMPTY else tuple(str(c) for c in found)
        for key in keys:
            if nb.once:
                if key in nb.seen:
                    continue
                nb.seen.add(key)
            node = NodeRecord(nb.label, key, {**props, "sources": list(row_sources), **const}, nb.merge)
            out.append(node)
            if nb.resolve is not None:
                loc = record.location
                batch.resolvable.append(
                    Resolvable(node, countries, nb.resolve[1], nb.resolve[2], loc.file, loc.row or 0)
                )

    def _relationship(
        self,
        rb: _RelBlock,
        values: dict[str, Any],
        record: SourceRecord,
        batch: MappedBatch,
        sources: list[list[str]],
    ) -> None:
        errors = batch.errors
        try:
            starts = rb.start.get(values)
            ends = rb.end.get(values)
        except CellError:
            starts = ends = EMPTY
        if starts is EMPTY or ends is EMPTY:
            # slow path: report what is wrong with either end
            starts = self._keys(rb.start, values, record, errors, rb.start_optional)
            ends = self._keys(rb.end, values, record, errors, rb.end_optional)
            if starts is None or ends is None:
                return
        props = self._props(rb.props, values, record, errors)
        if props is None:
            return
        if not sources:
            sources.append(self._sources(record))
        row_sources = sources[0]
        origin = Origin(record.location.file, record.location.row, rb.start.label, rb.end.label)
        rel_props = {**props, **self._const_prov}
        for start in starts:
            for end in ends:
                batch.relationships.append(
                    RelationshipRecord(
                        rb.type,
                        rb.start_label,
                        start,
                        rb.end_label,
                        end,
                        {**rel_props, "sources": list(row_sources)},
                    )
                )
                batch.origins.append(origin)


def compile_mapping(
    spec: MappingSpec | str | Path,
    schema: GraphSchema,
    *,
    data_dir: str | Path | None = None,
    provenance_root: str | Path | None = None,
) -> CompiledMapping:
    """Check a mapping against `schema` and compile it.

    Parameters
    ----------
    spec : MappingSpec or path
        A parsed mapping, or the path of a mapping YAML file.
    schema : GraphSchema
        The schema every label, type and property is checked against.
    data_dir : path, optional
        Directory the source paths are relative to; default the mapping file's
        directory (or the current directory for a mapping parsed from text).
    provenance_root : path, optional
        Source files are named relative to it in ``sources`` and errors
        (``shared/data/…/centers.csv:3``); default `data_dir`.

    Raises
    ------
    MappingError
        With every problem found (see `check_mapping`).
    """
    if not isinstance(spec, MappingSpec):
        spec = load_mapping(spec)
    issues = check_mapping(spec, schema)
    if issues:
        raise MappingError(issues)
    base = Path(data_dir) if data_dir is not None else (spec.directory or Path.cwd())
    root = Path(provenance_root) if provenance_root is not None else base
    return CompiledMapping(spec, schema, data_dir=base, provenance_root=root)


def apply_mapping(
    spec: MappingSpec | str | Path,
    schema: GraphSchema,
    *,
    data_dir: str | Path | None = None,
    provenance_root: str | Path | None = None,
) -> MappedBatch:
    """Compile `spec` and map all its source files into one `MappedBatch` (see `compile_mapping`)."""
    return compile_mapping(spec, schema, data_dir=data_dir, provenance_root=provenance_root).apply()
