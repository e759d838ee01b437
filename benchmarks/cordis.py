"""CORDIS benchmark: load, reload and analyse the real H2020 subset and a 100k synthetic table.

``python benchmarks/cordis.py`` (the subset, then 100,000 synthetic participations) or
``--participations 20000`` for a quicker synthetic run, ``--skip-synthetic`` for the subset
only.  On a fresh embedded store each, it times

* load: ``transfernet load --bundle``'s code path (`loaders.ingest.ingest_many`), ISO
  countries included;
* reload: the same bundle again (nothing may change: the counts are compared);
* analyse: the store's projection, the actor network (Newman-weighted project ties) and
  the country-to-country collaboration;

and prints the network's counts: organisations, projects, participations, actor ties,
organisation pairs, what the star rule left out.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.analytics.actors import actor_network
from graph.analytics.collaboration import country_collaboration
from graph.backends import open_store, stop_server
from graph.config import StoreSettings
from graph.store import GraphStore
from loaders.bundle import bundle_entries
from loaders.generate_cordis import generate_cordis
from loaders.ingest import LoadJob, ingest_many
from loaders.iso3166 import write_countries_csv
from ontology.derive import load_schema

REPO = Path(__file__).resolve().parents[1]


def _load(store: GraphStore, bundle: Path, work: Path) -> tuple[float, int, int]:
    """Seconds, rows read and rows written (created or updated nodes and relationships)."""
    write_countries_csv(work / "iso3166.csv")
    jobs = [LoadJob(e.mapping, e.data_dir, bundle.parent) for e in bundle_entries(bundle, work)]
    t0 = time.perf_counter()
    rows = writes = 0
    for report in ingest_many(store, jobs):
        assert report.loaded, report.errors[:3]
        rows += report.rows
        writes += report.changes.writes
    return time.perf_counter() - t0, rows, writes


def _counts(store: GraphStore) -> tuple[int, int, int]:
    def one(cypher: str) -> int:
        return int(next(iter(store.query(cypher)[0].values())))

    return (
        one("MATCH (n:Institution) RETURN count(n)"),
        one("MATCH (n:Project) RETURN count(n)"),
        one("MATCH ()-[r:TAKES_PART_IN]->() RETURN count(r)"),
    )


def run(name: str, bundle: Path, root: Path) -> None:
    """Load, reload and analyse one bundle on a fresh store, printing times and counts."""
    settings = StoreSettings(_env_file=None, data_dir=root / "store")
    store = open_store(settings, load_schema())
    store.install_schema()
    try:
        load_s, rows, written = _load(store, bundle, root / "work")
        before = _counts(store)
        reload_s, _, rewritten = _load(store, bundle, root / "work")
        assert _counts(store) == before, "a reload changed the counts"
        assert rewritten == 0, f"a reload of unchanged files wrote {rewritten} rows"
        t0 = time.perf_counter()
        G = store.to_networkx()
        project_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        A = actor_network(G)
        actors_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        countries = country_collaboration(G, A)
        countries_s = time.perf_counter() - t0
    finally:
        store.close()
        stop_server(settings.store_dir)
    orgs, projects, participations = before
    pairs = sum(1 for _, _, d in A.edges(data=True) if "CO_PARTICIPATION" in d.get("types", ())) // 2
    print(f"== {name}: {rows:,} rows read")
    print(f"   organisations {orgs:,}  projects {projects:,}  participations {participations:,}")
    print(
        f"   actor ties {A.number_of_edges():,} (directed)  organisation pairs sharing a project {pairs:,}"
        f"  country pairs {len(countries):,}  left out {A.graph['left_out']}"
    )
    print(
        f"   load {load_s:7.2f} s ({written:,} nodes and relationships written)"
        f"  reload {reload_s:7.2f} s (nothing written; reload / load {reload_s / load_s:.2f})"
        "\n  "
        f"  analyse {project_s + actors_s + countries_s:7.2f} s"
        f" (projection {project_s:.2f}, actor network {actors_s:.2f}, countries {countries_s:.2f})"
    )
    if countries:
        top = countries[0]
        print(
            f"   strongest country tie {top.country_a}-{top.country_b}:"
            f" {top.weight:.1f} over {top.projects} projects"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participations", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-synthetic", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tn-cordis-") as tmp:
        root = Path(tmp)
        run("CORDIS H2020 subset (real)", REPO / "data" / "examples" / "cordis", root / "real")
        if not args.skip_synthetic:
            t0 = time.perf_counter()
            table = generate_cordis(root / "syn-data", participations=args.participations, seed=args.seed)
            print(
                f"generated {table.participations:,} synthetic participations"
                f" in {time.perf_counter() - t0:.2f} s"
            )
            run(
                f"synthetic CORDIS-shaped, {table.participations:,} participations",
                table.directory,
                root / "syn",
            )


if __name__ == "__main__":
    main()
