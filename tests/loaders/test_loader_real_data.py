"""The bundled mappings (data/mappings/*.yaml) on the bundled real files in data/reference.

Expected values come from the files' SOURCE.md notes and from the CSVs themselves.
"""

from __future__ import annotations

import functools
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from loaders import MappedBatch, apply_mapping, find_dangling
from loaders.bundle import BundleEntry, bundle_entries
from loaders.iso3166 import write_countries_csv
from ontology.schema import GraphSchema

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO / "data" / "reference"
MAPPINGS = REPO / "data" / "mappings"


@pytest.fixture(scope="module")
def schema() -> GraphSchema:
    """The real ontology's schema (the bundled mappings are written against it)."""
    from ontology.derive import load_schema

    return load_schema()


@functools.cache
def _entries() -> dict[str, BundleEntry]:
    """The bundle manifest's mappings, the generated country list written to a temporary folder."""
    work = Path(tempfile.mkdtemp(prefix="tn-bundle-"))
    write_countries_csv(work / "iso3166.csv")
    return {e.mapping.name: e for e in bundle_entries(REPO / "data", work)}


def _load(schema: GraphSchema, name: str) -> MappedBatch:
    entry = _entries()[name]
    return apply_mapping(entry.mapping, schema, data_dir=entry.data_dir, provenance_root=REPO)


def test_every_mapping_is_in_the_bundle_manifest() -> None:
    assert {p.name for p in MAPPINGS.glob("*.yaml")} == set(_entries())


def test_every_data_file_has_a_mapping() -> None:
    mapped = set()
    for mapping in MAPPINGS.glob("*.yaml"):
        for line in mapping.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("path:"):
                mapped.add(line.split("path:")[1].strip())
    on_disk = {p.relative_to(SHARED_DATA).as_posix() for p in SHARED_DATA.glob("*/*.csv")}
    assert on_disk <= mapped


def test_centres(schema: GraphSchema) -> None:
    result = _load(schema, "centers.yaml")
    assert result.errors == []
    # SOURCE.md: "centers.csv — 8 rows"; CAICC is "not formally a technology transfer center"
    assert Counter(n.label for n in result.nodes) == {"NationalTransferCentre": 7, "Institution": 1}
    centres = {n.key: n.properties for n in result.nodes}
    assert centres["CSATTC"]["established"] == "2014-06-06"
    assert centres["CATTC"]["established"] == "2013"
    assert centres["CASTTC"]["city"] == "Yinchuan"
    assert centres["CATTC"]["description"].startswith("Partner region: ASEAN. Built by: MOST; ASEAN COST;")
    assert "description" not in centres["CAICC"]  # builders "(not stated in source)" is a null value
    # provenance: row 3 of the file, then its URL (source_urls split on " | ")
    assert centres["CSATTC"]["sources"] == [
        "data/reference/china_tech_transfer_centers/centers.csv:3",
        "https://digitalpaper.stdaily.com/http_www.kjrb.com/kjrb/html/2014-06/07/content_264704.htm?div=-1",
    ]
    assert len(centres["SCOTTC"]["sources"]) == 4  # the row and its three URLs
    assert centres["SCOTTC"]["retrieved"] == "2026-11-23"
    assert {(r.start_key, r.end_key) for r in result.relationships} == {(c, "CN") for c in centres}


def test_bilateral_centres(schema: GraphSchema) -> None:
    result = _load(schema, "bilateral_centers.yaml")
    assert result.errors == []
    assert result.rows == 32  # SOURCE.md: 32 rows
    hosted: dict[str, set[str]] = {}
    parent = {r.start_key: r.end_key for r in result.relationships if r.type == "PARENT_CENTRE"}
    for rel in result.relationships:
        if rel.type == "HOSTED_IN":
            hosted.setdefault(parent[rel.start_key], set()).add(rel.end_key)
    # SOURCE.md: CASTTC centres in Saudi Arabia, Jordan, Oman, UAE, Egypt, Sudan, Morocco, plus Qatar and
    # Nigeria/Niger (proposed; sources disagree: both readings kept); the LAS centre has no country code
    assert hosted["CASTTC"] == {"SA", "JO", "OM", "AE", "EG", "SD", "MA", "QA", "NG", "NE"}
    # CATTC centres by 2015-06 (+ Malaysia in preparation); SCOTTC overseas centres named
    assert hosted["CATTC"] == {"KH", "MM", "LA", "TH", "ID", "MY"}
    assert hosted["SCOTTC"] == {"RU", "KZ", "MY", "MN"}
    assert hosted["CLTTC"] == {"CL"} and hosted["CSATTC"] == {"PK"}
    assert "BRICSTTC" not in hosted  # network partners, not centres (row 32)
    # mechanism documents and talks (Vietnam, Brunei, Indonesia 2017, Philippines) link to the parent itself
    mechanism = {
        r.start_key: r.properties.get("lifecycle")
        for r in result.relationships
        if r.type == "BILATERAL_PARTNER_OF" and r.end_key == "CATTC"
    }
    assert mechanism == {"VN": "agreed", "BN": "agreed", "ID": "agreed", "PH": "proposed"}
    # the NG|NE row: two candidate units, every record citing line 26 and both URLs
    row26 = [
        r for r in result.relationships if r.properties["sources"][0].endswith("bilateral_centers.csv:26")
    ]
    assert {(r.type, r.start_key, r.end_key) for r in row26} == {
        ("PARENT_CENTRE", "CASTTC-NG", "CASTTC"), ("PARENT_CENTRE", "CASTTC-NE", "CASTTC"),
        ("HOSTED_IN", "CASTTC-NG", "NG"), ("HOSTED_IN", "CASTTC-NE", "NE"),
        ("BILATERAL_PARTNER_OF", "NG", "CASTTC-NG"), ("BILATERAL_PARTNER_OF", "NE", "CASTTC-NE"),
        ("ABOUT", "lifecycle-bc25-NG", "CASTTC-NG"), ("ABOUT", "lifecycle-bc25-NE", "CASTTC-NE"),
    }  # fmt: skip
    assert row26[0].properties["sources"][1:] == [
        "https://en.casttc.org/article/00001525.html",
        "https://fra.yidaiyilu.gov.cn/p/181157.html?alias=undefined&cateName=Economie+innovante",
    ]
    # three rows about the CSATTC Pakistan branch (2017, 2021, 2023): one node, three dated claims
    claims = {
        n.properties["asOf"]: n.properties["value"]
        for n in result.nodes
        if n.label == "Statistic" and n.key.endswith("-PK")
    }
    assert claims == {
        "2017-07": "established: inaugurated (first fixed facility in South Asia)",
        "2021-12-23": "operating: operating",
        "2023-08-19": "agreed: MoU signed",
    }
    assert {n.label for n in result.nodes if n.key == "CSATTC-PK"} == {"BranchCentre"}


# One test per rule that makes a row a centre
# (data/reference/china_tech_transfer_centers/SOURCE.md, "Curation").


def _units(schema: GraphSchema) -> dict[str, tuple[str, dict[str, object]]]:
    result = _load(schema, "bilateral_centers.yaml")
    return {
        n.key: (n.label, dict(n.properties))
        for n in result.nodes
        if n.label in ("BilateralCentre", "BranchCentre")
    }


def test_a_centre_comes_only_from_a_row_that_names_a_centre(schema: GraphSchema) -> None:
    units = _units(schema)
    bilateral = {k for k, (label, _) in units.items() if label == "BilateralCentre"}
    branch = {k for k, (label, _) in units.items() if label == "BranchCentre"}
    # rows 1-7 (CATTC), 17-24 (CASTTC): "Technology Transfer Center", "bilateral technology transfer center"
    assert bilateral == {
        "CATTC-KH", "CATTC-MM", "CATTC-LA", "CATTC-TH", "CATTC-ID", "CATTC-MY",
        "CASTTC-SA", "CASTTC-JO", "CASTTC-OM", "CASTTC-AE", "CASTTC-EG", "CASTTC-SD", "CASTTC-MA",
        "CASTTC-QA",
    }  # fmt: skip
    # rows 13-15 (sub-centre), 25 (working base), 27-29 (overseas collaborative centres), 30 (branch)
    assert branch == {
        "CSATTC-PK", "CASTTC-NG", "CASTTC-NE", "SCOTTC-RU", "SCOTTC-KZ", "SCOTTC-MY", "SCOTTC-MN", "CLTTC-CL"
    }  # fmt: skip


def test_network_partners_and_mentions_are_not_centres(schema: GraphSchema) -> None:
    result = _load(schema, "bilateral_centers.yaml")
    keys = {n.key for n in result.nodes}
    # row 32: BRICS network partners and a mention of the India-China centre; row 31: a cooperating unit
    assert not {k for k in keys if k.startswith("BRICSTTC-")} and "CLTTC-BR" not in keys
    partners = {
        (r.start_label, r.start_key)
        for r in result.relationships
        if r.type == "BILATERAL_PARTNER_OF" and r.end_key in ("BRICSTTC", "CLTTC")
    }
    assert partners == {
        ("Country", "BR"), ("Country", "RU"), ("Country", "IN"), ("Country", "ZA"),
        ("Institution", "CLTTC-partner-Brazil"),
    }  # fmt: skip
    partner = next(n for n in result.nodes if n.key == "CLTTC-partner-Brazil")
    assert (partner.label, partner.properties["name"]) == (
        "Institution",
        "China–Brazil Technology Transfer Center",
    )


def test_stage_of_every_unit_follows_its_rows(schema: GraphSchema) -> None:
    stages = {k: props.get("lifecycle") for k, (_, props) in _units(schema).items()}
    # "MoU to be signed" (rows 24, 25) -> proposed; "in preparation" (row 7) -> planned
    assert {k for k, v in stages.items() if v == "proposed"} == {"CASTTC-QA", "CASTTC-NG", "CASTTC-NE"}
    assert {k for k, v in stages.items() if v == "planned"} == {"CATTC-MY"}
    # "operating" (row 14) after "inaugurated" (row 13)
    assert stages["CSATTC-PK"] == "operating"
    # "agreement to co-build signed 2014-09-16; established by 2015-06" (rows 4, 5)
    assert stages["CATTC-LA"] == stages["CATTC-TH"] == "established"
    assert all(v in ("established", "operating", "proposed", "planned") for v in stages.values())


def test_every_unit_has_a_readable_name_and_notes_apart(schema: GraphSchema) -> None:
    for key, (_, props) in _units(schema).items():
        name = str(props["name"])
        assert name and not any(word in name for word in ("(+", "mentioned", "partners", "(6 in total)")), key
    units = _units(schema)
    assert units["SCOTTC-RU"][1]["note"] == "One of 6 overseas collaborative centres (4 not named)."
    assert (
        units["CSATTC-PK"][1]["nameZh"] == "中国—南亚技术转移中心巴基斯坦分中心"
    )  # the source's 巴基斯坦分中心


def test_bri_countries(schema: GraphSchema) -> None:
    result = _load(schema, "bri_countries.yaml")
    assert result.errors == []
    countries = [n for n in result.nodes if n.label == "Country"]
    assert len(countries) == 152  # SOURCE.md: 152 countries
    assert [n.key for n in result.nodes if n.label == "Bloc"] == ["BRI"]
    keys = {n.key for n in countries}
    assert "GR" in keys and "EL" not in keys and "CN" not in keys  # China itself is not listed
    assert all(n.properties["briMember"] is True for n in countries)
    years = Counter(r.properties["since"] for r in result.relationships)
    # SOURCE.md year distribution
    assert years == {"2014": 6, "2015": 18, "2016": 6, "2017": 28, "2018": 64, "2019": 15, "2020": 1,
                     "2021": 7, "2022": 5, "2023": 2}  # fmt: skip
    assert Counter(n.properties["briYear"] for n in countries)[2018] == 64


def test_bri_facts(schema: GraphSchema) -> None:
    result = _load(schema, "bri_facts.yaml")
    # 14 dated facts (SOURCE.md); line 15's URL comma is quoted in the bundled copy (data/reference/README.md)
    assert result.errors == []
    assert len(result.nodes) == 14
    facts = {n.key: n.properties for n in result.nodes}
    assert facts["BRI-F01"]["asOf"] == "2019-04-18"
    assert facts["BRI-F14"]["value"] == "139"
    assert "https://kids.kiddle.co/One_Belt,_One_Road" in facts["BRI-F14"]["sources"]
    about = {r.start_key: r.end_key for r in result.relationships}
    assert about["BRI-F10"] == "IT" and about["BRI-F13"] == "SL"
    assert "BRI-F06" not in about  # subject yidaiyilu.gov.cn is not a country


def test_world_bank(schema: GraphSchema) -> None:
    economies = _load(schema, "wb_economies.yaml")
    assert economies.errors == []
    # 266 rows: 218 economies, of which Channel Islands and Kosovo have no ISO code, + 48 aggregates
    assert economies.rows == 266
    assert len(economies.nodes) == 216
    by_key = {n.key: n.properties for n in economies.nodes}
    assert by_key["CN"]["region"] == "East Asia & Pacific"
    assert by_key["VE"].get("incomeGroup") is None  # SOURCE.md: Venezuela has no FY25 income group
    groups = _load(schema, "wb_groups.yaml")
    assert groups.errors == []
    kinds = {n.key: n.properties["blocKind"] for n in groups.nodes}
    assert len(kinds) == 48  # distinct WB_Group_Code values
    assert kinds["wb:SSF"] == "statistical region" and kinds["wb:EUU"] == "intergovernmental organisation"
    members = {(r.start_key, r.end_key) for r in groups.relationships}
    assert ("CN", "wb:EAS") in members and ("GR", "wb:EUU") in members


def test_fields(schema: GraphSchema) -> None:
    ford = _load(schema, "ford.yaml")
    ipc = _load(schema, "ipc.yaml")
    assert ford.errors == ipc.errors == []
    # SOURCE.md: 6 major fields, 42 fields; IPC 8 sections, 131 classes, 645 subclasses
    assert Counter(n.properties["level"] for n in ford.nodes) == {"major field": 6, "field": 42}
    assert Counter(n.properties["level"] for n in ipc.nodes) == {"section": 8, "class": 131, "subclass": 645}
    assert len(ford.relationships) == 42 and len(ipc.relationships) == 784 - 8


def test_the_whole_bundle_has_no_dangling_relationship(schema: GraphSchema) -> None:
    results = [_load(schema, p.name) for p in sorted(MAPPINGS.glob("*.yaml"))]
    nodes = [n for r in results for n in r.nodes]
    rels = [x for r in results for x in r.relationships]
    origins = [o for r in results for o in r.origins]
    # every partner and host country, parent centre, group member and broader field is loaded
    assert find_dangling(rels, origins, nodes, None, schema=schema) == []
    # without the World Bank list, China (host of every centre) is missing
    partial = [r for r in results if r.nodes and r.nodes[0].label != "Country"]
    missing = find_dangling(rels, origins, [n for r in partial for n in r.nodes], None, schema=schema)
    china = [
        e
        for e in missing
        if e.reason.endswith("end node Country 'CN' is neither loaded here nor in the store")
    ]
    assert ("data/reference/china_tech_transfer_centers/centers.csv", 2, "host_country") in {
        (e.file, e.row, e.column) for e in china
    }


@pytest.mark.parametrize("name", sorted(p.name for p in MAPPINGS.glob("*.yaml")))
def test_mappings_against_the_real_ontology(name: str, schema: GraphSchema) -> None:
    # the contract with ontology/: every bundled mapping compiles against the derived schema
    # and maps its file without a row error
    result = _load(schema, name)
    assert [str(e) for e in result.errors] == []
    assert result.nodes or result.relationships
