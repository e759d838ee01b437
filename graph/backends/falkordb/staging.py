"""Staging copies of a graph: ``GRAPH.COPY`` that cannot hang, their names, dead ones found.

A large atomic write goes into a copy of the graph, swapped in at the end with
``MULTI``/``RENAME``; a load that dies leaves its copy behind, named after its pid, and
the next writer to open the store deletes it.

Examples
--------
>>> name = staging_name("transfernet")
>>> name.startswith(f"transfernet{STAGING}{os.getpid()}_")
True
>>> staging_pid("transfernet", name) == os.getpid(), staging_pid("transfernet", "transfernet")
(True, None)
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Callable

import redis

from graph.backends.falkordb.server import MAX_SOCKET_PATH, ServerInfo
from graph.errors import StoreError

__all__ = ["STAGING", "copy_graph", "deadline_client", "fork_busy", "staging_name", "staging_pid"]

#: Infix of the names of staging copies: ``<graph>__staging__<pid>_<random>``.
STAGING = "__staging__"
_COPY_TIMEOUT_S = 120.0  # a copy of the 1.1M-element benchmark graph takes about 3-6 s
_COPY_ATTEMPTS = 3


def staging_name(graph_name: str) -> str:
    """A fresh name for a staging copy of `graph_name` made by this process."""
    return f"{graph_name}{STAGING}{os.getpid()}_{uuid.uuid4().hex[:8]}"


def staging_pid(graph_name: str, key: str) -> int | None:
    """The pid of the process that made staging copy `key` of `graph_name` (None if it is not one)."""
    prefix = f"{graph_name}{STAGING}"
    if not key.startswith(prefix):
        return None
    try:
        return int(key[len(prefix) :].split("_", 1)[0])
    except ValueError:
        return None


def deadline_client(info: ServerInfo, timeout_s: float) -> redis.Redis:
    """A connection of its own whose commands fail after `timeout_s` instead of hanging."""
    if len(info.socket) <= MAX_SOCKET_PATH:
        return redis.Redis(
            unix_socket_path=info.socket, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
        )
    return redis.Redis(
        host="127.0.0.1", port=info.port, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
    )


def fork_busy(client: redis.Redis) -> bool:
    """Whether the server has a child process (snapshot, AOF rewrite, module fork)."""
    info = client.info("persistence")
    return any(
        int(info.get(flag, 0))
        for flag in ("rdb_bgsave_in_progress", "aof_rewrite_in_progress", "module_fork_in_progress")
    )


def copy_graph(
    connect: Callable[[float], redis.Redis],
    busy: Callable[[redis.Redis], bool],
    source: str,
    target: str,
) -> None:
    """``GRAPH.COPY`` that cannot hang.

    The copy forks the server; Redis allows one child at a time, and when the fork
    fails because another child (an AOF rewrite, FalkorDB's fork GC) is running, the
    command has been seen never to answer ("Can't fork for module: File exists" in
    the server log; FalkorDB issues #1056, #1637).  So: wait until no child runs
    (`busy`, usually `fork_busy`), send the copy on a connection of its own with a
    deadline (`connect(timeout_s)`, usually `deadline_client`; the checks too: a server
    in that state answered nothing at all), and on a timeout or a "could not fork" error
    drop the partial target and try again (bounded); then give up with `StoreError`.
    """
    deadline_s = _COPY_TIMEOUT_S
    last: Exception | None = None
    for attempt in range(_COPY_ATTEMPTS):
        client = connect(deadline_s)
        try:
            waited = time.monotonic()
            while busy(client) and time.monotonic() - waited < deadline_s:
                time.sleep(0.05)
            client.execute_command("GRAPH.COPY", source, target)
            return
        except (redis.TimeoutError, redis.ConnectionError, redis.ResponseError) as exc:
            if isinstance(exc, redis.ResponseError) and "fork" not in str(exc).lower():
                raise
            last = exc
            cleanup = connect(5.0)
            with contextlib.suppress(redis.RedisError):
                cleanup.delete(target)
            cleanup.close()
            time.sleep(0.2 * (attempt + 1))
        finally:
            client.close()
    raise StoreError(f"GRAPH.COPY did not complete after {_COPY_ATTEMPTS} attempts: {last}")
