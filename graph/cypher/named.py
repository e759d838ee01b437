"""The catalogue of named read queries (the API's ``/queries``): text, typed parameters, examples.

Each query is run on every backend by the store contract tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.cypher.identifiers import ident
from ontology.schema import GraphSchema, SchemaError
from ontology.vocab import NodeLabel, PropertyName, RelType

__all__ = ["NAMED_QUERIES", "PARAMETER_TYPES", "NamedQuery", "QueryParameter"]


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
