"""Lifecycle stages of relationships, read straight from the store.

The fast projection for analyses leaves relationship properties out (they double its time
on a large graph), but the population (`graph.analytics.population`) must still see which
partnerships are only proposed.  Few relationships carry a stage, so one query per
relationship type whose schema has the stage property fetches them (a scan of those types
only, not of every relationship), keyed like the projection's edges: ``(start id, end id,
type)``.
"""

from __future__ import annotations

from graph.cypher.identifiers import ident, labels_clause, stable_id
from graph.node_types import node_type_of
from graph.store import GraphStore
from ontology.vocab import PropertyName

__all__ = ["relationship_stages"]


def relationship_stages(store: GraphStore) -> dict[tuple[str, str, str], str]:
    """``(start id, end id, type) -> lifecycle stage`` of every relationship that has one."""
    schema = store.schema
    stage = ident(PropertyName.LIFECYCLE)
    staged = [t for t, r in schema.relationships.items() if PropertyName.LIFECYCLE in r.property_names]
    out: dict[tuple[str, str, str], str] = {}
    rows = (
        row
        for t in staged
        for row in store.stream(
            f"MATCH (a)-[r{labels_clause([t])}]->(b) WHERE r.{stage} IS NOT NULL "
            f"RETURN labels(a) AS la, properties(a) AS pa, labels(b) AS lb, properties(b) AS pb, "
            f"type(r) AS t, r.{stage} AS s"
        )
    )
    for row in rows:
        ends = []
        for labels, props in ((row["la"], row["pa"]), (row["lb"], row["pb"])):
            nt = node_type_of(schema, labels)
            if nt is None or props.get(nt.key) is None:
                break
            ends.append(stable_id(nt.key_label, props[nt.key]))
        if len(ends) == 2:
            out[(ends[0], ends[1], str(row["t"]))] = str(row["s"])
    return out
