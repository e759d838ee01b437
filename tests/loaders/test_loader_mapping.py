"""Running mappings: schema checks, values, row errors, relationships, provenance, dangling ends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders import (
    MappingError,
    RecordError,
    apply_mapping,
    compile_mapping,
    find_dangling,
    parse_mapping,
    read,
)
from ontology.derive import load_schema
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema


def _run(tmp_path: Path, schema: GraphSchema, mapping: str, files: dict[str, str]):  # type: ignore[no-untyped-def]
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    spec = parse_mapping(mapping, name="m.yaml")
    return apply_mapping(spec, schema, data_dir=tmp_path)


# ----------------------------------------------------------------------------- schema checks


def test_schema_check_reports_every_unknown_name_with_line(schema: GraphSchema) -> None:
    text = (
        "source: {path: c.csv}\n"  # 1
        "nodes:\n"  # 2
        "  - label: Contry\n"  # 3
        "    key: iso2\n"  # 4
        "  - label: Country\n"  # 5
        "    key: iso2\n"  # 6
        "    properties:\n"  # 7
        "      name: name\n"  # 8
        "      capital: capital\n"  # 9
        "      sources: url\n"  # 10
        "relationships:\n"  # 11
        "  - type: LOCATED\n"  # 12
        "    start: {label: Country, key: iso2}\n"  # 13
        "    end: {label: Country, key: iso2}\n"  # 14
        "  - type: MEMBER_OF\n"  # 15
        "    start: {label: Field, key: x}\n"  # 16
        "    end: {label: Bloc, key: g}\n"  # 17
        "    properties: {since: year, until: year}\n"  # 18
    )
    with pytest.raises(MappingError) as info:
        compile_mapping(parse_mapping(text, name="m.yaml"), schema)
    issues = info.value.issues
    assert issues[0].startswith("m.yaml:3: unknown node label 'Contry' (known: ")
    assert issues[1].startswith(
        "m.yaml:9: node type 'Country' has no property 'capital' (its properties: id, alpha3,"
    )
    assert issues[2] == "m.yaml:10: 'sources' is a provenance property; set it in the 'provenance' section"
    assert issues[3].startswith("m.yaml:12: unknown relationship type 'LOCATED' (known: ABOUT, ")
    assert (
        issues[4]
        == "m.yaml:16: relationship MEMBER_OF cannot start at 'Field' (allowed: Country, Bloc, Institution)"
    )
    assert issues[5].startswith("m.yaml:18: relationship MEMBER_OF has no property 'until'")
    assert len(issues) == 6


def test_required_property_must_be_mapped_unless_partial(schema: GraphSchema) -> None:
    text = "source: {path: c.csv}\nnodes:\n  - {label: Country, key: iso2, partial: %s}\n"
    with pytest.raises(MappingError, match=r"m.yaml:3: required property 'name' of node type 'Country'"):
        compile_mapping(parse_mapping(text % "false", name="m.yaml"), schema)
    compile_mapping(parse_mapping(text % "true", name="m.yaml"), schema)  # fine


def test_split_needs_a_multi_valued_property_and_abstract_and_options(schema: GraphSchema) -> None:
    text = (
        "source: {path: c.csv, options: {delimeter: ';'}}\n"
        "nodes:\n"
        "  - label: Country\n"
        "    key: {template: 'x-{a}-{b}', split: '|'}\n"
        "    properties: {name: {column: n, split: '|'}}\n"
    )
    with pytest.raises(MappingError) as info:
        compile_mapping(parse_mapping(text, name="m.yaml"), schema)
    issues = info.value.issues
    assert "unknown reader option 'delimeter'" in issues[0] and "delimiter" in issues[0]
    assert "'split' with a template needs exactly one {column}" in issues[1]
    assert "property 'name' of node type 'Country' holds one value" in issues[2]


def test_missing_source_file(schema: GraphSchema, tmp_path: Path) -> None:
    spec = parse_mapping("source: {path: nope.csv}\nnodes: [{label: Country, key: a, partial: true}]\n")
    with pytest.raises(MappingError, match="source file not found"):
        apply_mapping(spec, schema, data_dir=tmp_path)


# ----------------------------------------------------------------------------- values and errors


COUNTRIES = """\
iso2,name,joined,tags,kind
GR,Greece,2018-08-30,a | b | a,x
EL,Greece (EU code),2018,,x
XX,Nowhere,2019,,x
,Blank,2019,,x
CN,,2015-13-40,,x
DE,Germany,2020,,skip
"""


def test_values_maps_splits_conditions_and_collected_errors(schema: GraphSchema, tmp_path: Path) -> None:
    mapping = """
source: {path: c.csv}
nodes:
  - label: Country
    when: {column: kind, not_in: [skip]}
    key: {column: iso2, map: {EL: GR}}
    properties:
      name: name
      incomeGroup: {value: High income}
      note: {column: tags, default: none given}
relationships:
  - type: MEMBER_OF
    when: {column: kind, equals: x}
    start: {label: Country, key: {column: iso2, map: {EL: GR}}}
    end: {label: Bloc, key: {value: BRI}}
    properties: {since: joined}
"""
    result = _run(tmp_path, schema, mapping, {"c.csv": COUNTRIES})
    assert result.rows == 6
    assert [(n.key, n.properties["name"]) for n in result.nodes] == [
        ("GR", "Greece"),
        ("GR", "Greece (EU code)"),
    ]
    assert result.nodes[0].properties["incomeGroup"] == "High income"
    assert result.nodes[0].properties["note"] == "a | b | a"
    assert result.nodes[1].properties["note"] == "none given"  # default fills the empty cell
    assert [(r.start_key, r.properties["since"]) for r in result.relationships] == [
        ("GR", "2018-08-30"),
        ("GR", "2018"),
    ]
    # every bad row of the file is reported; DE is filtered out by the conditions
    assert [str(e) for e in result.errors] == [
        "c.csv:4: column 'iso2': 'XX' is not an ISO 3166 alpha-2 code (allowed: AD, AE, AF, AG, AI, AL, AM,"
        " AO, AQ, AR …)",
        "c.csv:4: column 'iso2': 'XX' is not an ISO 3166 alpha-2 code (allowed: AD, AE, AF, AG, AI, AL, AM,"
        " AO, AQ, AR …)",
        "c.csv:5: column 'iso2': missing key column 'iso2'",
        "c.csv:5: column 'iso2': missing key column 'iso2'",
        "c.csv:6: column 'name': required property 'name' is empty",
        "c.csv:6: column 'joined': '2015-13-40' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)",
        # EL is mapped to GR: row 3 makes row 2's node again, with other values
        "c.csv:3: column 'name': Country 'GR' is also made by c.csv:2 with name 'Greece', here 'Greece (EU"
        " code)': one key, two values (which row is right?)",
        "c.csv:3: column 'tags': Country 'GR' is also made by c.csv:2 with note 'a | b | a', here 'none"
        " given': one key, two values (which row is right?)",
    ]
    assert all(isinstance(e, RecordError) for e in result.errors)


def test_multi_valued_property_split_dedup_and_null_values(schema: GraphSchema, tmp_path: Path) -> None:
    mapping = """
source: {path: c.csv, null_values: ["", "(not stated in source)"]}
nodes:
  - label: TransferCentre
    key: id
    properties:
      name: name
      keywords: {column: builders, split: "; "}
      established: {column: year, datatype: date}
"""
    data = "id,name,builders,year\nC1,One,MOST; Yunnan; MOST,2014\nC2,Two,(not stated in source),\n"
    result = _run(tmp_path, schema, mapping, {"c.csv": data})
    assert result.errors == []
    one, two = result.nodes
    assert one.properties["keywords"] == ["MOST", "Yunnan"]
    assert "keywords" not in two.properties and "established" not in two.properties


def test_templates_transforms_and_map_default(schema: GraphSchema, tmp_path: Path) -> None:
    mapping = """
source: {path: f.csv}
nodes:
  - label: Field
    key: "ipc:{symbol}"
    properties:
      notation: {column: symbol, transform: upper}
      name: "{title} ({symbol})"
      level: {column: level, map: {sec: section}, map_default: class}
      scheme: {value: IPC}
relationships:
  - type: BROADER
    start: {label: Field, key: "ipc:{symbol}"}
    end: {label: Field, key: "ipc:{parent}", optional: true}
"""
    data = "symbol,title,level,parent\na,HUMAN NECESSITIES,sec,\nA01,AGRICULTURE,cls,A\n"
    result = _run(tmp_path, schema, mapping, {"f.csv": data})
    assert result.errors == []
    assert [
        (n.key, n.properties["notation"], n.properties["name"], n.properties["level"]) for n in result.nodes
    ] == [
        ("ipc:a", "A", "HUMAN NECESSITIES (a)", "section"),
        ("ipc:A01", "A01", "AGRICULTURE (A01)", "class"),
    ]
    # the top section has no parent: the optional end makes no relationship and no error
    assert [(r.start_key, r.end_key) for r in result.relationships] == [("ipc:A01", "ipc:A")]


def test_split_end_keys_make_one_relationship_each_with_the_row_source(
    schema: GraphSchema, tmp_path: Path
) -> None:
    # shaped like bilateral_centers.csv: "NG|NE" (sources disagree) and a repeated claim
    mapping = """
source: {path: b.csv}
provenance: {source_columns: [source_url], separator: " | ", sources: [study], retrieved: 2026-11-23}
relationships:
  - type: BILATERAL_PARTNER_OF
    start: {label: Country, key: {column: iso2, split: "|"}, optional: true}
    end: {label: TransferCentre, key: parent}
    properties: {note: unit}
"""
    data = (
        "parent,iso2,unit,source_url\n"
        "CASTTC,NG|NE,working base,https://en.example/1 | https://fr.example/2\n"
        "CATTC,KH,centre,https://a.example\n"
        "CATTC,KH,centre (Phnom Penh),https://b.example\n"
        "CASTTC,,LAS centre,https://en.example/1\n"
    )
    result = _run(tmp_path, schema, mapping, {"b.csv": data})
    assert result.errors == []
    got = [
        (r.end_key, r.start_key, r.properties["note"], r.properties["sources"]) for r in result.relationships
    ]
    assert got == [
        (
            "CASTTC",
            "NG",
            "working base",
            ["b.csv:2", "https://en.example/1", "https://fr.example/2", "study"],
        ),
        (
            "CASTTC",
            "NE",
            "working base",
            ["b.csv:2", "https://en.example/1", "https://fr.example/2", "study"],
        ),
        ("CATTC", "KH", "centre", ["b.csv:3", "https://a.example", "study"]),
        ("CATTC", "KH", "centre (Phnom Penh)", ["b.csv:4", "https://b.example", "study"]),
    ]
    assert result.relationships[0].properties["retrieved"] == "2026-11-23"
    assert result.relationships[0].properties["synthetic"] is False
    assert [(o.file, o.row, o.start_column, o.end_column) for o in result.origins[:2]] == [
        ("b.csv", 2, "iso2", "parent"),
        ("b.csv", 2, "iso2", "parent"),
    ]


def test_bad_end_key_and_missing_required_end(schema: GraphSchema, tmp_path: Path) -> None:
    mapping = """
source: {path: b.csv}
relationships:
  - type: LOCATED_IN
    start: {label: TransferCentre, key: id}
    end: {label: Country, key: {column: country, split: "|"}}
"""
    data = "id,country\nC1,CN|XX\nC2,\n,CN\n"
    result = _run(tmp_path, schema, mapping, {"b.csv": data})
    assert result.relationships == []
    assert [(e.row, e.column, e.reason.split(" (")[0]) for e in result.errors] == [
        (2, "country", "'XX' is not an ISO 3166 alpha-2 code"),
        (3, "country", "missing key column 'country'"),
        (4, "id", "missing key column 'id'"),
    ]


def test_once_emits_each_key_for_its_first_row(schema: GraphSchema, tmp_path: Path) -> None:
    mapping = """
source: {path: g.csv}
nodes:
  - label: Bloc
    key: code
    once: true
    properties: {name: name}
"""
    data = "code,name,member\nEAS,East Asia & Pacific,CN\nEAS,East Asia & Pacific,JP\nSAS,South Asia,IN\n"
    for name, text in {"g.csv": data}.items():
        (tmp_path / name).write_text(text)
    compiled = compile_mapping(parse_mapping(mapping), schema, data_dir=tmp_path)
    first = compiled.apply()
    assert [(n.key, n.properties["sources"]) for n in first.nodes] == [
        ("EAS", ["g.csv:2"]),
        ("SAS", ["g.csv:4"]),
    ]
    assert len(compiled.apply().nodes) == 2  # a second run starts afresh


def test_unknown_column_is_reported_once_and_the_file_skipped(schema: GraphSchema, tmp_path: Path) -> None:
    mapping = "source: {path: c.csv}\nnodes: [{label: Country, key: iso2, properties: {name: nme}}]\n"
    result = _run(tmp_path, schema, mapping, {"c.csv": "iso2,name\nGR,Greece\nCN,China\n"})
    assert result.nodes == []
    assert [str(e) for e in result.errors] == [
        "c.csv: column 'nme': source has no column 'nme' (columns: iso2, name)"
    ]


def test_row_with_surplus_cells_is_reported_not_guessed(schema: GraphSchema, tmp_path: Path) -> None:
    # like bri_facts_from_pages.csv line 15, whose URL holds an unquoted comma
    mapping = "source: {path: c.csv}\nnodes: [{label: Country, key: iso2, properties: {name: name}}]\n"
    result = _run(tmp_path, schema, mapping, {"c.csv": "iso2,name\nGR,Greece,extra\nCN,China\n"})
    assert [n.key for n in result.nodes] == ["CN"]
    assert str(result.errors[0]) == (
        "c.csv:2: row has 3 cells but the header has 2 columns (surplus: 'extra'); an unquoted separator?"
    )


def test_json_source_with_lists_and_a_reader_error(schema: GraphSchema, tmp_path: Path) -> None:
    mapping = """
source: {path: c.json, options: {records_key: centres}}
provenance: {source_columns: [urls]}
nodes:
  - label: TransferCentre
    key: id
    properties: {name: name, keywords: builders, established: established}
"""
    data = {
        "centres": [
            {
                "id": "C1",
                "name": "One",
                "builders": ["MOST", "Yunnan"],
                "established": 2014,
                "urls": ["u1", "u2"],
            },
            {"id": "C2", "name": "Two", "builders": "MOST"},
        ]
    }
    (tmp_path / "c.json").write_text(json.dumps(data)[:-2] + ", 5]}")  # a third record that is not an object
    result = apply_mapping(parse_mapping(mapping), schema, data_dir=tmp_path)
    one, two = result.nodes
    assert one.properties["keywords"] == ["MOST", "Yunnan"]
    assert one.properties["established"] == "2014"
    assert one.properties["sources"] == ["c.json:1", "u1", "u2"]
    assert two.properties["keywords"] == ["MOST"]
    assert [(e.row, e.reason) for e in result.errors] == [(3, "record 3 is not a JSON object")]


def test_excel_source_via_mapping(schema: GraphSchema, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Centres"
    ws.append(["id", "name", "established"])
    ws.append(["C1", "One", "2014-06-06"])
    ws.append(["C2", "Two", "June 2014"])
    wb.save(tmp_path / "mine.xlsx")
    mapping = """
source: {path: mine.xlsx, options: {sheet: Centres}}
nodes: [{label: TransferCentre, key: id, properties: {name: name, established: established}}]
"""
    result = apply_mapping(parse_mapping(mapping), schema, data_dir=tmp_path)
    assert [n.key for n in result.nodes] == ["C1"]
    assert result.nodes[0].properties["sources"] == ["mine.xlsx[Centres]:2"]
    assert [(e.file, e.row, e.column) for e in result.errors] == [("mine.xlsx", 3, "established")]


def test_globbed_files_batches_and_provenance_root(schema: GraphSchema, tmp_path: Path) -> None:
    data = tmp_path / "shared" / "data"
    data.mkdir(parents=True)
    for i in range(3):
        (data / f"part{i}.csv").write_text("iso2,name\n" + "".join("GR,Greece\n" for j in range(5)))
    mapping = "source: {path: 'part*.csv'}\nnodes: [{label: Country, key: iso2, properties: {name: name}}]\n"
    compiled = compile_mapping(parse_mapping(mapping), schema, data_dir=data, provenance_root=tmp_path)
    batches = list(compiled.batches(batch_size=2))
    assert [b.rows for b in batches] == [2, 2, 1] * 3
    assert batches[0].nodes[0].properties["sources"] == ["shared/data/part0.csv:2"]
    assert sum(len(b.nodes) for b in batches) == 15


def test_map_records_from_any_iterable(schema: GraphSchema, tmp_path: Path) -> None:
    f = tmp_path / "c.yaml"
    f.write_text("- {iso2: GR, name: Greece}\n- {iso2: CN}\n")
    spec = parse_mapping(
        "source: {path: c.yaml}\nnodes: [{label: Country, key: iso2, properties: {name: name}}]\n"
    )
    compiled = compile_mapping(spec, schema, data_dir=tmp_path)
    (batch,) = compiled.map_records(read(f, name="mine.yaml"), "mine.yaml")
    assert [n.key for n in batch.nodes] == ["GR"]
    assert [str(e) for e in batch.errors] == ["mine.yaml:2: column 'name': required property 'name' is empty"]


# ----------------------------------------------------------------------------- dangling ends


def test_find_dangling_uses_produced_nodes_subtypes_and_the_store(schema: GraphSchema) -> None:
    from loaders.mapping import Origin

    rels = [
        RelationshipRecord("LOCATED_IN", "Institution", "CASTTC", "Country", "CN"),
        RelationshipRecord("LOCATED_IN", "Institution", "CASTTC", "Country", "NE"),
        RelationshipRecord("LOCATED_IN", "Institution", "GHOST", "Country", "NE"),
    ]
    origins = [
        Origin("b.csv", 2, "parent", "iso2"),
        Origin("b.csv", 3, "parent", "iso2"),
        Origin("b.csv", 4, "parent", "iso2"),
    ]
    produced = [NodeRecord("TransferCentre", "CASTTC"), NodeRecord("Country", "CN")]
    asked: list[tuple[str, object]] = []

    def exists(label: str, key: object) -> bool:
        asked.append((label, key))
        return False

    errors = find_dangling(rels, origins, produced, exists, schema=schema)
    # a TransferCentre is an Institution; NE is asked about once although it ends two relationships
    assert [(e.row, e.column) for e in errors] == [(3, "iso2"), (4, "parent"), (4, "iso2")]
    assert (
        errors[1].reason
        == "LOCATED_IN: start node Institution 'GHOST' is neither loaded here nor in the store"
    )
    assert sorted(asked) == [("Country", "NE"), ("Institution", "GHOST")]
    assert find_dangling(rels, origins, produced, lambda label, key: True, schema=schema) == []


def test_for_each_keeps_templates_and_values_paired(schema: GraphSchema, tmp_path: Path) -> None:
    mapping = """
source: {path: b.csv}
nodes:
  - label: BranchCentre
    when: {column: unit, not_matches: "(?i)mechanism"}
    for_each: {column: iso2, separator: "|"}
    key: "{parent}-{iso2}"
    properties: {name: "{unit} ({iso2})"}
relationships:
  - type: HOSTED_IN
    when: {column: unit, matches: "(?i)base|centre"}
    for_each: {column: iso2, separator: "|"}
    start: {label: TransferCentre, key: "{parent}-{iso2}"}
    end: {label: Country, key: iso2}
"""
    data = "parent,iso2,unit\nCASTTC,NG|NE,working base\nCATTC,VN,mechanism document\n"
    result = _run(tmp_path, schema, mapping, {"b.csv": data})
    assert result.errors == []
    assert [(n.key, n.properties["name"]) for n in result.nodes] == [
        ("CASTTC-NG", "working base (NG)"),
        ("CASTTC-NE", "working base (NE)"),
    ]
    # paired, not crossed: CASTTC-NG is hosted in NG only
    assert [(r.start_key, r.end_key) for r in result.relationships] == [
        ("CASTTC-NG", "NG"),
        ("CASTTC-NE", "NE"),
    ]


def test_real_provenance_properties_in_the_schema_are_not_required_from_the_mapping(
    schema: GraphSchema, tmp_path: Path
) -> None:
    # the schema lists `sources` as required (as the ontology does); provenance fills it
    assert schema.node("Country").get_property("sources").required
    mapping = "source: {path: c.csv}\nprovenance: {row_reference: false, sources: [my survey]}\n"
    mapping += "nodes: [{label: Country, key: iso2, properties: {name: name}}]\n"
    result = _run(tmp_path, schema, mapping, {"c.csv": "iso2,name\nGR,Greece\n"})
    assert result.nodes[0].properties["sources"] == ["my survey"]


def test_bad_constants_are_mapping_errors_not_row_errors(schema: GraphSchema) -> None:
    text = (
        "source: {path: c.csv}\n"  # 1
        "nodes:\n"  # 2
        "  - label: Bloc\n"  # 3
        "    key: {value: 'not a bloc id'}\n"  # 4
        "    properties:\n"  # 5
        "      name: {value: Belt and Road Initiative}\n"  # 6
        "      blocKind: {value: initiative}\n"  # 7
    )
    with pytest.raises(MappingError) as info:
        compile_mapping(parse_mapping(text, name="m.yaml"), schema)
    assert [i.split(" (")[0] for i in info.value.issues] == [
        "m.yaml:4: constant 'not a bloc id': 'not a bloc id' is not a valid Bloc identifier",
        "m.yaml:7: constant 'initiative': 'initiative' is not an allowed value of 'blocKind'",
    ]


def test_mapping_memory_is_bounded_by_the_batch_size(schema: GraphSchema, tmp_path: Path) -> None:
    import tracemalloc

    f = tmp_path / "big.csv"
    with f.open("w", encoding="utf-8") as fh:
        fh.write("id,name,country,url\n")
        for i in range(60_000):
            fh.write(
                f"C{i},Centre number {i} with a long name,{('CN', 'GR', 'PK')[i % 3]},https://e.org/{i}\n"
            )
    mapping = """
source: {path: big.csv}
provenance: {source_columns: [url]}
nodes: [{label: TransferCentre, key: id, properties: {name: name}}]
relationships:
  - {type: LOCATED_IN, start: {label: Institution, key: id}, end: {label: Country, key: country}}
"""
    compiled = compile_mapping(parse_mapping(mapping), schema, data_dir=tmp_path)
    tracemalloc.start()
    try:
        counts = [0, 0]
        for batch in compiled.batches(batch_size=500):
            counts[0] += len(batch.nodes)
            counts[1] += len(batch.relationships)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert counts == [60_000, 60_000]
    assert f.stat().st_size > 3_500_000
    assert peak < 2_000_000, peak  # 500 rows' records at a time, whatever the file size


def test_numbers_no_store_keeps_are_row_errors_not_clamped(tmp_path: Path) -> None:
    # FalkorDB stores 2**63 as 2**63 - 1 and reads 1e400 as infinity without a word (checked
    # on the embedded server); the loader refuses them where the user can see the cell
    # (the ontology's Funding: amount xsd:decimal, year xsd:integer)
    mapping = """
source: {path: f.csv}
nodes:
  - label: Funding
    key: id
    properties: {name: name, amount: amount, year: year}
"""
    data = (
        "id,name,amount,year\n"
        "F1,ok,1.5,9223372036854775807\n"  # the largest 64-bit integer passes
        "F2,big,2.0,9223372036854775808\n"
        "F3,huge,1e400,2020\n"
        "F4,nan,nan,2020\n"
    )
    result = _run(tmp_path, load_schema(), mapping, {"f.csv": data})
    assert [(n.key, n.properties["year"]) for n in result.nodes] == [("F1", 2**63 - 1)]
    assert [(e.row, e.column, e.reason.split(" (")[0]) for e in result.errors] == [
        (3, "year", "'9223372036854775808' is beyond the 64-bit integers a graph store keeps"),
        (4, "amount", "'1e400' is not a finite number"),
        (5, "amount", "'nan' is not a finite number"),
    ]
