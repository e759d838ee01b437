"""Checks of records in the context of the store they will join.

The SHACL constraints that look beyond one record, compiled (loads choose between them
and pyshacl in ``loaders.ingest``): relationship minimums counted with the stored ties,
required properties that a ``partial`` block leaves to the store, event date order with
stored dates; and the reference, pyshacl on the records inside the stored graph around
them.  Below both of their callers: loads (``loaders.ingest``) and the API's entity
writes (``api.entity_writes``).  Every error is a `RecordError` naming the file and row
the record came from (its ``file:row`` source).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graph.existing import existing_records
from graph.store import GraphStore
from ontology.convert import node_iri, relationship_iri
from ontology.derive import constrained_relationships, relationship_minimums
from ontology.record_errors import RecordError
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema
from ontology.validation import validate
from ontology.vocab import PropertyName

__all__ = [
    "event_date_errors",
    "incomplete",
    "minimum_errors",
    "missing_required",
    "place",
    "required_errors",
    "shacl_errors",
    "source_row",
    "store_context",
]

_LOCATION = re.compile(r"^(?P<file>.+):(?P<row>\d+)$")


def store_context(
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
    # without SHACL, the counted relationships only serve the minimums: a node whose
    # minimums this load meets on its own needs nothing from the store (a reload of
    # 11,712 projects fetched their 100,000 stored participations for nothing: 50 s)
    met = set() if full else _met_by_load(schema, nodes, relationships, wanted)
    keys: dict[str, set[Any]] = defaultdict(set)
    for node in nodes:
        if full or (wanted.get(node.label) and (node.label, node.key) not in met):
            keys[node.label].add(node.key)
    if full:
        for rel in relationships:
            keys[rel.start_label].add(rel.start_key)
            keys[rel.end_label].add(rel.end_key)
    keys = {k: v for k, v in keys.items() if k in schema.nodes}
    return existing_records(store, keys, wanted, node_properties=full)


def _met_by_load(
    schema: GraphSchema,
    nodes: Sequence[NodeRecord],
    relationships: Sequence[RelationshipRecord],
    wanted: Mapping[str, frozenset[tuple[str, bool]]],
) -> set[tuple[str, Any]]:
    """``(label, key)`` of the nodes whose every counted relationship is a minimum that
    this load's own relationships already meet."""
    minimums = relationship_minimums()
    rules = {label: minimums.get(label, ()) for label in {n.label for n in nodes}}
    counted = {rule[0] for label_rules in rules.values() for rule in label_rules}
    if not counted:
        return set()
    counts = _relationship_counts(schema, relationships, counted)
    out = set()
    for node in nodes:
        label_rules = rules.get(node.label, ())
        if not label_rules or {(t, o) for t, o, _, _ in label_rules} != set(wanted.get(node.label, ())):
            continue  # counts something other than minimums: fetch the stored part
        key_label = schema.node(node.label).key_label if node.label in schema.nodes else node.label
        if all(counts[(t, o, key_label, node.key)] >= m for t, o, m, _ in label_rules):
            out.add((node.label, node.key))
    return out


def _relationship_counts(
    schema: GraphSchema, relationships: Iterable[RelationshipRecord], counted: set[str]
) -> Counter[tuple[str, bool, str, Any]]:
    """Distinct relationships of the `counted` types per ``(type, outgoing, key label, key)``."""
    counts: Counter[tuple[str, bool, str, Any]] = Counter()
    seen: set[tuple[Any, ...]] = set()
    types = schema.nodes
    for rel in relationships:
        if rel.type not in counted or rel.start_label not in types or rel.end_label not in types:
            continue
        start = (schema.node(rel.start_label).key_label, rel.start_key)
        end = (schema.node(rel.end_label).key_label, rel.end_key)
        if (rel.type, start, end) in seen:
            continue
        seen.add((rel.type, start, end))
        counts[(rel.type, True, *start)] += 1
        counts[(rel.type, False, *end)] += 1
    return counts


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


def source_row(sources: Iterable[str]) -> tuple[str, int] | None:
    """The first ``file:row`` among a record's sources, if any.

    Examples
    --------
    >>> source_row(["the study, Table 2", "data/centres.csv:7"])
    ('data/centres.csv', 7)
    """
    for text in sources:
        match = _LOCATION.match(text)
        if match:
            return match["file"], int(match["row"])
    return None


def place(sources: Iterable[str]) -> tuple[str, int]:
    """`source_row`, or ``("(records)", 0)`` for records that name no row."""
    return source_row(sources) or ("(records)", 0)


def minimum_errors(
    schema: GraphSchema,
    nodes: Sequence[NodeRecord],
    relationships: Sequence[RelationshipRecord],
    stored: Sequence[RelationshipRecord],
) -> list[RecordError]:
    """The shapes' relationship minimums, checked on every node of the load (stored ties count).

    Only relationships of the types a minimum of the load's node labels counts are
    tallied: a file of a million ``PARTICIPATES_IN`` ties and no nodes costs nothing.
    """
    minimums = relationship_minimums()
    rules = {label: minimums[label] for label in {n.label for n in nodes} if minimums.get(label)}
    if not rules:
        return []
    counted = {rule[0] for label_rules in rules.values() for rule in label_rules}
    counts = _relationship_counts(schema, [*stored, *relationships], counted)
    errors = []
    for node in nodes:
        if node.label not in rules:
            continue
        key_label = schema.node(node.label).key_label
        for rel_type, outgoing, minimum, message in rules[node.label]:
            if counts[(rel_type, outgoing, key_label, node.key)] < minimum:
                file, row = place(node.properties.get("sources", ()))
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


def event_date_errors(
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
            file, row = place(props.get("sources", ()))
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


def missing_required(
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


def incomplete(
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


def required_errors(
    schema: GraphSchema,
    missing: Mapping[tuple[str, Any], list[NodeRecord]],
    stored: Sequence[NodeRecord],
) -> list[RecordError]:
    """``sh:minCount 1`` on node properties, for the nodes the load leaves without one
    (`missing`, from `missing_required`).

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
                    file, row = place(node.properties.get("sources", ()))
                    reason = (
                        f"{node.label} {node.key!r}: required property {name!r} is neither given here "
                        "nor stored"
                    )
                    errors.append(RecordError(file, row, name, reason))
    return errors


def shacl_errors(
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
        file, row = place(violation.location)
        column = violation.path or "-"
        reason = f"{violation.subject}: {violation.message}"
        if violation.value is not None:
            reason += f" (value {violation.value!r})"
        errors.append(RecordError(file, row, column, reason))
    return errors
