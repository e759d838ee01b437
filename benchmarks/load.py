"""Load benchmark: the generator's network through the mappings, end to end.

``python benchmarks/load.py`` (100k nodes / 1M relationships) or ``--nodes 10000 --edges
100000`` for a quick run.  It measures, in the same run and on fresh embedded stores:

* end to end: read CSV → map → validate (every SHACL constraint compiled, dangling ends)
  → atomic upsert,
  with ``transfernet load``'s code path (`loaders.ingest.ingest_many`: the next files are
  read, mapped and grouped for the store in a worker thread while the current one is
  checked and written), in rows/s
  (target ≥ 30k rows/s);
* reference: the store's raw batched upsert of the same records, already mapped
  (`GraphStore.upsert`), and the ratio between the two.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.backends import open_store, stop_server
from graph.config import StoreSettings
from loaders.bundle import bundle_entries
from loaders.generate import generate
from loaders.ingest import LoadJob, ingest, ingest_many
from loaders.iso3166 import write_countries_csv
from loaders.mapping import compile_mapping
from ontology.derive import load_schema

REPO = Path(__file__).resolve().parents[1]


def _reference_data(store: object, work: Path) -> None:
    write_countries_csv(work / "iso3166.csv")
    for entry in bundle_entries(REPO / "data", work):
        if entry.mapping.name in ("iso3166.yaml", "ford.yaml"):
            ingest(store, entry.mapping, data_dir=entry.data_dir, provenance_root=REPO)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    schema = load_schema()
    with tempfile.TemporaryDirectory(prefix="tn-load-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        net = generate(
            root / "syn",
            nodes=args.nodes,
            edges=args.edges,
            seed=args.seed,
            reference=REPO / "data" / "reference",
        )
        took = time.perf_counter() - t0
        print(f"generate   {net.nodes:>9,} nodes {net.relationships:>10,} rels in {took:6.2f} s")
        entries = list(bundle_entries(net.directory, root / "work"))

        # end to end through the mappings
        settings = StoreSettings(_env_file=None, data_dir=root / "e2e")
        store = open_store(settings, schema)
        store.install_schema()
        _reference_data(store, root / "work")
        rows = 0
        phases: dict[str, float] = {}
        t0 = time.perf_counter()
        jobs = [LoadJob(entry.mapping, entry.data_dir) for entry in entries]
        for report in ingest_many(store, jobs):  # `transfernet load --bundle`'s code path
            assert report.loaded, report.errors[:3]
            rows += report.rows
            for name, seconds in report.phases.items():
                phases[name] = phases.get(name, 0.0) + seconds
        e2e = time.perf_counter() - t0
        store.close()
        stop_server(settings.store_dir)
        rate = rows / e2e
        print(
            f"end to end {rows:>9,} rows in {e2e:6.2f} s = {rate:>9,.0f} rows/s (read, map, validate, upsert)"
        )
        print(
            "  phases   "
            + ", ".join(f"{name} {sec:.1f} s" for name, sec in sorted(phases.items()))
            + " (map: read, map and group, beside the previous files' writes)"
        )

        # reference: raw batched upsert of the same records, mapped beforehand (not timed)
        batches = [compile_mapping(e.mapping, schema, data_dir=e.data_dir).apply() for e in entries]
        settings = StoreSettings(_env_file=None, data_dir=root / "raw")
        store = open_store(settings, schema)
        store.install_schema()
        _reference_data(store, root / "work")
        t0 = time.perf_counter()
        for batch in batches:
            store.upsert(batch.nodes, batch.relationships, atomic=True)
        raw = time.perf_counter() - t0
        store.close()
        stop_server(settings.store_dir)
        rate = rows / raw
        print(f"raw upsert {rows:>9,} rows in {raw:6.2f} s = {rate:>9,.0f} rows/s (GraphStore.upsert only)")
        print(f"ratio end-to-end / raw upsert = {raw / e2e:.2f}  (1.0: mapping and checks cost nothing)")
        verdict = "PASS" if rows / e2e >= 30_000 else "FAIL"
        print(f"{verdict} end to end ≥ 30k rows/s")


if __name__ == "__main__":
    main()
