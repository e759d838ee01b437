"""The HTTP protocol the server runs: uvicorn's h11 protocol with Nagle's algorithm off.

With ``--workers N`` uvicorn binds the listening socket itself with ``proto`` 0; the
accepted sockets inherit it and asyncio only sets ``TCP_NODELAY`` on sockets whose
``proto`` is ``IPPROTO_TCP``.  Nagle's algorithm then holds back a response's body
(sent after its headers) until the client's delayed ACK, about 40 ms on Linux: every
keep-alive request after the first took 44 ms, liveness included (uvicorn issue #3149,
open as of 0.54).  Setting the option on each accepted connection fixes every path.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["NoDelayH11Protocol", "set_nodelay"]


def set_nodelay(transport: asyncio.BaseTransport) -> bool:
    """Turn Nagle's algorithm off on a TCP transport's socket; return whether it was set.

    Examples
    --------
    >>> import asyncio
    >>> class Fake(asyncio.BaseTransport):
    ...     def get_extra_info(self, name, default=None):
    ...         return None
    >>> set_nodelay(Fake())  # not a socket transport: nothing to do
    False
    """
    sock = transport.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return False
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return True
    return False


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol that sets ``TCP_NODELAY`` on every connection it accepts."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)
