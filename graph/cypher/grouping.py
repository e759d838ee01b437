"""Records checked against the schema and grouped for a write: one group per node type
or relationship (type, start, end), duplicates merged.

Grouping is pure Python work without a store; a store's ``upsert_grouped`` writes the
result (`GroupedRecords`) with the statements of `graph.cypher.statements`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.cypher.identifiers import SCALARS, plain_value
from graph.errors import StoreError
from ontology.records import MergePolicy, NodeRecord, RelationshipRecord, is_placeholder
from ontology.schema import GraphSchema, NodeType, RelationshipType, SchemaError

__all__ = [
    "GroupedRecords",
    "NodeGroup",
    "RelGroup",
    "chunks",
    "dedupe",
    "group_nodes",
    "group_records",
    "group_relationships",
    "property_rows",
    "source_list",
]


def property_rows(label: str, width: int, rows: Iterable[tuple[Any, Sequence[Any]]]) -> list[list[Any]]:
    """The rows of a ``set_properties`` write as ``[key, [values]]``, each `width` values long.

    Examples
    --------
    >>> property_rows("Expert", 2, [("e1", (0.5, None))])
    [['e1', [0.5, None]]]
    >>> property_rows("Expert", 1, [("e1", [1, 2])])
    Traceback (most recent call last):
    graph.errors.StoreError: Expert 'e1': 2 values for 1 properties
    """
    out = []
    for key, values in rows:
        if len(values) != width:
            raise StoreError(f"{label} {key!r}: {len(values)} values for {width} properties")
        out.append([key, values if type(values) is list else list(values)])
    return out


def dedupe(values: Iterable[Any]) -> list[Any]:
    """The values in their first order, each once.

    Examples
    --------
    >>> dedupe(["b", "a", "b"])
    ['b', 'a']
    """
    return list(dict.fromkeys(values))


def source_list(value: Any) -> list[str]:
    """A record's ``sources`` as a list of distinct texts (one text, a list, or nothing).

    Examples
    --------
    >>> source_list("a.csv:2"), source_list(["x", "x", "y"]), source_list(None)
    (['a.csv:2'], ['x', 'y'], [])
    """
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    out = list(dict.fromkeys(value))
    if all(type(v) is str for v in out):
        return out
    return dedupe(str(v) for v in out)


@dataclass(slots=True)
class NodeGroup:
    """Rows of one node type, deduplicated by key (later properties win, sources merged).

    A row is ``{k, p, s}``, plus ``f`` (values that only fill a missing property:
    placeholders and ``keep_existing`` values) and ``l`` (``keep_longer`` values) when a
    record of the group has such values; `fill` and `longer` name those properties
    (see `graph.cypher.statements.node_upsert_cypher`).
    """

    node_type: NodeType
    rows: dict[Any, dict[str, Any]] = field(default_factory=dict)
    allowed: frozenset[str] = field(default=frozenset(), init=False)
    fill: set[str] = field(default_factory=set)
    longer: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.allowed = self.node_type.property_names

    def add(self, record: NodeRecord) -> None:
        """Add a record after checking its properties against the schema."""
        nt = self.node_type
        props = dict(record.properties)
        raw_sources = props.pop("sources", None)
        props.pop(nt.key, None)
        if not props.keys() <= self.allowed:
            bad = sorted(props.keys() - self.allowed)
            raise SchemaError(f"node type {nt.label!r} has no property {bad[0]!r}")
        for name, value in props.items():
            if type(value) not in SCALARS:
                props[name] = plain_value(value)
        if record.key is None:
            raise SchemaError(f"{nt.label} record without a key")
        key = record.key if type(record.key) in SCALARS else plain_value(record.key)
        sources = source_list(raw_sources)
        fill, longer = self._policies(record, props, key)
        old = self.rows.get(key)
        if old is None:
            row = self.rows[key] = {"k": key, "p": props, "s": sources}
            if fill:
                row["f"] = fill
            if longer:
                row["l"] = longer
        else:
            for name in props:  # a real value replaces a weaker one of an earlier record
                old.get("f", {}).pop(name, None)
                old.get("l", {}).pop(name, None)
            old["p"].update(props)
            for name, value in fill.items():
                if name not in old["p"]:
                    old.setdefault("f", {}).setdefault(name, value)
            for name, value in longer.items():
                if name not in old["p"]:
                    kept = old.setdefault("l", {}).get(name)
                    if kept is None or len(str(value)) > len(str(kept)):
                        old["l"][name] = value
            old["s"] = dedupe([*old["s"], *sources])

    def _policies(
        self, record: NodeRecord, props: dict[str, Any], key: Any
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Move the values that must not overwrite a stored one out of `props`."""
        fill: dict[str, Any] = {}
        longer: dict[str, Any] = {}
        merge = record.merge
        for name in [n for n, v in props.items() if v.__class__ is str and is_placeholder(v, key)]:
            fill[name] = props.pop(name)
        if merge:
            for name, policy in merge.items():
                if name not in props:
                    continue
                if policy == MergePolicy.KEEP_EXISTING:
                    fill[name] = props.pop(name)
                elif policy == MergePolicy.KEEP_LONGER:
                    longer[name] = props.pop(name)
        self.fill.update(fill)
        self.longer.update(longer)
        return fill, longer

    def param_rows(self) -> list[dict[str, Any]]:
        """Parameter rows ``{k, p, s}`` (with ``f`` and ``l`` maps when the group has policies)."""
        rows = list(self.rows.values())
        if self.fill or self.longer:
            for row in rows:
                row.setdefault("f", {})
                row.setdefault("l", {})
        return rows


@dataclass(slots=True)
class RelGroup:
    """Rows of one (type, start label, end label) combination, deduplicated."""

    rel_type: RelationshipType
    start: NodeType
    end: NodeType
    discriminator: tuple[str, ...] = ()
    rows: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)
    allowed: frozenset[str] = field(default=frozenset(), init=False)

    def __post_init__(self) -> None:
        self.allowed = self.rel_type.property_names

    def add(self, record: RelationshipRecord) -> None:
        """Add a record after checking its properties against the schema."""
        props = dict(record.properties)
        raw_sources = props.pop("sources", None)
        allowed = self.allowed
        if not props.keys() <= allowed:
            bad = sorted(props.keys() - allowed)
            raise SchemaError(f"relationship type {self.rel_type.type!r} has no property {bad[0]!r}")
        for name, value in props.items():
            if type(value) not in SCALARS:
                props[name] = plain_value(value)
        disc: dict[str, Any] = {}
        row_key: tuple[Any, ...]
        s, e = record.start_key, record.end_key
        if type(s) not in SCALARS:
            s = plain_value(s)
        if type(e) not in SCALARS:
            e = plain_value(e)
        if self.discriminator:
            disc = {name: props.get(name) for name in self.discriminator}
            for name, value in disc.items():
                if value is None:
                    raise SchemaError(f"{self.rel_type.type} record without discriminator {name!r}")
            row_key = (s, e, *(repr(v) for v in disc.values()))
        else:
            row_key = (s, e)
        sources = source_list(raw_sources)
        old = self.rows.get(row_key)
        if old is None:
            row = {"s": s, "e": e, "p": props, "src": sources}
            if disc:
                row["d"] = disc
            self.rows[row_key] = row
        else:
            old["p"].update(props)
            old["src"] = dedupe([*old["src"], *sources])

    def param_rows(self) -> list[dict[str, Any]]:
        """Parameter rows ``{s, e, p, src}`` (plus ``d`` with a discriminator)."""
        return list(self.rows.values())


def group_nodes(schema: GraphSchema, records: Iterable[NodeRecord]) -> dict[str, NodeGroup]:
    """Group and check node records by their schema label."""
    groups: dict[str, NodeGroup] = {}
    for rec in records:
        group = groups.get(rec.label)
        if group is None:
            nt = schema.node(rec.label)
            if nt.abstract:
                raise SchemaError(f"node type {nt.label!r} is abstract")
            group = groups[rec.label] = NodeGroup(nt)
        group.add(rec)
    return groups


def _check_end(schema: GraphSchema, label: str, allowed: Sequence[str], rel: str, side: str) -> NodeType:
    nt = schema.node(label)
    if not set(nt.labels) & set(allowed):
        raise SchemaError(f"{rel}: a {label} cannot be its {side} (allowed: {', '.join(allowed)})")
    return nt


def group_relationships(
    schema: GraphSchema,
    records: Iterable[RelationshipRecord],
    discriminator: Mapping[str, Sequence[str]] | None = None,
) -> dict[tuple[str, str, str], RelGroup]:
    """Group and check relationship records by (type, start label, end label)."""
    groups: dict[tuple[str, str, str], RelGroup] = {}
    disc = discriminator or {}
    for rec in records:
        gk = (rec.type, rec.start_label, rec.end_label)
        group = groups.get(gk)
        if group is None:
            rt = schema.relationship(rec.type)
            start = _check_end(schema, rec.start_label, rt.sources, rt.type, "source")
            end = _check_end(schema, rec.end_label, rt.targets, rt.type, "target")
            names = tuple(disc.get(rt.type, ()))
            for name in names:
                if name not in rt.property_names:
                    raise SchemaError(f"relationship type {rt.type!r} has no property {name!r}")
            group = groups[gk] = RelGroup(rt, start, end, names)
        group.add(rec)
    return groups


@dataclass(slots=True)
class GroupedRecords:
    """Node and relationship records checked against the schema and grouped for a write.

    Made by `group_records`; a store's ``upsert_grouped`` writes it.  Grouping is pure
    Python work without a store, so a loader can do it while the store is busy writing
    the previous file.
    """

    nodes: dict[str, NodeGroup]
    relationships: dict[tuple[str, str, str], RelGroup]
    #: the records given (before duplicates were merged): what ``upsert`` returns
    node_records: int
    relationship_records: int

    @property
    def rows(self) -> int:
        """Nodes and relationships to write, duplicates merged."""
        return sum(len(g.rows) for g in self.nodes.values()) + sum(
            len(g.rows) for g in self.relationships.values()
        )


def group_records(
    schema: GraphSchema,
    nodes: Iterable[NodeRecord],
    relationships: Iterable[RelationshipRecord],
    discriminator: Mapping[str, Sequence[str]] | None = None,
) -> GroupedRecords:
    """`group_nodes` and `group_relationships` together, with the record counts.

    Raises `SchemaError` for a record the schema does not allow.

    Examples
    --------
    >>> from ontology.derive import load_schema
    >>> grouped = group_records(
    ...     load_schema(),
    ...     [NodeRecord("Country", "GR", {"name": "Greece"}), NodeRecord("Country", "GR")],
    ...     [],
    ... )
    >>> grouped.node_records, grouped.rows, list(grouped.nodes)
    (2, 1, ['Country'])
    """
    node_list, rel_list = list(nodes), list(relationships)
    return GroupedRecords(
        group_nodes(schema, node_list),
        group_relationships(schema, rel_list, discriminator),
        len(node_list),
        len(rel_list),
    )


def chunks(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Split `rows` into slices of at most `size`."""
    for i in range(0, len(rows), max(1, size)):
        yield rows[i : i + size]
