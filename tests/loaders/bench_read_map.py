"""Throughput of read + map (no store) on a generated CSV: ``python tests/loaders/bench_read_map.py [rows]``.

Not a test (pytest only imports it for doctests).  The mapping is typical of the
bundled ones: a node with a validated key (ISO code), three properties (a date, a
multi-valued split), a relationship with a split end key, provenance from a URL column.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

__all__ = ["main"]

MAPPING = """
source: {path: big.csv}
provenance: {source_columns: [url], retrieved: "2026-11-23"}
nodes:
  - label: TransferCentre
    key: "C{id}"
    properties:
      name: name
      established: established
      keywords: {column: builders, split: "; "}
relationships:
  - type: BILATERAL_PARTNER_OF
    start: {label: Country, key: {column: partners, split: "|"}}
    end: {label: TransferCentre, key: "C{id}"}
    properties: {since: established}
"""


def _write(path: Path, rows: int) -> None:
    rng = random.Random(42)
    codes = ["CN", "GR", "NG", "NE", "PK", "KH", "BR", "RU", "IN", "ZA"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "name", "established", "builders", "partners", "url"])
        for i in range(rows):
            out.writerow(
                [
                    i,
                    f"Centre {i}",
                    f"{rng.randint(1990, 2024)}-{rng.randint(1, 12):02d}",
                    "MOST; Province",
                    "|".join(rng.sample(codes, 2)),
                    f"https://example.org/{i}",
                ]
            )


def main(rows: int = 1_000_000, trace: bool = False) -> None:
    """Generate `rows` rows, then time read+map and report rows/s and peak memory."""
    sys.path.insert(0, str(Path(__file__).parent))
    from conftest import build_schema

    from loaders import compile_mapping, parse_mapping

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        _write(d / "big.csv", rows)
        compiled = compile_mapping(parse_mapping(MAPPING), build_schema(), data_dir=d)
        if trace:
            tracemalloc.start()
        t0 = time.perf_counter()
        c0 = time.process_time()
        n_nodes = n_rels = n_err = 0
        for batch in compiled.batches(batch_size=10_000):
            n_nodes += len(batch.nodes)
            n_rels += len(batch.relationships)
            n_err += len(batch.errors)
        dt = time.perf_counter() - t0
        cpu = time.process_time() - c0
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
    print(
        f"{rows} rows in {dt:.1f}s (tracemalloc {'on' if trace else 'off'}): {rows / dt:,.0f} rows/s "
        f"({rows / cpu:,.0f} rows per CPU-second); "
        f"{n_nodes} nodes, {n_rels} relationships, {n_err} errors; peak {peak / 2**20:.1f} MiB"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, trace="--trace" in sys.argv)
