"""Cypher text in one place: safe identifiers, upsert statements and named queries.

Labels, relationship types and property names are spliced into Cypher only through
the helpers here, after a check against the `~ontology.schema.GraphSchema`; every value
travels as a parameter.  The statements are the common dialect of FalkorDB and Neo4j 5;
backends add their DDL and their own quirks.

Examples
--------
>>> ident("Country")
'`Country`'
>>> ident("Country`) DETACH DELETE (n")
Traceback (most recent call last):
...
ontology.schema.SchemaError: not a safe Cypher identifier: 'Country`) DETACH DELETE (n'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema, NodeType, RelationshipType, SchemaError
from ontology.vocab import NodeLabel, PropertyName, RelType

__all__ = [
    "NAMED_QUERIES",
    "PARAMETER_TYPES",
    "GroupedRecords",
    "NamedQuery",
    "NodeGroup",
    "QueryParameter",
    "RelGroup",
    "check_endpoints",
    "chunks",
    "delete_nodes_cypher",
    "group_nodes",
    "group_records",
    "group_relationships",
    "ident",
    "labels_clause",
    "leaves",
    "missing_endpoints_cypher",
    "node_upsert_cypher",
    "plain_value",
    "rel_upsert_cypher",
    "stable_id",
]

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def ident(name: str) -> str:
    """Backtick-quote a schema-checked identifier; refuse anything that is not one.

    Examples
    --------
    >>> ident("key")
    '`key`'
    """
    if not isinstance(name, str) or not _IDENT.match(name):
        raise SchemaError(f"not a safe Cypher identifier: {name!r}")
    return f"`{name}`"


def labels_clause(labels: Iterable[str]) -> str:
    """``:`A`:`B``` for a node pattern or ``SET n:...``.

    Examples
    --------
    >>> labels_clause(["Institution", "TransferCentre"])
    ':`Institution`:`TransferCentre`'
    """
    return "".join(":" + ident(label) for label in labels)


def stable_id(label: str, key: Any) -> str:
    """The stable node id used outside the store: ``"KeyLabel:key"``.

    Examples
    --------
    >>> stable_id("Country", "CN")
    'Country:CN'
    """
    return f"{label}:{key}"


_SCALARS = (str, int, float, bool, type(None))


def leaves(value: Any) -> Iterator[Any]:
    """The values inside a query result cell: lists and map values opened, everything else as is.

    Examples
    --------
    >>> list(leaves([1, {"a": [2, "x"]}, (3,)]))
    [1, 2, 'x', 3]
    """
    if isinstance(value, list | tuple):
        for item in value:
            yield from leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    else:
        yield value


def plain_value(value: Any) -> Any:
    """Turn a record value into a parameter both backends store the same way.

    Dates and datetimes become ISO-8601 text (the schema's convention), tuples and
    sets become lists, nested mappings are converted recursively.

    Examples
    --------
    >>> plain_value(dt.date(2020, 5, 1))
    '2020-05-01'
    >>> plain_value(("a", 1))
    ['a', 1]
    """
    if type(value) in _SCALARS:
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(plain_value(v) for v in value)
    if isinstance(value, Mapping):
        return {str(k): plain_value(v) for k, v in value.items()}
    return value


def _dedupe(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def _sources(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    out = list(dict.fromkeys(value))
    if all(type(v) is str for v in out):
        return out
    return _dedupe(str(v) for v in out)


# -- grouping records -------------------------------------------------------------------


@dataclass(slots=True)
class NodeGroup:
    """Rows of one node type, deduplicated by key (later properties win, sources merged)."""

    node_type: NodeType
    rows: dict[Any, dict[str, Any]] = field(default_factory=dict)
    allowed: frozenset[str] = field(default=frozenset(), init=False)

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
            if type(value) not in _SCALARS:
                props[name] = plain_value(value)
        if record.key is None:
            raise SchemaError(f"{nt.label} record without a key")
        key = record.key if type(record.key) in _SCALARS else plain_value(record.key)
        sources = _sources(raw_sources)
        old = self.rows.get(key)
        if old is None:
            self.rows[key] = {"k": key, "p": props, "s": sources}
        else:
            old["p"].update(props)
            old["s"] = _dedupe([*old["s"], *sources])

    def param_rows(self) -> list[dict[str, Any]]:
        """Parameter rows ``{k, p, s}``."""
        return list(self.rows.values())


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
            if type(value) not in _SCALARS:
                props[name] = plain_value(value)
        disc: dict[str, Any] = {}
        row_key: tuple[Any, ...]
        s, e = record.start_key, record.end_key
        if type(s) not in _SCALARS:
            s = plain_value(s)
        if type(e) not in _SCALARS:
            e = plain_value(e)
        if self.discriminator:
            disc = {name: props.get(name) for name in self.discriminator}
            for name, value in disc.items():
                if value is None:
                    raise SchemaError(f"{self.rel_type.type} record without discriminator {name!r}")
            row_key = (s, e, *(repr(v) for v in disc.values()))
        else:
            row_key = (s, e)
        sources = _sources(raw_sources)
        old = self.rows.get(row_key)
        if old is None:
            row = {"s": s, "e": e, "p": props, "src": sources}
            if disc:
                row["d"] = disc
            self.rows[row_key] = row
        else:
            old["p"].update(props)
            old["src"] = _dedupe([*old["src"], *sources])

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


# -- statements -------------------------------------------------------------------------

# one SET clause (measurably faster on FalkorDB than two); ``p`` never holds ``sources``
_MERGE_SOURCES = (
    "SET {v} += {p}, {v}.sources = coalesce({v}.sources, [])"
    " + [s IN {src} WHERE NOT s IN coalesce({v}.sources, [])]"
)


def node_upsert_cypher(nt: NodeType, param: str = "rows", *, create_apart: bool = False) -> str:
    """UNWIND + MERGE of nodes of one type on ``(key_label, key)``; rows are ``{k, p, s}``.

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
    """
    extra = [label for label in nt.labels if label != nt.key_label]
    key_label, key = labels_clause([nt.key_label]), ident(nt.key)
    merge_sources = _MERGE_SOURCES.format(v="n", p="r.p", src="r.s")
    if not (create_apart and extra):
        lines = [f"UNWIND ${param} AS r", f"MERGE (n{key_label} {{{key}: r.k}})"]
        if extra:
            lines.append(f"SET n{labels_clause(extra)}")
        return "\n".join([*lines, merge_sources])
    return "\n".join(
        [
            f"UNWIND ${param} AS r",
            f"MATCH (n{key_label} {{{key}: r.k}})",
            f"SET n{labels_clause(extra)}",
            merge_sources,
            f"WITH count(*) AS _stored_{param}",
            f"UNWIND ${param} AS r",
            f"OPTIONAL MATCH (o{key_label} {{{key}: r.k}})",
            "WITH r WHERE o IS NULL",
            f"CREATE (n{labels_clause(list(nt.labels))} {{{key}: r.k}})",
            "SET n += r.p, n.sources = r.s",
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


# -- named queries ----------------------------------------------------------------------


#: Parameter types of named queries: JSON-schema types, plus ``label`` and ``rel_type``
#: (a schema node label or relationship type, spliced into the text after a schema check).
PARAMETER_TYPES: tuple[str, ...] = ("string", "integer", "number", "boolean", "label", "rel_type")


@dataclass(frozen=True, slots=True)
class QueryParameter:
    """A typed parameter of a named query.

    ``type`` is one of `PARAMETER_TYPES`.  ``label``/``rel_type`` parameters never travel
    as values: `NamedQuery.render` checks them against the schema and quotes them.  A
    parameter with a ``default`` is optional.

    Examples
    --------
    >>> QueryParameter("limit", "integer", "At most this many rows.", minimum=1, default=100).required
    False
    """

    name: str
    type: str
    description: str
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    default: Any = None

    def __post_init__(self) -> None:
        if self.type not in PARAMETER_TYPES:
            raise SchemaError(f"unknown parameter type {self.type!r}")

    @property
    def required(self) -> bool:
        """No default: the caller must give it."""
        return self.default is None

    @property
    def identifier(self) -> bool:
        """A label or relationship type (spliced after a schema check), not a value."""
        return self.type in ("label", "rel_type")


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """A read query with a name, its typed parameters and an example.

    ``cypher`` may contain ``{label}``/``{key}``/``{rel_type}`` placeholders, filled by
    `render` with schema-checked identifiers (other braces are doubled).
    """

    name: str
    cypher: str
    parameters: tuple[QueryParameter, ...]
    description: str
    example: Mapping[str, Any] = field(default_factory=dict)

    def render(self, schema: GraphSchema, *, label: str | None = None, rel_type: str | None = None) -> str:
        """Fill the identifier placeholders after checking them against `schema`.

        Examples
        --------
        >>> from ontology.schema import NodeType
        >>> c = NodeType(label="Country", iri="urn:c", key="code", key_label="Country", labels=("Country",))
        >>> NAMED_QUERIES["node_by_key"].render(GraphSchema.build([c], []), label="Country")
        'MATCH (n:`Country` {`code`: $key}) RETURN n'
        """
        fill: dict[str, str] = {}
        if "{label}" in self.cypher or "{key}" in self.cypher:
            if label is None:
                raise SchemaError(f"query {self.name!r} needs a label")
            nt = schema.node(label)
            fill["label"] = ident(nt.label)
            fill["key"] = ident(nt.key)
        if "{rel_type}" in self.cypher:
            if rel_type is None:
                raise SchemaError(f"query {self.name!r} needs a relationship type")
            fill["rel_type"] = ident(schema.check_type(rel_type))
        return self.cypher.format(**fill)

    def bind(self, schema: GraphSchema, arguments: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The Cypher text and its value parameters for already type-checked `arguments`.

        Defaults fill missing optional parameters; identifier parameters go to `render`.

        Examples
        --------
        >>> from ontology.schema import NodeType
        >>> c = NodeType(label="Country", iri="urn:c", key="code", key_label="Country", labels=("Country",))
        >>> text, values = NAMED_QUERIES["neighbours"].bind(
        ...     GraphSchema.build([c], []), {"label": "Country", "key": "CN"})
        >>> text
        'MATCH (n:`Country` {`code`: $key})-[r]-(m) RETURN type(r) AS type, m LIMIT $limit'
        >>> values
        {'key': 'CN', 'limit': 100}
        """
        idents: dict[str, str] = {}
        values: dict[str, Any] = {}
        for param in self.parameters:
            value = arguments.get(param.name, param.default)
            if value is None:
                raise SchemaError(f"query {self.name!r} needs parameter {param.name!r}")
            if param.identifier:
                idents[param.type] = value
            else:
                values[param.name] = value
        return self.render(schema, **idents), values


def _named_queries() -> list[NamedQuery]:
    # identifiers come from the generated vocabulary (checked against the schema by the tests)
    L, R, P = NodeLabel, RelType, PropertyName
    i = ident
    label = QueryParameter("label", "label", "Node type (a schema label).")
    key = QueryParameter("key", "string", "The node's key (its `id`).")
    limit = QueryParameter(
        "limit", "integer", "At most this many rows.", minimum=1, maximum=1000, default=100
    )
    centre = QueryParameter("centre", "string", "Key of a transfer centre (e.g. a national centre).")
    country = QueryParameter("country", "string", "ISO 3166-1 alpha-2 code.", pattern="^[A-Z]{2}$")
    country_a = QueryParameter("a", "string", "First country (ISO 3166-1 alpha-2).", pattern="^[A-Z]{2}$")
    country_b = QueryParameter("b", "string", "Second country (ISO 3166-1 alpha-2).", pattern="^[A-Z]{2}$")
    field_key = QueryParameter("field", "string", "Key of a field (OECD FORD or IPC), e.g. `ford:2.2`.")
    ties = f"{i(R.AFFILIATED_WITH)}|{i(R.LOCATED_IN)}|{i(R.HOSTED_IN)}"
    place = f"{i(R.LOCATED_IN)}|{i(R.HOSTED_IN)}"
    return [
        NamedQuery(
            "node_by_key",
            "MATCH (n:{label} {{{key}: $key}}) RETURN n",
            (label, key),
            "One node by its type and key.",
            {"label": L.COUNTRY, "key": "CN"},
        ),
        NamedQuery(
            "neighbours",
            "MATCH (n:{label} {{{key}: $key}})-[r]-(m) RETURN type(r) AS type, m LIMIT $limit",
            (label, key, limit),
            "Direct neighbours of a node (1 hop, both directions).",
            {"label": L.TRANSFER_CENTRE, "key": "CATTC", "limit": 20},
        ),
        NamedQuery(
            "two_hop",
            "MATCH (n:{label} {{{key}: $key}})-[]-()-[]-(m) WHERE m <> n RETURN DISTINCT m LIMIT $limit",
            (label, key, limit),
            "Nodes two hops away from a node.",
            {"label": L.TRANSFER_CENTRE, "key": "CATTC", "limit": 20},
        ),
        NamedQuery(
            "count_label",
            "MATCH (n:{label}) RETURN count(n) AS count",
            (label,),
            "How many nodes carry a label.",
            {"label": L.BILATERAL_CENTRE},
        ),
        NamedQuery(
            "count_type",
            "MATCH ()-[r:{rel_type}]->() RETURN count(r) AS count",
            (QueryParameter("rel_type", "rel_type", "Relationship type."),),
            "How many relationships have a type.",
            {"rel_type": R.HOSTED_IN},
        ),
        NamedQuery(
            "bilateral_centres_of",
            f"MATCH (b:{i(L.BILATERAL_CENTRE)})-[:{i(R.PARENT_CENTRE)}]->(p:{i(L.TRANSFER_CENTRE)})"
            f" WHERE p.{i(P.ID)} = $centre"
            f" OPTIONAL MATCH (b)-[:{i(R.HOSTED_IN)}]->(c:{i(L.COUNTRY)})"
            f" RETURN b.{i(P.ID)} AS id, b.{i(P.NAME)} AS name, c.{i(P.ID)} AS country ORDER BY id, country",
            (centre,),
            "The bilateral centres a centre built (PARENT_CENTRE), with their host countries: one row per "
            "centre and host.",
            {"centre": "CATTC"},
        ),
        NamedQuery(
            "centres_hosted_in",
            f"MATCH (t:{i(L.TRANSFER_CENTRE)})-[:{i(R.HOSTED_IN)}]->(c:{i(L.COUNTRY)})"
            f" WHERE c.{i(P.ID)} = $country"
            f" OPTIONAL MATCH (t)-[:{i(R.PARENT_CENTRE)}]->(p:{i(L.TRANSFER_CENTRE)})"
            f" RETURN t.{i(P.ID)} AS id, t.{i(P.NAME)} AS name, p.{i(P.ID)} AS parent ORDER BY id, parent",
            (country,),
            "Transfer centres hosted in a country (HOSTED_IN), with their parent centres: one row per "
            "centre and parent.",
            {"country": "TH"},
        ),
        NamedQuery(
            "experts_bridging",
            f"MATCH (e:{i(L.EXPERT)})-[:{ties}*1..2]->(ca:{i(L.COUNTRY)}) WHERE ca.{i(P.ID)} = $a"
            f" WITH DISTINCT e"
            f" MATCH (e)-[:{ties}*1..2]->(cb:{i(L.COUNTRY)}) WHERE cb.{i(P.ID)} = $b"
            f" RETURN DISTINCT e.{i(P.ID)} AS id, e.{i(P.NAME)} AS name ORDER BY id",
            (country_a, country_b),
            "Experts tied to both countries: located in each, or affiliated with an institution located or "
            "hosted in it (potential bridges between two countries).",
            {"a": "CN", "b": "TH"},
        ),
        NamedQuery(
            "offers_in_field",
            f"MATCH (f:{i(L.FIELD)}) WHERE f.{i(P.ID)} = $field"
            f" MATCH (o:{i(L.TECHNOLOGY_OFFER)})-[:{i(R.IN_FIELD)}]->(g:{i(L.FIELD)})"
            f"-[:{i(R.BROADER)}*0..8]->(f)"
            f" RETURN DISTINCT o.{i(P.ID)} AS id, o.{i(P.TITLE)} AS title, g.{i(P.ID)} AS field"
            " ORDER BY id, field",
            (field_key,),
            "Technology offers in a field or any of its narrower fields (SKOS BROADER, up to 8 levels): one "
            "row per offer and field it is filed under.",
            {"field": "ford:2"},
        ),
        NamedQuery(
            "demands_in_field",
            f"MATCH (f:{i(L.FIELD)}) WHERE f.{i(P.ID)} = $field"
            f" MATCH (d:{i(L.TECHNOLOGY_DEMAND)})-[:{i(R.IN_FIELD)}]->(g:{i(L.FIELD)})"
            f"-[:{i(R.BROADER)}*0..8]->(f)"
            f" RETURN DISTINCT d.{i(P.ID)} AS id, d.{i(P.TITLE)} AS title, g.{i(P.ID)} AS field"
            " ORDER BY id, field",
            (field_key,),
            "Technology demands in a field or any of its narrower fields (as `offers_in_field`).",
            {"field": "ford:2"},
        ),
        NamedQuery(
            "agreements_between",
            f"MATCH (x)-[:{i(R.PARTY_TO)}]->(g:{i(L.AGREEMENT)})<-[:{i(R.PARTY_TO)}]-(y) WHERE x <> y"
            f" MATCH (x)-[:{place}*0..1]->(ca:{i(L.COUNTRY)}) WHERE ca.{i(P.ID)} = $a"
            f" MATCH (y)-[:{place}*0..1]->(cb:{i(L.COUNTRY)}) WHERE cb.{i(P.ID)} = $b"
            f" RETURN DISTINCT g.{i(P.ID)} AS id, g.{i(P.TITLE)} AS title, g.{i(P.SIGNED_ON)} AS signedOn"
            " ORDER BY id",
            (country_a, country_b),
            "Agreements with one party from each country: the country itself, or an institution located "
            "or hosted in it (two different parties).",
            {"a": "CN", "b": "TH"},
        ),
        NamedQuery(
            "events_of_centre",
            f"MATCH (c:{i(L.INSTITUTION)})-[r:{i(R.ORGANISES)}|{i(R.PARTICIPATES_IN)}]->(e:{i(L.EVENT)})"
            f" WHERE c.{i(P.ID)} = $centre"
            f" RETURN e.{i(P.ID)} AS id, e.{i(P.NAME)} AS name, e.{i(P.START_DATE)} AS startDate,"
            " type(r) AS role ORDER BY id, role",
            (centre,),
            "Events a centre (or any institution) organises or participates in: one row per event and role.",
            {"centre": "CATTC"},
        ),
        NamedQuery(
            "partners_of_centre",
            f"MATCH (p)-[r:{i(R.BILATERAL_PARTNER_OF)}]->(c:{i(L.TRANSFER_CENTRE)})"
            f" WHERE c.{i(P.ID)} = $centre"
            f" RETURN p.{i(P.ID)} AS id, p.{i(P.NAME)} AS name, r.{i(P.STATUS)} AS status ORDER BY id",
            (centre,),
            "The partners (countries, blocs, institutions) of a bilateral centre (BILATERAL_PARTNER_OF).",
            {"centre": "CATTC"},
        ),
    ]


#: The catalogue of named queries (the API's ``/queries``), by name.  Each is run on every
#: backend by the store contract tests.
NAMED_QUERIES: dict[str, NamedQuery] = {q.name: q for q in _named_queries()}


def check_endpoints(
    schema: GraphSchema,
    rgroups: Mapping[tuple[str, str, str], RelGroup],
    ngroups: Mapping[str, NodeGroup],
    missing_keys: Callable[[str, list[Any]], Iterable[Any]],
) -> None:
    """Raise `StoreError` naming the relationship ends that are neither in this upsert nor stored.

    `missing_keys(cypher, keys)` runs `missing_endpoints_cypher` on the backend and returns
    the keys it reports; everything else (which ends the upsert itself provides, batching,
    the message) is the same on every backend.
    """
    wanted: dict[str, set[Any]] = {}
    for rg in rgroups.values():
        wanted.setdefault(rg.start.label, set()).update(r["s"] for r in rg.rows.values())
        wanted.setdefault(rg.end.label, set()).update(r["e"] for r in rg.rows.values())
    missing: list[str] = []
    for label, keys in wanted.items():
        pending = set(keys)
        for ng in ngroups.values():
            if label in ng.node_type.labels:
                pending -= ng.rows.keys()
        if not pending:
            continue
        cypher = missing_endpoints_cypher(schema.node(label))
        for batch in chunks(sorted(pending, key=repr), 50_000):
            missing.extend(stable_id(label, key) for key in missing_keys(cypher, list(batch)))
    if missing:
        from graph.store import StoreError  # graph.store imports this module (through projection)

        shown = ", ".join(missing[:20]) + (f" … ({len(missing)} in all)" if len(missing) > 20 else "")
        raise StoreError(f"relationship end nodes not found: {shown}")
