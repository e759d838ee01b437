"""The derived schema cached on disk (`ontology.schema_cache`): equal to a fresh derivation,
rebuilt when damaged, keyed by every file it is derived from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ontology import schema_cache
from ontology.derive import load_schema


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRANSFERNET_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_cached_schema_equals_the_derived_one(cache: Path) -> None:
    first = schema_cache.cached_schema.__wrapped__()
    files = list(cache.glob("schema-*.pickle"))
    assert len(files) == 1
    assert first == load_schema()
    assert schema_cache.cached_schema.__wrapped__() == load_schema()  # read back from the file


def test_a_damaged_cache_file_is_derived_again(cache: Path) -> None:
    schema_cache.cached_schema.__wrapped__()
    (path,) = cache.glob("schema-*.pickle")
    path.write_bytes(b"not a pickle")
    assert schema_cache.cached_schema.__wrapped__() == load_schema()
    assert path.read_bytes() != b"not a pickle"


def test_the_key_changes_with_any_ontology_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = Path(schema_cache.__file__).parent
    copy = tmp_path / "ontology"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(schema_cache, "_PACKAGE", copy)
    before = schema_cache.schema_key()
    with (copy / "data" / "shapes.ttl").open("a") as fh:
        fh.write("\n# an edit\n")
    edited = schema_cache.schema_key()
    with (copy / "derive.py").open("a") as fh:
        fh.write("\n# an edit\n")
    assert len({before, edited, schema_cache.schema_key()}) == 3
