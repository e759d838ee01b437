"""The append-only file of the embedded server, compacted by the store rather than by redis.

Redis rewrites its AOF by itself when it has doubled (``auto-aof-rewrite-percentage``),
forking from its main loop at a moment nobody chooses, and a ``GRAPH.COPY`` whose fork
meets that child deadlocked FalkorDB 4.16.3 (`graph.backends.falkordb.staging`).  The
embedded server is therefore started with automatic rewrites off, and the store asks
for one itself, with `compact_if_grown`, at the end of a write, while it still holds the
data directory's write lock, the lock every ``GRAPH.COPY`` is made under: a rewrite
and a copy of this store never start together, and the file stays bounded (at most
`GROWTH` times its compacted size, or `MIN_REWRITE_BYTES`).  A store opened for writing
also compacts a grown file it finds (a tail left by an earlier process whose last write
did not cross the bound is replayed at every start until then).  Before the server is
stopped, `settle` lets a running rewrite finish and compacts a grown file: ``SHUTDOWN``
kills a rewrite in progress, and the next start would replay the whole tail (a large
load followed at once by ``transfernet stop``).

Examples
--------
>>> should_rewrite(current=200 << 20, base=150 << 20)
True
>>> should_rewrite(current=200 << 20, base=190 << 20), should_rewrite(current=512 << 10, base=0)
(False, False)
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import redis

__all__ = ["GROWTH", "MIN_REWRITE_BYTES", "child_running", "compact_if_grown", "settle", "should_rewrite"]

#: Rewrite once the file is this many times the size of its last compacted base ...
#: Not redis' 2.0: the tail is replayed query by query at every start, about 2.6 times
#: slower per byte than the base is decoded (1M relationships: an 8.4 MB tail took 1.7 s,
#: the 22 MB graph in the base 1.7 s), so a tail as large as the base almost tripled the
#: start; at 1.1 it adds at most about a quarter.  The rewrite itself runs in the
#: server's child, after the write that grew the file.
GROWTH = 1.1
#: ... and at least this large.  Not redis' default ``auto-aof-rewrite-min-size`` (64 MiB):
#: every command of the embedded store starts the server, which replays the log's tail
#: query by query (a 1.9 MB tail, the CORDIS subset's load, took 2.25 s at every start; its
#: compacted base loads in milliseconds), while rewriting a graph that small takes a few.
MIN_REWRITE_BYTES = 1 << 20
_CHILD_FLAGS = (
    "rdb_bgsave_in_progress",
    "aof_rewrite_in_progress",
    "aof_rewrite_scheduled",  # starts as soon as the running child exits
    "module_fork_in_progress",
)


def child_running(persistence: Mapping[str, Any]) -> bool:
    """Whether ``INFO persistence`` shows a child (snapshot, AOF rewrite, module fork), or one due.

    >>> child_running({"aof_rewrite_in_progress": 0, "module_fork_in_progress": 1})
    True
    """
    return any(int(persistence.get(flag, 0)) for flag in _CHILD_FLAGS)


def should_rewrite(*, current: int, base: int) -> bool:
    """Whether an AOF of `current` bytes whose compacted base had `base` bytes is rewritten."""
    return current >= MIN_REWRITE_BYTES and current >= GROWTH * base


def compact_if_grown(client: redis.Redis) -> bool:
    """Start ``BGREWRITEAOF`` when the AOF has grown (`should_rewrite`) and no child runs.

    Returns whether a rewrite was started.  The rewrite runs in a child of the server;
    a later ``GRAPH.COPY`` waits for it (`graph.backends.falkordb.staging.fork_busy`).
    """
    info = client.info("persistence")
    if not int(info.get("aof_enabled", 0)):
        return False
    if child_running(info):
        return False
    current, base = int(info.get("aof_current_size", 0)), int(info.get("aof_base_size", 0))
    if not should_rewrite(current=current, base=base):
        return False
    client.execute_command("BGREWRITEAOF")
    return True


def settle(client: redis.Redis, timeout_s: float) -> bool:
    """Before a shutdown: wait for a running child, then compact a grown AOF and wait for that.

    Returns whether the file was left compacted (False: `timeout_s` ran out first, and the
    shutdown that follows kills the child; the next start replays the tail, as before).
    """
    deadline = time.monotonic() + timeout_s
    started = False
    while True:
        info = client.info("persistence")
        if not int(info.get("aof_enabled", 0)):
            return True
        if child_running(info):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
            continue
        if started:
            return info.get("aof_last_bgrewrite_status") == "ok"
        current, base = int(info.get("aof_current_size", 0)), int(info.get("aof_base_size", 0))
        if not should_rewrite(current=current, base=base):
            return True
        client.execute_command("BGREWRITEAOF")
        started = True
