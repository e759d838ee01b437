"""Mapping file shape: shorthand, validation messages with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.errors import MappingError
from loaders.mapping_model import load_mapping, parse_mapping


def test_shorthand_column_template_and_constant() -> None:
    spec = parse_mapping(
        """
source: {path: x.csv}
nodes:
  - label: Field
    key: "ford:{code}"
    properties:
      name: label
      scheme: {value: OECD FORD}
      notation: {column: code, map: {1: one}}
"""
    )
    block = spec.nodes[0]
    assert block.key.template == "ford:{code}"
    assert block.properties["name"].column == "label"
    assert block.properties["scheme"].value == "OECD FORD"
    # map keys are compared with cell text, so YAML numbers become strings
    assert block.properties["notation"].map == {"1": "one"}
    assert block.when == []


def test_single_condition_becomes_a_list() -> None:
    spec = parse_mapping(
        "source: {path: x.csv}\nnodes: [{label: A, key: k, when: {column: Region, not_empty: true}}]\n"
    )
    assert spec.nodes[0].when[0].column == "Region"
    assert spec.nodes[0].when[0].not_empty is True


def test_errors_name_file_line_and_place(tmp_path: Path) -> None:
    f = tmp_path / "centres.yaml"
    f.write_text(
        "source:\n"  # 1
        "  path: centers.csv\n"  # 2
        "nodes:\n"  # 3
        "  - label: TransferCentre\n"  # 4
        "    key: center_id\n"  # 5
        "    colour: red\n"  # 6
        "    properties:\n"  # 7
        "      name: {column: name_en, value: x}\n"  # 8
        "      established: {column: established, transform: reverse}\n"  # 9
        "relationships:\n"  # 10
        "  - type: LOCATED_IN\n"  # 11
        "    start: {label: TransferCentre, key: center_id}\n"  # 12
    )
    with pytest.raises(MappingError) as info:
        load_mapping(f)
    issues = info.value.issues
    allowed = "label, key, properties, when, for_each, once, partial, existing_only, merge, resolve"
    assert f"{f}:6: nodes[0].colour: unknown option (allowed: {allowed})" in issues
    assert f"{f}:8: nodes[0].properties.name: give exactly one of column, template or value" in issues
    assert any(
        i.startswith(f"{f}:9: nodes[0].properties.established.transform: unknown transform 'reverse'")
        for i in issues
    )
    assert f"{f}:11: relationships[0].end: required option is missing" in issues
    assert len(issues) == 4


def test_yaml_syntax_error_has_a_line() -> None:
    with pytest.raises(MappingError, match=r"m.yaml:3: not valid YAML"):
        parse_mapping("source:\n  path: x.csv\n  bad: a: b\n", name="m.yaml")


def test_not_a_mapping_and_version() -> None:
    with pytest.raises(MappingError, match="must be a YAML mapping"):
        parse_mapping("- a\n- b\n")
    with pytest.raises(MappingError, match="only version 1"):
        parse_mapping("version: 2\nsource: {path: x.csv}\n")


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="cannot read mapping file"):
        load_mapping(tmp_path / "nope.yaml")


def test_line_lookup_falls_back_to_ancestor() -> None:
    spec = parse_mapping("source: {path: x.csv}\nnodes:\n  - label: A\n    key: k\n", name="m.yaml")
    assert spec.line("nodes", 0, "label") == 3
    assert spec.line("nodes", 0, "properties", "zzz") == 3
    assert spec.where("nodes", 0, "key") == "m.yaml:4"


def test_a_bundle_given_as_a_mapping_says_how_to_load_it() -> None:
    from loaders.errors import MappingError
    from loaders.mapping_model import parse_mapping

    text = "mappings:\n  - {mapping: a.yaml}\n"
    with pytest.raises(MappingError, match=r"this is a bundle .* --bundle data/x"):
        parse_mapping(text, name="data/x/bundle.yaml")
