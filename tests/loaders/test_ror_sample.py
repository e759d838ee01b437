"""The ROR-shaped sample (data/examples/ror_sample, SYNTHETIC) in a real embedded store.

What the data standard adds, as a loader meets it: organisation types beyond universities
(Hospital, Funder, Archive, NonProfit), the general hierarchy (SUB_ORGANIZATION_OF) and
lineage (SUCCESSOR_OF, PREDECESSOR_OF, RELATED_TO), external identifiers (indexed),
aliases (a list, searched like the name), coordinates.  Expected values are the rows of
the sample's CSV files.
"""

from __future__ import annotations

from pathlib import Path

from graph.search import NameIndex
from graph.store import GraphStore
from loaders.ingest import LoadJob, ingest_many
from loaders.iso3166 import write_countries_csv

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "examples" / "ror_sample"


def _load(store: GraphStore, work: Path) -> None:
    write_countries_csv(work / "iso3166.csv")
    jobs = [
        LoadJob(ROOT / "data" / "mappings" / "iso3166.yaml", work, work),
        LoadJob(SAMPLE / "ror_organisations.yaml", SAMPLE, SAMPLE),
        LoadJob(SAMPLE / "ror_relationships.yaml", SAMPLE, SAMPLE),
    ]
    reports = list(ingest_many(store, jobs))
    assert [r.loaded for r in reports] == [True, True, True], [e for r in reports for e in r.errors][:3]


def test_types_hierarchy_lineage_and_identifiers(store: GraphStore, tmp_path: Path) -> None:
    _load(store, tmp_path)
    rows = store.query("MATCH (n:Institution) RETURN n.id AS id, labels(n) AS l", {}, row_cap=100)
    labels = {r["id"]: set(r["l"]) for r in rows}
    assert len(labels) == 8
    assert {"Hospital", "Institution"} <= labels["0synth102"]
    assert (
        "Funder" in labels["0synth104"]
        and "Archive" in labels["0synth105"]
        and "NonProfit" in labels["0synth106"]
    )
    ties = store.query(
        "MATCH (a:Institution)-[r]->(b:Institution) "
        "RETURN a.id AS a, type(r) AS t, b.id AS b ORDER BY a, t, b",
        {},
        row_cap=100,
    )
    assert [(r["a"], r["t"], r["b"]) for r in ties] == [
        ("0synth101", "RELATED_TO", "0synth102"),
        ("0synth101", "SUCCESSOR_OF", "0synth107"),
        ("0synth102", "RELATED_TO", "0synth101"),
        ("0synth103", "SUB_ORGANIZATION_OF", "0synth101"),
        ("0synth104", "SUB_ORGANIZATION_OF", "0synth108"),
        ("0synth107", "PREDECESSOR_OF", "0synth101"),
    ]
    sun = store.query("MATCH (n:Institution {id: '0synth101'}) RETURN properties(n) AS p")[0]["p"]
    assert sun["altName"] == ["Northland University", "Universitet Nordland"]
    assert (sun["gridId"], sun["isni"], sun["wikidataId"], sun["latitude"]) == (
        "grid.99991.a", "0000000499990001", "Q99990001", 69.68,
    )  # fmt: skip
    assert sun["synthetic"] is True
    indexes = store.query(
        "CALL db.indexes() YIELD label, properties RETURN label, properties", {}, row_cap=1000
    )
    on_institution = {p for r in indexes if r["label"] == "Institution" for p in r["properties"]}
    assert {"rorId", "gridId", "isni", "wikidataId", "pic", "registryCode"} <= on_institution


def test_aliases_are_searched_and_the_name_is_shown(store: GraphStore, tmp_path: Path) -> None:
    _load(store, tmp_path)
    index = NameIndex(store.to_networkx(), store.schema)
    hits = index.search("universitet nordland")
    assert [(h.id, h.name) for h in hits] == [("Institution:0synth101", "Synthetic University of Northland")]
    assert [h.name for h in index.search("SNUH")] == [
        "Synthetic Northland University Hospital"
    ]  # not the acronym
