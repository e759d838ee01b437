"""A second source about the same organisations links to the stored ones (mapping ``resolve:``).

First source: five real CORDIS organisations (rows of data/examples/cordis, keyed by PIC).
Second source: a ROR-shaped file written here, marked synthetic (``provenance: synthetic``,
ids ``0synth…``), that names four of them otherwise — an English name with the source's
spelling as alias, or a PIC — plus a university hospital beside one of them and a
namesake in another country.  Expected outcomes follow from the rules of
`graph.resolution.matcher`: an alias equal to the stored name is rule ``name``; a PIC is
rule ``identifier``; the hospital scores between the thresholds (review, not merged).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from graph.store import GraphStore
from loaders.ingest import LoadJob, LoadReport, ingest, ingest_many
from loaders.iso3166 import write_countries_csv

ROOT = Path(__file__).resolve().parents[2]
CORDIS = ROOT / "data" / "examples" / "cordis" / "participations_with_names.csv"
PICS = ("999985029", "999885022", "999888029", "999641746", "999973971")

FIRST = """
version: 1
name: cordis-organisations
source: {path: first.csv}
provenance: {sources: ["CORDIS, European Commission (H2020 organisations, CC BY 4.0)"]}
nodes:
  - label: University
    key: organisationID
    properties: {name: name, acronym: shortName, city: city, pic: organisationID}
relationships:
  - type: LOCATED_IN
    start: {label: Institution, key: organisationID}
    end: {label: Country, key: {column: country, map: {EL: GR, UK: GB}}}
"""

SECOND = """
version: 1
name: ror-sample
source: {path: second.csv}
provenance: {synthetic: true, sources: ["ROR-shaped sample written by tests/loaders/test_resolve.py"]}
nodes:
  - label: University
    when: {column: types, equals: education}
    key: id
    properties: &org
      name: name
      altName: {column: aliases, split: "|"}
      rorId: id
      pic: pic
      city: city
    resolve: &resolve {country: country_code, link: 0.9, review: 0.6}
  - label: Hospital
    when: {column: types, equals: healthcare}
    key: id
    properties: *org
    resolve: *resolve
relationships:
  - type: LOCATED_IN
    start: {label: Institution, key: id}
    end: {label: Country, key: country_code}
  - type: RELATED_TO
    when: {column: related, not_empty: true}
    start: {label: Institution, key: id}
    end: {label: Institution, key: related}
"""

SECOND_ROWS = [
    # id, name, aliases, pic, city, country_code, types, related
    ("0synth001", "Uppsala University", "Uppsala universitet", "", "Uppsala", "SE", "education", ""),
    ("0synth002", "Stockholm University", "Stockholms universitet", "", "Stockholm", "SE", "education", ""),
    ("0synth003", "University of Navarra", "Universidad de Navarra", "", "Pamplona", "ES", "education", ""),
    ("0synth004", "Swiss Federal Institute of Technology in Lausanne", "EPFL", "999973971", "Lausanne", "CH",
     "education", ""),
    ("0synth005", "Uppsala University Hospital", "", "", "Uppsala", "SE", "healthcare", "0synth001"),
    ("0synth006", "Uppsala universitet", "", "", "Oslo", "NO", "education", ""),
]  # fmt: skip


def _write(work: Path) -> None:
    with CORDIS.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames or []
        rows = {r["organisationID"]: r for r in reader if r["organisationID"] in PICS}
    with (work / "first.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows[p] for p in PICS)
    with (work / "second.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name", "aliases", "pic", "city", "country_code", "types", "related"])
        writer.writerows(SECOND_ROWS)
    (work / "first.yaml").write_text(FIRST, encoding="utf-8")
    (work / "second.yaml").write_text(SECOND, encoding="utf-8")
    write_countries_csv(work / "iso3166.csv")


def _load(store: GraphStore, work: Path) -> LoadReport:
    _write(work)
    jobs = [
        LoadJob(ROOT / "data" / "mappings" / "iso3166.yaml", work, work),
        LoadJob(work / "first.yaml", work, work),
    ]
    assert all(r.loaded for r in ingest_many(store, jobs))
    report = ingest(store, work / "second.yaml", data_dir=work, provenance_root=work)
    assert report.loaded, report.errors[:3]
    return report


def _node(store: GraphStore, key: str) -> dict[str, Any]:
    rows = store.query("MATCH (n:Institution {id: $k}) RETURN properties(n) AS p", {"k": key})
    assert rows, key
    return dict(rows[0]["p"])


def test_a_second_source_links_to_the_stored_organisations(store: GraphStore, tmp_path: Path) -> None:
    report = _load(store, tmp_path)
    linked = {r.row_key: (r.linked_to, r.rule) for r in report.resolution.linked}
    assert linked == {
        "0synth001": ("999985029", "name"),  # alias "Uppsala universitet" = UPPSALA UNIVERSITET
        "0synth002": ("999885022", "name"),
        "0synth003": ("999641746", "name"),  # Universidad de Navarra, not the Universidad Publica
        "0synth004": ("999973971", "identifier"),  # the PIC
    }
    review = {r.row_key: [c.key for c in r.candidates] for r in report.resolution.review}
    assert list(review) == ["0synth005"] and review["0synth005"][0] == "999985029"
    assert report.resolution.looked_up == 6
    # one node per organisation: 5 stored + the hospital + the Norwegian namesake
    assert store.query("MATCH (n:Institution) RETURN count(n) AS n")[0]["n"] == 7
    uppsala = _node(store, "999985029")
    assert uppsala["name"] == "UPPSALA UNIVERSITET"  # the stored name stays
    assert "Uppsala University" in uppsala["altName"]
    assert uppsala["rorId"] == "0synth001"  # a value the node lacked is filled
    assert uppsala["synthetic"] is False  # the stored record stays what it was
    assert any(e.startswith("second.csv:2 name 1.00 Uppsala University") for e in uppsala["resolvedFrom"])
    assert "second.csv:2" in " ".join(uppsala["sources"])
    epfl = _node(store, "999973971")
    assert any(" identifier " in e and "same pic 999973971" in e for e in epfl["resolvedFrom"])
    # the row's relationship follows it to the stored node
    rows = store.query(
        "MATCH (h:Hospital)-[:RELATED_TO]->(u:Institution) RETURN h.id AS h, u.id AS u", {}, row_cap=10
    )
    assert rows == [{"h": "0synth005", "u": "999985029"}]
    assert _node(store, "0synth006")["name"] == "Uppsala universitet"  # another country: a node of its own


def test_loading_the_second_source_again_changes_nothing_more(store: GraphStore, tmp_path: Path) -> None:
    _load(store, tmp_path)
    again = ingest(store, tmp_path / "second.yaml", data_dir=tmp_path, provenance_root=tmp_path)
    assert again.loaded
    assert store.query("MATCH (n:Institution) RETURN count(n) AS n")[0]["n"] == 7
    # now found by the ROR ID it gave the stored node
    assert {r.row_key: r.rule for r in again.resolution.linked}["0synth001"] == "identifier"


def test_a_linked_row_may_make_the_stored_type_more_specific(store: GraphStore, tmp_path: Path) -> None:
    """Stored as plain Institutions, the organisations the second source types as universities
    become Universities; the hospital row, not linked, stays a Hospital of its own."""
    _write(tmp_path)
    (tmp_path / "first.yaml").write_text(
        FIRST.replace("label: University", "label: Institution"), encoding="utf-8"
    )
    jobs = [
        LoadJob(ROOT / "data" / "mappings" / "iso3166.yaml", tmp_path, tmp_path),
        LoadJob(tmp_path / "first.yaml", tmp_path, tmp_path),
    ]
    assert all(r.loaded for r in ingest_many(store, jobs))
    report = ingest(store, tmp_path / "second.yaml", data_dir=tmp_path, provenance_root=tmp_path)
    assert report.loaded and len(report.resolution.linked) == 4
    rows = store.query("MATCH (n:Institution {id: '999985029'}) RETURN labels(n) AS l")
    assert "University" in rows[0]["l"]
    plain = store.query("MATCH (n:Institution {id: '999888029'}) RETURN labels(n) AS l")  # not named again
    assert "University" not in plain[0]["l"]
