"""Cypher text in one place, by topic.

* `graph.cypher.identifiers` — safe identifiers, stable node ids, plain values;
* `graph.cypher.grouping` — records checked against the schema and grouped for a write;
* `graph.cypher.statements` — upsert and delete statements (the common dialect of
  FalkorDB and Neo4j 5);
* `graph.cypher.endpoints` — the check that relationship ends exist;
* `graph.cypher.named` — the catalogue of named read queries.

Nothing is re-exported here: import from the topic module.
"""

__all__: list[str] = []
