"""Graph-store benchmark (embedded FalkorDB): load rates, lookups, projection.

Run ``python benchmarks/store.py`` (full size: 100k nodes, 1M relationships) or
``python benchmarks/store.py --scale 0.1`` for a quick run.  Every ratio is measured
in the same run.  Targets (see ``benchmarks/store.md``):

* incremental upsert ≥ 40k relationships/s and ≥ 20× a naive one-statement-per-row loader;
* bulk build of a fresh store ≥ 80k entities/s;
* point lookup / 1-hop / 2-hop median ≤ 2 / 5 / 50 ms;
* projection of 100k nodes + 1M relationships into networkx (or arrays) ≤ 15 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.backends.falkordb.server import stop_server
from graph.backends.falkordb.store import FalkorDBStore
from graph.cypher.named import NAMED_QUERIES
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import Datatype, GraphSchema, NodeType, PropertySpec, RelationshipType

U = "urn:bench:"


def schema() -> GraphSchema:
    """Country, Institution > TransferCentre, Expert, Field and four relationship types."""

    def p(name: str, dtype: Datatype = Datatype.STRING) -> PropertySpec:
        return PropertySpec(name=name, iri=U + name, datatype=dtype)

    nodes = [
        NodeType("Country", U + "C", "code", "Country", ("Country",), (p("code"), p("name"))),
        NodeType("Institution", U + "I", "id", "Institution", ("Institution",), (p("id"), p("name"))),
        NodeType(
            "TransferCentre",
            U + "T",
            "id",
            "Institution",
            ("TransferCentre", "Institution"),
            (p("id"), p("name")),
        ),
        NodeType(
            "Expert", U + "E", "id", "Expert", ("Expert",), (p("id"), p("name"), p("age", Datatype.INTEGER))
        ),
        NodeType("Field", U + "F", "code", "Field", ("Field",), (p("code"), p("name"))),
    ]
    rels = [
        RelationshipType("WORKS_AT", U + "w", ("Expert",), ("Institution",), (p("role"),)),
        RelationshipType("EXPERT_IN", U + "x", ("Expert",), ("Field",), (p("level"),)),
        RelationshipType("LOCATED_IN", U + "l", ("Institution",), ("Country",)),
        RelationshipType(
            "PARTNER_OF", U + "p", ("Institution",), ("Institution",), (p("since", Datatype.INTEGER),)
        ),
    ]
    return GraphSchema.build(nodes, rels)


def generate(n_nodes: int, n_rels: int, seed: int = 7) -> tuple[list[NodeRecord], list[RelationshipRecord]]:
    """A synthetic network: 80% experts, 19% institutions, the rest countries and fields."""
    rng = random.Random(seed)
    n_country = max(10, n_nodes // 500)
    n_field = max(10, n_nodes // 125)
    n_inst = max(10, n_nodes * 19 // 100)
    n_exp = max(10, n_nodes - n_country - n_field - n_inst)
    src = ["bench"]
    nodes = [
        NodeRecord("Country", f"C{i}", {"name": f"country {i}", "sources": src}) for i in range(n_country)
    ]
    nodes += [NodeRecord("Field", f"F{i}", {"name": f"field {i}", "sources": src}) for i in range(n_field)]
    nodes += [
        NodeRecord(
            "TransferCentre" if i % 10 == 0 else "Institution", f"I{i}", {"name": f"inst {i}", "sources": src}
        )
        for i in range(n_inst)
    ]
    nodes += [
        NodeRecord("Expert", f"E{i}", {"name": f"expert {i}", "age": 30 + i % 40}) for i in range(n_exp)
    ]
    rels: list[RelationshipRecord] = [
        RelationshipRecord("LOCATED_IN", "Institution", f"I{i}", "Country", f"C{i % n_country}")
        for i in range(n_inst)
    ]
    seen: set[tuple[str, int, int]] = set()
    while len(rels) < n_rels:
        r = rng.random()
        if r < 0.45:
            t, a, b = "EXPERT_IN", rng.randrange(n_exp), rng.randrange(n_field)
        elif r < 0.9:
            t, a, b = "WORKS_AT", rng.randrange(n_exp), rng.randrange(n_inst)
        else:
            t, a, b = "PARTNER_OF", rng.randrange(n_inst), rng.randrange(n_inst)
        if (t, a, b) in seen:
            continue
        seen.add((t, a, b))
        if t == "EXPERT_IN":
            rels.append(
                RelationshipRecord(t, "Expert", f"E{a}", "Field", f"F{b}", {"level": "x", "sources": src})
            )
        elif t == "WORKS_AT":
            rels.append(RelationshipRecord(t, "Expert", f"E{a}", "Institution", f"I{b}", {"role": "r"}))
        else:
            rels.append(
                RelationshipRecord(
                    t, "Institution", f"I{a}", "Institution", f"I{b}", {"since": 2000 + a % 20}
                )
            )
    return nodes, rels


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def medians(fn: Callable[[int], Any], n: int) -> float:
    times = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def new_rels(n: int, n_exp: int, n_inst: int, seed: int = 11) -> Iterator[RelationshipRecord]:
    """Relationships of a new type-combination batch: WORKS_AT with a fresh role (merge path)."""
    rng = random.Random(seed)
    for _ in range(n):
        yield RelationshipRecord(
            "WORKS_AT",
            "Expert",
            f"E{rng.randrange(n_exp)}",
            "Institution",
            f"I{rng.randrange(n_inst)}",
            {"role": "visiting", "sources": ["increment"]},
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (1.0 = 100k/1M)")
    parser.add_argument("--data-dir", type=Path, default=None, help="where to put the store (default: temp)")
    args = parser.parse_args(argv)

    n_nodes, n_rels = int(100_000 * args.scale), int(1_000_000 * args.scale)
    n_incr, n_naive = int(200_000 * args.scale), max(500, int(3_000 * args.scale))
    base = args.data_dir or Path(tempfile.mkdtemp(prefix="tn-bench-"))
    store_dir = base / "falkordb"
    sch = schema()
    print(f"# store benchmark: {n_nodes:,} nodes, {n_rels:,} relationships (scale {args.scale})")
    nodes, rels = generate(n_nodes, n_rels)
    n_exp = sum(1 for n in nodes if n.label == "Expert")
    n_inst = sum(1 for n in nodes if n.label in ("Institution", "TransferCentre"))
    results: dict[str, float] = {}
    store = FalkorDBStore(sch, store_dir)
    store.open()
    try:
        # 1. bulk build of a fresh store
        dt, _ = timed(lambda: store.bulk_create(nodes, rels))
        results["bulk"] = (len(nodes) + len(rels)) / dt
        print(
            f"bulk build       {len(nodes) + len(rels):>10,} entities in {dt:6.2f} s"
            f" = {results['bulk']:>9,.0f} /s"
        )

        # 2. incremental upsert (UNWIND + MERGE, batches of 5000) vs naive one statement per row
        dt, _ = timed(lambda: store.upsert(nodes[:20_000], [], atomic=False))
        print(
            f"incremental      {20_000:>10,} nodes    in {dt:6.2f} s"
            f" = {20_000 / dt:>9,.0f} nodes/s (re-merge; also warms the server after the bulk build)"
        )
        incr = list(new_rels(n_incr, n_exp, n_inst))
        dt, _ = timed(lambda: store.upsert_relationships(incr, batch_size=5000))
        results["incr"] = len(incr) / dt
        print(f"incremental      {len(incr):>10,} rels     in {dt:6.2f} s = {results['incr']:>9,.0f} rel/s")

        naive = list(new_rels(n_naive, n_exp, n_inst, seed=13))
        cypher = (
            "MATCH (a:Expert {id: $s}) MATCH (b:Institution {id: $e}) "
            "MERGE (a)-[x:WORKS_AT]->(b) SET x.role = $role, x.sources = $src"
        )

        def naive_load() -> None:
            for r in naive:
                store.query(
                    cypher,
                    {"s": r.start_key, "e": r.end_key, "role": "naive", "src": ["naive"]},
                    read_only=False,
                )

        dt, _ = timed(naive_load)
        results["naive"] = len(naive) / dt
        print(f"naive per-row    {len(naive):>10,} rels     in {dt:6.2f} s = {results['naive']:>9,.0f} rel/s")
        ratio = results["incr"] / results["naive"]
        print(f"ratio incremental / naive = {ratio:.1f}x")

        # 3. lookups (median of 200, through store.query: parameters, conversion to plain values)
        rng = random.Random(3)
        keys = [f"E{rng.randrange(n_exp)}" for _ in range(200)]
        point = NAMED_QUERIES["node_by_key"].render(sch, label="Expert")
        one_hop = NAMED_QUERIES["neighbours"].render(sch, label="Expert")
        two_hop = NAMED_QUERIES["two_hop"].render(sch, label="Expert")
        results["point"] = medians(lambda i: store.query(point, {"key": keys[i]}), 200)
        results["hop1"] = medians(lambda i: store.query(one_hop, {"key": keys[i], "limit": 100}), 200)
        results["hop2"] = medians(lambda i: store.query(two_hop, {"key": keys[i], "limit": 100}), 200)
        print(
            f"lookup median    point {results['point']:.2f} ms, 1-hop {results['hop1']:.2f} ms, "
            f"2-hop {results['hop2']:.2f} ms"
        )

        # 4. projection
        stats = store.stats()
        dt, g = timed(lambda: store.to_networkx(properties=True))
        results["nx"] = dt
        print(
            f"to_networkx      {g.number_of_nodes():,} nodes + {g.number_of_edges():,} rels in {dt:6.2f} s"
            f" (store: {stats.nodes:,} / {stats.relationships:,})"
        )
        del g
        dt, _ = timed(lambda: store.to_networkx(properties=False))
        print(f"to_networkx      without properties in {dt:6.2f} s")
        dt, arrays = timed(store.to_arrays)
        results["arrays"] = dt
        print(f"to_arrays        {arrays.n_nodes:,} nodes + {arrays.n_edges:,} rels in {dt:6.2f} s")
    finally:
        store.close()
        stop_server(store_dir)

    checks = [
        ("incremental ≥ 40k rel/s", results["incr"] >= 40_000),
        ("incremental ≥ 20× naive", results["incr"] / results["naive"] >= 20),
        ("bulk ≥ 80k entities/s", results["bulk"] >= 80_000),
        ("point ≤ 2 ms", results["point"] <= 2),
        ("1-hop ≤ 5 ms", results["hop1"] <= 5),
        ("2-hop ≤ 50 ms", results["hop2"] <= 50),
        ("projection ≤ 15 s", min(results["nx"], results["arrays"]) <= 15),
    ]
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
