"""The worked examples of docs/mapping.md run as documented (against the real ontology)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders import apply_mapping, find_dangling, parse_mapping
from ontology.schema import GraphSchema

DOC = Path(__file__).resolve().parents[2] / "docs" / "mapping.md"


def _blocks(marker: str) -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    pattern = rf"<!-- {marker}: ([^>]+?) -->\n```\w+\n(.*?)```"
    return {m.group(1): m.group(2) for m in re.finditer(pattern, text, flags=re.S)}


@pytest.fixture(scope="module")
def real_schema() -> GraphSchema:
    try:
        from ontology.derive import load_schema
    except ImportError:
        pytest.skip("ontology.derive is not available yet")
    return load_schema()


def test_the_doc_has_its_examples() -> None:
    assert set(_blocks("example")) == {
        "spreadsheet",
        "node table",
        "edge list",
        "cordis participations",
        "cordis topics",
    }
    assert set(_blocks("file")) == {"institutions.csv", "links.csv"}


def test_spreadsheet_example(real_schema: GraphSchema, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(["My centre's partners"])
    ws.append(["centre_code", "centre_name", "founded", "partner_countries", "website", "topics"])
    ws.append(["JSITTC", "Jiangsu International TTC", "2015-03", "DE | FI", "https://example.org/jsit",
               "robotics; new materials"])  # fmt: skip
    ws.append(["SWITTC", "Sichuan West International TTC", 2019, "Pakistan", None, "agriculture"])
    wb.save(tmp_path / "partners.xlsx")
    spec = parse_mapping(_blocks("example")["spreadsheet"], name="partners.yaml")
    result = apply_mapping(spec, real_schema, data_dir=tmp_path)
    first = result.nodes[0]
    assert first.properties["sources"] == [
        "partners.xlsx[Partners]:3",
        "Jiangsu ITTC partner register, 2026 edition",
    ]
    assert first.properties["retrieved"] == "2026-11-20" and first.properties["synthetic"] is False
    assert first.properties["note"] == "Topics: robotics; new materials"
    assert result.nodes[1].properties["established"] == "2019"
    partners = [(r.start_key, r.end_key) for r in result.relationships if r.type == "BILATERAL_PARTNER_OF"]
    assert partners == [("DE", "JSITTC"), ("FI", "JSITTC")]
    (error,) = result.errors
    # as printed in the doc (the wording after "is not" is the shape's sh:name for Country ids)
    assert str(error) == (
        "partners.xlsx:4: column 'partner_countries': 'Pakistan' is not an ISO 3166 alpha-2 code"
        " (allowed: AD, AE, AF, AG, AI, AL, AM, AO, AQ, AR …)"
    )


def test_edge_list_and_node_table_example(real_schema: GraphSchema, tmp_path: Path) -> None:
    for name, text in _blocks("file").items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    examples = _blocks("example")
    nodes = apply_mapping(parse_mapping(examples["node table"]), real_schema, data_dir=tmp_path)
    edges = apply_mapping(parse_mapping(examples["edge list"]), real_schema, data_dir=tmp_path)
    assert nodes.errors == edges.errors == []
    assert [(n.label, n.key) for n in nodes.nodes] == [
        ("University", "U1"), ("ResearchInstitute", "R1"), ("Enterprise", "E1"),
    ]  # fmt: skip
    assert [(r.type, r.start_key, r.end_key) for r in edges.relationships] == [
        ("HOSTED_BY", "R1", "U1"), ("OPERATED_BY", "E1", "U1"),
    ]  # fmt: skip
    assert edges.relationships[0].properties["sources"] == ["links.csv:2", "https://example.org/news/1"]
    rels = nodes.relationships + edges.relationships
    origins = nodes.origins + edges.origins
    countries_in_store = {"CN", "PK"}
    dangling = find_dangling(rels, origins, nodes.nodes, lambda label, key: key in countries_in_store,
                             schema=real_schema)  # fmt: skip
    assert [(e.file, e.row, e.column) for e in dangling] == [("institutions.csv", 4, "country")]


@pytest.mark.parametrize(
    ("example", "path"),
    [("cordis participations", "cordis_participations.yaml"), ("cordis topics", "cordis_topics.yaml")],
)
def test_cordis_examples_are_the_shipped_mappings(example: str, path: str, real_schema: GraphSchema) -> None:
    shipped = DOC.parents[1] / "data" / "examples" / "cordis" / path
    text = shipped.read_text(encoding="utf-8")
    assert _blocks("example")[example] == text[text.index("version: 1") :]
    assert parse_mapping(_blocks("example")[example]).model_dump() == parse_mapping(text).model_dump()
