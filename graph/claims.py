"""Lifecycle stages of relationships, read straight from the store.

The fast projection for analyses leaves relationship properties out (they double its time
on a large graph), but the population (`graph.analytics.population`) must still see which
partnerships are only proposed.  Few relationships carry a stage, so the types whose schema
has the stage property are read, keyed like the projection's edges: ``(start id, end id,
type)``.  Each type is read from the nodes of its domain (``MATCH (a:Source)-[r:T]->(b)``), as
the projection reads it (`graph.backends.falkordb.edge_scan`), and counted on the way: a type
with a start node outside its domain is read again from every node.  (From every node, FalkorDB
scans all of them for each type: 0.1 s a type at 100k nodes, against 0.01-0.03 s a label.)
"""

from __future__ import annotations

from typing import Any

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
    rows: list[list[Any]] = []
    for t in staged:
        pattern = labels_clause([t])
        counted = store.query(f"MATCH ()-[r{pattern}]->() RETURN count(r) AS n")
        expected = counted[0]["n"] if counted else 0
        if not expected:
            continue
        scans = [
            f"MATCH (a{labels_clause([lb])})-[r{pattern}]->(b)"
            for lb in sorted(set(schema.relationships[t].sources))
        ]
        found, read = 0, []
        for scan in scans or [f"MATCH (a)-[r{pattern}]->(b)"]:
            row = store.query(
                f"{scan} RETURN count(r) AS n, collect(CASE WHEN r.{stage} IS NOT NULL "
                f"THEN [labels(a), properties(a), labels(b), properties(b), r.{stage}] END) AS staged"
            )[0]
            found += row["n"]
            read.extend(row["staged"])
        if found != expected:  # a start node outside the domain (or a write meanwhile)
            read = store.query(
                f"MATCH (a)-[r{pattern}]->(b) WHERE r.{stage} IS NOT NULL "
                f"RETURN collect([labels(a), properties(a), labels(b), properties(b), r.{stage}]) AS staged"
            )[0]["staged"]
        rows.extend([*one, t] for one in read)
    out: dict[tuple[str, str, str], str] = {}
    for la, pa, lb, pb, value, t in rows:
        ends = []
        for labels, props in ((la, pa), (lb, pb)):
            nt = node_type_of(schema, labels)
            if nt is None or props.get(nt.key) is None:
                break
            ends.append(stable_id(nt.key_label, props[nt.key]))
        if len(ends) == 2:
            out[(ends[0], ends[1], t)] = str(value)
    return out
