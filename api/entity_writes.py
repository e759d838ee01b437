"""Entity writes: turn a request into records, validate them as a load would, write them atomically.

The checks are the loaders' own: values are converted and checked by
`ontology.values.converter_for` (datatypes, patterns, allowed values), relationship ends
must exist (`graph.existing.existing_keys`), and the SHACL shapes run on the new records
together with what the store holds around them (`graph.checks`, which loads run too), so
a bilateral centre without a host country or an agreement with one party is refused.
Every problem is collected (`WriteRefused` lists them all) and nothing is written unless
there is none; then one atomic `GraphStore.upsert` writes the node and its relationships.

A replace (PUT) writes the desired properties and sets the stored ones it drops to
null (which removes them), except ``synthetic``/``seed``: a generated node stays marked.
Sources accumulate, as in loads.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from api.entity_models import RelationshipIn
from api.json_values import json_type_problems
from graph.checks import minimum_errors, shacl_errors, store_context
from graph.cypher.identifiers import stable_id
from graph.entities import neighbour_rows, stored_node_row
from graph.existing import existing_keys
from graph.projection import node_type_of
from graph.store import GraphStore
from ontology.record_errors import RecordError
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema, NodeType, PropertySpec
from ontology.values import ConversionError, converter_for
from ontology.vocab import PropertyName

__all__ = [
    "KEEP_ON_REPLACE",
    "EntityConflict",
    "StoredNode",
    "WritePlan",
    "WriteProblem",
    "WriteRefused",
    "api_source",
    "check_detach",
    "check_unlink",
    "fetch_node",
    "node_id",
    "plan_write",
]

#: Provenance flags a replace keeps when the request leaves them out.
KEEP_ON_REPLACE: frozenset[str] = frozenset({PropertyName.SYNTHETIC, PropertyName.SEED})

_SOURCES = PropertyName.SOURCES


@dataclass(frozen=True, slots=True)
class WriteProblem:
    """One reason a write is refused: where (``name``, ``relationships[0].other``), the value, why."""

    property: str
    value: Any
    reason: str


class WriteRefused(Exception):
    """A write failed validation; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[WriteProblem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = list(problems)


class EntityConflict(Exception):
    """The write contradicts the stored node (another type under the same key)."""


@dataclass(frozen=True, slots=True)
class StoredNode:
    """A stored node: its most specific type, labels and properties."""

    node_type: NodeType
    labels: list[str]
    props: dict[str, Any]

    def record(self) -> NodeRecord:
        """As a record of its most specific type (properties without the key)."""
        key = self.props[self.node_type.key]
        props = {k: v for k, v in self.props.items() if k != self.node_type.key}
        return NodeRecord(self.node_type.label, key, props)


@dataclass(frozen=True, slots=True)
class WritePlan:
    """Validated records, ready for one atomic upsert."""

    node: NodeRecord
    relationships: list[RelationshipRecord]
    sources: list[str]


def api_source(api_key: str) -> str:
    """The default provenance of an API write: names the key by a hash, never the key itself.

    Examples
    --------
    >>> api_source("test-key")
    'api:key-62af8704'
    """
    return "api:key-" + hashlib.sha256(api_key.encode()).hexdigest()[:8]


def fetch_node(store: GraphStore, label: str, key: Any) -> StoredNode | None:
    """The node holding this key among the nodes of `label`'s key label (one indexed lookup):
    whatever its type, since the key is unique across the whole hierarchy.  None if absent."""
    nt = store.schema.node(label)
    row = stored_node_row(store, nt, key)
    if row is None:
        return None
    found = node_type_of(store.schema, row["labels"]) or nt
    return StoredNode(found, list(row["labels"]), dict(row["props"]))


def _spec(specs: Sequence[PropertySpec], name: str) -> PropertySpec | None:
    return next((s for s in specs if s.name == name), None)


def _convert(
    specs: Sequence[PropertySpec],
    owner: str,
    values: Mapping[str, Any],
    where: str,
    problems: list[WriteProblem],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in values.items():
        path = f"{where}{name}"
        spec = _spec(specs, name)
        if name == _SOURCES:
            problems.append(WriteProblem(path, value, "give provenance in `sources`, beside `properties`"))
        elif spec is None:
            allowed = ", ".join(sorted(s.name for s in specs if s.name != _SOURCES))
            problems.append(
                WriteProblem(path, value, f"{owner} has no property {name!r} (it has: {allowed})")
            )
        elif value is None:
            problems.append(WriteProblem(path, value, "a value is required (PATCH with null removes one)"))
        elif isinstance(value, dict) or (isinstance(value, list) and not spec.multiple):
            problems.append(WriteProblem(path, value, "a single value is expected"))
        elif wrong := json_type_problems(spec, value):  # JSON types are not coerced
            problems.append(WriteProblem(path, value, wrong))
        else:
            convert = converter_for(spec, owner=owner)
            try:
                if spec.multiple:
                    out[name] = [convert(v) for v in (value if isinstance(value, list) else [value])]
                else:
                    out[name] = convert(value)
            except ConversionError as exc:
                problems.append(WriteProblem(path, value, str(exc)))
    return out


def _key(nt: NodeType, key: Any, where: str, problems: list[WriteProblem]) -> Any:
    try:
        return converter_for(nt.get_property(nt.key), owner=nt.label)(key)
    except ConversionError as exc:
        problems.append(WriteProblem(where, key, str(exc)))
        return key


def _relationships(
    store: GraphStore,
    nt: NodeType,
    key: Any,
    rels: Sequence[RelationshipIn],
    sources: list[str],
    problems: list[WriteProblem],
) -> list[RelationshipRecord]:
    schema = store.schema
    out: list[RelationshipRecord] = []
    wanted: dict[str, list[tuple[int, Any]]] = defaultdict(list)
    for i, rel in enumerate(rels):
        where = f"relationships[{i}]"
        before = len(problems)
        rt = schema.relationships.get(rel.type)
        other = schema.nodes.get(rel.other.type)
        if rt is None:
            problems.append(
                WriteProblem(f"{where}.type", rel.type, "not a relationship type of the ontology")
            )
        if other is None:
            problems.append(
                WriteProblem(f"{where}.other.type", rel.other.type, "not a node type of the ontology")
            )
        if rt is None or other is None:
            continue
        other_key = _key(other, rel.other.key, f"{where}.other.key", problems)
        start, end = (nt, other) if rel.direction == "out" else (other, nt)
        if not set(start.labels) & set(rt.sources):
            problems.append(
                WriteProblem(
                    f"{where}.type",
                    rel.type,
                    f"a {start.label} cannot start a {rt.type} (allowed: {', '.join(rt.sources)})",
                )
            )
        if not set(end.labels) & set(rt.targets):
            problems.append(
                WriteProblem(
                    f"{where}.type",
                    rel.type,
                    f"a {rt.type} cannot end at a {end.label} (allowed: {', '.join(rt.targets)})",
                )
            )
        props = _convert(rt.properties, rt.type, rel.properties, f"{where}.properties.", problems)
        if len(problems) > before:
            continue
        props[_SOURCES] = list(rel.sources) if rel.sources else sources
        ends = (nt.label, key, other.label, other_key)
        if rel.direction == "in":
            ends = (other.label, other_key, nt.label, key)
        out.append(RelationshipRecord(rt.type, ends[0], ends[1], ends[2], ends[3], props))
        if not (other.key_label == nt.key_label and other_key == key):
            wanted[other.label].append((i, other_key))
    for label, items in wanted.items():
        found = existing_keys(store, label, {k for _, k in items})
        for i, other_key in items:
            if other_key not in found:
                problems.append(
                    WriteProblem(f"relationships[{i}].other", other_key, f"no {label} with key {other_key!r}")
                )
    return out


def _record_problems(errors: Sequence[RecordError]) -> list[WriteProblem]:
    return [WriteProblem(e.column or "-", None, e.reason) for e in errors]


def plan_write(
    store: GraphStore,
    nt: NodeType,
    key: Any,
    properties: Mapping[str, Any],
    relationships: Sequence[RelationshipIn],
    sources: list[str],
    stored: StoredNode | None,
    *,
    keep: Mapping[str, Any] | None = None,
) -> WritePlan:
    """Check a write of node ``(nt, key)`` with exactly `properties` (+ `keep`, already stored
    values) and `relationships`; raise `WriteRefused` listing every problem.

    The returned node record also sets to null the stored properties it drops (removing them).
    """
    problems: list[WriteProblem] = []
    key = _key(nt, key, nt.key, problems)
    given = dict(properties)
    if nt.key in given and str(given.pop(nt.key)) != str(key):
        problems.append(WriteProblem(nt.key, properties[nt.key], "differs from the key in the path"))
    props = {**(keep or {}), **_convert(nt.properties, nt.label, given, "", problems)}
    rels = _relationships(store, nt, key, relationships, sources, problems)
    if problems:
        raise WriteRefused(problems)
    node = NodeRecord(nt.label, key, {**props, _SOURCES: sources})
    old_nodes, old_rels = store_context(store, [node], rels, full=True)
    slot = (nt.key_label, key)
    schema = store.schema
    old_nodes = [n for n in old_nodes if (schema.node(n.label).key_label, n.key) != slot]
    shacl = shacl_errors(store, [node], rels, old_nodes, old_rels)
    if shacl:
        raise WriteRefused(_record_problems(shacl))
    dropped = {}
    if stored is not None:
        dropped = {
            name: None
            for name in stored.props
            if name not in props and name not in (nt.key, _SOURCES) and name in nt.property_names
        }
    return WritePlan(NodeRecord(nt.label, key, {**props, **dropped, _SOURCES: sources}), rels, sources)


def _same(schema: GraphSchema, label: str, key: Any, other: NodeRecord) -> bool:
    return schema.node(label).key_label == schema.node(other.label).key_label and key == other.key


def check_unlink(store: GraphStore, rel_type: str, start: StoredNode, end: StoredNode) -> None:
    """Refuse (`WriteRefused`) removing the `rel_type` ties from `start` to `end` when an end
    would fall below a relationship minimum of the shapes (a bilateral centre's host country)."""
    schema = store.schema
    nodes = [start.record(), end.record()]
    _old_nodes, old_rels = store_context(store, nodes, [], full=False)
    remaining = [
        r
        for r in old_rels
        if not (
            r.type == rel_type
            and _same(schema, r.start_label, r.start_key, nodes[0])
            and _same(schema, r.end_label, r.end_key, nodes[1])
        )
    ]
    errors = minimum_errors(schema, nodes, [], remaining)
    if errors:
        raise WriteRefused(_record_problems(errors))


def check_detach(store: GraphStore, node: StoredNode) -> None:
    """Refuse (`WriteRefused`) deleting `node` with its relationships when a neighbour would
    fall below a relationship minimum of the shapes (an agreement left with one party)."""
    schema = store.schema
    nt = node.node_type
    me = node.record()
    rows = neighbour_rows(store, nt, me.key)
    neighbours = []
    for row in rows:
        found = node_type_of(schema, row["labels"])
        if (
            found is not None
            and found.key in row["props"]
            and not _same(schema, found.label, row["props"][found.key], me)
        ):
            neighbours.append(StoredNode(found, row["labels"], row["props"]).record())
    if not neighbours:
        return
    _old_nodes, old_rels = store_context(store, neighbours, [], full=False)
    remaining = [
        r
        for r in old_rels
        if not (_same(schema, r.start_label, r.start_key, me) or _same(schema, r.end_label, r.end_key, me))
    ]
    errors = minimum_errors(schema, neighbours, [], remaining)
    if errors:
        raise WriteRefused(
            [
                WriteProblem(p.property, p.value, f"after the delete: {p.reason}")
                for p in _record_problems(errors)
            ]
        )


def node_id(nt: NodeType, key: Any) -> str:
    """The stable id of a node (``"KeyLabel:key"``).

    Examples
    --------
    >>> from ontology.derive import load_schema
    >>> node_id(load_schema().node("BilateralCentre"), "CATTC-KH")
    'Institution:CATTC-KH'
    """
    return stable_id(nt.key_label, key)
