"""The synthetic CORDIS-shaped table: the real columns, loadable, every record synthetic."""

from __future__ import annotations

import csv
from pathlib import Path

from graph.store import GraphStore
from loaders.bundle import bundle_entries
from loaders.generate_cordis import COLUMNS, generate_cordis
from loaders.ingest import LoadJob, ingest_many
from loaders.iso3166 import write_countries_csv

REAL = Path(__file__).resolve().parents[2] / "data" / "examples" / "cordis" / "participations_with_names.csv"


def test_same_columns_as_the_real_table(tmp_path: Path) -> None:
    with REAL.open(encoding="utf-8", newline="") as f:
        assert tuple(next(csv.reader(f))) == COLUMNS
    table = generate_cordis(tmp_path, participations=2000, seed=3)
    with (tmp_path / "participations.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == COLUMNS and len(rows) == table.participations == 2000
    assert len({r["projectID"] for r in rows}) == table.projects
    assert len({r["organisationID"] for r in rows}) == table.organisations
    sizes: dict[str, int] = {}
    for r in rows:
        sizes[r["projectID"]] = sizes.get(r["projectID"], 0) + 1
    assert max(sizes.values()) <= 45
    assert all(r["name"].startswith("Synthetic") for r in rows)
    coordinators = sum(r["role"] == "coordinator" for r in rows)
    assert coordinators == table.projects  # one per project
    assert generate_cordis(tmp_path / "again", participations=2000, seed=3) == generate_cordis(
        tmp_path / "again", participations=2000, seed=3
    )


def test_loads_as_synthetic(store: GraphStore, tmp_path: Path) -> None:
    table = generate_cordis(tmp_path / "syn", participations=500, seed=1)
    write_countries_csv(tmp_path / "work" / "iso3166.csv")
    jobs = [
        LoadJob(e.mapping, e.data_dir, tmp_path) for e in bundle_entries(table.directory, tmp_path / "work")
    ]
    reports = list(ingest_many(store, jobs))
    assert all(r.loaded for r in reports), [r.errors[:3] for r in reports]
    count = store.query(
        "MATCH ()-[r:TAKES_PART_IN]->() RETURN count(r) AS n, collect(DISTINCT r.synthetic) AS s"
    )
    assert count == [{"n": 500, "s": [True]}]
    seeds = store.query("MATCH (p:Project) RETURN count(p) AS n, collect(DISTINCT p.seed) AS s")
    assert seeds == [{"n": table.projects, "s": [1]}]
