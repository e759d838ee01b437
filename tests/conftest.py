"""Session fixtures shared by the suites: the bundled dataset loaded once into a real
embedded store, and a real API server process on 127.0.0.1 serving it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.analytics.suite import run_suite, save_run
from graph.backends import open_store, stop_server
from graph.config import StoreSettings
from loaders.bundle import load_bundle
from ontology.derive import load_schema


@pytest.fixture(scope="session")
def bundle_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory holding the whole bundled dataset and one analysis run."""
    data_dir = tmp_path_factory.mktemp("bundle")
    settings = StoreSettings(_env_file=None, data_dir=data_dir)
    store = open_store(settings, load_schema())
    try:
        store.install_schema()
        reports = load_bundle(store, data_dir / "generated")
        assert all(r.loaded and not r.errors for r in reports), [str(e) for r in reports for e in r.errors]
        save_run(run_suite(store.to_networkx()), settings.runs_dir)
    finally:
        store.close()
    yield data_dir
    stop_server(settings.store_dir)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def api_server(bundle_data_dir: Path) -> Iterator[str]:
    """``transfernet serve`` in its own process; yields its base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "TRANSFERNET_DATA_DIR": str(bundle_data_dir),
        "TRANSFERNET_API_KEYS": "test-key",
        "TRANSFERNET_QUERY_TIMEOUT_MS": "2000",
        "TRANSFERNET_ROW_CAP": "500",
        "TRANSFERNET_MAX_REQUEST_BYTES": "20000",
    }
    log = open(bundle_data_dir / "api-server.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from api.cli import main; main()",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/api/v1/health/ready", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.close()
            raise RuntimeError((bundle_data_dir / "api-server.log").read_text())
        time.sleep(0.3)
    yield base
    process.send_signal(signal.SIGINT)  # what Ctrl-C does
    try:
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        log.close()
