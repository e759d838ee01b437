"""TCP_NODELAY on the connections of a multi-worker server (api/protocol.py).

Reproduces uvicorn's ``--workers N`` path: the listener comes from ``Config.bind_socket``
(``proto`` 0), so asyncio leaves Nagle's algorithm on for accepted sockets (uvicorn
issue #3149); the protocol must turn it off itself.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.config import Config
from uvicorn.server import ServerState

from api.protocol import NoDelayH11Protocol


async def _app(scope: dict, receive: object, send: object) -> None:  # pragma: no cover - never called
    raise AssertionError("no request is sent")


def _accepted_nodelay(protocol: type[asyncio.Protocol] | None) -> int:
    """TCP_NODELAY of the server side of one connection accepted on a uvicorn-bound listener."""
    config = Config(_app, host="127.0.0.1", port=0, log_level="warning")
    config.load()
    listener = config.bind_socket()
    seen: list[int] = []

    def make_inner() -> asyncio.Protocol | None:
        if protocol is None:
            return None
        return protocol(config=config, server_state=ServerState(), app_state={})  # type: ignore[call-arg]

    class Probe(asyncio.Protocol):
        def __init__(self) -> None:
            self.inner = make_inner()

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            if self.inner is not None:
                self.inner.connection_made(transport)
            sock = transport.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            if self.inner is not None:
                self.inner.connection_lost(None)
            transport.close()

    async def run() -> None:
        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        port = listener.getsockname()[1]
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(run())
    return seen[0]


def test_uvicorn_bound_listener_leaves_nagle_on() -> None:
    # the bug being worked around; if uvicorn fixes it, this test says so
    assert _accepted_nodelay(None) == 0


def test_nodelay_protocol_turns_nagle_off() -> None:
    assert _accepted_nodelay(NoDelayH11Protocol) != 0
