"""Session fixtures shared by the suites: the bundled dataset loaded once into a real
embedded store, and a real API server process on 127.0.0.1 serving it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from graph.analytics.runs import save_run
from graph.analytics.suite import run_suite
from graph.backends import open_store, stop_server
from graph.config import StoreSettings
from loaders.bundle import load_bundle
from ontology.derive import load_schema
from tests.server_process import serve_api


def pytest_configure(config: pytest.Config) -> None:
    """Stores opened by the tests, and by the CLI processes they start, stop with their last
    user: hundreds of temporary stores must not each keep a server up for minutes
    (``server_linger_s``; the tests of lingering set it themselves)."""
    os.environ["TRANSFERNET_SERVER_LINGER_S"] = "0"


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


@pytest.fixture(scope="session")
def bundle_graph(bundle_data_dir: Path) -> nx.MultiDiGraph:
    """The projection of the bundled dataset, made once (tests read it, never change it)."""
    store = open_store(StoreSettings(_env_file=None, data_dir=bundle_data_dir), load_schema(), read_only=True)
    try:
        graph = store.to_networkx()
    finally:
        store.close()
    assert isinstance(graph, nx.MultiDiGraph)
    return graph


@pytest.fixture(scope="session")
def api_server(bundle_data_dir: Path) -> Iterator[str]:
    """``transfernet serve`` in its own process; yields its base URL."""
    env = {
        "TRANSFERNET_API_KEYS": "test-key",
        "TRANSFERNET_QUERY_TIMEOUT_MS": "2000",
        "TRANSFERNET_ROW_CAP": "500",
        "TRANSFERNET_MAX_REQUEST_BYTES": "20000",
    }
    with serve_api(bundle_data_dir, env) as base:
        yield base


#: The CORDIS H2020 subset (organisations, projects and their participations), a collaboration dataset.
CORDIS_DIR = Path(__file__).resolve().parents[1] / "data" / "examples" / "cordis"


@pytest.fixture(scope="session")
def cordis_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory holding the CORDIS example (`data/examples/cordis`), loaded as
    ``transfernet load --bundle data/examples/cordis`` does (compiled SHACL checks)."""
    from loaders.ingest import Shacl

    data_dir = tmp_path_factory.mktemp("cordis")
    settings = StoreSettings(_env_file=None, data_dir=data_dir)
    store = open_store(settings, load_schema())
    try:
        store.install_schema()
        reports = load_bundle(store, data_dir / "generated", root=CORDIS_DIR, shacl=Shacl.COMPILED)
        assert all(r.loaded and not r.errors for r in reports), [str(e) for r in reports for e in r.errors]
    finally:
        store.close()
    yield data_dir
    stop_server(settings.store_dir)


@pytest.fixture(scope="session")
def cordis_server(cordis_data_dir: Path) -> Iterator[str]:
    """``transfernet serve`` on the CORDIS example; yields its base URL."""
    with serve_api(cordis_data_dir) as base:
        yield base
