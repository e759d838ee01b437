"""Read institutions from a store as resolution `Candidate` records (the Cypher of resolution).

Only what a match needs travels: names, acronym, city, the external identifiers (the
``tn:indexed`` properties of `~ontology.schema.GraphSchema.indexed_properties`), the
countries (``LOCATED_IN``/``HOSTED_IN``) and the parents (``SUB_ORGANIZATION_OF``,
``PARENT_CENTRE``, ``HOSTED_BY``).  A load asks for the institutions of the countries its
rows name and for those holding its rows' identifiers (index lookups); the duplicate
finding reads them all.  Labels and property names are checked against the schema and
quoted; values travel as parameters.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from graph.cypher.identifiers import ident
from graph.projection import node_type_of
from graph.resolution.matcher import Candidate
from graph.store import GraphStore
from ontology.schema import GraphSchema
from ontology.vocab import NodeLabel, PropertyName, RelType

__all__ = [
    "NAME_PROPERTIES",
    "candidate_from_properties",
    "identifier_properties",
    "institution_candidates",
]

#: The properties that name an institution, in the order a match reads them.
NAME_PROPERTIES: tuple[str, ...] = (PropertyName.NAME, PropertyName.NAME_ZH, PropertyName.ALT_NAME)

_ROW_CAP = 5_000_000
_COUNTRY = f"[:{ident(RelType.LOCATED_IN)}|{ident(RelType.HOSTED_IN)}]"
_PARENT = f"[:{ident(RelType.SUB_ORGANIZATION_OF)}|{ident(RelType.PARENT_CENTRE)}|{ident(RelType.HOSTED_BY)}]"
_RETURN = (
    f"WITH DISTINCT n OPTIONAL MATCH (n)-{_COUNTRY}->(k:{ident(NodeLabel.COUNTRY)}) "
    f"WITH n, collect(DISTINCT k.id) AS countries "
    f"OPTIONAL MATCH (n)-{_PARENT}->(p:{ident(NodeLabel.INSTITUTION)}) "
    "RETURN labels(n) AS labels, properties(n) AS props, countries, collect(DISTINCT p.id) AS parents"
)


def identifier_properties(schema: GraphSchema) -> tuple[str, ...]:
    """The indexed (external identifier) properties of institutions, sorted.

    Examples
    --------
    >>> from ontology.derive import load_schema
    >>> identifier_properties(load_schema())
    ('gridId', 'isni', 'pic', 'registryCode', 'rorId', 'wikidataId')
    """
    return tuple(sorted(p for label, p in schema.indexed_properties() if label == NodeLabel.INSTITUTION))


def _texts(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str) and v.strip()]


def candidate_from_properties(
    schema: GraphSchema,
    label: str,
    key: str,
    props: Mapping[str, Any],
    *,
    countries: Iterable[str] = (),
    parents: Iterable[str] = (),
) -> Candidate:
    """A `Candidate` from a node's properties (stored, or as a load maps a row).

    Examples
    --------
    >>> from ontology.derive import load_schema
    >>> c = candidate_from_properties(load_schema(), "University", "x",
    ...     {"name": "ETH Zurich", "altName": ["Swiss Federal Institute of Technology"],
    ...      "rorId": "05a28rw58"},
    ...     countries=["CH"])
    >>> c.names, c.identifiers, c.countries
    (('ETH Zurich', 'Swiss Federal Institute of Technology'), {'rorId': '05a28rw58'}, ('CH',))
    """
    names = [n for prop in NAME_PROPERTIES for n in _texts(props.get(prop))]
    ids = {p: str(props[p]) for p in identifier_properties(schema) if isinstance(props.get(p), str | int)}
    acronym = props.get(PropertyName.ACRONYM)
    city = props.get(PropertyName.CITY)
    return Candidate(
        label=label,
        key=str(key),
        names=tuple(dict.fromkeys(names)),
        acronym=acronym if isinstance(acronym, str) and acronym.strip() else None,
        countries=tuple(sorted({c for c in countries if c})),
        city=city if isinstance(city, str) and city.strip() else None,
        identifiers=ids,
        parents=tuple(sorted({str(p) for p in parents if p is not None})),
    )


def _candidates(store: GraphStore, rows: Iterable[Mapping[str, Any]]) -> list[Candidate]:
    out = []
    for row in rows:
        node_type = node_type_of(store.schema, row["labels"])
        props = row["props"]
        if node_type is None or node_type.key not in props:
            continue
        out.append(
            candidate_from_properties(
                store.schema,
                node_type.label,
                props[node_type.key],
                props,
                countries=row["countries"],
                parents=row["parents"],
            )
        )
    return out


def institution_candidates(
    store: GraphStore,
    *,
    countries: Collection[str] | None = None,
    identifiers: Mapping[str, Collection[str]] | None = None,
) -> list[Candidate]:
    """The stored institutions located in one of `countries` or holding one of
    `identifiers` (property → values); every institution when both are None."""
    inst = ident(NodeLabel.INSTITUTION)
    if countries is None and identifiers is None:
        return _candidates(store, store.query(f"MATCH (n:{inst}) {_RETURN}", {}, row_cap=_ROW_CAP))
    found: dict[str, Candidate] = {}
    if countries:
        cypher = (
            f"MATCH (n:{inst})-{_COUNTRY}->(c:{ident(NodeLabel.COUNTRY)}) WHERE c.id IN $countries {_RETURN}"
        )
        for c in _candidates(store, store.query(cypher, {"countries": sorted(countries)}, row_cap=_ROW_CAP)):
            found[c.key] = c
    known = set(identifier_properties(store.schema))
    for prop, values in (identifiers or {}).items():
        if prop not in known or not values:
            continue
        cypher = f"UNWIND $values AS v MATCH (n:{inst}) WHERE n.{ident(prop)} = v {_RETURN}"
        for c in _candidates(store, store.query(cypher, {"values": sorted(values)}, row_cap=_ROW_CAP)):
            found[c.key] = c
    return list(found.values())
