"""SHACL validation: each rule of the issue is caught with a plain-language message."""

from __future__ import annotations

import warnings
from datetime import date, timedelta
from pathlib import Path

import pytest
from ontology_sample import CASTTC_EN, CASTTC_FR, sample

from ontology.rdfio import export_records
from ontology.records import NodeRecord, RelationshipRecord
from ontology.validation import Severity, ValidationReport, validate

pytestmark = pytest.mark.filterwarnings("error")

TTL_PREFIXES = """
@prefix tn: <https://w3id.org/transfernet/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ex: <http://example.org/> .
"""


def _only(report: ValidationReport, constraint: str | None = None) -> list[str]:
    return [v.message for v in report.violations if constraint is None or v.constraint == constraint]


def test_sample_conforms() -> None:
    report = validate(sample())
    assert report.conforms, str(report)
    assert report.violations == ()


def test_validation_runs_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert validate(sample()).conforms


def test_bilateral_centre_without_host_country_or_parent() -> None:
    records = [r for r in sample() if not (isinstance(r, RelationshipRecord) and r.start_key == "CATTC-KH")]
    report = validate(records)
    assert not report.conforms
    found = {(v.subject, v.path): v for v in report.violations}
    host = found[("BilateralCentre 'CATTC-KH'", "HOSTED_IN")]
    parent = found[("BilateralCentre 'CATTC-KH'", "PARENT_CENTRE")]
    assert "has no host country" in host.message and "has no parent centre" in parent.message
    # the location is the node's provenance (ontology_sample: bilateral_centers.csv rows 2 and 3)
    assert "bilateral_centers.csv:3" in host.location
    assert len(report.violations) == 2


def test_unknown_iso_code() -> None:
    # XK (Kosovo) matches the pattern but is not in ISO 3166-1; World Bank code XKX (wb_list_of_economies.csv)
    node = NodeRecord("Country", "XK", {"name": "Kosovo", "alpha3": "XKX", "sources": ["wb.csv:104"]})
    report = validate([node])
    messages = _only(report, "InConstraintComponent")
    assert len(messages) == 2
    assert any("not an ISO 3166-1 alpha-2 country code" in m for m in messages)
    assert any("not an ISO 3166-1 alpha-3 country code" in m for m in messages)
    assert {v.value for v in report.violations} == {"XK", "XKX"}


def test_bad_country_code_pattern() -> None:
    report = validate([NodeRecord("Country", "ng", {"name": "Nigeria", "sources": ["x"]})])
    assert any("two-letter ISO 3166-1 alpha-2 code in capitals" in m for m in _only(report))


def test_agreement_with_fewer_than_two_parties() -> None:
    records = [r for r in sample() if not (isinstance(r, RelationshipRecord) and r.start_key == "NG")]
    report = validate(records)
    (violation,) = report.violations
    assert violation.subject == "MemorandumOfUnderstanding 'A-1'"
    assert violation.path == "^PARTY_TO"
    assert "fewer than two parties" in violation.message
    assert violation.location == (CASTTC_EN,)


def test_established_date_in_the_future() -> None:
    future = str(date.today().year + 1)
    records = [NodeRecord("Bloc", "SCO", {"name": "Shanghai Cooperation Organisation", "established": future,
                                          "sources": ["the study, section 3.4"]})]  # fmt: skip
    report = validate(records)
    (violation,) = report.violations
    assert violation.path == "established" and violation.value == future
    assert f"The date {future} lies in the future" in violation.message
    assert violation.location == ("the study, section 3.4",)


def test_established_today_or_earlier_is_fine() -> None:
    today = date.today()
    for value in (
        today.isoformat(),
        (today - timedelta(days=1)).isoformat(),
        today.strftime("%Y-%m"),
        "2001",
    ):
        records = [NodeRecord("Bloc", "SCO", {"name": "SCO", "established": value, "sources": ["s"]})]
        assert validate(records).conforms, value


def test_future_date_on_a_relationship() -> None:
    records = [
        *sample()[:4],
        RelationshipRecord(
            "MEMBER_OF", "Country", "KH", "Bloc", "ASEAN", {"since": "2999", "sources": ["s"]}
        ),
        NodeRecord("Bloc", "ASEAN", {"name": "ASEAN", "sources": ["s"]}),
    ]
    report = validate(records)
    (violation,) = report.violations
    assert violation.subject == "MEMBER_OF (Country 'KH' -> Bloc 'ASEAN')" and violation.path == "since"


def test_technology_offer_without_field() -> None:
    records = [r for r in sample() if not (isinstance(r, RelationshipRecord) and r.type == "IN_FIELD")]
    report = validate(records)
    (violation,) = report.violations
    assert violation.subject == "TechnologyOffer 'O-1'" and violation.path == "IN_FIELD"
    assert "has no field" in violation.message


def test_duplicate_key_in_a_turtle_file(tmp_path: Path) -> None:
    path = tmp_path / "centres.ttl"
    path.write_text(
        TTL_PREFIXES
        + """
ex:a a tn:NationalTransferCentre ; tn:id "CATTC" ; tn:name "China-ASEAN TTC" ; prov:wasDerivedFrom ex:one .
ex:b a tn:University ; tn:id "CATTC" ; tn:name "Another" ; prov:wasDerivedFrom ex:two .
ex:c a tn:Bloc ; tn:id "CATTC" ; tn:name "Not the same hierarchy" ; prov:wasDerivedFrom ex:three .
""",
        encoding="utf-8",
    )
    report = validate(path)
    messages = _only(report, "SPARQLConstraintComponent")
    # ex:a and ex:b share the Institution hierarchy; ex:c is a Bloc, another hierarchy
    assert len(messages) == 2
    assert all(m.startswith("Duplicate key CATTC") for m in messages)
    assert {v.focus_node for v in report.violations} == {"http://example.org/a", "http://example.org/b"}
    assert {v.location for v in report.violations} == {
        ("http://example.org/one",),
        ("http://example.org/two",),
    }


def test_records_with_the_same_key_merge_into_one_node() -> None:
    # loaders upsert: the same key twice is the same node (provenance merged), not a duplicate
    records = [
        NodeRecord("Bloc", "LAS", {"name": "League of Arab States", "sources": ["a.csv:1"]}),
        NodeRecord("Bloc", "LAS", {"name": "League of Arab States", "sources": ["b.csv:9"]}),
    ]
    assert validate(records).conforms
    conflicting = [*records, NodeRecord("Bloc", "LAS", {"name": "Arab League", "sources": ["c.csv:2"]})]
    report = validate(conflicting)
    (violation,) = report.violations
    assert violation.constraint == "MaxCountConstraintComponent" and violation.path == "name"
    assert violation.location == ("a.csv:1", "b.csv:9", "c.csv:2")


def test_conflicting_sources_are_both_kept() -> None:
    # china_tech_transfer_centers/SOURCE.md: Nigeria (English source) vs Niger (French source)
    report = validate(sample())
    assert report.conforms
    hosted = [r for r in sample() if isinstance(r, RelationshipRecord) and r.start_key == "CASTTC-NG-NE"
              and r.type == "HOSTED_IN"]  # fmt: skip
    assert {(r.end_key, tuple(r.properties["sources"])) for r in hosted} == {
        ("NG", ("bilateral_centers.csv:26", CASTTC_EN)),
        ("NE", ("bilateral_centers.csv:26", CASTTC_FR)),
    }


def test_unknown_names_are_reported_not_raised() -> None:
    records = [
        NodeRecord("Centre", "X", {"sources": ["s.csv:1"]}),
        NodeRecord("Bloc", "AU", {"name": "African Union", "colour": "green", "sources": ["s.csv:2"]}),
        RelationshipRecord("HOSTED_IN", "Country", "CN", "Country", "CN", {"sources": ["s.csv:3"]}),
    ]
    report = validate(records)
    schema_problems = [v for v in report.violations if v.constraint == "schema"]
    assert [v.location for v in schema_problems] == [("s.csv:2",), ("s.csv:1",), ("s.csv:3",)]
    assert "unknown node label 'Centre'" in schema_problems[1].message
    assert "has no property 'colour'" in schema_problems[0].message
    assert "A Country cannot start a HOSTED_IN relationship" in schema_problems[2].message


def test_missing_source_and_bad_datatypes() -> None:
    records = [
        NodeRecord("Technology", "T", {"title": "x", "readinessLevel": 12, "ipStatus": "secret"}),
        NodeRecord("Country", "CN", {"name": "China", "briYear": "2013", "sources": ["s"]}),
        NodeRecord("Event", "E", {"name": "Expo", "startDate": "2024-13-01", "sources": ["s"]}),
    ]
    report = validate(records)
    by_path = {(v.subject, v.path): v.message for v in report.violations}
    assert "No source is given" in by_path[("Technology 'T'", "sources")]
    assert "from 1 to 9" in by_path[("Technology 'T'", "readinessLevel")]
    assert "IP status must be one of" in by_path[("Technology 'T'", "ipStatus")]
    assert "whole year" in by_path[("Country 'CN'", "briYear")]
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in by_path[("Event 'E'", "startDate")]


def test_event_ending_before_it_starts() -> None:
    event = NodeRecord("Forum", "F", {"name": "Forum", "startDate": "2022-08-19", "endDate": "2022-08",
                                      "sources": ["s"]})  # fmt: skip
    assert validate([event]).conforms  # same month: not before
    event = NodeRecord("Forum", "F", {"name": "Forum", "startDate": "2022-08-19", "endDate": "2022-08-18",
                                      "sources": ["s"]})  # fmt: skip
    (violation,) = validate([event]).violations
    assert "ends (2022-08-18) before it starts" in violation.message


def test_validate_turtle_and_jsonld_files(tmp_path: Path) -> None:
    bad = [r for r in sample() if not (isinstance(r, RelationshipRecord) and r.type == "IN_FIELD")]
    for name in ("sample.ttl", "sample.jsonld"):
        path = export_records(sample(), tmp_path / name)
        assert validate(path).conforms, name
        path = export_records(bad, tmp_path / f"bad-{name}")
        report = validate(str(path))
        assert [v.subject for v in report.violations] == ["TechnologyOffer 'O-1'"], name


def test_report_text() -> None:
    report = validate([NodeRecord("Country", "XX", {"name": "Nowhere", "sources": ["c.csv:3"]})])
    text = str(report)
    assert text.startswith("does not conform (1 problems)")
    assert "Country 'XX' id = 'XX'" in text and "[c.csv:3]" in text
    assert report.violations[0].severity is Severity.VIOLATION


def test_relationship_end_of_the_wrong_type_in_rdf(tmp_path: Path) -> None:
    # HOSTED_IN: rdfs:domain tn:TransferCentre (transfernet.ttl); a university is not a transfer centre
    path = tmp_path / "wrong.ttl"
    path.write_text(
        TTL_PREFIXES
        + """
ex:u a tn:University ; tn:id "DGUT" ; tn:name "Dongguan University of Technology" ; prov:wasDerivedFrom ex:s ;
    tn:hostedIn ex:cn .
ex:cn a tn:Country ; tn:id "CN" ; tn:name "China" ; prov:wasDerivedFrom ex:s .
""",
        encoding="utf-8",
    )
    report = validate(path)
    (violation,) = report.violations
    assert violation.path == "HOSTED_IN" and violation.constraint == "schema"
    assert violation.message.startswith("University 'DGUT' cannot be the start of a HOSTED_IN")
    assert violation.location == ("http://example.org/s",)


def test_focus_limits_the_report_to_the_given_nodes_sparql_targets_included() -> None:
    from ontology.convert import node_iri

    records = [
        NodeRecord(
            "Forum",
            "f1",
            {"name": "F", "startDate": "2020-05-02", "endDate": "2020-05-01", "sources": ["x:2"]},
        ),
        NodeRecord(
            "Forum",
            "f2",
            {"name": "G", "startDate": "2020-05-02", "endDate": "2020-05-01", "sources": ["x:3"]},
        ),
        NodeRecord("Institution", "i1", {"name": "I", "established": "2999", "sources": ["x:4"]}),
    ]
    everything = validate(records)
    assert {v.subject for v in everything.violations} == {"Forum 'f1'", "Forum 'f2'", "Institution 'i1'"}
    focused = validate(records, focus=[str(node_iri("Event", "f1")), str(node_iri("Institution", "i1"))])
    # the SPARQL-targeted shapes (event dates, dates not in the future) still judge the focus nodes
    assert sorted((v.subject, v.message) for v in focused.violations) == [
        ("Forum 'f1'", "The event ends (2020-05-01) before it starts."),
        (
            "Institution 'i1'",
            "The date 2999 lies in the future, but it records something that has already happened.",
        ),
    ]
