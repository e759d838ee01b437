"""API load benchmark: a real ``transfernet serve`` on the generator's 1M-relationship graph.

``python benchmarks/api.py`` prepares (once, cached in ``--data-dir``) an embedded store
holding the bundled real dataset plus the generator's synthetic network (100k nodes /
1M relationships by default), starts ``transfernet serve --workers 2`` on 127.0.0.1,
waits until both workers have their projection, then runs ``--clients`` (32)
concurrent keep-alive clients for ``--seconds`` (60) on a mixed workload:

* entity GET ``/api/v1/entities/{type}/{key}`` (target p50 ≤ 10 ms, p99 ≤ 100 ms);
* 2-hop neighbourhood ``/api/v1/graph/neighbourhood?depth=2`` (p99 ≤ 200 ms);
* shortest path ``/api/v1/graph/path`` between two random nodes (p99 ≤ 500 ms);

and prints p50/p90/p99/max per kind, throughput and errors (target: zero).  By default
the clients run a closed loop (each sends its next request as soon as the answer
arrives: the server's saturation, where latency is about clients / throughput);
``--think-ms`` gives each client an exponential think time, like people using the
explorer (before its first request too, so the clients do not start in one burst).  The
reference measured in the same run is the cheapest route the server has, liveness
(``/api/v1/health/live``), so the ratios show what each kind costs above the HTTP
stack itself.  The load generator shares the machine's cores with the server: its own
CPU time is printed too.  Traffic goes to 127.0.0.1 only; the run is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import httpx
import numpy as np

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-c", "from api.cli import main; main()"]


def _run(args: list[str], env: dict[str, str]) -> None:
    print("$ transfernet", " ".join(args), flush=True)
    subprocess.run([*CLI, *args], env=env, check=True, cwd=REPO)


def prepare(data_dir: Path, nodes: int, edges: int, seed: int) -> Path:
    """Load the real bundle and the synthetic network once; return the synthetic folder."""
    marker = data_dir / f"prepared-{nodes}-{edges}-{seed}"
    syn = data_dir / "synthetic"
    if marker.exists():
        return syn
    env = {**os.environ, "TRANSFERNET_DATA_DIR": str(data_dir)}
    t0 = time.perf_counter()
    _run(["stop"], env)
    shutil.rmtree(data_dir, ignore_errors=True)  # a half-prepared store from an interrupted run
    data_dir.mkdir(parents=True)
    _run(["init"], env)
    _run(["load", "--bundle", str(REPO / "data")], env)
    _run(["generate", str(syn), "--nodes", str(nodes), "--edges", str(edges), "--seed", str(seed)], env)
    _run(["load", "--bundle", str(syn)], env)
    _run(["stop"], env)
    marker.touch()
    print(f"prepared {data_dir} in {time.perf_counter() - t0:.0f} s", flush=True)
    return syn


def sample_targets(syn: Path, n: int, seed: int) -> list[tuple[str, str]]:
    """(type, key) pairs of synthetic nodes, read from the generator's node files."""
    rng = random.Random(seed)
    found: list[tuple[str, str]] = []
    for path in sorted(syn.glob("nodes_*.csv")):
        label = path.stem.removeprefix("nodes_")
        with path.open(newline="", encoding="utf-8") as handle:
            keys = [row["id"] for row in csv.DictReader(handle)]
        found.extend((label, k) for k in rng.sample(keys, min(len(keys), max(1, n // 10))))
    rng.shuffle(found)
    return found[:n]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "TRANSFERNET_DATA_DIR": str(data_dir)}
    log = (data_dir / "bench-api-server.log").open("wb")
    proc = subprocess.Popen(
        [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=REPO,
        start_new_session=True,
    )
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(base: str, workers: int, timeout: float = 900) -> float:
    """Wait until every worker reports its projection built; return the seconds waited."""
    t0 = time.monotonic()
    ready_streak = 0
    while time.monotonic() - t0 < timeout:
        try:
            body = httpx.get(f"{base}/api/v1/health/ready", timeout=10).json()
            # Requests land on either worker: many consecutive "ready" answers mean both are.
            ready_streak = ready_streak + 1 if body.get("projection_ready") else 0
            if ready_streak >= 10 * workers:
                return time.monotonic() - t0
        except (httpx.HTTPError, ValueError):
            ready_streak = 0
        time.sleep(0.2)
    raise SystemExit(f"server not ready after {timeout} s (see its log)")


def kind_urls(kind: str, targets: list[tuple[str, str]], rng: random.Random) -> str:
    label, key = rng.choice(targets)
    if kind == "entity":
        return f"/api/v1/entities/{label}/{key}"
    node = f"{_key_label(label)}:{key}"
    if kind == "neighbourhood":
        return f"/api/v1/graph/neighbourhood?id={node}&depth=2"
    if kind == "path":
        other_label, other = rng.choice(targets)
        return f"/api/v1/graph/path?source={node}&target={_key_label(other_label)}:{other}"
    return "/api/v1/health/live"


_KEY_LABELS: dict[str, str] = {}


def _key_label(label: str) -> str:
    if not _KEY_LABELS:
        from ontology.derive import load_schema

        schema = load_schema()
        _KEY_LABELS.update({t.label: t.key_label for t in schema.nodes.values()})
    return _KEY_LABELS[label]


async def load(
    base: str,
    targets: list[tuple[str, str]],
    clients: int,
    seconds: float,
    mix: dict[str, float],
    seed: int,
    think_ms: float = 0.0,
) -> tuple[dict[str, list[float]], dict[str, int], float]:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    kinds, weights = zip(*mix.items(), strict=True)
    stop_at = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(i: int, http: httpx.AsyncClient) -> None:
        rng = random.Random(seed * 1000 + i)
        if think_ms > 0:
            # people do not all click at the same instant: each client starts after a
            # think time of its own (without this, all 32 first requests form one burst
            # that queues for ~250 ms and, at ~1,900 requests a run, is the whole p99)
            await asyncio.sleep(rng.expovariate(1000.0 / think_ms))
        while time.monotonic() < stop_at:
            kind = rng.choices(kinds, weights)[0]
            url = kind_urls(kind, targets, rng)
            t0 = time.perf_counter()
            try:
                response = await http.get(url)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies[kind].append(time.perf_counter() - t0)
            if not ok:
                errors[kind] += 1
            if think_ms > 0:  # a user reading the answer before the next click
                await asyncio.sleep(rng.expovariate(1000.0 / think_ms))

    t0 = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        await asyncio.gather(*(client(i, http) for i in range(clients)))
    return latencies, errors, time.perf_counter() - t0


TARGETS = {"entity": (10.0, 100.0), "neighbourhood": (None, 200.0), "path": (None, 500.0)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/transfernet-bench-api"))
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--edges", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--mix", default="entity=0.6,neighbourhood=0.25,path=0.15")
    ap.add_argument(
        "--think-ms",
        type=float,
        default=0.0,
        help="mean think time between a client's requests (0: closed loop, each client sends "
        "its next request as soon as the last answer arrives)",
    )
    args = ap.parse_args()
    mix = {k: float(v) for k, v in (item.split("=") for item in args.mix.split(","))}
    args.data_dir.mkdir(parents=True, exist_ok=True)
    syn = prepare(args.data_dir, args.nodes, args.edges, args.seed)
    targets = sample_targets(syn, 5000, args.seed)
    proc, base = start_server(args.data_dir, args.workers)
    try:
        waited = wait_ready(base, args.workers)
        print(f"server ready with projections in {waited:.1f} s; {len(targets)} sampled nodes", flush=True)
        ref, ref_errors, _ = asyncio.run(load(base, targets, args.clients, 5, {"live": 1.0}, args.seed))
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        latencies, errors, took = asyncio.run(
            load(base, targets, args.clients, args.seconds, mix, args.seed, args.think_ms)
        )
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        subprocess.run([*CLI, "stop"], env={**os.environ, "TRANSFERNET_DATA_DIR": str(args.data_dir)})
    total = sum(len(v) for v in latencies.values())
    client_cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    ref_p50 = float(np.percentile(ref["live"], 50) * 1000)
    print(
        f"\n{args.clients} clients (think time {args.think_ms:g} ms), {args.workers} workers, "
        f"{took:.0f} s: {total:,} requests "
        f"({total / took:,.0f}/s); load generator CPU {client_cpu:.0f} s ({client_cpu / took:.0%} of a core)"
    )
    print(f"reference: liveness p50 {ref_p50:.1f} ms (errors {sum(ref_errors.values())})")
    header = ("kind", "requests", "errors", "p50 ms", "p90 ms", "p99 ms", "max ms")
    print(f"{header[0]:<14}" + "".join(f"{h:>9}" for h in header[1:]) + "  target")
    for kind, values in latencies.items():
        ms = np.array(values) * 1000
        p50, p90, p99 = np.percentile(ms, [50, 90, 99])
        t50, t99 = TARGETS.get(kind, (None, None))
        verdict = []
        if t50 is not None:
            verdict.append(f"p50≤{t50:g} {'PASS' if p50 <= t50 else 'FAIL'}")
        if t99 is not None:
            verdict.append(f"p99≤{t99:g} {'PASS' if p99 <= t99 else 'FAIL'}")
        print(
            f"{kind:<14}{len(ms):>9,}{errors.get(kind, 0):>9}"
            f"{p50:>9.1f}{p90:>9.1f}{p99:>9.1f}{ms.max():>9.0f}"
            f"  {', '.join(verdict)} ({p50 / ref_p50:.1f}× liveness p50)"
        )
    print(f"errors: {sum(errors.values())} (target 0)")


if __name__ == "__main__":
    main()
