"""Clients of the embedded server: one retry policy, deadlines, a liveness probe.

A plain redis-py client retries a command that timed out, with backoff: on a server that
stopped answering, a command with a 1 s deadline failed after 14.6 s (measured), the
staging copy's checks and ``GRAPH.COPY`` itself (a 120 s deadline) after many minutes,
and the copy was sent again on every try (seen as a loader hanging for a quarter of an
hour).  The ``falkordb`` client retried nothing: a command in flight when the server was
replaced failed (an idle connection is reconnected by the pool either way).  Every
client of the store therefore uses `RETRY`: a lost connection (a restarted server) is
retried for a few seconds, a timeout never; the caller sees `redis.TimeoutError` after
one deadline.

Examples
--------
>>> RETRY.get_retries()
6
>>> import redis
>>> redis.TimeoutError in RETRY._supported_errors
False
"""

from __future__ import annotations

from typing import Any

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from graph.backends.falkordb.server import ServerInfo, client_address

__all__ = ["RETRY", "answers", "connection_kwargs", "deadline_client"]

#: Retries of every client: on a lost connection only (six times in about 4 s: long
#: enough for a replaced server to come up).
RETRY = Retry(ExponentialBackoff(cap=1.0, base=0.1), 6, supported_errors=(redis.ConnectionError,))


def connection_kwargs(info: ServerInfo, timeout_s: float | None) -> dict[str, Any]:
    """Keyword arguments of a redis (or ``falkordb``) client of `info`'s server.

    The unix socket when its path fits ``sun_path``, else loopback TCP; `timeout_s` bounds
    connecting and every reply (None: no bound); `RETRY` as the retry policy.
    """
    return {
        **client_address(info),
        "socket_timeout": timeout_s,
        "socket_connect_timeout": timeout_s,
        "retry": RETRY,
    }


def deadline_client(info: ServerInfo, timeout_s: float) -> redis.Redis:
    """A connection of its own whose commands fail after `timeout_s` instead of hanging."""
    return redis.Redis(**connection_kwargs(info, timeout_s))


def answers(info: ServerInfo, timeout_s: float = 5.0) -> bool:
    """Whether the server answers ``PING`` within `timeout_s` (on a fresh connection).

    A server whose main thread is stuck (FalkorDB's ``GRAPH.COPY`` fork deadlock, see
    `graph.backends.falkordb.staging`) answers nothing, not even ``PING``; one loading its
    data answers ``LOADING``, and counts as answering.
    """
    client = redis.Redis(**connection_kwargs(info, timeout_s) | {"retry": Retry(ExponentialBackoff(), 0)})
    try:
        return bool(client.ping())
    except redis.BusyLoadingError:
        return True  # a server (just started) loading its data: it answers
    except redis.RedisError:
        return False
    finally:
        client.close()
