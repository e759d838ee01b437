"""Staging graphs: their names, and dead ones found.

`~graph.backends.falkordb.store.FalkorDBStore.bulk_create` builds a fresh graph under a
staging name and swaps it in with ``MULTI``/``RENAME``; a build that dies leaves its
graph behind, named after its pid, and the next writer to open the store deletes it.
Large atomic upserts no longer copy the graph (``GRAPH.COPY``): they are journaled
(`graph.backends.falkordb.journal`).  ``GRAPH.COPY`` also hung FalkorDB 4.16.3 when its
fork met another child of the server (fixed upstream in 4.16.9); the store makes none.

Examples
--------
>>> name = staging_name("transfernet")
>>> name.startswith(f"transfernet{STAGING}{os.getpid()}_")
True
>>> staging_pid("transfernet", name) == os.getpid(), staging_pid("transfernet", "transfernet")
(True, None)
"""

from __future__ import annotations

import os
import uuid

import redis

from graph.backends.falkordb.aof import child_running
from graph.errors import StoreUnavailable

__all__ = ["STAGING", "ServerHung", "fork_busy", "staging_name", "staging_pid"]

#: Infix of the names of staging copies: ``<graph>__staging__<pid>_<random>``.
STAGING = "__staging__"


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
