"""Generated files (vocab.py, iso3166.ttl, docs/ontology.md) are current."""

from __future__ import annotations

from pathlib import Path

import pycountry
import pytest

from ontology import vocab
from ontology.codegen import generated_files, main, render_vocab
from ontology.derive import class_iris, datatype_property_iris, load_schema, local_name, object_property_iris
from ontology.iso3166 import alpha2_codes, render_iso3166_turtle

pytestmark = pytest.mark.filterwarnings("error")

PACKAGE = Path(__file__).resolve().parents[2] / "ontology"


def test_vocab_module_is_current() -> None:
    assert (PACKAGE / "vocab.py").read_text(encoding="utf-8") == render_vocab()


def test_iso3166_shape_is_current() -> None:
    assert (PACKAGE / "data" / "iso3166.ttl").read_text(encoding="utf-8") == render_iso3166_turtle()


def test_iso_codes_come_from_pycountry() -> None:
    assert len(alpha2_codes()) == len(pycountry.countries)
    assert "GR" in alpha2_codes() and "EL" not in alpha2_codes()  # bri_countries SOURCE.md: Greece EL -> GR


def test_docs_are_current() -> None:
    files = generated_files()
    docs = [p for p in files if p.name == "ontology.md"]
    assert docs, "docs/ontology.md is expected in the repository"
    assert docs[0].read_text(encoding="utf-8") == files[docs[0]]


def test_codegen_check_reports_current_files() -> None:
    assert main(["--check"]) == 0


def test_codegen_writes_into_another_root(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    files = generated_files(tmp_path)
    assert tmp_path / "docs" / "ontology.md" in files


def test_vocab_names_every_term() -> None:
    for term in (*class_iris(), *object_property_iris(), *datatype_property_iris()):
        assert getattr(vocab.TN, local_name(term)) == term


def test_vocab_enums_match_the_schema() -> None:
    schema = load_schema()
    assert {label.value for label in vocab.NodeLabel} == set(schema.nodes)
    assert {t.value for t in vocab.RelType} == set(schema.relationships)
    assert vocab.PropertyName.SOURCES == "sources"


def test_vocab_rejects_unknown_terms() -> None:
    with pytest.raises(AttributeError):
        _ = vocab.TN.NoSuchClass
