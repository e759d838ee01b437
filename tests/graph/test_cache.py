"""The projection cache: first build blocks, later rebuilds follow the store's changes."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from graph.backends.falkordb.store import FalkorDBStore
from graph.cache import ProjectionCache
from ontology.records import NodeRecord


def _country(code: str) -> NodeRecord:
    return NodeRecord("Country", code, {"name": code, "sources": ["test"]})


def test_first_build_then_reuse(falkordb_store: FalkorDBStore) -> None:
    falkordb_store.upsert_nodes([_country("CN")])
    cache = ProjectionCache(falkordb_store, check_s=3600)
    first = cache.snapshot()
    assert "Country:CN" in first.graph
    assert cache.snapshot() is first  # no change check due yet: same object


def test_change_in_store_is_seen_after_the_check_interval(falkordb_store: FalkorDBStore) -> None:
    falkordb_store.upsert_nodes([_country("CN")])
    cache = ProjectionCache(falkordb_store, check_s=0.0, sync_rebuild_s=0.0)
    before = cache.snapshot()
    falkordb_store.upsert_nodes([_country("TH")])  # as another process would
    served = cache.snapshot()  # the old one is served while the new one builds
    assert served is before
    cache.wait(30)
    assert "Country:TH" in cache.graph
    assert cache.index.search("TH", limit=5)


def test_unchanged_store_is_not_rebuilt(falkordb_store: FalkorDBStore) -> None:
    falkordb_store.upsert_nodes([_country("CN")])
    cache = ProjectionCache(falkordb_store, check_s=0.0)
    first = cache.snapshot()
    cache.snapshot()
    cache.wait(30)
    assert cache.snapshot() is first


def test_invalidate_rebuilds_before_answering_when_builds_are_quick(falkordb_store: FalkorDBStore) -> None:
    falkordb_store.upsert_nodes([_country("CN")])
    cache = ProjectionCache(falkordb_store, check_s=3600, sync_rebuild_s=60)
    cache.snapshot()
    falkordb_store.upsert_nodes([_country("TH")])
    cache.invalidate()
    assert "Country:TH" in cache.graph  # read-your-writes


def test_invalidate_serves_old_projection_when_builds_are_slow(falkordb_store: FalkorDBStore) -> None:
    falkordb_store.upsert_nodes([_country("CN")])
    cache = ProjectionCache(falkordb_store, check_s=3600, sync_rebuild_s=0.0)
    old = cache.snapshot()
    falkordb_store.upsert_nodes([_country("TH")])
    cache.invalidate()
    assert cache.snapshot() is old
    cache.wait(30)
    assert "Country:TH" in cache.graph


def test_failing_fingerprint_keeps_serving(falkordb_store: FalkorDBStore) -> None:
    falkordb_store.upsert_nodes([_country("CN")])
    calls = {"n": 0}

    def flaky() -> int:
        calls["n"] += 1
        if calls["n"] > 1:
            raise RuntimeError("store unreachable")
        return 1

    cache = ProjectionCache(falkordb_store, check_s=0.0, fingerprint=flaky)
    first = cache.snapshot()
    time.sleep(0.01)
    assert cache.snapshot() is first


def test_warm_builds_in_background_and_readers_share_it(falkordb_store: FalkorDBStore) -> None:
    falkordb_store.upsert_nodes([_country("CN")])
    builds = {"n": 0}
    real = falkordb_store.to_networkx

    def counting(**kwargs: object) -> object:
        builds["n"] += 1
        return real(**kwargs)  # type: ignore[arg-type]

    falkordb_store.to_networkx = counting  # type: ignore[method-assign]
    cache = ProjectionCache(falkordb_store, check_s=3600)
    assert not cache.built
    cache.warm()
    assert "Country:CN" in cache.graph  # waits for the warm build instead of starting another
    cache.wait(30)
    assert cache.built
    assert builds["n"] == 1


def test_prepare_hooks_run_on_each_new_projection_before_it_is_served(falkordb_store: FalkorDBStore) -> None:
    falkordb_store.upsert_nodes([_country("CN")])
    prepared: list[set[str]] = []
    cache = ProjectionCache(
        falkordb_store, check_s=3600, sync_rebuild_s=60, prepare=[lambda g: prepared.append(set(g))]
    )
    cache.snapshot()
    assert prepared == [{"Country:CN"}]
    falkordb_store.upsert_nodes([_country("TH")])
    cache.invalidate()
    cache.snapshot()
    assert prepared[-1] == {"Country:CN", "Country:TH"}


def test_a_write_by_another_process_is_in_the_next_answer(falkordb_store: FalkorDBStore) -> None:
    """The default fingerprint is the store's write counter, asked on every request: a write
    through another connection (as ``transfernet load`` would make) is seen at once, a
    property update that keeps the counts too (issue #20)."""
    falkordb_store.upsert_nodes([_country("CN")])
    cache = ProjectionCache(falkordb_store)  # the API's defaults
    assert cache.check_s == 0.0
    assert "Country:TH" not in cache.graph
    other = FalkorDBStore(falkordb_store.schema, falkordb_store.store_dir)
    with other:
        other.upsert_nodes([_country("TH")])
        assert "Country:TH" in cache.graph
        other.upsert_nodes([NodeRecord("Country", "TH", {"name": "Kingdom of Thailand"})])
        assert cache.graph.nodes["Country:TH"]["props"]["name"] == "Kingdom of Thailand"


def test_readers_that_see_one_change_rebuild_once(falkordb_store: FalkorDBStore) -> None:
    falkordb_store.upsert_nodes([_country("CN")])
    cache = ProjectionCache(falkordb_store)
    cache.snapshot()
    builds = []
    project = falkordb_store.to_networkx

    def counted(**kwargs: object) -> object:
        builds.append(1)
        time.sleep(0.2)  # long enough for every reader to arrive during the build
        return project(**kwargs)  # type: ignore[arg-type]

    falkordb_store.to_networkx = counted  # type: ignore[method-assign]
    falkordb_store.upsert_nodes([_country("TH")])
    with ThreadPoolExecutor(8) as pool:
        graphs = list(pool.map(lambda _: cache.graph, range(16)))
    assert all("Country:TH" in g for g in graphs)
    assert len(builds) == 1
