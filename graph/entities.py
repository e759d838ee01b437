"""Reads behind the entity API: listing pages, one node with its ties, stored nodes, degrees.

The Cypher of ``/entities`` and of the checks of entity writes, in one place.  Labels,
types and property names come from the schema and the vocabulary and are quoted by
`~graph.cypher.identifiers.ident`; a type given by a caller must be found in the schema
first (`~ontology.schema.GraphSchema.node`); keys and filters travel as parameters.
"""

from __future__ import annotations

from typing import Any

from graph.cypher.identifiers import ident
from graph.store import GraphStore
from ontology.schema import GraphSchema, NodeType
from ontology.vocab import NodeLabel, PropertyName, RelType

__all__ = [
    "COUNTRY_RELS",
    "FIELD_RELS",
    "NARROWER_DEPTH",
    "entity_cypher",
    "key_names",
    "list_cypher",
    "neighbour_rows",
    "node_degree",
    "relationship_count",
    "stored_node_row",
]

#: Ties that place a node in a country (the ``country`` filter of a listing).
COUNTRY_RELS = (RelType.LOCATED_IN, RelType.HOSTED_IN)
#: Ties that put a node in a field (the ``field`` filter of a listing).
FIELD_RELS = (RelType.COVERS_FIELD, RelType.IN_FIELD, RelType.EXPERT_IN)
#: How many SKOS ``BROADER`` steps a ``narrower`` filter follows (the deepest chain of the
#: bundled schemes, IPC, is 5).
NARROWER_DEPTH = 8


def _rels(types: tuple[str, ...]) -> str:
    return "|".join(ident(t) for t in types)


def list_cypher(
    schema: GraphSchema, label: str, *, country: bool, field: bool, narrower: bool, after: bool
) -> str:
    """One listing page of the nodes of `label`, in key order: ``key, labels, name, title``.

    Parameters ``$limit``, and ``$country``/``$field``/``$after`` with their filters.

    Examples
    --------
    >>> from ontology.derive import load_schema
    >>> print(list_cypher(load_schema(), "Country", country=False, field=False, narrower=False, after=True))
    MATCH (n:`Country`) WHERE toString(n.`id`) > $after
    WITH DISTINCT n ORDER BY toString(n.`id`) LIMIT $limit
    RETURN n.`id` AS key, labels(n) AS labels, n.`name` AS name, n.`title` AS title
    """
    nt = schema.node(label)
    key = ident(nt.key)
    country_t, field_t = schema.node(NodeLabel.COUNTRY), schema.node(NodeLabel.FIELD)
    lines = []
    if country:
        lines.append(f"MATCH (c:{ident(country_t.label)}) WHERE c.{ident(country_t.key)} = $country")
    if field:
        lines.append(f"MATCH (f:{ident(field_t.label)}) WHERE f.{ident(field_t.key)} = $field")
    # toString: FalkorDB compares strings case-insensitively in an index range scan but
    # byte-wise in ORDER BY; without the index both agree (and agree with Neo4j)
    lines.append(f"MATCH (n:{ident(nt.label)})" + (f" WHERE toString(n.{key}) > $after" if after else ""))
    if country:
        lines.append(f"MATCH (n)-[:{_rels(COUNTRY_RELS)}]->(c)")
    if field:
        if narrower:
            lines.append(
                f"MATCH (n)-[:{_rels(FIELD_RELS)}]->(:{ident(field_t.label)})"
                f"-[:{ident(RelType.BROADER)}*0..{NARROWER_DEPTH}]->(f)"
            )
        else:
            lines.append(f"MATCH (n)-[:{_rels(FIELD_RELS)}]->(f)")
    lines.append(f"WITH DISTINCT n ORDER BY toString(n.{key}) LIMIT $limit")
    lines.append(
        f"RETURN n.{key} AS key, labels(n) AS labels, n.{ident(PropertyName.NAME)} AS name, "
        f"n.{ident(PropertyName.TITLE)} AS title"
    )
    return "\n".join(lines)


def key_names(schema: GraphSchema) -> list[str]:
    """The key property names of all node types, sorted: the other-end keys of `entity_cypher`.

    Examples
    --------
    >>> from ontology.derive import load_schema
    >>> key_names(load_schema())
    ['id']
    """
    return sorted({t.key for t in schema.nodes.values()})


def entity_cypher(schema: GraphSchema, nt: NodeType) -> str:
    """One row: the node, and its first ``$limit`` relationships collected as lists
    ``[type, outgoing, properties, other labels, other name, other title, other keys...]``
    (the node's own properties once, not once per relationship; keys in `key_names` order).

    Examples
    --------
    >>> from ontology.derive import load_schema
    >>> schema = load_schema()
    >>> print(entity_cypher(schema, schema.node("Country")).replace(" WITH", "\\nWITH"))
    MATCH (n:`Country`) WHERE n.`id` = $key OPTIONAL MATCH (n)-[r]-(m)
    WITH n, r, m LIMIT $limit
    WITH n, collect([type(r), startNode(r) = n, properties(r), labels(m), m.`name`, m.`title`, m.`id`]) AS rels RETURN labels(n) AS labels, properties(n) AS props, rels
    """  # noqa: E501
    other_keys = "".join(f", m.{ident(name)}" for name in key_names(schema))
    return (
        f"MATCH (n:{ident(nt.label)}) WHERE n.{ident(nt.key)} = $key "
        "OPTIONAL MATCH (n)-[r]-(m) WITH n, r, m LIMIT $limit "
        "WITH n, collect([type(r), startNode(r) = n, properties(r), labels(m), "
        f"m.{ident(PropertyName.NAME)}, m.{ident(PropertyName.TITLE)}{other_keys}]) AS rels "
        "RETURN labels(n) AS labels, properties(n) AS props, rels"
    )


def stored_node_row(store: GraphStore, nt: NodeType, key: Any) -> dict[str, Any] | None:
    """``{labels, props}`` of the node holding `key` among the nodes of `nt`'s key label (one
    indexed lookup), whatever its type, since the key is unique across the hierarchy; None if absent."""
    rows = store.query(
        f"MATCH (n:{ident(nt.key_label)}) WHERE n.{ident(nt.key)} = $key "
        "RETURN labels(n) AS labels, properties(n) AS props LIMIT 1",
        {"key": key},
        read_only=True,
        row_cap=1,
    )
    return rows[0] if rows else None


def neighbour_rows(store: GraphStore, nt: NodeType, key: Any) -> list[dict[str, Any]]:
    """``{labels, props}`` of every distinct neighbour of the node ``(nt, key)``."""
    return store.query(
        f"MATCH (n:{ident(nt.label)})-[]-(m) WHERE n.{ident(nt.key)} = $key "
        "RETURN DISTINCT labels(m) AS labels, properties(m) AS props",
        {"key": key},
        read_only=True,
        row_cap=100_000,
    )


def node_degree(store: GraphStore, nt: NodeType, key: Any) -> int:
    """How many relationships the node ``(nt, key)`` has (both directions)."""
    rows = store.query(
        f"MATCH (n:{ident(nt.label)})-[r]-() WHERE n.{ident(nt.key)} = $key RETURN count(r) AS n",
        {"key": key},
        read_only=True,
        row_cap=1,
    )
    return int(rows[0]["n"]) if rows else 0


def relationship_count(
    store: GraphStore, rel_type: str, start: NodeType, start_key: Any, end: NodeType, end_key: Any
) -> int:
    """How many relationships of `rel_type` (checked against the schema) go from one node to another."""
    rel_type = store.schema.check_type(rel_type)
    rows = store.query(
        f"MATCH (a:{ident(start.label)})-[r:{ident(rel_type)}]->(b:{ident(end.label)}) "
        f"WHERE a.{ident(start.key)} = $a AND b.{ident(end.key)} = $b RETURN count(r) AS n",
        {"a": start_key, "b": end_key},
        read_only=True,
        row_cap=1,
    )
    return int(rows[0]["n"]) if rows and rows[0]["n"] else 0
