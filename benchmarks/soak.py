"""Soak benchmark: does ``transfernet serve`` hold its memory over thousands of mixed requests?

``python benchmarks/soak.py`` prepares (once, cached in ``--data-dir``) a store with the
bundled real dataset, its analysis run and report (``transfernet demo --no-serve``); or give
``--data-dir`` of a store you loaded yourself (e.g. the 1M-relationship store of
``benchmarks/api.py``: ``--data-dir /tmp/transfernet-bench-api --no-prepare``).  It starts
``transfernet serve`` (``--workers``, default 1) on 127.0.0.1 and sends ``--rounds`` rounds of
``--per-round`` requests, the same mix every round: search, entity, 2-hop neighbourhood,
projected partners, path, introducers, the explorer view and its overlays, the analytics
views, read-only Cypher, the ontology, and the report (HTML, and Markdown in Chinese).

After each round it reads the resident memory (``VmRSS``) of the API processes (the serve
process and its workers, summed) and of the store server.  What it prints:

* memory per round, and the growth from the end of the first round (warm-up: projections,
  caches, the report built once) to the end of the last;
* requests per second and errors (target 0);
* the reference measured in the same run: the API's memory when ready, before any request,
  and the store server's.

Target (issue #25): after warm-up, the API's memory grows by at most 5 % (or 20 MB,
whichever is larger) over the remaining rounds.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.api import CLI, start_server, wait_ready  # noqa: E402 - after the path set-up

ANALYTICS = (
    "brokerage",
    "structural-holes",
    "centrality",
    "communities",
    "duplicates",
    "coverage-gaps",
    "opportunities",
)


def _prepare(data_dir: Path) -> None:
    marker = data_dir / "prepared-soak"
    if marker.exists():
        return
    env = {**os.environ, "TRANSFERNET_DATA_DIR": str(data_dir)}
    subprocess.run([*CLI, "demo", "--no-serve"], env=env, cwd=REPO, check=True)
    marker.touch()


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of `pid` and its descendants (uvicorn workers), in MB."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        stack.extend(int(c) for c in children)
    return total / 1024


def _store_rss_mb(data_dir: Path) -> float:
    from graph.backends.falkordb.server import read_registry

    info = read_registry(data_dir / "falkordb")
    return _tree_rss_mb(info.pid) if info else float("nan")


def _targets(http: httpx.Client) -> list[dict[str, str]]:
    """Nodes to ask about: the explorer's first view (real data, named)."""
    nodes = http.get("/api/v1/explore/view", params={"limit": 300}).json()["nodes"]
    found = [
        {"id": n["id"], "type": n["type"], "key": n["id"].split(":", 1)[1], "name": n.get("name") or ""}
        for n in nodes
        if ":" in n["id"]
    ]
    if len(found) < 2:
        raise SystemExit("the explorer view has fewer than two nodes: load data first")
    return found


def _actors(http: httpx.Client, targets: list[dict[str, str]]) -> list[dict[str, str]]:
    """The targets that are actors of the projected network (institutions and experts that exist)."""
    found = []
    for t in targets[:60]:
        answer = http.get("/api/v1/graph/neighbourhood", params={"id": t["id"], "projected": "true"})
        if answer.status_code == 200:
            found.append(t)
    return found or targets[:1]


def _requests(
    targets: list[dict[str, str]], actors: list[dict[str, str]], n: int, rng: random.Random
) -> list[tuple[str, str, dict]]:
    """`n` requests (method, path, options), the same kinds in the same shares every round."""
    out: list[tuple[str, str, dict]] = []
    kinds = [
        "search",
        "entity",
        "neighbourhood",
        "partners",
        "path",
        "introducers",
        "view",
        "overlay",
        "analytics",
        "cypher",
    ]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        a, b = rng.sample(targets, 2)
        if kind == "search":
            word = (a["name"].split() or ["centre"])[0]
            out.append(("GET", "/api/v1/search", {"params": {"q": word, "lang": rng.choice(["en", "zh"])}}))
        elif kind == "entity":
            out.append(("GET", f"/api/v1/entities/{a['type']}/{a['key']}", {}))
        elif kind == "neighbourhood":
            out.append(("GET", "/api/v1/graph/neighbourhood", {"params": {"id": a["id"], "depth": 2}}))
        elif kind == "partners":
            params = {"id": rng.choice(actors)["id"], "projected": "true"}
            out.append(("GET", "/api/v1/graph/neighbourhood", {"params": params}))
        elif kind == "path":
            out.append(("GET", "/api/v1/graph/path", {"params": {"source": a["id"], "target": b["id"]}}))
        elif kind == "introducers":
            out.append(("GET", "/api/v1/graph/introducers", {"params": {"a": a["id"], "b": b["id"]}}))
        elif kind == "view":
            focus = {"focus": a["id"]} if rng.random() < 0.5 else {}
            out.append(("GET", "/api/v1/explore/view", {"params": {"limit": 200, **focus}}))
        elif kind == "overlay":
            kind_name = rng.choice(["brokerage", "duplicates", "communities"])
            out.append(("GET", f"/api/v1/explore/overlays/{kind_name}", {}))
        elif kind == "analytics":
            view = rng.choice(ANALYTICS)
            out.append(("GET", f"/api/v1/analytics/{view}", {"params": {"limit": 20}}))
        else:
            query = {"query": "MATCH (n {id: $id}) RETURN n.id AS id LIMIT 1", "parameters": {"id": a["key"]}}
            out.append(("POST", "/api/v1/cypher", {"json": query}))
    # the report, once a round in each edition: rendering is the largest single allocation
    out.append(("GET", "/api/v1/reports/latest", {"params": {"format": "html"}}))
    out.append(("GET", "/api/v1/reports/latest", {"params": {"format": "md", "lang": "zh"}}))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/transfernet-bench-soak"))
    ap.add_argument("--no-prepare", action="store_true", help="use the store in --data-dir as it is")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--per-round", type=int, default=250)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    if not args.no_prepare:
        _prepare(args.data_dir)
    proc, base = start_server(args.data_dir, args.workers)
    rng = random.Random(args.seed)
    rows: list[tuple[int, float, float, float, int]] = []
    errors: Counter[str] = Counter()
    total = 0
    try:
        waited = wait_ready(base, args.workers)
        api_ready, store_ready = _tree_rss_mb(proc.pid), _store_rss_mb(args.data_dir)
        print(
            f"server ready in {waited:.1f} s: API {api_ready:,.0f} MB, store {store_ready:,.0f} MB "
            f"(before any request: the reference)",
            flush=True,
        )
        with httpx.Client(base_url=base, timeout=300) as http:
            targets = _targets(http)
            actors = _actors(http, targets)
            t_all = time.perf_counter()
            for r in range(1, args.rounds + 1):
                t0 = time.perf_counter()
                batch = _requests(targets, actors, args.per_round, rng)
                for method, path, options in batch:
                    response = http.request(method, path, **options)
                    if response.status_code != 200:
                        errors[f"{method} {path} {response.status_code}"] += 1
                total += len(batch)
                took = time.perf_counter() - t0
                api, store = _tree_rss_mb(proc.pid), _store_rss_mb(args.data_dir)
                rows.append((r, api, store, len(batch) / took, sum(errors.values())))
                print(
                    f"round {r:>3}: API {api:8,.0f} MB   store {store:8,.0f} MB   "
                    f"{len(batch) / took:6.1f} req/s   errors so far {sum(errors.values())}",
                    flush=True,
                )
            elapsed = time.perf_counter() - t_all
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        env = {**os.environ, "TRANSFERNET_DATA_DIR": str(args.data_dir)}
        subprocess.run([*CLI, "stop"], env=env, cwd=REPO, capture_output=True, check=False)
    warm, last = rows[0][1], rows[-1][1]
    growth = last - warm
    bound = max(0.05 * warm, 20.0)
    print(
        f"\n{total:,} requests in {elapsed:.0f} s ({total / elapsed:.1f}/s), {args.workers} worker(s); "
        f"errors {sum(errors.values())}"
    )
    for what, count in errors.most_common(10):
        print(f"  error {what}: {count}")
    print(
        f"API memory: ready {api_ready:,.0f} MB, after round 1 (warm) {warm:,.0f} MB, "
        f"after round {rows[-1][0]} {last:,.0f} MB: {growth:+,.0f} MB after warm-up "
        f"({growth / warm:+.1%}; bound {bound:,.0f} MB)"
    )
    print(f"store memory: ready {store_ready:,.0f} MB, after the last round {rows[-1][2]:,.0f} MB")
    checks = [
        ("API memory flat after warm-up", growth <= bound),
        ("no errors", not errors),
    ]
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
