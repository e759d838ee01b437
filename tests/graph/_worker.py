"""Subprocess helpers for the reliability tests: ``python _worker.py COMMAND STORE_DIR [ARGS]``.

Nothing runs at import; every command prints progress lines and flushes them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def _store(store_dir: str, **options: object):  # type: ignore[no-untyped-def]
    from conftest import make_schema

    from graph.backends.falkordb.store import FalkorDBStore

    return FalkorDBStore(make_schema(), store_dir, **options)  # type: ignore[arg-type]


def cmd_open(store_dir: str, hold: str = "0") -> None:
    """Open the store, print the server pid, hold for `hold` seconds (or until stdin closes)."""
    store = _store(store_dir)
    store.open()
    print(f"pid {store.server_info.pid}", flush=True)
    if hold == "stdin":
        sys.stdin.read()
    else:
        time.sleep(float(hold))
    store.close()
    print("closed", flush=True)


def cmd_load(store_dir: str, n_batches: str, batch: str) -> None:
    """Load batches of experts + WORKS_AT relationships, one atomic upsert per batch."""
    from ontology.records import NodeRecord, RelationshipRecord

    store = _store(store_dir)
    store.open()
    store.install_schema()
    store.upsert_nodes([NodeRecord("Institution", "home")])
    size = int(batch)
    for b in range(int(n_batches)):
        nodes = [NodeRecord("Expert", f"b{b}-{i}", {"batch": b}) for i in range(size)]
        rels = [
            RelationshipRecord("WORKS_AT", "Expert", f"b{b}-{i}", "Institution", "home", {"batch": b})
            for i in range(size)
        ]
        store.upsert(nodes, rels, atomic=True)
        print(f"batch {b}", flush=True)
    store.close()


def cmd_staged(store_dir: str, n: str) -> None:
    """One big atomic upsert forced through the staged copy (killed by the test)."""
    from ontology.records import NodeRecord, RelationshipRecord

    store = _store(store_dir, atomic_single_query_max=10)
    store.open()
    size = int(n)
    nodes = [NodeRecord("Expert", f"s-{i}", {"batch": -1}) for i in range(size)]
    rels = [RelationshipRecord("WORKS_AT", "Expert", f"s-{i}", "Institution", "home") for i in range(size)]
    print("start", flush=True)
    store.upsert(nodes, rels, atomic=True, batch_size=200)
    print("done", flush=True)
    store.close()


def cmd_big(store_dir: str, n: str) -> None:
    """One atomic upsert of `n` experts and their WORKS_AT relationships with the store's
    defaults (above ``atomic_single_query_max`` it is staged); killed by the test."""
    from ontology.records import NodeRecord, RelationshipRecord

    store = _store(store_dir)
    store.open()
    size = int(n)
    nodes = [NodeRecord("Expert", f"big-{i}", {"batch": -2}) for i in range(size)]
    rels = [RelationshipRecord("WORKS_AT", "Expert", f"big-{i}", "Institution", "home") for i in range(size)]
    print("start", flush=True)
    store.upsert(nodes, rels, atomic=True)
    print("done", flush=True)
    store.close()


def cmd_read(store_dir: str, n: str) -> None:
    """Run `n` read queries and print how many answered."""
    store = _store(store_dir)
    store.open()
    ok = 0
    for _ in range(int(n)):
        rows = store.query("MATCH (e:Expert) RETURN count(e) AS c")
        ok += rows[0]["c"] == 100
    print(f"ok {ok}", flush=True)
    store.close()


if __name__ == "__main__":
    globals()[f"cmd_{sys.argv[1]}"](*sys.argv[2:])
