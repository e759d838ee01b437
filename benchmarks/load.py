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

``python benchmarks/load.py --growth`` measures instead what a load costs beside the graph
it goes into (issue #23), each load a ``transfernet load --bundle`` process of its own (its
peak memory read from the kernel), on a CORDIS-shaped generated table
(``--participations``, default 100,000):

* the table into an empty store, then again (an unchanged reload: ratio to the first load);
* the same table into a copy of a store of 1M relationships (``--large-store``, default
  the store `benchmarks/api.py` prepares; ratio to the load into the empty store);
* a table ten times larger into an empty store: its peak memory beside the first load's.

Targets: into the 1M store ≤ 1.2× into the empty one; reload ≤ 0.3×; peak memory of the 10×
table within 2× of the first.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
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


#: One load in a process of its own: seconds, rows written, peak memory (``ru_maxrss``).
_LOAD = """
import json, resource, sys, time
from pathlib import Path
from graph.backends import open_store
from graph.config import StoreSettings
from loaders.bundle import bundle_entries
from loaders.ingest import LoadJob, ingest_many
from loaders.iso3166 import write_countries_csv
from ontology.derive import load_schema
bundle, data_dir = Path(sys.argv[1]), Path(sys.argv[2])
(data_dir / "work").mkdir(parents=True, exist_ok=True)
write_countries_csv(data_dir / "work" / "iso3166.csv")
store = open_store(StoreSettings(_env_file=None, data_dir=data_dir), load_schema())
store.install_schema()
jobs = [LoadJob(e.mapping, e.data_dir, bundle.parent) for e in bundle_entries(bundle, data_dir / "work")]
t0 = time.perf_counter()
written = sum(r.changes.writes for r in ingest_many(store, jobs) if r.loaded)
seconds = time.perf_counter() - t0
store.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "written": written, "peak_mb": peak}))
"""


def _load_process(bundle: Path, data_dir: Path) -> dict[str, float]:
    env = {**os.environ, "TRANSFERNET_SERVER_LINGER_S": "0"}
    done = subprocess.run(
        [sys.executable, "-c", _LOAD, str(bundle), str(data_dir)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"load of {bundle} into {data_dir} failed: {done.stderr[-1500:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def growth(participations: int, large_store: Path, seed: int) -> int:
    """The loads of ``--growth`` (module docstring); returns the exit code."""
    from loaders.generate_cordis import generate_cordis

    with tempfile.TemporaryDirectory(prefix="tn-load-growth-") as tmp:
        root = Path(tmp)
        table = generate_cordis(root / "table", participations=participations, seed=seed)
        empty = _load_process(table.directory, root / "empty")
        reload = _load_process(table.directory, root / "empty")
        stop_server(root / "empty" / "falkordb")
        # the large store is read only: copied as it is on disk (its server, if another
        # process runs one, is left alone: it does not write to a store nobody loads into)
        shutil.copytree(
            large_store / "falkordb",
            root / "large" / "falkordb",
            ignore=shutil.ignore_patterns(
                "*.sock", "*.lock", "clients", "linger.json", "reaper.pid", "server.json", "redis.pid"
            ),
        )
        into_large = _load_process(table.directory, root / "large")
        stop_server(root / "large" / "falkordb")
        big = generate_cordis(root / "table10", participations=10 * participations, seed=seed)
        ten = _load_process(big.directory, root / "ten")
        stop_server(root / "ten" / "falkordb")
    print(f"# loads of a CORDIS-shaped table of {participations:,} participations (one process each)")

    def line(name: str, r: dict[str, float]) -> None:
        print(f"{name:<34}{r['seconds']:8.2f} s {r['written']:>10,.0f} written  peak {r['peak_mb']:6,.0f} MB")

    line("into an empty store", empty)
    line("unchanged reload", reload)
    line("into the 1M-relationship store", into_large)
    line(f"10x table ({10 * participations:,}) into an empty store", ten)
    ratios = [
        ("into the 1M store / into an empty one (time)", into_large["seconds"] / empty["seconds"], 1.2),
        ("unchanged reload / first load (time)", reload["seconds"] / empty["seconds"], 0.3),
        ("10x table / first load (peak memory)", ten["peak_mb"] / empty["peak_mb"], 2.0),
    ]
    checks = []
    for name, ratio, target in ratios:
        ok = ratio <= target
        checks.append((name, ok))
        print(f"{'PASS' if ok else 'FAIL'}  {name:<46} {ratio:6.2f}  (target ≤ {target})")
    return 0 if all(ok for _, ok in checks) else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--growth", action="store_true", help="the loads of issue #23 (module docstring)")
    parser.add_argument("--participations", type=int, default=100_000)
    parser.add_argument("--large-store", type=Path, default=Path("/tmp/transfernet-bench-api"))
    args = parser.parse_args()
    if args.growth:
        raise SystemExit(growth(args.participations, args.large_store, args.seed))
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
