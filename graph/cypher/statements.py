"""Write statements in the common dialect of FalkorDB and Neo4j 5: upserts and deletes.

Identifiers are spliced with `~graph.cypher.identifiers.ident` after a schema check;
values are parameters (``UNWIND $rows``).  Backends add their DDL and their quirks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from graph.cypher.grouping import RelGroup
from graph.cypher.identifiers import ident, labels_clause
from ontology.schema import NodeType, SchemaError

__all__ = [
    "delete_nodes_cypher",
    "delete_relationships_cypher",
    "missing_endpoints_cypher",
    "node_upsert_cypher",
    "rel_upsert_cypher",
    "set_properties_cypher",
]

# one SET clause (measurably faster on FalkorDB than two); ``p`` never holds ``sources``
_MERGE_SOURCES = (
    "SET {v} += {p}, {v}.sources = coalesce({v}.sources, [])"
    " + [s IN {src} WHERE NOT s IN coalesce({v}.sources, [])]"
)


def _policy_sets(fill: Iterable[str], longer: Iterable[str]) -> str:
    """SET items for the merge policies: ``r.f`` fills missing properties only, ``r.l``
    replaces a stored text only when longer (`graph.cypher.grouping.NodeGroup`)."""
    items = [f"n.{ident(name)} = coalesce(n.{ident(name)}, r.f.{ident(name)})" for name in sorted(fill)]
    for name in sorted(longer):
        old, new = f"n.{ident(name)}", f"r.l.{ident(name)}"
        items.append(
            f"{old} = CASE WHEN {old} IS NULL OR size(toString({new})) > size(toString({old}))"
            f" THEN coalesce({new}, {old}) ELSE {old} END"
        )
    return ", ".join(items)


def node_upsert_cypher(
    nt: NodeType,
    param: str = "rows",
    *,
    create_apart: bool = False,
    fill: Iterable[str] = (),
    longer: Iterable[str] = (),
) -> str:
    """UNWIND + MERGE of nodes of one type on ``(key_label, key)``; rows are ``{k, p, s}``.

    Merge policies (`ontology.records.MergePolicy`): rows may also carry ``f``, values of
    the properties `fill` that are written only where the node has none (placeholders,
    ``keep_existing``), and ``l``, values of the properties `longer` that replace a stored
    text only when longer (``keep_longer``).  Values stay parameters; only the (checked)
    property names are spliced.

    With `create_apart` (FalkorDB), a type with labels beyond its key label updates the
    stored nodes first, then creates the missing ones with all their labels at once: in
    FalkorDB, adding a label to a node created earlier in the same query costs time that
    grows with the number of such nodes (8,000 new events took 3.5 s with ``MERGE`` then
    ``SET n:Forum``, 0.1 s created with both labels). FalkorDB runs one write query at a
    time, so no other writer can create a key between the two parts.

    Examples
    --------
    >>> from ontology.schema import NodeType
    >>> nt = NodeType(label="BilateralCentre", iri="urn:x", key="id", key_label="Institution",
    ...               labels=("BilateralCentre", "TransferCentre", "Institution"))
    >>> print(node_upsert_cypher(nt))
    UNWIND $rows AS r
    MERGE (n:`Institution` {`id`: r.k})
    SET n:`BilateralCentre`:`TransferCentre`
    SET n += r.p, n.sources = coalesce(n.sources, []) + [s IN r.s WHERE NOT s IN coalesce(n.sources, [])]
    >>> print(node_upsert_cypher(nt, create_apart=True))
    UNWIND $rows AS r
    MATCH (n:`Institution` {`id`: r.k})
    SET n:`BilateralCentre`:`TransferCentre`
    SET n += r.p, n.sources = coalesce(n.sources, []) + [s IN r.s WHERE NOT s IN coalesce(n.sources, [])]
    WITH count(*) AS _stored_rows
    UNWIND $rows AS r
    OPTIONAL MATCH (o:`Institution` {`id`: r.k})
    WITH r WHERE o IS NULL
    CREATE (n:`BilateralCentre`:`TransferCentre`:`Institution` {`id`: r.k})
    SET n += r.p, n.sources = r.s
    >>> last = node_upsert_cypher(nt, fill=["name"], longer=["note"]).splitlines()[-1]
    >>> print(last.replace("), n.", "),\\n n.").replace(" THEN", "\\n THEN"))
    SET n.`name` = coalesce(n.`name`, r.f.`name`),
     n.`note` = CASE WHEN n.`note` IS NULL OR size(toString(r.l.`note`)) > size(toString(n.`note`))
     THEN coalesce(r.l.`note`, n.`note`) ELSE n.`note` END
    """
    extra = [label for label in nt.labels if label != nt.key_label]
    key_label, key = labels_clause([nt.key_label]), ident(nt.key)
    merge_sources = _MERGE_SOURCES.format(v="n", p="r.p", src="r.s")
    policy = _policy_sets(fill, longer)
    policy_lines = [f"SET {policy}"] if policy else []
    if not (create_apart and extra):
        lines = [f"UNWIND ${param} AS r", f"MERGE (n{key_label} {{{key}: r.k}})"]
        if extra:
            lines.append(f"SET n{labels_clause(extra)}")
        return "\n".join([*lines, merge_sources, *policy_lines])
    return "\n".join(
        [
            f"UNWIND ${param} AS r",
            f"MATCH (n{key_label} {{{key}: r.k}})",
            f"SET n{labels_clause(extra)}",
            merge_sources,
            *policy_lines,
            f"WITH count(*) AS _stored_{param}",
            f"UNWIND ${param} AS r",
            f"OPTIONAL MATCH (o{key_label} {{{key}: r.k}})",
            "WITH r WHERE o IS NULL",
            f"CREATE (n{labels_clause(list(nt.labels))} {{{key}: r.k}})",
            "SET n += r.p, n.sources = r.s",
            *policy_lines,
        ]
    )


def set_properties_cypher(nt: NodeType, names: Sequence[str], param: str = "rows") -> str:
    """UNWIND + MATCH of nodes of one type by key, then SET of `names` from rows
    ``[key, [value, ...]]`` (values in the order of `names`; a null removes the property).

    A row whose node does not exist changes nothing (no node is created); the query
    returns the number of nodes matched.  The rows carry no map keys: the parameter text is
    about half as long as ``{k, p}`` maps, and FalkorDB parses it in half the time.

    Every name must be a property of `nt` (its key and its provenance excluded), else
    `~ontology.schema.SchemaError`.

    Examples
    --------
    >>> from ontology.schema import NodeType, PropertySpec
    >>> props = tuple(PropertySpec(n, f"urn:{n}") for n in ("id", "pagerank", "community"))
    >>> nt = NodeType(label="Expert", iri="urn:x", key="id", key_label="Expert", labels=("Expert",),
    ...               properties=props)
    >>> print(set_properties_cypher(nt, ["pagerank", "community"]))
    UNWIND $rows AS r
    MATCH (n:`Expert` {`id`: r[0]})
    SET n.`pagerank` = r[1][0], n.`community` = r[1][1]
    RETURN count(n) AS matched
    >>> set_properties_cypher(nt, ["id"])
    Traceback (most recent call last):
    ontology.schema.SchemaError: the key 'id' of 'Expert' cannot be set this way
    """
    for name in names:
        if name == nt.key:
            raise SchemaError(f"the key {name!r} of {nt.label!r} cannot be set this way")
        nt.get_property(name)
    sets = ", ".join(f"n.{ident(name)} = r[1][{i}]" for i, name in enumerate(names))
    return "\n".join(
        [
            f"UNWIND ${param} AS r",
            f"MATCH (n{labels_clause([nt.key_label])} {{{ident(nt.key)}: r[0]}})",
            f"SET {sets}",
            "RETURN count(n) AS matched",
        ]
    )


def rel_upsert_cypher(group: RelGroup, param: str = "rows") -> str:
    """UNWIND + MATCH ends + MERGE of one relationship group; rows are ``{s, e, d, p, src}``.

    Examples
    --------
    >>> from ontology.schema import NodeType, RelationshipType
    >>> c = NodeType(label="Country", iri="urn:c", key="code", key_label="Country", labels=("Country",))
    >>> rt = RelationshipType(type="BORDERS", iri="urn:b", sources=("Country",), targets=("Country",))
    >>> print(rel_upsert_cypher(RelGroup(rt, c, c)))
    UNWIND $rows AS r
    MATCH (a:`Country` {`code`: r.s})
    MATCH (b:`Country` {`code`: r.e})
    MERGE (a)-[x:`BORDERS`]->(b)
    SET x += r.p, x.sources = coalesce(x.sources, []) + [s IN r.src WHERE NOT s IN coalesce(x.sources, [])]
    """
    disc = ", ".join(f"{ident(name)}: r.d.{ident(name)}" for name in group.discriminator)
    disc_map = f" {{{disc}}}" if disc else ""
    return "\n".join(
        [
            f"UNWIND ${param} AS r",
            f"MATCH (a{labels_clause([group.start.label])} {{{ident(group.start.key)}: r.s}})",
            f"MATCH (b{labels_clause([group.end.label])} {{{ident(group.end.key)}: r.e}})",
            f"MERGE (a)-[x{labels_clause([group.rel_type.type])}{disc_map}]->(b)",
            _MERGE_SOURCES.format(v="x", p="r.p", src="r.src"),
        ]
    )


def missing_endpoints_cypher(nt: NodeType, param: str = "keys") -> str:
    """Return the keys of `param` with no node of this type.

    Examples
    --------
    >>> from ontology.schema import NodeType
    >>> c = NodeType(label="Country", iri="urn:c", key="code", key_label="Country", labels=("Country",))
    >>> print(missing_endpoints_cypher(c))
    UNWIND $keys AS k
    OPTIONAL MATCH (n:`Country` {`code`: k})
    WITH k, n WHERE n IS NULL
    RETURN k
    """
    return "\n".join(
        [
            f"UNWIND ${param} AS k",
            f"OPTIONAL MATCH (n{labels_clause([nt.label])} {{{ident(nt.key)}: k}})",
            "WITH k, n WHERE n IS NULL",
            "RETURN k",
        ]
    )


def delete_nodes_cypher(nt: NodeType, param: str = "keys") -> str:
    """DETACH DELETE nodes of one type by key, returning how many.

    Examples
    --------
    >>> from ontology.schema import NodeType
    >>> c = NodeType(label="Country", iri="urn:c", key="code", key_label="Country", labels=("Country",))
    >>> print(delete_nodes_cypher(c))
    UNWIND $keys AS k
    MATCH (n:`Country` {`code`: k})
    DETACH DELETE n
    RETURN count(*) AS deleted
    """
    return "\n".join(
        [
            f"UNWIND ${param} AS k",
            f"MATCH (n{labels_clause([nt.label])} {{{ident(nt.key)}: k}})",
            "DETACH DELETE n",
            "RETURN count(*) AS deleted",
        ]
    )


def delete_relationships_cypher(rel_type: str, start: NodeType, end: NodeType) -> str:
    """DELETE the relationships of one type from one node to another, returning how many.

    Parameters ``$s`` and ``$e`` are the start and end keys; `rel_type` must be checked
    against the schema first.

    Examples
    --------
    >>> from ontology.schema import NodeType
    >>> c = NodeType(label="Country", iri="urn:c", key="code", key_label="Country", labels=("Country",))
    >>> print(delete_relationships_cypher("BORDERS", c, c))
    MATCH (a:`Country` {`code`: $s})-[r:`BORDERS`]->(b:`Country` {`code`: $e})
    DELETE r
    RETURN count(*) AS deleted
    """
    return "\n".join(
        [
            f"MATCH (a{labels_clause([start.label])} {{{ident(start.key)}: $s}})"
            f"-[r{labels_clause([rel_type])}]->(b{labels_clause([end.label])} {{{ident(end.key)}: $e}})",
            "DELETE r",
            "RETURN count(*) AS deleted",
        ]
    )
