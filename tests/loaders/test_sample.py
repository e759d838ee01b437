"""The demo's synthetic sample: attached to the real institutions, labelled, loaded apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.store import GraphStore
from loaders.bundle import bundle_entries, load_bundle
from loaders.ingest import Shacl, ingest
from loaders.iso3166 import write_countries_csv
from loaders.sample import demo_sample
from ontology.records import NodeRecord, RelationshipRecord

REPO = Path(__file__).resolve().parents[2]
REAL = ["the study, Table 2"]


def _real_data(store: GraphStore, work: Path) -> None:
    """Countries and OECD fields from the bundle, and a few real centres by hand."""
    write_countries_csv(work / "iso3166.csv")
    for entry in bundle_entries(REPO / "data", work):
        if entry.mapping.name in ("iso3166.yaml", "ford.yaml"):
            assert ingest(store, entry.mapping, data_dir=entry.data_dir, provenance_root=REPO).loaded
    centres = [
        NodeRecord("NationalTransferCentre", "CATTC", {"name": "China-ASEAN TTC", "sources": REAL}),
        NodeRecord("Enterprise", "ACME-CN", {"name": "An enterprise", "sources": REAL}),
        NodeRecord("BilateralCentre", "CATTC-TH", {"name": "China-Thailand TTC", "sources": REAL}),
        NodeRecord("BilateralCentre", "CATTC-LA", {"name": "China-Laos TTC", "sources": REAL}),
    ]
    ties = [
        RelationshipRecord("LOCATED_IN", "Institution", "CATTC", "Country", "CN", {"sources": REAL}),
        RelationshipRecord("LOCATED_IN", "Institution", "ACME-CN", "Country", "CN", {"sources": REAL}),
        RelationshipRecord("HOSTED_IN", "BilateralCentre", "CATTC-TH", "Country", "TH", {"sources": REAL}),
        RelationshipRecord("HOSTED_IN", "BilateralCentre", "CATTC-LA", "Country", "LA", {"sources": REAL}),
    ]
    store.upsert(centres, ties)


def _one(store: GraphStore, cypher: str) -> object:
    rows = store.query(cypher, row_cap=100_000)
    return rows[0]["n"] if rows else None


def test_the_sample_attaches_to_the_real_institutions_and_is_marked(
    store: GraphStore, tmp_path: Path
) -> None:
    _real_data(store, tmp_path / "work")
    before = store.stats()
    institutions = "MATCH (i:Institution) RETURN i.id AS id, properties(i) AS p ORDER BY id"
    real_props = store.query(institutions)
    net = demo_sample(store, tmp_path / "sample", seed=3, experts=30, offers=40, demands=40)
    reports = load_bundle(store, tmp_path / "work", root=net.directory, shacl=Shacl.FULL)  # pyshacl too
    assert all(r.loaded and not r.errors for r in reports), [r.errors[:3] for r in reports]
    assert {r.shacl for r in reports} == {"compiled + pyshacl"}
    after = store.stats()
    assert after.nodes - before.nodes == net.nodes == 110
    assert after.relationships - before.relationships == net.relationships
    # every new node and relationship is marked, with the seed and the command as its source
    assert _one(store, "MATCH (n) WHERE n.synthetic = true AND n.seed = 3 RETURN count(n) AS n") == 110
    assert _one(store, "MATCH ()-[r]->() WHERE r.synthetic = true AND r.seed = 3 RETURN count(r) AS n") == (
        net.relationships
    )
    sources = store.query("MATCH (n) WHERE n.synthetic = true UNWIND n.sources AS s RETURN DISTINCT s")
    assert sources == [{"s": "synthetic: transfernet demo sample --seed 3"}]
    # the real nodes are untouched
    assert (
        store.query("MATCH (i:Institution) RETURN i.id AS id, properties(i) AS p ORDER BY id") == real_props
    )
    # offers come from the institutions in China, demands from those abroad
    owners = store.query(
        "MATCH (i:Institution)-[r:OFFERS|SEEKS]->(x)-[:LOCATED_IN]->(c:Country) "
        "RETURN type(r) AS t, collect(DISTINCT c.id) AS countries ORDER BY t"
    )
    assert owners[0]["t"] == "OFFERS" and owners[0]["countries"] == ["CN"]
    assert owners[1]["t"] == "SEEKS" and sorted(owners[1]["countries"]) == ["LA", "TH"]
    # brokers bridge China and a country abroad
    bridges = store.query(
        "MATCH (b:TechnologyBroker)-[:AFFILIATED_WITH]->(i)-[:LOCATED_IN|HOSTED_IN]->(c:Country) "
        "WITH b, collect(DISTINCT c.id) AS cs RETURN min(size(cs)) AS lo, count(b) AS n"
    )
    assert bridges[0]["n"] > 0 and bridges[0]["lo"] == 2
    # each offer and demand is in one real OECD field
    in_field = store.query(
        "MATCH (x)-[:IN_FIELD]->(f:Field) WHERE x.synthetic = true "
        "RETURN count(x) AS n, collect(DISTINCT coalesce(f.synthetic, false)) AS marks"
    )
    assert in_field == [{"n": 80, "marks": [False]}]


def test_same_seed_and_data_same_files(store: GraphStore, tmp_path: Path) -> None:
    _real_data(store, tmp_path / "work")
    a = demo_sample(store, tmp_path / "a", seed=1, experts=20, offers=10, demands=10)
    b = demo_sample(store, tmp_path / "b", seed=1, experts=20, offers=10, demands=10)
    c = demo_sample(store, tmp_path / "c", seed=2, experts=20, offers=10, demands=10)
    names = sorted(p.name for p in a.files)
    assert names == sorted(p.name for p in b.files)
    assert all((a.directory / n).read_bytes() == (b.directory / n).read_bytes() for n in names)
    assert any((a.directory / n).read_bytes() != (c.directory / n).read_bytes() for n in names)


def test_without_real_data_the_sample_says_what_to_load(store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="load the bundled dataset first"):
        demo_sample(store, tmp_path / "sample")


def test_findings_about_real_actors_are_the_same_with_and_without_the_sample(
    store: GraphStore, tmp_path: Path
) -> None:
    """The default population leaves synthetic data out: every result of the registry on the
    real data is the same before and after the sample is loaded (issue: CATTC's brokerage went
    from 12 to 28 with the sample)."""
    from graph.analytics.params import AnalysisParams
    from graph.analytics.suite import run_suite

    _real_data(store, tmp_path / "work")
    before = run_suite(store.to_networkx())
    net = demo_sample(store, tmp_path / "sample", seed=3, experts=30, offers=40, demands=40)
    assert all(
        r.loaded for r in load_bundle(store, tmp_path / "work", root=net.directory, shacl=Shacl.COMPILED)
    )
    after = run_suite(store.to_networkx())
    assert after.population is not None and after.population.synthetic_nodes_left_out == net.nodes
    assert after.results == before.results
    with_sample = run_suite(store.to_networkx(), AnalysisParams(synthetic=True))
    assert with_sample.results != before.results  # asked for, the sample does enter
