"""Every kind of statement a graph store sends: the store operations, the named-query
catalogue, entity reads, existing-record reads, write-back, on the ontology's schema.

`exercise` drives any `~graph.store.GraphStore`; the tests record what it sends (the Neo4j
backend through the recording fake runner, FalkorDB through its client).
"""

from __future__ import annotations

from itertools import product
from typing import Any

from graph.analytics.params import AnalysisParams
from graph.analytics.runs import GraphCounts, RunRecord
from graph.analytics.writeback import RESULT_PROPERTIES, write_back
from graph.cache import _default_fingerprint
from graph.claims import relationship_stages
from graph.cypher.named import NAMED_QUERIES
from graph.entities import (
    entity_cypher,
    list_cypher,
    neighbour_rows,
    node_degree,
    relationship_count,
    stored_node_row,
)
from graph.existing import existing_keys, existing_records
from graph.real_nodes import real_fine_fields, real_institutions
from graph.resolution.candidates import institution_candidates
from graph.resolution.decisions import read_decisions, undo
from graph.store import GraphStore
from graph.untrusted import EXAMPLE_PARAMETERS, EXAMPLE_QUERY, screen_untrusted
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema
from ontology.vocab import NodeLabel, PropertyName

__all__ = ["UNTRUSTED_SAMPLES", "exercise", "records"]

#: Queries a caller might send to ``/cypher``: the API runs the text `screen_untrusted`
#: returns (comments removed, ``LIMIT row_cap + 1`` on every top-level result).
UNTRUSTED_SAMPLES: list[tuple[str, dict[str, Any]]] = [
    (EXAMPLE_QUERY, EXAMPLE_PARAMETERS),
    ("MATCH (n) // all\nRETURN n.id AS id ORDER BY id", {}),
    ("MATCH (n:Country) RETURN n.id AS id UNION MATCH (n:Field) RETURN n.id AS id", {}),
    ("MATCH (n) RETURN n.id AS id SKIP $s LIMIT $l", {"s": 1, "l": 2}),
    ("CALL db.labels() YIELD label RETURN label", {}),
    ("UNWIND range(1, 10) AS i RETURN i", {}),
    ("MATCH (n) WITH n LIMIT 10 RETURN n", {}),
]


def _key(label: str) -> str:
    return f"k-{label}"


def records(schema: GraphSchema) -> tuple[list[NodeRecord], list[RelationshipRecord], dict[str, list[str]]]:
    """One node per concrete type, one relationship per type (first source and target), and
    a discriminator (the first non-provenance property) for every relationship type with one."""
    nodes = [
        NodeRecord(
            nt.label,
            _key(nt.label),
            {PropertyName.NAME: nt.label} if PropertyName.NAME in nt.property_names else {},
        )
        for nt in sorted(schema.nodes.values(), key=lambda n: n.label)
        if not nt.abstract
    ]
    concrete = {n.label for n in nodes}
    rels = []
    discriminator: dict[str, list[str]] = {}
    for rt in sorted(schema.relationships.values(), key=lambda r: r.type):
        start = next((s for s in rt.sources if s in concrete), None)
        end = next((t for t in rt.targets if t in concrete), None)
        if start is None or end is None:
            continue
        props = [p.name for p in rt.properties if p.name not in ("sources", "retrieved", "note")]
        values: dict[str, Any] = {props[0]: "x"} if props else {}
        if props:
            discriminator[rt.type] = [props[0]]
        rels.append(RelationshipRecord(rt.type, start, _key(start), end, _key(end), values))
    return nodes, rels, discriminator


def exercise(store: GraphStore) -> None:
    """Run every operation that sends Cypher once (or in each of its variants)."""
    schema = store.schema
    nodes, rels, disc = records(schema)
    store.install_schema()
    # writes: per batch, with and without discriminators, atomic or not, grouped
    store.upsert_nodes(nodes, batch_size=2)
    store.upsert_relationships(rels[:3], batch_size=2)
    store.upsert_relationships(rels, discriminator=disc)
    store.upsert(nodes[:3], rels, atomic=True)
    store.upsert(nodes, rels, atomic=False, discriminator=disc)
    # reads: the named queries, the /cypher example, streams
    for named in NAMED_QUERIES.values():
        cypher, values = named.bind(schema, named.example)
        store.query(cypher, values)
        list(store.stream(cypher, values, batch_size=10))
    for cypher, values in UNTRUSTED_SAMPLES:
        store.query(screen_untrusted(cypher, values, row_cap=500).text, values)
    fingerprint = _default_fingerprint(store)
    if getattr(store, "version", None) is None:
        fingerprint()
    # entity reads (graph.entities and the API's listing)
    for nt in sorted(schema.nodes.values(), key=lambda n: n.label):
        store.query(entity_cypher(schema, nt), {"key": _key(nt.label), "limit": 5})
        stored_node_row(store, nt, _key(nt.label))
        neighbour_rows(store, nt, _key(nt.label))
        node_degree(store, nt, _key(nt.label))
    for country, field, narrower, after in product((False, True), repeat=4):
        if narrower and not field:
            continue
        cypher = list_cypher(
            schema, NodeLabel.INSTITUTION, country=country, field=field, narrower=narrower, after=after
        )
        store.query(cypher, {"country": "CN", "field": "ford:2", "after": "a", "limit": 3})
    for rel in rels:
        relationship_count(
            store,
            rel.type,
            schema.node(rel.start_label),
            rel.start_key,
            schema.node(rel.end_label),
            rel.end_key,
        )
    # existing records (the loaders' checks)
    existing_keys(store, NodeLabel.COUNTRY, [_key(NodeLabel.COUNTRY)])
    wanted = {rel.start_label: {(rel.type, True)} for rel in rels}
    wanted.update({rel.end_label: {(rel.type, False)} for rel in rels})
    existing_records(store, {n.label: [n.key] for n in nodes}, wanted)
    real_institutions(store)
    real_fine_fields(store, "ford:")
    # entity resolution: candidates (all, by country, by identifier) and decisions (the SAME_AS and
    # DISTINCT_FROM writes are upserts of relationship types, linted above)
    institution_candidates(store)
    ids = {"rorId": ["0synth001"], "pic": ["999985029"]}
    institution_candidates(store, countries=["CN"], identifiers=ids)
    read_decisions(store)
    undo(store, _key(NodeLabel.UNIVERSITY), _key(NodeLabel.HOSPITAL))
    # projection, paging, stats
    store.to_networkx()
    store.to_networkx(labels=[NodeLabel.COUNTRY, NodeLabel.EXPERT], rel_types=[r.type for r in rels[:2]])
    store.to_networkx(properties=False, directed=False)
    store.to_networkx(properties=False, omit_node_properties=["pagerank", "analysisRun"])
    store.to_arrays()
    store.to_arrays(labels=[NodeLabel.INSTITUTION], rel_types=[rels[0].type])
    relationship_stages(store)
    store.stats()
    # analysis write-back (an empty run: the stale-result scan and the commit marker)
    run = RunRecord("r1", "2026-01-01T00:00:00+00:00", AnalysisParams(), GraphCounts(1, 0))
    write_back(store, run)
    store.set_properties(
        NodeLabel.EXPERT, list(RESULT_PROPERTIES), [(_key(NodeLabel.EXPERT), [None] * len(RESULT_PROPERTIES))]
    )
    # deletes, clear
    rel = rels[0]
    store.delete_relationships(rel.type, rel.start_label, rel.start_key, rel.end_label, rel.end_key)
    store.delete_nodes(NodeLabel.COUNTRY, [_key(NodeLabel.COUNTRY)])
    store.clear()
