"""The schema derived from the Turtle files covers the whole ontology."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Literal, URIRef
from rdflib.namespace import SKOS

from ontology.derive import (
    class_iris,
    datatype_property_iris,
    graph_name,
    load_schema,
    local_name,
    object_property_iris,
    upper_snake,
)
from ontology.namespaces import TN_NS
from ontology.resources import ontology_graph
from ontology.schema import PROVENANCE_PROPERTIES, Datatype

pytestmark = pytest.mark.filterwarnings("error")

TN = TN_NS


def _terms() -> list[URIRef]:
    return [*class_iris(), *object_property_iris(), *datatype_property_iris()]


def test_every_class_is_a_node_type() -> None:
    schema = load_schema()
    assert {n.iri for n in schema.nodes.values()} == {str(c) for c in class_iris()}


def test_every_object_property_is_a_relationship_type() -> None:
    schema = load_schema()
    assert {r.iri for r in schema.relationships.values()} == {str(p) for p in object_property_iris()}


def test_every_datatype_property_is_used_by_a_node_or_relationship_type() -> None:
    schema = load_schema()
    used = {p.iri for n in schema.nodes.values() for p in n.properties}
    used |= {p.iri for r in schema.relationships.values() for p in r.properties}
    assert {str(p) for p in datatype_property_iris()} <= used


def test_every_term_has_english_and_chinese_labels_and_a_definition() -> None:
    graph = ontology_graph()
    for term in _terms():
        langs = {lit.language for lit in graph.objects(term, RDFS.label) if isinstance(lit, Literal)}
        assert {"en", "zh"} <= langs, term
        definitions = [
            d for d in graph.objects(term, SKOS.definition) if getattr(d, "language", None) == "en"
        ]
        assert definitions, term


def test_derived_types_carry_both_labels() -> None:
    schema = load_schema()
    for node in schema.nodes.values():
        assert node.label_en and node.label_zh and node.definition, node.label
    for rel in schema.relationships.values():
        assert rel.label_en and rel.label_zh and rel.definition, rel.type


def test_required_classes_exist() -> None:
    # the list of classes
    expected = set(
        [
            "Country",
            "Bloc",
            "Institution",
            "TransferCentre",
            "NationalTransferCentre",
            "RegionalTransferCentre",
            "BilateralCentre",
            "BranchCentre",
            "University",
            "ResearchInstitute",
            "Enterprise",
            "GovernmentAgency",
            "Investor",
            "OnlinePlatform",
            "Expert",
            "TechnologyBroker",
            "Scientist",
            "Technology",
            "TechnologyOffer",
            "TechnologyDemand",
            "Field",
            "Agreement",
            "MemorandumOfUnderstanding",
            "LicenceAgreement",
            "JointLabAgreement",
            "CoBuildingAgreement",
            "Event",
            "Forum",
            "Expo",
            "TrainingCourse",
            "Funding",
        ]
    )
    assert expected <= set(load_schema().nodes)


def test_required_relationship_types_exist() -> None:
    # the list of relationships, in UPPER_SNAKE form
    expected = set(
        [
            "LOCATED_IN",
            "HOSTED_IN",
            "OPERATED_BY",
            "PARENT_CENTRE",
            "BILATERAL_PARTNER_OF",
            "MEMBER_OF",
            "AFFILIATED_WITH",
            "EXPERT_IN",
            "OFFERS",
            "SEEKS",
            "PARTY_TO",
            "ORGANISES",
            "PARTICIPATES_IN",
            "FUNDS",
            "COVERS_FIELD",
            "BROADER",
        ]
    )
    assert expected <= set(load_schema().relationships)


def test_alignment_with_standard_vocabularies() -> None:
    # ARCHITECTURE.md, ontology/: ORG, FOAF, schema.org, SKOS
    graph = ontology_graph()
    org, schema_org = "http://www.w3.org/ns/org#", "https://schema.org/"
    expected = [
        ("BilateralCentre", org + "OrganizationalCollaboration"),
        ("BranchCentre", org + "OrganizationalUnit"),
        ("Institution", org + "Organization"),
        ("Site", org + "Site"),
        ("Expert", "http://xmlns.com/foaf/0.1/Person"),
        ("TechnologyOffer", schema_org + "Offer"),
        ("TechnologyDemand", schema_org + "Demand"),
        ("Event", schema_org + "Event"),
        ("Field", str(SKOS.Concept)),
    ]
    for cls, parent in expected:
        assert (URIRef(TN + cls), RDFS.subClassOf, URIRef(parent)) in graph, cls
    # the transfer-centre hierarchy is a case of the general one (W3C ORG subOrganizationOf)
    assert (URIRef(TN + "parentCentre"), RDFS.subPropertyOf, URIRef(TN + "subOrganizationOf")) in graph
    assert (URIRef(TN + "subOrganizationOf"), RDFS.subPropertyOf, URIRef(org + "subOrganizationOf")) in graph


def test_labels_carry_ancestors_and_key_label_is_the_root() -> None:
    schema = load_schema()
    centre = schema.node("BilateralCentre")
    assert centre.labels == ("BilateralCentre", "TransferCentre", "Institution")
    assert (centre.key, centre.key_label) == ("id", "Institution")
    assert schema.node("TechnologyBroker").labels == ("TechnologyBroker", "Expert")
    for node in schema.nodes.values():
        assert node.labels[0] == node.label and node.labels[-1] == node.key_label
        assert node.properties[0].name == node.key and node.properties[0].required


def test_each_class_has_at_most_one_tn_superclass() -> None:
    graph = ontology_graph()
    for cls in class_iris():
        parents = [p for p in graph.objects(cls, RDFS.subClassOf) if str(p).startswith(TN)]
        assert len(parents) <= 1, cls


def test_country_key_is_the_iso_code() -> None:
    country = load_schema().node("Country")
    key = country.get_property("id")
    assert key.pattern == "^[A-Z]{2}$"
    assert "NG" in key.allowed and "NE" in key.allowed and "XK" not in key.allowed  # pycountry: no Kosovo


def test_property_constraints_come_from_the_shapes() -> None:
    schema = load_schema()
    country = schema.node("Country")
    assert country.get_property("incomeGroup").allowed == (
        "Low income",
        "Lower middle income",
        "Upper middle income",
        "High income",
    )  # shapes.ttl, CountryShape (World Bank FY2025 groups)
    assert country.get_property("briYear").datatype is Datatype.INTEGER
    assert country.get_property("briMember").datatype is Datatype.BOOLEAN
    assert not country.get_property("nameZh").required and not country.get_property("nameZh").multiple
    assert schema.node("BilateralCentre").get_property("established").datatype is Datatype.DATE
    assert schema.node("Funding").get_property("amount").datatype is Datatype.FLOAT
    assert schema.node("Institution").get_property("website").datatype is Datatype.URI


def test_provenance_properties_on_every_type() -> None:
    schema = load_schema()
    for node in schema.nodes.values():
        assert [p.name for p in node.properties[-4:]] == list(PROVENANCE_PROPERTIES)
    for rel in schema.relationships.values():
        assert [p.name for p in rel.properties[-4:]] == list(PROVENANCE_PROPERTIES)
    sources = schema.node("Country").get_property("sources")
    assert sources.iri == "http://www.w3.org/ns/prov#wasDerivedFrom" and sources.multiple and sources.required


def test_relationship_types_follow_the_naming_rule() -> None:
    for prop in object_property_iris():
        rel = load_schema().relationship(upper_snake(local_name(prop)))
        assert rel.iri == str(prop)


def test_relationship_ends() -> None:
    schema = load_schema()
    hosted = schema.relationship("HOSTED_IN")
    assert hosted.sources == ("TransferCentre",) and hosted.targets == ("Country",)
    party = schema.relationship("PARTY_TO")
    assert set(party.sources) == {"Institution", "Country", "Bloc", "Expert"} and party.targets == (
        "Agreement",
    )
    assert [p.name for p in schema.relationship("MEMBER_OF").properties[:3]] == ["note", "role", "since"]


def test_graph_names_are_local_names_unless_annotated() -> None:
    for prop in datatype_property_iris():
        assert graph_name(prop) == local_name(prop)
    assert graph_name(URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) == "sources"


def test_load_schema_is_cached() -> None:
    assert load_schema() is load_schema()


def test_every_class_is_an_owl_class() -> None:
    graph = ontology_graph()
    for cls in class_iris():
        assert (cls, RDF.type, OWL.Class) in graph


def test_shapes_only_use_terms_of_the_ontology() -> None:
    from rdflib import SH

    from ontology.resources import shapes_graph

    graph, shapes = ontology_graph(), shapes_graph()
    known = {
        *datatype_property_iris(),
        *object_property_iris(),
        URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
    }
    known |= {RDF.subject, RDF.predicate, RDF.object}
    for path in shapes.objects(None, SH.path):
        if isinstance(path, URIRef):
            assert path in known, path
    for cls in shapes.objects(None, SH.targetClass):
        assert cls in class_iris() or cls == RDF.Statement, cls
    assert graph is ontology_graph()


def test_turtle_files_parse_without_warnings() -> None:
    import warnings

    from rdflib import Graph

    from ontology.resources import ONTOLOGY_FILES, SHAPES_FILES, data_file

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in (*ONTOLOGY_FILES, *SHAPES_FILES):
            assert len(Graph().parse(data=data_file(name).read_text(encoding="utf-8"), format="turtle")) > 0


@pytest.mark.slow
def test_shapes_conform_to_shacl_shacl() -> None:
    # pyshacl's meta_shacl check; shapes.ttl only (iso3166.ttl is generated and holds two long sh:in lists)
    from pyshacl import validate
    from rdflib import Graph

    from ontology.resources import data_file

    shapes = Graph().parse(data=data_file("shapes.ttl").read_text(encoding="utf-8"), format="turtle")
    conforms, _, text = validate(Graph(), shacl_graph=shapes, meta_shacl=True, advanced=True)
    assert conforms, text


def test_external_identifiers_are_indexed_and_aliases_multiple() -> None:
    """The identifiers of ``tn:indexed`` (transfernet.ttl) are indexed on Institution; altName is a list."""
    schema = load_schema()
    indexed = schema.indexed_properties()
    for prop in ("rorId", "gridId", "isni", "wikidataId", "pic", "registryCode"):
        assert ("Institution", prop) in indexed
    assert ("Institution", "name") not in indexed
    spec = {p.name: p for p in schema.node("University").properties}
    assert spec["altName"].multiple and not spec["rorId"].multiple
    assert schema.relationship("SUB_ORGANIZATION_OF").sources == ("Institution",)
    assert {"Hospital", "NonProfit", "Funder", "Archive"} <= set(schema.nodes)
