"""The synthetic generator: deterministic, marked synthetic, loadable through its own mappings."""

from __future__ import annotations

import hashlib
from pathlib import Path

from graph.backends import open_store, stop_server
from graph.config import StoreSettings
from loaders.bundle import bundle_entries
from loaders.generate import generate
from loaders.ingest import ingest
from loaders.iso3166 import write_countries_csv
from ontology.derive import load_schema

REPO = Path(__file__).resolve().parents[2]


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def test_same_seed_same_files(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", nodes=1000, edges=6000, seed=7)
    b = generate(tmp_path / "b", nodes=1000, edges=6000, seed=7)
    c = generate(tmp_path / "c", nodes=1000, edges=6000, seed=8)
    assert _digest(a.directory) == _digest(b.directory) != _digest(c.directory)
    assert a.nodes == 1000 and a.relationships == 6000


def test_generated_network_loads_and_is_marked_synthetic(tmp_path: Path) -> None:
    net = generate(tmp_path / "syn", nodes=1500, edges=8000, seed=3, reference=REPO / "data" / "reference")
    settings = StoreSettings(_env_file=None, data_dir=tmp_path / "data")
    store = open_store(settings, load_schema())
    try:
        store.install_schema()
        write_countries_csv(tmp_path / "work" / "iso3166.csv")
        # the real reference data the generator points at: countries and OECD fields
        for entry in bundle_entries(REPO / "data", tmp_path / "work"):
            if entry.mapping.name in ("iso3166.yaml", "ford.yaml"):
                assert ingest(store, entry.mapping, data_dir=entry.data_dir, provenance_root=REPO).loaded
        real = store.stats()
        for entry in bundle_entries(net.directory, tmp_path / "work"):
            report = ingest(store, entry.mapping, data_dir=entry.data_dir)
            assert report.loaded, report.errors[:5]
        stats = store.stats()
        assert stats.nodes - real.nodes == 1500
        assert stats.relationships - real.relationships == 8000
        rows = store.query(
            "MATCH (n) WHERE n.synthetic = true RETURN count(n) AS n, collect(DISTINCT n.seed) AS seeds"
        )
        assert rows == [{"n": 1500, "seeds": [3]}]
        # skewed like the real network: the busiest country has far more institutions than the median
        per_country = store.query(
            "MATCH (i:Institution)-[:LOCATED_IN|HOSTED_IN]->(c:Country) "
            "RETURN c.id AS c, count(i) AS n ORDER BY n DESC"
        )
        counts = [r["n"] for r in per_country]
        assert counts[0] > 5 * counts[len(counts) // 2]
        # every event has an organiser; agreements have two parties or a few more, like real ones
        unorganised = store.query("MATCH (e:Event) WHERE NOT ()-[:ORGANISES]->(e) RETURN count(e) AS n")
        assert unorganised == [{"n": 0}]
        parties = store.query(
            "MATCH (a:Agreement)<-[:PARTY_TO]-(i) WITH a, count(i) AS k RETURN min(k) AS lo, avg(k) AS mean"
        )
        assert parties[0]["lo"] >= 2 and parties[0]["mean"] <= 4
    finally:
        store.close()
        stop_server(settings.store_dir)


def test_offers_and_demands_are_described_in_english_and_chinese(tmp_path: Path) -> None:
    import csv
    import re

    import yaml

    net = generate(tmp_path / "syn", nodes=2000, edges=12000, seed=5)
    han = re.compile(r"[\u4e00-\u9fff]")
    for label in ("TechnologyOffer", "TechnologyDemand"):
        with (net.directory / f"nodes_{label}.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert rows and all(r["description"].strip() and r["name"].startswith("Synthetic ") for r in rows)
        chinese = sum(bool(han.search(r["description"])) for r in rows)
        # 40% are written in Chinese (binomial, n = 340: far from both 0 and all)
        assert 0.25 * len(rows) < chinese < 0.55 * len(rows)
        mapping = yaml.safe_load(
            (net.directory / "mappings" / f"nodes_{label}.yaml").read_text(encoding="utf-8")
        )
        assert mapping["nodes"][0]["properties"]["description"] == "description"
        assert mapping["provenance"]["synthetic"] is True and mapping["provenance"]["seed"] == 5
        fields = [r["other1"] for r in rows]
        broad = sum("." not in f for f in fields)  # "ford:2": a major field only
        assert (broad > 0) == (label == "TechnologyDemand")
    # neighbouring fields share vocabulary: some offer and demand in different fields share a term
    with (net.directory / "nodes_TechnologyOffer.csv").open(encoding="utf-8") as handle:
        offers = [(r["other1"], r["name"].split(": ", 1)[1]) for r in csv.DictReader(handle)]
    by_term: dict[str, set[str]] = {}
    for field, term in offers:
        by_term.setdefault(term, set()).add(field)
    assert any(len(fields) > 1 for fields in by_term.values())
