"""The property-graph schema derived from the ontology.

`GraphSchema` is the contract between the ontology (the Turtle files, the single
source of truth) and every other layer: ``graph/`` installs constraints from it and
checks labels before they reach Cypher, ``loaders/`` validates records against it,
``api/`` and ``viz/`` list types and colours from it.  Nothing else retypes a label,
relationship type or property name by hand.

Property-graph conventions (documented in ``docs/ontology.md``):

* a node carries the label of its most specific class **and** the labels of all its
  ancestor classes inside our ontology (``:Institution:TransferCentre:BilateralCentre``);
* every node type has one key property (``key``) unique among nodes carrying
  ``key_label`` (the root class of its hierarchy), so a node loaded first as an
  ``Institution`` and later as a ``BilateralCentre`` is the same node;
* every node and relationship carries the provenance properties named in
  `PROVENANCE_PROPERTIES`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "PROVENANCE_PROPERTIES",
    "Datatype",
    "GraphSchema",
    "NodeType",
    "PropertySpec",
    "RelationshipType",
    "SchemaError",
]

#: Provenance properties present on every node and relationship.
#: ``sources`` is a list of references (URL, ``the study, Table 2``, ``file.csv:12``);
#: ``synthetic``/``seed`` mark generated data.
PROVENANCE_PROPERTIES: tuple[str, ...] = ("sources", "retrieved", "synthetic", "seed")

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SchemaError(ValueError):
    """A label, relationship type or property is not part of the schema."""


class Datatype(StrEnum):
    """Datatypes of graph properties (mapped from XSD datatypes)."""

    STRING = "string"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    DATE = "date"  # stored as ISO-8601 text (YYYY, YYYY-MM or YYYY-MM-DD)
    DATETIME = "datetime"  # stored as ISO-8601 text
    URI = "uri"


@dataclass(frozen=True, slots=True)
class PropertySpec:
    """One property of a node or relationship type.

    Parameters
    ----------
    name : str
        Property name in the graph (a Cypher identifier).
    iri : str
        IRI of the ontology property it comes from.
    datatype : Datatype
        Value type.
    required : bool
        ``sh:minCount 1``.
    multiple : bool
        Several values allowed (stored as a list).
    pattern : str or None
        Regular expression a string value must match (``sh:pattern``).
    allowed : tuple of str
        Allowed values (``sh:in``), empty if any.
    minimum, maximum : float or None
        Inclusive bounds of a numeric value (``sh:minInclusive``, ``sh:maxInclusive``).
    not_in_future : bool
        A date of something that has happened: not later than today (``tn:notInFuture``).
    indexed : bool
        The graph keeps an index on it, such as on an external identifier (``tn:indexed``).
    label_en, label_zh, definition : str
        Human-readable documentation.
    """

    name: str
    iri: str
    datatype: Datatype = Datatype.STRING
    required: bool = False
    multiple: bool = False
    pattern: str | None = None
    allowed: tuple[str, ...] = ()
    label_en: str = ""
    label_zh: str = ""
    definition: str = ""
    minimum: float | None = None
    maximum: float | None = None
    not_in_future: bool = False
    indexed: bool = False


@dataclass(frozen=True, slots=True)
class NodeType:
    """A node type (an ontology class).

    ``labels`` lists the labels a node of this type carries: its own label first,
    then its ancestors' up to ``key_label``.
    """

    label: str
    iri: str
    key: str
    key_label: str
    labels: tuple[str, ...]
    properties: tuple[PropertySpec, ...] = ()
    abstract: bool = False
    label_en: str = ""
    label_zh: str = ""
    definition: str = ""

    def get_property(self, name: str) -> PropertySpec:
        """Return the property called `name`, or raise `SchemaError`."""
        for prop in self.properties:
            if prop.name == name:
                return prop
        raise SchemaError(f"node type {self.label!r} has no property {name!r}")

    @property
    def property_names(self) -> frozenset[str]:
        """Names of all properties, provenance included."""
        return frozenset(p.name for p in self.properties) | frozenset(PROVENANCE_PROPERTIES)


@dataclass(frozen=True, slots=True)
class RelationshipType:
    """A relationship type (an ontology object property).

    ``sources``/``targets`` are node labels; a node matches when it carries one of
    them (subclasses carry their ancestors' labels).
    """

    type: str
    iri: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    properties: tuple[PropertySpec, ...] = ()
    symmetric: bool = False
    label_en: str = ""
    label_zh: str = ""
    definition: str = ""

    @property
    def property_names(self) -> frozenset[str]:
        """Names of all properties, provenance included."""
        return frozenset(p.name for p in self.properties) | frozenset(PROVENANCE_PROPERTIES)


@dataclass(frozen=True, slots=True)
class GraphSchema:
    """Node and relationship types of the property graph.

    Examples
    --------
    >>> country = NodeType(label="Country", iri="urn:x:Country", key="id",
    ...                    key_label="Country", labels=("Country",))
    >>> rel = RelationshipType(type="LOCATED_IN", iri="urn:x:locatedIn",
    ...                        sources=("Country",), targets=("Country",))
    >>> schema = GraphSchema.build([country], [rel])
    >>> schema.check_label("Country")
    'Country'
    >>> schema.check_label("Country) DETACH DELETE (n")
    Traceback (most recent call last):
    ...
    ontology.schema.SchemaError: unknown node label 'Country) DETACH DELETE (n'
    """

    nodes: Mapping[str, NodeType] = field(default_factory=dict)
    relationships: Mapping[str, RelationshipType] = field(default_factory=dict)

    @classmethod
    def build(cls, nodes: Iterable[NodeType], relationships: Iterable[RelationshipType]) -> GraphSchema:
        """Build a schema, checking that every name is a safe Cypher identifier."""
        node_map = {n.label: n for n in nodes}
        rel_map = {r.type: r for r in relationships}
        for name in [*node_map, *rel_map]:
            if not _IDENT.match(name):
                raise SchemaError(f"not a valid identifier: {name!r}")
        for node in node_map.values():
            for prop in node.properties:
                if not _IDENT.match(prop.name):
                    raise SchemaError(f"not a valid property name: {prop.name!r}")
        for rel in rel_map.values():
            for end in (*rel.sources, *rel.targets):
                if end not in node_map:
                    raise SchemaError(f"relationship {rel.type!r} refers to unknown label {end!r}")
        return cls(nodes=node_map, relationships=rel_map)

    def check_label(self, label: str) -> str:
        """Return `label` if it is a node label of the schema, else raise `SchemaError`."""
        if label not in self.nodes:
            raise SchemaError(f"unknown node label {label!r}")
        return label

    def check_type(self, rel_type: str) -> str:
        """Return `rel_type` if it is a relationship type of the schema, else raise `SchemaError`."""
        if rel_type not in self.relationships:
            raise SchemaError(f"unknown relationship type {rel_type!r}")
        return rel_type

    def node(self, label: str) -> NodeType:
        """Return the node type with this label."""
        return self.nodes[self.check_label(label)]

    def relationship(self, rel_type: str) -> RelationshipType:
        """Return the relationship type with this name."""
        return self.relationships[self.check_type(rel_type)]

    @property
    def key_labels(self) -> frozenset[str]:
        """Labels that carry a unique key constraint (roots of the class hierarchies)."""
        return frozenset(n.key_label for n in self.nodes.values())

    def key_label_properties(self, key_label: str) -> tuple[str, ...]:
        """The properties of the node types under `key_label` (the root type and its
        descendants), each once, in the ontology's order."""
        return tuple(
            dict.fromkeys(
                p.name for n in self.nodes.values() if n.key_label == key_label for p in n.properties
            )
        )

    def indexed_properties(self) -> frozenset[tuple[str, str]]:
        """``(key label, property)`` pairs the graph keeps an index on besides the keys
        (``tn:indexed`` properties, such as the external identifiers of institutions)."""
        return frozenset(
            (n.key_label, p.name) for n in self.nodes.values() for p in n.properties if p.indexed
        )

    def subtypes(self, label: str) -> tuple[NodeType, ...]:
        """Node types that carry `label` (the type itself and its descendants)."""
        self.check_label(label)
        return tuple(n for n in self.nodes.values() if label in n.labels)
