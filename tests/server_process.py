"""A real ``transfernet serve`` process on 127.0.0.1 for the HTTP tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

__all__ = ["free_port", "serve_api"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_api(
    data_dir: Path, env: Mapping[str, str] | None = None, *, wait_for: str = "/api/v1/health/ready"
) -> Iterator[str]:
    """Run ``transfernet serve`` on `data_dir` until the block ends; yield its base URL.

    The server's output goes to ``data_dir/api-server.log`` (shown when it fails to
    start); it is stopped with SIGINT, as Ctrl-C would, and killed if it lingers.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = data_dir / "api-server.log"
    full_env = {**os.environ, "TRANSFERNET_DATA_DIR": str(data_dir), **(env or {})}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", "from api.cli import main; main()", "serve",
             "--host", "127.0.0.1", "--port", str(port)],
            env=full_env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    if httpx.get(f"{base}{wait_for}", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log_path.read_text())
                time.sleep(0.3)
            yield base
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            finally:
                if process.poll() is None:
                    process.kill()
