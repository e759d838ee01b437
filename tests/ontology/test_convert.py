"""Property-graph records ⇄ RDF (Turtle, JSON-LD) without loss."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from ontology_sample import CASTTC_EN, CASTTC_FR, sample
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import PROV

from ontology.convert import (
    graph_to_records,
    node_iri,
    records_to_graph,
    source_iri,
    source_text,
    to_literal,
    to_python,
)
from ontology.rdfio import dumps, export_records, import_records, loads
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import Datatype, SchemaError

pytestmark = pytest.mark.filterwarnings("error")

TN = "https://w3id.org/transfernet/ontology#"


class XSD:
    """XSD datatype IRIs (rdflib's XSD namespace warns when pytest inspects module globals)."""

    gYear = URIRef("http://www.w3.org/2001/XMLSchema#gYear")
    gYearMonth = URIRef("http://www.w3.org/2001/XMLSchema#gYearMonth")
    date = URIRef("http://www.w3.org/2001/XMLSchema#date")
    integer = URIRef("http://www.w3.org/2001/XMLSchema#integer")
    decimal = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
    boolean = URIRef("http://www.w3.org/2001/XMLSchema#boolean")
    anyURI = URIRef("http://www.w3.org/2001/XMLSchema#anyURI")
    dateTime = URIRef("http://www.w3.org/2001/XMLSchema#dateTime")


def _canonical(records: list[Any]) -> list[tuple[Any, ...]]:
    """Records as sortable tuples; list values compared as sorted lists (RDF has no order)."""

    def props(p: Any) -> tuple[tuple[str, Any], ...]:
        return tuple(sorted((k, sorted(v) if isinstance(v, list) else v) for k, v in p.items()))

    out = []
    for r in records:
        if isinstance(r, NodeRecord):
            out.append(("node", r.label, r.key, props(r.properties)))
        else:
            out.append(
                ("rel", r.type, r.start_label, r.start_key, r.end_label, r.end_key, props(r.properties))
            )
    return sorted(out, key=repr)


def _counts(records: list[Any]) -> tuple[int, int, int]:
    nodes = [r for r in records if isinstance(r, NodeRecord)]
    rels = [r for r in records if isinstance(r, RelationshipRecord)]
    props = sum(len(r.properties) for r in records)
    return len(nodes), len(rels), props


def test_sample_counts() -> None:
    # ontology_sample.sample: 18 nodes, 20 relationships
    assert _counts(sample())[:2] == (18, 20)


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "nt"])
def test_round_trip_is_lossless(fmt: str) -> None:
    original = sample()
    back = loads(dumps(original, format=fmt), format=fmt)
    assert _counts(back) == _counts(original)
    assert _canonical(back) == _canonical(original)


@pytest.mark.parametrize("suffix", [".ttl", ".jsonld"])
def test_file_round_trip(tmp_path: Path, suffix: str) -> None:
    path = export_records(sample(), tmp_path / f"network{suffix}")
    assert _canonical(import_records(path)) == _canonical(sample())


def test_values_keep_their_types() -> None:
    back = {(r.label, r.key): r for r in loads(dumps(sample())) if isinstance(r, NodeRecord)}
    cambodia = back[("Country", "KH")].properties
    assert cambodia["briYear"] == 2016 and cambodia["briMember"] is True  # bri_countries_beeway.csv row 28
    assert back[("Funding", "F-1")].properties["amount"] == 1500000.0
    assert back[("Technology", "T-PV-1")].properties["seed"] == 42
    assert back[("NationalTransferCentre", "CATTC")].properties["established"] == "2013"  # centers.csv row 2


def test_conflicting_hosts_stay_two_relationships() -> None:
    # china_tech_transfer_centers/SOURCE.md: Nigeria (English page) vs Niger (French page)
    graph = records_to_graph(sample())
    centre = node_iri("Institution", "CASTTC-NG-NE")
    hosted = URIRef(TN + "hostedIn")
    assert set(graph.objects(centre, hosted)) == {node_iri("Country", "NG"), node_iri("Country", "NE")}
    statements = [s for s in graph.subjects(RDF.subject, centre) if graph.value(s, RDF.predicate) == hosted]
    sources = {graph.value(s, RDF.object): set(graph.objects(s, PROV.wasDerivedFrom)) for s in statements}
    assert URIRef(CASTTC_EN) in sources[node_iri("Country", "NG")]
    assert URIRef(CASTTC_FR) in sources[node_iri("Country", "NE")]
    assert URIRef(CASTTC_FR) not in sources[node_iri("Country", "NG")]


def test_same_link_with_different_properties_gives_two_statements() -> None:
    rels = [
        RelationshipRecord(
            "MEMBER_OF", "Country", "KH", "Bloc", "ASEAN", {"since": "1999", "sources": ["a"]}
        ),
        RelationshipRecord(
            "MEMBER_OF", "Country", "KH", "Bloc", "ASEAN", {"since": "1999-04", "sources": ["b"]}
        ),
    ]
    graph = records_to_graph(rels)
    assert len(list(graph.subjects(RDF.type, RDF.Statement))) == 2
    assert len(list(graph.triples((None, URIRef(TN + "memberOf"), None)))) == 1
    assert _canonical(list(graph_to_records(graph))) == _canonical(rels)


def test_node_type_carries_the_most_specific_class_only() -> None:
    graph = records_to_graph(sample())
    types = set(graph.objects(node_iri("Institution", "CATTC-KH"), RDF.type))
    assert types == {URIRef(TN + "BilateralCentre")}


def test_relationship_ends_use_the_key_label_iri() -> None:
    rel = RelationshipRecord("PARENT_CENTRE", "BilateralCentre", "X", "NationalTransferCentre", "CATTC")
    graph = records_to_graph([rel])
    assert (
        node_iri("Institution", "X"),
        URIRef(TN + "parentCentre"),
        node_iri("Institution", "CATTC"),
    ) in graph
    # no node data: the ends come back with their key label
    (back,) = graph_to_records(graph)
    assert isinstance(back, RelationshipRecord)
    assert (back.start_label, back.end_label) == ("Institution", "Institution")


def test_hand_written_turtle_without_reification() -> None:
    text = """
    @prefix tn: <https://w3id.org/transfernet/ontology#> .
    @prefix prov: <http://www.w3.org/ns/prov#> .
    <http://example.org/cattc> a tn:NationalTransferCentre ; tn:id "CATTC" ; tn:name "China-ASEAN TTC" ;
        prov:wasDerivedFrom <https://example.org/page> ;
        tn:hostedIn <https://w3id.org/transfernet/id/Country/CN> .
    """
    node, rel = loads(text)
    props = {"name": "China-ASEAN TTC", "sources": ["https://example.org/page"]}
    assert node == NodeRecord("NationalTransferCentre", "CATTC", props)
    assert rel == RelationshipRecord("HOSTED_IN", "NationalTransferCentre", "CATTC", "Country", "CN", {})


def test_source_references() -> None:
    for ref in [
        "the study, Table 2",
        "bilateral_centers.csv:26",
        CASTTC_FR,
        "(no page URL recorded; site x)",
    ]:
        assert source_text(source_iri(ref)) == ref
    assert source_iri(CASTTC_EN) == URIRef(CASTTC_EN)
    assert str(source_iri("a | b")).startswith("https://w3id.org/transfernet/source/")


@pytest.mark.parametrize(
    ("value", "datatype", "xsd"),
    [
        ("2015", Datatype.DATE, XSD.gYear),
        ("2015-06", Datatype.DATE, XSD.gYearMonth),
        ("2015-06-12", Datatype.DATE, XSD.date),
        ("2015-02-30", Datatype.DATE, None),  # not a date: plain literal, reported by the shapes
        ("2015-13", Datatype.DATE, None),
        (7, Datatype.INTEGER, XSD.integer),
        ("7", Datatype.INTEGER, None),
        (True, Datatype.INTEGER, None),
        (2.5, Datatype.FLOAT, XSD.decimal),
        (1e-7, Datatype.FLOAT, XSD.decimal),
        (float("nan"), Datatype.FLOAT, None),
        (False, Datatype.BOOLEAN, XSD.boolean),
        ("https://en.casttc.org/", Datatype.URI, XSD.anyURI),
        ("2024-01-02T03:04:05", Datatype.DATETIME, XSD.dateTime),
        ("2024-01-02", Datatype.DATETIME, None),
    ],
)
def test_literals(value: Any, datatype: Datatype, xsd: URIRef | None) -> None:
    literal = to_literal(value, datatype)
    assert literal.datatype == xsd
    if xsd is not None and value == value:  # round trip (nan aside)
        assert to_python(literal, datatype) == value
    assert not literal.ill_typed


def test_string_property_with_a_number_is_kept_and_typed() -> None:
    literal = to_literal(5, Datatype.STRING)
    assert literal == Literal(5) and to_python(literal, Datatype.STRING) == 5


def test_unknown_names_raise() -> None:
    with pytest.raises(SchemaError):
        records_to_graph([NodeRecord("Centre", "X")])
    with pytest.raises(SchemaError):
        records_to_graph([NodeRecord("Bloc", "X", {"colour": "red"})])
    with pytest.raises(SchemaError):
        records_to_graph([RelationshipRecord("NEAR", "Bloc", "X", "Bloc", "Y")])


def test_graph_statistics() -> None:
    graph = records_to_graph(sample())
    kinds = Counter(str(o) for o in graph.objects(None, RDF.type))
    assert kinds[str(RDF.Statement)] == 20  # one statement per relationship record
    assert isinstance(graph, Graph) and len(graph) > 200
