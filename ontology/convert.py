"""Property-graph records ⇄ RDF, without loss.

Mapping (documented in ``docs/ontology.md``):

* a node is the IRI ``<DATA_NS><key_label>/<percent-encoded key>``, typed with its own
  class (``rdf:type tn:BilateralCentre``); its key is ``tn:id``; each property is a
  triple with the datatype property named by the schema (lists: one triple per item);
* provenance: ``sources`` → ``prov:wasDerivedFrom`` (a web URL is used as the IRI
  itself, any other text reference becomes ``<SOURCE_NS><percent-encoded text>`` with
  the text as ``rdfs:label``); ``retrieved``/``synthetic``/``seed`` → ``tn:`` properties;
* a relationship is asserted as a plain triple ``start tn:prop end`` (so SHACL sees
  it) **and** reified as an ``rdf:Statement`` node ``<DATA_NS>rel/<hash>`` holding
  ``rdf:subject/predicate/object``, its properties and its provenance; two sources
  that disagree give two triples and two statements, each with its own source;
  the same link stated twice with different properties gives one triple and two
  statements;
* dates are typed ``xsd:gYear``/``xsd:gYearMonth``/``xsd:date`` from their form; a
  value that does not fit its datatype is written as a plain string so the shapes
  report it (no ill-typed literals, hence no rdflib warnings).

Reading back, list values and ``sources`` come back sorted (RDF has no order),
relationship end labels become the end node's own label when the node is in the data
(else its key label), and a plain triple of a ``tn:`` object property without a
statement becomes a relationship without properties.

Examples
--------
>>> from ontology.records import NodeRecord
>>> node = NodeRecord("Country", "NG", {"name": "Nigeria", "sources": ["wb.csv:170"]})
>>> len(records_to_graph([node]))  # type, id, name, source and the source's label
5
>>> list(graph_to_records(records_to_graph([node]))) == [node]
True
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote, unquote

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from ontology.derive import load_schema
from ontology.namespaces import DATA_NS, SOURCE_NS, TN_NS, bind_prefixes
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import Datatype, GraphSchema, NodeType, PropertySpec, SchemaError

__all__ = [
    "Record",
    "add_record",
    "graph_to_records",
    "node_iri",
    "parse_node_iri",
    "records_to_graph",
    "relationship_iri",
    "source_iri",
    "source_text",
    "to_literal",
    "to_python",
]

# A plain Namespace: rdflib's XSD DefinedNamespace warns when doctest collection probes its attributes.
_XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

#: A property-graph record.
Record = NodeRecord | RelationshipRecord

_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TN_ID = URIRef(TN_NS + "id")


def node_iri(key_label: str, key: Any) -> URIRef:
    """Return the IRI of the node with this key label and key.

    Examples
    --------
    >>> str(node_iri("Institution", "China-Cambodia TTC"))
    'https://w3id.org/transfernet/id/Institution/China-Cambodia%20TTC'
    """
    return URIRef(f"{DATA_NS}{key_label}/{quote(str(key), safe='')}")


def parse_node_iri(iri: str) -> tuple[str, str] | None:
    """Return ``(key_label, key)`` of a node IRI minted by `node_iri`, else None.

    Examples
    --------
    >>> parse_node_iri("https://w3id.org/transfernet/id/Country/NG")
    ('Country', 'NG')
    >>> parse_node_iri("http://example.org/x") is None
    True
    """
    if not iri.startswith(DATA_NS):
        return None
    label, sep, key = iri[len(DATA_NS) :].partition("/")
    if not sep or label == "rel":
        return None
    return label, unquote(key)


def source_iri(reference: str) -> URIRef:
    """Return the IRI standing for a source reference (a URL or a text such as ``file.csv:12``).

    Examples
    --------
    >>> str(source_iri("https://en.casttc.org/article/00001525.html"))
    'https://en.casttc.org/article/00001525.html'
    >>> str(source_iri("the study, Table 2"))
    'https://w3id.org/transfernet/source/the%20study%2C%20Table%202'
    """
    if _URL.match(reference) and not reference.startswith(SOURCE_NS):
        return URIRef(reference)
    return URIRef(SOURCE_NS + quote(reference, safe=""))


def source_text(iri: str) -> str:
    """Return the source reference an IRI from `source_iri` stands for.

    Examples
    --------
    >>> source_text(source_iri("bilateral_centers.csv:25"))
    'bilateral_centers.csv:25'
    """
    if iri.startswith(SOURCE_NS):
        return unquote(iri[len(SOURCE_NS) :])
    return str(iri)


def _date_literal(value: str) -> Literal | None:
    try:
        if _YEAR.match(value):
            return Literal(value, datatype=_XSD.gYear)
        match = _YEAR_MONTH.match(value)
        if match and 1 <= int(match.group(2)) <= 12:
            return Literal(value, datatype=_XSD.gYearMonth)
        if _DAY.match(value):
            date.fromisoformat(value)
            return Literal(value, datatype=_XSD.date)
    except ValueError:
        return None
    return None


def to_literal(value: Any, datatype: Datatype) -> Literal:
    """Return the RDF literal for a graph property value of `datatype`.

    A value that does not fit the datatype becomes a plain literal (the shapes report it).

    Examples
    --------
    >>> to_literal("2015-06", Datatype.DATE).datatype == _XSD.gYearMonth
    True
    >>> to_literal("2015-13", Datatype.DATE).datatype is None
    True
    >>> to_literal(3, Datatype.INTEGER).datatype == _XSD.integer
    True
    """
    is_number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    literal: Literal | None = None
    if datatype is Datatype.STRING:
        literal = Literal(value)
    elif datatype is Datatype.INTEGER and isinstance(value, int) and not isinstance(value, bool):
        literal = Literal(value, datatype=_XSD.integer)
    elif datatype is Datatype.FLOAT and is_number:
        try:
            dec = Decimal(str(value))
            if dec.is_finite():
                literal = Literal(format(dec, "f"), datatype=_XSD.decimal)
        except InvalidOperation:
            literal = None
    elif datatype is Datatype.BOOLEAN and isinstance(value, bool):
        literal = Literal(value)
    elif datatype is Datatype.DATE:
        text = value.isoformat() if isinstance(value, date) and not isinstance(value, datetime) else value
        literal = _date_literal(text) if isinstance(text, str) else None
    elif datatype is Datatype.DATETIME:
        text = value.isoformat() if isinstance(value, datetime) else value
        if isinstance(text, str) and "T" in text:
            try:
                datetime.fromisoformat(text)
                literal = Literal(text, datatype=_XSD.dateTime)
            except ValueError:
                literal = None
    elif datatype is Datatype.URI and isinstance(value, str):
        literal = Literal(value, datatype=_XSD.anyURI)
    return literal if literal is not None else Literal(str(value))


def to_python(literal: Node, datatype: Datatype) -> Any:
    """Return the graph property value of an RDF term (inverse of `to_literal`).

    Examples
    --------
    >>> to_python(to_literal("2015", Datatype.DATE), Datatype.DATE)
    '2015'
    >>> to_python(to_literal(2.5, Datatype.FLOAT), Datatype.FLOAT)
    2.5
    """
    if not isinstance(literal, Literal):
        return str(literal)
    text = str(literal)
    if datatype is Datatype.INTEGER and literal.datatype == _XSD.integer:
        return int(text)
    if datatype is Datatype.FLOAT and literal.datatype in (_XSD.decimal, _XSD.double, _XSD.float):
        return float(text)
    if datatype is Datatype.BOOLEAN and literal.datatype == _XSD.boolean:
        return text in ("true", "1")
    if datatype is Datatype.STRING and literal.datatype not in (None, _XSD.string):
        value = literal.toPython()
        return value if not isinstance(value, Literal) else text
    return text


def _add_properties(
    graph: Graph, subject: URIRef, specs: Mapping[str, PropertySpec], properties: Mapping[str, Any], what: str
) -> None:
    for name, value in properties.items():
        if value is None:
            continue
        spec = specs.get(name)
        if spec is None:
            raise SchemaError(f"{what} has no property {name!r}")
        values = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
        predicate = URIRef(spec.iri)
        for item in values:
            if item is None:
                continue
            if name == "sources":
                src = source_iri(str(item))
                graph.add((subject, predicate, src))
                if str(src).startswith(SOURCE_NS):
                    graph.add((src, RDFS.label, Literal(str(item))))
            else:
                graph.add((subject, predicate, to_literal(item, spec.datatype)))


def relationship_iri(record: RelationshipRecord, schema: GraphSchema | None = None) -> URIRef:
    """Return the IRI of the statement node of a relationship (a hash of its content).

    Examples
    --------
    >>> rel = RelationshipRecord("HOSTED_IN", "BilateralCentre", "CASTTC-NG", "Country", "NG")
    >>> str(relationship_iri(rel)).startswith("https://w3id.org/transfernet/id/rel/")
    True
    """
    schema = load_schema() if schema is None else schema
    start = node_iri(schema.node(record.start_label).key_label, record.start_key)
    end = node_iri(schema.node(record.end_label).key_label, record.end_key)
    props = {
        k: sorted(map(str, v)) if isinstance(v, list | tuple | set) else v
        for k, v in record.properties.items()
    }
    payload = json.dumps([record.type, str(start), str(end), props], sort_keys=True, default=str)
    return URIRef(f"{DATA_NS}rel/{hashlib.sha256(payload.encode()).hexdigest()[:24]}")


def add_record(graph: Graph, record: Record, schema: GraphSchema | None = None) -> URIRef:
    """Add one record to `graph`; return its node or statement IRI.

    Raises `SchemaError` for a label, type or property the schema does not know.

    Examples
    --------
    >>> g = Graph()
    >>> str(add_record(g, NodeRecord("Bloc", "ASEAN", {"name": "ASEAN", "sources": ["x"]})))
    'https://w3id.org/transfernet/id/Bloc/ASEAN'
    """
    schema = load_schema() if schema is None else schema
    if isinstance(record, NodeRecord):
        node_type = schema.node(record.label)
        subject = node_iri(node_type.key_label, record.key)
        graph.add((subject, RDF.type, URIRef(node_type.iri)))
        key_spec = node_type.get_property(node_type.key)
        graph.add((subject, URIRef(key_spec.iri), to_literal(record.key, key_spec.datatype)))
        props = {k: v for k, v in record.properties.items() if k != node_type.key}
        specs = {p.name: p for p in node_type.properties}
        _add_properties(graph, subject, specs, props, f"node type {record.label!r}")
        return subject
    rel_type = schema.relationship(record.type)
    start = node_iri(schema.node(record.start_label).key_label, record.start_key)
    end = node_iri(schema.node(record.end_label).key_label, record.end_key)
    predicate = URIRef(rel_type.iri)
    graph.add((start, predicate, end))
    statement = relationship_iri(record, schema)
    graph.add((statement, RDF.type, RDF.Statement))
    graph.add((statement, RDF.subject, start))
    graph.add((statement, RDF.predicate, predicate))
    graph.add((statement, RDF.object, end))
    specs = {p.name: p for p in rel_type.properties}
    _add_properties(graph, statement, specs, record.properties, f"relationship type {record.type!r}")
    return statement


def records_to_graph(records: Iterable[Record], schema: GraphSchema | None = None) -> Graph:
    """Return an RDF graph holding the given node and relationship records.

    Examples
    --------
    >>> rels = [RelationshipRecord("HOSTED_IN", "BilateralCentre", "CASTTC-NG", "Country", c,
    ...                            {"sources": [url]})
    ...         for c, url in [("NG", "https://en.casttc.org/a"), ("NE", "https://fra.yidaiyilu.gov.cn/p")]]
    >>> g = records_to_graph(rels)
    >>> len(list(g.subjects(RDF.type, RDF.Statement)))
    2
    """
    schema = load_schema() if schema is None else schema
    graph = bind_prefixes(Graph())
    for record in records:
        add_record(graph, record, schema)
    return graph


def _most_specific(
    schema: GraphSchema, by_iri: Mapping[str, NodeType], types: Iterable[Node]
) -> NodeType | None:
    candidates = [by_iri[str(t)] for t in types if str(t) in by_iri]
    if not candidates:
        return None
    return max(candidates, key=lambda n: (len(n.labels), n.label))


def _read_properties(
    graph: Graph, subject: Node, specs: Iterable[PropertySpec], skip: str = ""
) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for spec in specs:
        if spec.name == skip:
            continue
        objects = list(graph.objects(subject, URIRef(spec.iri)))
        if not objects:
            continue
        if spec.name == "sources":
            values: list[Any] = sorted(source_text(str(o)) for o in objects)
        else:
            values = sorted((to_python(o, spec.datatype) for o in objects), key=lambda v: (str(type(v)), v))
        props[spec.name] = values if spec.multiple or len(values) > 1 else values[0]
    return props


def graph_to_records(graph: Graph, schema: GraphSchema | None = None) -> Iterator[Record]:
    """Yield the node records, then the relationship records, held in an RDF graph.

    Nodes are the subjects of ``tn:id`` typed with a ``tn:`` class; relationships are
    the ``rdf:Statement`` nodes plus any un-reified triple of a ``tn:`` object property.

    Examples
    --------
    >>> node = NodeRecord("Bloc", "LAS", {"name": "League of Arab States", "sources": ["study"]})
    >>> [r.key for r in graph_to_records(records_to_graph([node]))]
    ['LAS']
    """
    schema = load_schema() if schema is None else schema
    nodes_by_iri = {n.iri: n for n in schema.nodes.values()}
    rels_by_iri = {r.iri: r for r in schema.relationships.values()}
    ends: dict[Node, tuple[str, str]] = {}
    node_records = []
    for subject in set(graph.subjects(_TN_ID, None)):
        node_type = _most_specific(schema, nodes_by_iri, graph.objects(subject, RDF.type))
        if node_type is None:
            continue
        key = str(graph.value(subject, _TN_ID))
        ends[subject] = (node_type.label, key)
        props = _read_properties(graph, subject, node_type.properties, skip=node_type.key)
        node_records.append(NodeRecord(node_type.label, key, props))
    node_records.sort(key=lambda r: (r.label, str(r.key)))
    yield from node_records

    def end_of(term: Node) -> tuple[str, str]:
        if term in ends:
            return ends[term]
        parsed = parse_node_iri(str(term))
        if parsed is None:
            raise SchemaError(
                f"relationship end {term} is neither a node of the data nor a transfernet node IRI"
            )
        return parsed

    rel_records = []
    reified: set[tuple[Node, Node, Node]] = set()
    for statement in set(graph.subjects(RDF.type, RDF.Statement)):
        s, p, o = (graph.value(statement, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        if s is None or p is None or o is None or str(p) not in rels_by_iri:
            continue
        reified.add((s, p, o))
        rel_type = rels_by_iri[str(p)]
        (start_label, start_key), (end_label, end_key) = end_of(s), end_of(o)
        props = _read_properties(graph, statement, rel_type.properties)
        rel_records.append(
            RelationshipRecord(rel_type.type, start_label, start_key, end_label, end_key, props)
        )
    for iri, rel_type in rels_by_iri.items():
        for s, o in graph.subject_objects(URIRef(iri)):
            if (s, URIRef(iri), o) in reified:
                continue
            (start_label, start_key), (end_label, end_key) = end_of(s), end_of(o)
            rel_records.append(
                RelationshipRecord(rel_type.type, start_label, start_key, end_label, end_key, {})
            )
    rel_records.sort(
        key=lambda r: (r.type, r.start_label, str(r.start_key), r.end_label, str(r.end_key), repr(r))
    )
    yield from rel_records
