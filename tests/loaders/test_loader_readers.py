"""Readers: formats, locations, compression, streaming memory."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import tracemalloc
from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders.errors import ReaderError
from loaders.readers import (
    EXTRA_CELLS,
    detect_format,
    read,
    read_csv,
    read_json,
    read_rdf,
    read_xlsx,
    read_yaml,
)
from loaders.readers.jsonfmt import _JsonStream, _stream_array


def test_csv_header_bom_and_row_numbers(tmp_path: Path) -> None:
    # a UTF-8 BOM (as Excel writes it) must not end up in the first column name
    f = tmp_path / "centres.csv"
    f.write_bytes("\ufeffid,name\nCATTC,China-ASEAN\n\nCASTTC,China-Arab States\n".encode())
    rows = list(read_csv(f))
    assert [r.values for r in rows] == [
        {"id": "CATTC", "name": "China-ASEAN"},
        {"id": "CASTTC", "name": "China-Arab States"},
    ]
    # header is line 1; the blank line 3 is skipped, so the second record is on line 4
    assert [r.location.row for r in rows] == [2, 4]
    assert str(rows[0].location) == f"{f}:2"


def test_csv_multiline_cell_rows_are_start_lines(tmp_path: Path) -> None:
    f = tmp_path / "notes.csv"
    f.write_text('id,note\n1,"two\nlines"\n2,plain\n', encoding="utf-8")
    rows = list(read_csv(f, name="notes.csv"))
    assert [(r.values["id"], r.location.row) for r in rows] == [("1", 2), ("2", 4)]
    assert rows[0].values["note"] == "two\nlines"
    assert rows[0].location.file == "notes.csv"


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_csv_any_delimiter(tmp_path: Path, delimiter: str) -> None:
    f = tmp_path / "x.csv"
    f.write_text(f"a{delimiter}b\n1{delimiter}2\n", encoding="utf-8")
    assert [r.values for r in read_csv(f, delimiter=delimiter)] == [{"a": "1", "b": "2"}]


def test_csv_short_and_long_rows(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("a,b,c\n1,2\n1,2,3,4\n", encoding="utf-8")
    short, long = read_csv(f)
    assert short.values == {"a": "1", "b": "2"}
    assert long.values == {"a": "1", "b": "2", "c": "3", EXTRA_CELLS: ["4"]}


def test_csv_without_header(tmp_path: Path) -> None:
    f = tmp_path / "ipc.tsv"
    f.write_text("A\tHUMAN NECESSITIES\nA01\tAGRICULTURE\n", encoding="utf-8")
    rows = list(read(f, header=["symbol", "title"]))
    assert [r.values["symbol"] for r in rows] == ["A", "A01"]
    assert rows[0].location.row == 1


def test_gzip_is_transparent(tmp_path: Path) -> None:
    f = tmp_path / "codes.csv.gz"
    f.write_bytes(gzip.compress("\ufeffiso2\nGR\n".encode()))
    assert detect_format(f) == "csv"
    assert [r.values for r in read(f)] == [{"iso2": "GR"}]


def test_detect_format_and_unknown_extension(tmp_path: Path) -> None:
    assert detect_format("a/b.JSONL") == "jsonl"
    assert detect_format("o.jsonld") == "jsonld"
    assert detect_format("book.xlsx") == "xlsx"
    with pytest.raises(ReaderError, match="cannot tell the format"):
        detect_format("data.parquet")
    with pytest.raises(ReaderError, match="unknown format"):
        read(tmp_path / "x.csv", format="parquet")


def test_json_array_and_records_key(tmp_path: Path) -> None:
    f = tmp_path / "a.json"
    f.write_text(json.dumps([{"iso2": "GR", "n": 1.5}, {"iso2": "CN", "tags": ["a", "b"]}]))
    rows = list(read(f))
    assert [r.values for r in rows] == [{"iso2": "GR", "n": 1.5}, {"iso2": "CN", "tags": ["a", "b"]}]
    assert [r.location.row for r in rows] == [1, 2]
    g = tmp_path / "o.json"
    g.write_text(json.dumps({"meta": {"x": [1, 2]}, "items": [], "records": [{"a": 1}]}))
    # default: the first array-valued key ("items", empty); by name: "records"
    assert list(read_json(g)) == []
    assert [r.values for r in read_json(g, records_key="records")] == [{"a": 1}]


def test_json_errors(tmp_path: Path) -> None:
    f = tmp_path / "bad.json"
    f.write_text('[{"a": 1}, {"a": 2,}]')
    rows = read_json(f)
    assert next(rows).values == {"a": 1}
    with pytest.raises(ReaderError, match="invalid JSON") as info:
        next(rows)
    assert info.value.row == 2
    g = tmp_path / "scalars.json"
    g.write_text("[1, 2]")
    with pytest.raises(ReaderError, match="not a JSON object"):
        list(read_json(g))
    h = tmp_path / "nokey.json"
    h.write_text('{"meta": 1}')
    with pytest.raises(ReaderError, match=r"no key 'records' .*keys: meta"):
        list(read_json(h, records_key="records"))


def test_json_stream_tiny_chunks() -> None:
    # chunk boundaries inside strings, numbers and literals must not corrupt values
    records = [{"n": 12345678901234567890, "x": -1.25e-3, "s": 'a,]}\\"[', "t": True, "z": None}] * 20
    text = " [ " + " ,\n ".join(json.dumps(r) for r in records) + " ] "
    for chunk in (1, 2, 3, 7):
        got = [r.values for r in _stream_array(_JsonStream(io.StringIO(text), "t", chunk=chunk))]
        assert got == records


def test_jsonl(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl.gz"
    f.write_bytes(gzip.compress(b'{"a": 1}\n\n{"a": 2}\nnot json\n'))
    rows = read(f)
    assert [next(rows).location.row, next(rows).location.row] == [1, 3]
    with pytest.raises(ReaderError, match="invalid JSON") as info:
        next(rows)
    assert info.value.row == 4


def test_yaml(tmp_path: Path) -> None:
    f = tmp_path / "c.yml"
    f.write_text("- {iso2: GR, joined: 2018-08-30}\n- {iso2: CN}\n")
    rows = list(read_yaml(f))
    assert rows[0].values == {"iso2": "GR", "joined": dt.date(2018, 8, 30)}
    assert rows[1].location.row == 2
    g = tmp_path / "bad.yaml"
    g.write_text("- [1, 2]\n")
    with pytest.raises(ReaderError, match="not a mapping"):
        list(read_yaml(g))


def _workbook(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws.append(["ignore me"])
    data = wb.create_sheet("Centres")
    data.append(["title row"])
    data.append(["id", "established", "count"])
    data.append(["CATTC", dt.datetime(2013, 1, 1), 5])
    data.append([None, None, None])
    data.append(["CASTTC", "2015", 10])
    wb.save(path)


def test_xlsx_sheet_header_row_and_rows(tmp_path: Path) -> None:
    f = tmp_path / "book.xlsx"
    _workbook(f)
    rows = list(read_xlsx(f, sheet="Centres", header_row=2))
    assert [r.values["id"] for r in rows] == ["CATTC", "CASTTC"]
    assert rows[0].values["established"] == dt.datetime(2013, 1, 1)
    assert rows[0].values["count"] == 5
    # sheet rows: header on 2, data on 3; the empty row 4 is skipped
    assert [(r.location.row, r.location.sheet) for r in rows] == [(3, "Centres"), (5, "Centres")]
    assert str(rows[0].location) == f"{f}[Centres]:3"
    assert [r.values for r in read(f)] == []  # first sheet has a header only
    with pytest.raises(ReaderError, match=r"no sheet 'Missing'.*Notes, Centres"):
        list(read_xlsx(f, sheet="Missing"))


TURTLE = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ford: <https://example.org/oecd-ford/> .
ford:1 a skos:Concept ; skos:notation "1" ; skos:prefLabel "Natural sciences"@en .
ford:1.1 a skos:Concept ; skos:notation "1.1" ; skos:prefLabel "Mathematics"@en ;
    skos:broader ford:1 ; skos:altLabel "Maths", "Math" .
"""


def test_rdf_turtle_one_record_per_subject(tmp_path: Path) -> None:
    f = tmp_path / "ford.ttl"
    f.write_text(TURTLE)
    rows = {r.values["@id"]: r.values for r in read(f)}
    maths = rows["https://example.org/oecd-ford/1.1"]
    assert maths["skos:prefLabel"] == "Mathematics"
    assert maths["skos:broader"] == "https://example.org/oecd-ford/1"
    assert maths["rdf:type"] == "http://www.w3.org/2004/02/skos/core#Concept"
    assert sorted(maths["skos:altLabel"]) == ["Math", "Maths"]


def test_rdf_jsonld(tmp_path: Path) -> None:
    f = tmp_path / "c.jsonld"
    f.write_text(
        json.dumps(
            {
                "@context": {"name": "https://schema.org/name", "code": "urn:x:code"},
                "@id": "urn:country:GR",
                "name": "Greece",
                "code": "GR",
            }
        )
    )
    (row,) = read_rdf(f, rdf_format="jsonld")
    # rdflib binds schema: to https://schema.org/; an IRI without a bound prefix stays whole
    assert row.values == {"@id": "urn:country:GR", "schema:name": "Greece", "urn:x:code": "GR"}
    g = tmp_path / "bad.ttl"
    g.write_text("this is not turtle")
    with pytest.raises(ReaderError, match="cannot parse RDF"):
        list(read(g))


def test_csv_streams_in_constant_memory(tmp_path: Path) -> None:
    # ~12 MB of CSV; reading it must not hold it: peak traced memory stays far below the size
    f = tmp_path / "big.csv"
    line = "x" * 100
    with f.open("w", encoding="utf-8") as fh:
        fh.write("id,text\n")
        for i in range(120_000):
            fh.write(f"{i},{line}\n")
    size = f.stat().st_size
    tracemalloc.start()
    try:
        count = sum(1 for _ in read(f))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 120_000
    assert size > 12_000_000
    assert peak < 2_000_000, peak


def test_json_streams_in_constant_memory(tmp_path: Path) -> None:
    f = tmp_path / "big.json.gz"
    with gzip.open(f, "wt", encoding="utf-8") as fh:
        fh.write('{"meta": {"n": 50000}, "records": [')
        for i in range(50_000):
            fh.write(("," if i else "") + json.dumps({"id": i, "text": "y" * 100}))
        fh.write("]}")
    tracemalloc.start()
    try:
        last = None
        for record in read(f):
            last = record
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert last is not None and last.values["id"] == 49_999 and last.location.row == 50_000
    assert peak < 2_000_000, peak


def test_truncated_gzip_is_a_reader_error_naming_the_file(tmp_path: Path) -> None:
    rows = "".join(f"C{i},Centre {i}\n" for i in range(20_000))
    whole = gzip.compress(("id,name\n" + rows).encode())
    path = tmp_path / "centres.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    seen = 0
    with pytest.raises(ReaderError, match=r"truncated or corrupt after row \d+") as caught:
        for _ in read(path, name="centres.csv.gz"):
            seen += 1
    assert caught.value.file == "centres.csv.gz" and str(caught.value).startswith("centres.csv.gz: ")
    assert f"after row {seen + 1}" in caught.value.reason  # the header is line 1


def test_undecodable_byte_names_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "centres.csv"
    lines = (
        ["id,name,city"]
        + [f"C{i},Centre {i},Beijing" for i in range(2, 500)]
        + ["C500,Centre 500,S\xe3o Paulo"]
    )
    path.write_bytes("\n".join(lines).encode("latin-1") + b"\n")
    with pytest.raises(ReaderError) as caught:
        list(read_csv(path, name="centres.csv"))
    assert caught.value.row == 500, caught.value
    assert str(caught.value).startswith("centres.csv:500: byte 0xe3 is not valid utf-8-sig in column 'city'")
