"""Resolve the institutions of a load against the stored graph (a mapping's ``resolve``).

Before a load is checked and written, each node of a ``resolve`` block whose key the store
does not hold is looked up among the stored institutions (`graph.resolution`): of its
countries, and holding its identifiers.  A match at or above the block's ``link``
threshold links the row to the stored node: the record takes the stored node's label and
key, its values only fill what the node lacks, its names join the node's ``altName``, and
the evidence joins the node's ``resolvedFrom``; the row's relationships follow it to the
stored node.  Candidates from ``review`` up stay separate nodes and are listed in the
report (`ReviewItem`).  Rows are resolved against the store only, not against each other
(the duplicate finding, `graph.analytics.same_organisation`, finds those).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.existing import existing_keys, existing_records
from graph.resolution.candidates import (
    candidate_from_properties,
    identifier_properties,
    institution_candidates,
)
from graph.resolution.matcher import Match, MatchIndex, Thresholds
from graph.store import GraphStore
from loaders.mapping.run import MappedBatch, Resolvable
from ontology.records import MergePolicy, NodeRecord
from ontology.schema import GraphSchema
from ontology.vocab import NodeLabel, PropertyName

__all__ = ["LinkedRow", "ResolutionReport", "ReviewItem", "resolve_batch"]


@dataclass(frozen=True, slots=True)
class ScoredCandidate:
    """A stored institution a row may be."""

    key: str
    label: str
    name: str
    rule: str
    score: float
    evidence: str


@dataclass(frozen=True, slots=True)
class LinkedRow:
    """A row linked to a stored node: which, by which rule, with which score and evidence."""

    file: str
    row: int
    row_key: str
    row_name: str
    linked_to: str
    linked_name: str
    rule: str
    score: float
    evidence: str


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A row that made a node of its own although stored institutions resemble it."""

    file: str
    row: int
    row_key: str
    row_name: str
    candidates: tuple[ScoredCandidate, ...]


@dataclass(slots=True)
class ResolutionReport:
    """What the resolution of one load did."""

    #: rows of ``resolve`` blocks looked at (their key not already stored)
    looked_up: int = 0
    linked: list[LinkedRow] = dataclasses.field(default_factory=list)
    review: list[ReviewItem] = dataclasses.field(default_factory=list)


def _scored(m: Match) -> ScoredCandidate:
    c = m.candidate
    return ScoredCandidate(c.key, c.label, c.display_name, m.rule, m.score, m.evidence)


def _evidence(item: Resolvable, m: Match) -> str:
    return f"{item.file}:{item.row} {m.rule} {m.score:.2f} {m.query.display_name} ({m.evidence})"


def _texts(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str) and v.strip()]


def _linked_record(
    schema: GraphSchema, node: NodeRecord, m: Match, stored: Mapping[str, Any], evidence: str
) -> NodeRecord:
    """The row's record rewritten onto the stored node: its names as alternative names,
    its other values filling gaps only, the evidence appended; the row's type when it is
    more specific than the stored one (a University for a stored Institution), else the
    stored type."""
    props = dict(node.properties)
    stored_names = {n.casefold() for n in _texts(stored.get(PropertyName.NAME))}
    stored_names |= {n.casefold() for n in _texts(stored.get(PropertyName.NAME_ZH))}
    alt = _texts(stored.get(PropertyName.ALT_NAME))
    for prop in (PropertyName.NAME, PropertyName.NAME_ZH, PropertyName.ALT_NAME):
        for name in _texts(props.pop(prop, None)):
            if name.casefold() not in stored_names and name not in alt:
                alt.append(name)
    if alt:
        props[PropertyName.ALT_NAME] = alt
    props[PropertyName.RESOLVED_FROM] = list(
        dict.fromkeys([*_texts(stored.get(PropertyName.RESOLVED_FROM)), evidence])
    )
    merge = {
        p: MergePolicy.KEEP_EXISTING
        for p in props
        if p not in (PropertyName.ALT_NAME, PropertyName.RESOLVED_FROM)
    }
    merge.pop(PropertyName.SOURCES, None)
    label = node.label if m.candidate.label in schema.node(node.label).labels else m.candidate.label
    return NodeRecord(label, m.candidate.key, props, merge)


def resolve_batch(store: GraphStore, batch: MappedBatch) -> ResolutionReport:
    """Resolve the `MappedBatch.resolvable` nodes of `batch` in place (see the module's text)."""
    report = ResolutionReport()
    items = batch.resolvable
    batch.resolvable = []
    if not items:
        return report
    schema = store.schema
    by_label: dict[str, set[Any]] = defaultdict(set)
    for item in items:
        by_label[item.node.label].add(item.node.key)
    stored_keys = {label: existing_keys(store, label, keys) for label, keys in by_label.items()}
    todo = [i for i in items if i.node.key not in stored_keys[i.node.label]]
    if not todo:
        return report
    id_props = identifier_properties(schema)
    countries = {c for i in todo for c in i.countries}
    identifiers: dict[str, set[str]] = defaultdict(set)
    for i in todo:
        for prop in id_props:
            if isinstance(i.node.properties.get(prop), str | int):
                identifiers[prop].add(str(i.node.properties[prop]))
    index = MatchIndex(institution_candidates(store, countries=countries, identifiers=identifiers))
    first: dict[Any, Resolvable] = {}
    for item in todo:  # a key on many rows (an organisation in many projects) resolves once
        first.setdefault(item.node.key, item)
    report.looked_up = len(first)
    found: dict[Any, Match] = {}
    for key, item in first.items():
        query = candidate_from_properties(
            schema, item.node.label, item.node.key, item.node.properties, countries=item.countries
        )
        resolution = index.resolve(query, Thresholds(link=item.link, review=item.review))
        if resolution.decision == "linked" and resolution.best is not None:
            found[key] = resolution.best
        elif resolution.decision == "review":
            report.review.append(
                ReviewItem(
                    item.file,
                    item.row,
                    str(item.node.key),
                    query.display_name,
                    tuple(_scored(m) for m in resolution.matches),
                )
            )
    if not found:
        return report
    stored_nodes, _ = existing_records(
        store, {NodeLabel.INSTITUTION: {m.candidate.key for m in found.values()}}
    )
    props = {n.key: n.properties for n in stored_nodes}
    for key, m in found.items():
        item = first[key]
        report.linked.append(
            LinkedRow(
                item.file,
                item.row,
                str(key),
                m.query.display_name,
                m.candidate.key,
                m.candidate.display_name,
                m.rule,
                m.score,
                m.evidence,
            )
        )
    replaced: dict[int, NodeRecord] = {}
    for item in todo:
        hit = found.get(item.node.key)
        if hit is not None:
            stored = props.get(hit.candidate.key, {})
            evidence = _evidence(first[item.node.key], hit)
            replaced[id(item.node)] = _linked_record(schema, item.node, hit, stored, evidence)
    batch.nodes = [replaced.get(id(n), n) for n in batch.nodes]
    institution = frozenset(
        label for label, nt in schema.nodes.items() if nt.key_label == NodeLabel.INSTITUTION
    )
    rels = []
    inst = NodeLabel.INSTITUTION  # the key label: the end is found whatever its type
    for r in batch.relationships:
        if r.start_label in institution and r.start_key in found:
            r = dataclasses.replace(r, start_label=inst, start_key=found[r.start_key].candidate.key)
        if r.end_label in institution and r.end_key in found:
            r = dataclasses.replace(r, end_label=inst, end_key=found[r.end_key].candidate.key)
        rels.append(r)
    batch.relationships = rels
    return report
