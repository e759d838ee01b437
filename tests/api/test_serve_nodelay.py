"""TCP_NODELAY on the connections of a multi-worker server (``transfernet serve --workers N``).

With ``--workers N`` uvicorn binds the listening socket itself (``Config.bind_socket``).
Before uvicorn 0.55 it bound it with ``proto`` 0; asyncio sets ``TCP_NODELAY`` only on
sockets whose ``proto`` is ``IPPROTO_TCP``, so Nagle's algorithm held every keep-alive
response's body until the client's delayed ACK, about 40 ms on Linux (uvicorn #3149;
measured here: entity GET p50 under load 45 ms with it, 7 ms without).  pyproject.toml
requires uvicorn >= 0.55; this test fails if the dependency floor or uvicorn regresses.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.config import Config


async def _app(scope: dict, receive: object, send: object) -> None:  # pragma: no cover - never called
    raise AssertionError("no request is sent")


def _accepted_nodelay() -> int:
    """TCP_NODELAY of the server side of one connection accepted on a uvicorn-bound listener."""
    config = Config(_app, host="127.0.0.1", port=0, log_level="warning")
    config.load()
    listener = config.bind_socket()
    seen: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
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


def test_connections_accepted_on_a_uvicorn_bound_listener_have_nagle_off() -> None:
    assert _accepted_nodelay() != 0
