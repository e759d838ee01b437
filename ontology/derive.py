"""Derive the property-graph `GraphSchema` from the Turtle files.

Conventions (see ``docs/ontology.md``):

* node label = local name of a ``tn:`` class; a node carries its label and the labels
  of its ``tn:`` ancestors (``labels``: own label first, root last);
* key property = ``tn:key`` annotation of the hierarchy's root class; ``key_label`` =
  that root's label;
* relationship type = ``tn:relationshipType`` or the UPPER_SNAKE form of the object
  property's local name; sources/targets from ``rdfs:domain``/``rdfs:range``;
* property name = ``tn:graphName`` or the local name of the datatype property;
  constraints (required, multiple, pattern, allowed values) from the SHACL shapes that
  target the class or one of its ancestors; relationship properties from
  ``tn:edgeProperty`` with constraints from the shapes on ``rdf:Statement``;
* the provenance properties (`PROVENANCE_PROPERTIES`) end every property list.

Examples
--------
>>> schema = load_schema()
>>> schema.node("BilateralCentre").labels
('BilateralCentre', 'TransferCentre', 'Institution')
>>> schema.relationship("LOCATED_IN").targets
('Country',)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from rdflib import OWL, RDF, RDFS, SH, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS
from rdflib.term import BNode, Node

from ontology.namespaces import TN_NS
from ontology.resources import ontology_graph, shapes_graph
from ontology.schema import (
    PROVENANCE_PROPERTIES,
    Datatype,
    GraphSchema,
    NodeType,
    PropertySpec,
    RelationshipType,
    SchemaError,
)

__all__ = [
    "DATATYPES",
    "class_iris",
    "constrained_relationships",
    "datatype_property_iris",
    "derive_schema",
    "graph_name",
    "load_schema",
    "local_name",
    "object_property_iris",
    "relationship_minimums",
    "relationship_type_name",
    "upper_snake",
]

# A plain Namespace: rdflib's XSD DefinedNamespace warns when doctest collection probes its attributes.
_XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

_TN = {
    name: URIRef(TN_NS + name)
    for name in ("key", "graphName", "relationshipType", "edgeProperty", "notInFuture", "indexed")
}
_TN_ABSTRACT = URIRef(TN_NS + "abstract")
_TN_PARTIAL_DATE = URIRef(TN_NS + "PartialDate")
_TN_STATEMENT_SHAPES = (
    URIRef(TN_NS + "RelationshipPropertiesShape"),
    URIRef(TN_NS + "StatementProvenanceShape"),
)
_TN_PROVENANCE_SHAPE = URIRef(TN_NS + "ProvenanceShape")

#: XSD (and ``tn:``) datatypes and the graph datatype they map to.
DATATYPES: dict[str, Datatype] = {
    str(_XSD.string): Datatype.STRING,
    str(_XSD.integer): Datatype.INTEGER,
    str(_XSD.int): Datatype.INTEGER,
    str(_XSD.decimal): Datatype.FLOAT,
    str(_XSD.double): Datatype.FLOAT,
    str(_XSD.float): Datatype.FLOAT,
    str(_XSD.boolean): Datatype.BOOLEAN,
    str(_TN_PARTIAL_DATE): Datatype.DATE,
    str(_XSD.date): Datatype.DATE,
    str(_XSD.gYear): Datatype.DATE,
    str(_XSD.gYearMonth): Datatype.DATE,
    str(_XSD.dateTime): Datatype.DATETIME,
    str(_XSD.anyURI): Datatype.URI,
}


def local_name(iri: str) -> str:
    """Return the part of `iri` after its last ``#`` or ``/``.

    Examples
    --------
    >>> local_name("https://w3id.org/transfernet/ontology#locatedIn")
    'locatedIn'
    >>> local_name("http://www.w3.org/ns/prov#wasDerivedFrom")
    'wasDerivedFrom'
    """
    return re.split(r"[#/]", str(iri))[-1]


def upper_snake(name: str) -> str:
    """Return `name` (camelCase or PascalCase) in UPPER_SNAKE case.

    Examples
    --------
    >>> upper_snake("locatedIn")
    'LOCATED_IN'
    >>> upper_snake("BilateralCentre")
    'BILATERAL_CENTRE'
    >>> upper_snake("nameZh")
    'NAME_ZH'
    """
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


def _literal(graph: Graph, subject: Node, predicate: URIRef) -> str | None:
    value = graph.value(subject, predicate)
    return None if value is None else str(value)


def _is_tn(iri: Node) -> bool:
    return isinstance(iri, URIRef) and str(iri).startswith(TN_NS)


def class_iris(graph: Graph | None = None) -> tuple[URIRef, ...]:
    """Return the ``tn:`` classes of the ontology, sorted.

    Examples
    --------
    >>> len(class_iris()) >= 30
    True
    """
    graph = ontology_graph() if graph is None else graph
    return tuple(
        sorted(s for s in graph.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef) and _is_tn(s))
    )


def object_property_iris(graph: Graph | None = None) -> tuple[URIRef, ...]:
    """Return the ``tn:`` object properties of the ontology, sorted.

    Examples
    --------
    >>> from rdflib import URIRef
    >>> URIRef(TN_NS + "hostedIn") in object_property_iris()
    True
    """
    graph = ontology_graph() if graph is None else graph
    return tuple(
        sorted(s for s in graph.subjects(RDF.type, OWL.ObjectProperty) if isinstance(s, URIRef) and _is_tn(s))
    )


def datatype_property_iris(graph: Graph | None = None) -> tuple[URIRef, ...]:
    """Return the ``tn:`` datatype properties of the ontology, sorted.

    Examples
    --------
    >>> from rdflib import URIRef
    >>> URIRef(TN_NS + "established") in datatype_property_iris()
    True
    """
    graph = ontology_graph() if graph is None else graph
    return tuple(
        sorted(
            s for s in graph.subjects(RDF.type, OWL.DatatypeProperty) if isinstance(s, URIRef) and _is_tn(s)
        )
    )


def graph_name(prop: URIRef, graph: Graph | None = None) -> str:
    """Return the graph property name of the RDF property `prop`.

    Examples
    --------
    >>> from rdflib import URIRef
    >>> graph_name(URIRef(TN_NS + "nameZh"))
    'nameZh'
    >>> graph_name(URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    'sources'
    """
    graph = ontology_graph() if graph is None else graph
    return _literal(graph, prop, _TN["graphName"]) or local_name(prop)


def relationship_type_name(prop: URIRef, graph: Graph | None = None) -> str:
    """Return the relationship type of the object property `prop`.

    Examples
    --------
    >>> from rdflib import URIRef
    >>> relationship_type_name(URIRef(TN_NS + "bilateralPartnerOf"))
    'BILATERAL_PARTNER_OF'
    """
    graph = ontology_graph() if graph is None else graph
    return _literal(graph, prop, _TN["relationshipType"]) or upper_snake(local_name(prop))


def _lang(graph: Graph, subject: Node, predicate: URIRef, lang: str) -> str:
    for value in graph.objects(subject, predicate):
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    return ""


def _definition(graph: Graph, subject: Node) -> str:
    return _lang(graph, subject, SKOS.definition, "en") or _lang(graph, subject, RDFS.comment, "en")


def _members(graph: Graph, node: Node | None) -> list[Node]:
    """Classes named by `node`: itself, or the members of its ``owl:unionOf``."""
    if node is None:
        return []
    union = graph.value(node, OWL.unionOf)
    if union is not None:
        return list(Collection(graph, union))
    return [node]


# ----------------------------------------------------------------------------------------------------
# Constraints collected from the shapes
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Constraints:
    min_count: int | None = None
    max_count: int | None = None
    pattern: str | None = None
    allowed: tuple[str, ...] | None = None
    name_en: str | None = None  # sh:name: what the property is for this class (e.g. an ISO code)
    name_zh: str | None = None
    minimum: float | None = None
    maximum: float | None = None

    def merged(self, other: _Constraints) -> _Constraints:
        return _Constraints(
            min_count=other.min_count if other.min_count is not None else self.min_count,
            max_count=other.max_count if other.max_count is not None else self.max_count,
            pattern=other.pattern if other.pattern is not None else self.pattern,
            allowed=other.allowed if other.allowed is not None else self.allowed,
            name_en=other.name_en if other.name_en is not None else self.name_en,
            name_zh=other.name_zh if other.name_zh is not None else self.name_zh,
            minimum=other.minimum if other.minimum is not None else self.minimum,
            maximum=other.maximum if other.maximum is not None else self.maximum,
        )


def _property_constraints(shapes: Graph, prop_shape: Node) -> _Constraints:
    def count(predicate: URIRef) -> int | None:
        value = shapes.value(prop_shape, predicate)
        return None if value is None else int(value)  # type: ignore[call-overload]

    def bound(predicate: URIRef) -> float | None:
        value = shapes.value(prop_shape, predicate)
        return None if value is None else float(value)  # type: ignore[arg-type]

    allowed_list = shapes.value(prop_shape, SH["in"])
    allowed = None
    if allowed_list is not None:
        allowed = tuple(str(v) for v in Collection(shapes, allowed_list))
    return _Constraints(
        min_count=count(SH.minCount),
        max_count=count(SH.maxCount),
        pattern=_literal(shapes, prop_shape, SH.pattern),
        allowed=allowed,
        name_en=_lang(shapes, prop_shape, SH.name, "en") or None,
        name_zh=_lang(shapes, prop_shape, SH.name, "zh") or None,
        minimum=bound(SH.minInclusive),
        maximum=bound(SH.maxInclusive),
    )


def _shape_properties(shapes: Graph, node_shapes: Iterable[Node]) -> dict[URIRef, _Constraints]:
    """Constraints per property path (IRI paths only) of the given node shapes, merged in order."""
    result: dict[URIRef, _Constraints] = {}
    for shape in node_shapes:
        for prop_shape in shapes.objects(shape, SH.property):
            path = shapes.value(prop_shape, SH.path)
            if not isinstance(path, URIRef):
                continue
            found = _property_constraints(shapes, prop_shape)
            result[path] = result[path].merged(found) if path in result else found
    return result


def _shapes_targeting(shapes: Graph, cls: URIRef) -> list[Node]:
    return sorted(shapes.subjects(SH.targetClass, cls), key=lambda s: (isinstance(s, BNode), str(s)))


# ----------------------------------------------------------------------------------------------------
# Building the schema
# ----------------------------------------------------------------------------------------------------


def _datatype(graph: Graph, prop: URIRef) -> Datatype:
    rng = graph.value(prop, RDFS.range)
    if rng is None:
        return Datatype.STRING
    try:
        return DATATYPES[str(rng)]
    except KeyError:
        raise SchemaError(f"datatype property {prop} has an unsupported range {rng}") from None


def _spec(graph: Graph, prop: URIRef, constraints: _Constraints) -> PropertySpec:
    return PropertySpec(
        name=graph_name(prop, graph),
        iri=str(prop),
        datatype=_datatype(graph, prop),
        required=(constraints.min_count or 0) >= 1,
        multiple=constraints.max_count != 1,
        pattern=constraints.pattern,
        allowed=constraints.allowed or (),
        label_en=constraints.name_en or _lang(graph, prop, RDFS.label, "en"),
        label_zh=constraints.name_zh or _lang(graph, prop, RDFS.label, "zh"),
        definition=_definition(graph, prop),
        minimum=constraints.minimum,
        maximum=constraints.maximum,
        not_in_future=_literal(graph, prop, _TN["notInFuture"]) == "true",
        indexed=_literal(graph, prop, _TN["indexed"]) == "true",
    )


def _provenance_specs(graph: Graph, shapes: Graph) -> tuple[PropertySpec, ...]:
    by_name: dict[str, URIRef] = {}
    for prop in {*graph.subjects(_TN["graphName"], None), *datatype_property_iris(graph)}:
        if isinstance(prop, URIRef):
            by_name[graph_name(prop, graph)] = prop
    constraints = _shape_properties(shapes, [_TN_PROVENANCE_SHAPE])
    specs = []
    for name in PROVENANCE_PROPERTIES:
        if name not in by_name:
            raise SchemaError(f"the ontology does not define the provenance property {name!r}")
        prop = by_name[name]
        specs.append(_spec(graph, prop, constraints.get(prop, _Constraints())))
    return tuple(specs)


def _tn_parent(graph: Graph, cls: URIRef) -> URIRef | None:
    parents = [p for p in graph.objects(cls, RDFS.subClassOf) if _is_tn(p)]
    if len(parents) > 1:
        raise SchemaError(f"class {cls} has several tn: superclasses; labels would be ambiguous")
    return parents[0] if parents else None  # type: ignore[return-value]


def _chain(graph: Graph, cls: URIRef) -> list[URIRef]:
    chain = [cls]
    parent = _tn_parent(graph, cls)
    while parent is not None:
        if parent in chain:
            raise SchemaError(f"class hierarchy of {cls} has a cycle")
        chain.append(parent)
        parent = _tn_parent(graph, parent)
    return chain


def _node_type(graph: Graph, shapes: Graph, cls: URIRef, provenance: tuple[PropertySpec, ...]) -> NodeType:
    chain = _chain(graph, cls)
    root = chain[-1]
    key = _literal(graph, root, _TN["key"])
    if key is None:
        raise SchemaError(f"root class {root} has no tn:key annotation")
    node_shapes = [s for c in reversed(chain) for s in _shapes_targeting(shapes, c)]
    constraints = _shape_properties(shapes, node_shapes)
    datatype_props = set(datatype_property_iris(graph))
    specs = [_spec(graph, p, c) for p, c in constraints.items() if p in datatype_props]
    specs.sort(key=lambda s: (s.name != key, s.name))
    if not specs or specs[0].name != key:
        raise SchemaError(f"no shape of class {cls} constrains its key property {key!r}")
    abstract = graph.value(cls, _TN_ABSTRACT)
    return NodeType(
        label=local_name(cls),
        iri=str(cls),
        key=key,
        key_label=local_name(root),
        labels=tuple(local_name(c) for c in chain),
        properties=(*specs, *provenance),
        abstract=bool(abstract.toPython()) if isinstance(abstract, Literal) else False,
        label_en=_lang(graph, cls, RDFS.label, "en"),
        label_zh=_lang(graph, cls, RDFS.label, "zh"),
        definition=_definition(graph, cls),
    )


def _ends(graph: Graph, prop: URIRef, predicate: URIRef) -> tuple[str, ...]:
    current: URIRef | None = prop
    while current is not None:
        members = _members(graph, graph.value(current, predicate))
        if members:
            ends = [m for m in members if _is_tn(m)]
            if len(ends) != len(members):
                raise SchemaError(f"{predicate} of {prop} names a class outside the ontology")
            return tuple(local_name(str(m)) for m in ends)
        supers = [p for p in graph.objects(current, RDFS.subPropertyOf) if _is_tn(p)]
        current = supers[0] if supers else None  # type: ignore[assignment]
    raise SchemaError(f"object property {prop} has no {predicate}")


def _relationship_type(
    graph: Graph, shapes: Graph, prop: URIRef, provenance: tuple[PropertySpec, ...]
) -> RelationshipType:
    constraints = _shape_properties(shapes, _TN_STATEMENT_SHAPES)
    edge_props = sorted(p for p in graph.objects(prop, _TN["edgeProperty"]) if isinstance(p, URIRef))
    specs = [_spec(graph, p, constraints.get(p, _Constraints(max_count=1))) for p in edge_props]
    return RelationshipType(
        type=relationship_type_name(prop, graph),
        iri=str(prop),
        sources=_ends(graph, prop, RDFS.domain),
        targets=_ends(graph, prop, RDFS.range),
        properties=(*specs, *provenance),
        symmetric=(prop, RDF.type, OWL.SymmetricProperty) in graph,
        label_en=_lang(graph, prop, RDFS.label, "en"),
        label_zh=_lang(graph, prop, RDFS.label, "zh"),
        definition=_definition(graph, prop),
    )


def derive_schema(graph: Graph, shapes: Graph) -> GraphSchema:
    """Derive a `GraphSchema` from an ontology graph and a shapes graph (uncached).

    Examples
    --------
    >>> from ontology.resources import ontology_graph, shapes_graph
    >>> schema = derive_schema(ontology_graph(), shapes_graph())
    >>> schema.node("Country").key, schema.node("Country").key_label
    ('id', 'Country')
    """
    provenance = _provenance_specs(graph, shapes)
    nodes = [_node_type(graph, shapes, c, provenance) for c in class_iris(graph)]
    rels = [_relationship_type(graph, shapes, p, provenance) for p in object_property_iris(graph)]
    return GraphSchema.build(nodes, rels)


@cache
def load_schema() -> GraphSchema:
    """Return the `GraphSchema` derived from the packaged Turtle files; cached.

    Examples
    --------
    >>> schema = load_schema()
    >>> schema.node("Country").get_property("id").pattern
    '^[A-Z]{2}$'
    >>> "CN" in schema.node("Country").get_property("id").allowed
    True
    >>> schema.node("TechnologyOffer").key_label
    'TechnologyOffer'
    >>> sorted(schema.key_labels)[:3]
    ['Agreement', 'AnalysisRun', 'Bloc']
    """
    return derive_schema(ontology_graph(), shapes_graph())


@cache
def constrained_relationships() -> dict[str, frozenset[tuple[str, bool]]]:
    """Relationship types whose presence the shapes check, per node label.

    Maps a label to ``(relationship type, outgoing)`` pairs: a bilateral centre's shape
    counts its outgoing ``HOSTED_IN`` and ``PARENT_CENTRE``, an agreement's its incoming
    ``PARTY_TO``.  Validating a node in the context of a stored graph needs exactly these
    of its stored relationships, not all of them.

    Examples
    --------
    >>> sorted(constrained_relationships()["BilateralCentre"])
    [('HOSTED_IN', True), ('PARENT_CENTRE', True)]
    >>> ("PARTY_TO", False) in constrained_relationships()["Agreement"]
    True
    """
    graph, shapes = ontology_graph(), shapes_graph()
    relationship_iris = set(object_property_iris(graph))
    out: dict[str, frozenset[tuple[str, bool]]] = {}
    for cls in class_iris(graph):
        found: set[tuple[str, bool]] = set()
        for ancestor in _chain(graph, cls):
            for shape in _shapes_targeting(shapes, ancestor):
                for prop_shape in shapes.objects(shape, SH.property):
                    path = shapes.value(prop_shape, SH.path)
                    outgoing = True
                    if isinstance(path, BNode):
                        path = shapes.value(path, SH.inversePath)
                        outgoing = False
                    if isinstance(path, URIRef) and path in relationship_iris:
                        found.add((relationship_type_name(path, graph), outgoing))
        out[local_name(str(cls))] = frozenset(found)
    return out


@cache
def relationship_minimums() -> dict[str, tuple[tuple[str, bool, int, str], ...]]:
    """The shapes' minimum counts of relationships, per node label.

    ``(relationship type, outgoing, minimum, message)`` for every ``sh:minCount`` on a
    relationship path, so that loaders can enforce them on files too large for a full
    SHACL run (the message is the shape's own).

    Examples
    --------
    >>> [(t, out, n) for t, out, n, _ in relationship_minimums()["Agreement"]]
    [('PARTY_TO', False, 2)]
    """
    graph, shapes = ontology_graph(), shapes_graph()
    relationship_iris = set(object_property_iris(graph))
    out: dict[str, tuple[tuple[str, bool, int, str], ...]] = {}
    for cls in class_iris(graph):
        rules: set[tuple[str, bool, int, str]] = set()
        for ancestor in _chain(graph, cls):
            for shape in _shapes_targeting(shapes, ancestor):
                for prop_shape in shapes.objects(shape, SH.property):
                    minimum = shapes.value(prop_shape, SH.minCount)
                    path = shapes.value(prop_shape, SH.path)
                    outgoing = not isinstance(path, BNode)
                    if isinstance(path, BNode):
                        path = shapes.value(path, SH.inversePath)
                    if minimum is None or not isinstance(path, URIRef) or path not in relationship_iris:
                        continue
                    message = _literal(shapes, prop_shape, SH.message) or ""
                    rules.add((relationship_type_name(path, graph), outgoing, int(minimum), message))  # type: ignore[call-overload]
        if rules:
            out[local_name(str(cls))] = tuple(sorted(rules))
    return out
