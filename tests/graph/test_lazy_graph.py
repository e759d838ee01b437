"""`LazyDiGraph`: ties built on first read, and a whole suite run that never reads them."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph.analytics._sparse import tie_count
from graph.analytics.actors import actor_network
from graph.analytics.params import AnalysisParams
from graph.analytics.registry import REGISTRY, Session
from graph.lazy_graph import LazyDiGraph


def _lazy() -> tuple[LazyDiGraph, list[int]]:
    G = LazyDiGraph()
    G.add_nodes_from("abc")
    calls: list[int] = []

    def ties() -> tuple[
        dict[object, dict[object, dict[str, int]]], dict[object, dict[object, dict[str, int]]]
    ]:
        calls.append(1)
        tie = {"weight": 3}
        return {"a": {"b": tie}, "b": {}, "c": {}}, {"a": {}, "b": {"a": tie}, "c": {}}

    G.defer_ties(ties)
    return G, calls


def test_ties_are_built_once_on_first_read_and_equal_an_eager_graph() -> None:
    G, calls = _lazy()
    assert not G.ties_built and calls == []
    eager = nx.DiGraph()
    eager.add_nodes_from("abc")
    eager.add_edge("a", "b", weight=3)
    assert list(G.pred["b"]) == ["a"] and calls == [1]
    assert list(G.edges(data=True)) == list(eager.edges(data=True))
    assert dict(G.degree()) == dict(eager.degree()) and calls == [1]
    assert nx.pagerank(G) == pytest.approx(nx.pagerank(eager))


@pytest.mark.parametrize("synthetic", [False, True])
def test_the_suite_leaves_the_ties_unbuilt(bundle_graph: nx.MultiDiGraph, synthetic: bool) -> None:
    # every analysis of the registry, as `run_suite` computes them, reads the actor network
    # through its arrays: its tie dicts (1.8 million on the 1M-relationship benchmark) stay unbuilt
    session = Session(bundle_graph)
    params = AnalysisParams(synthetic=synthetic)
    for analysis in REGISTRY:
        session.result(analysis, params)
    A = session.actors(params)
    assert isinstance(A, LazyDiGraph)
    assert not A.ties_built
    counted = tie_count(A)
    assert not A.ties_built
    assert counted == A.number_of_edges() > 0  # now built, the same count


def test_actor_network_is_lazy_and_frozen() -> None:
    G = nx.MultiDiGraph()
    G.add_node("Institution:a", labels=("Institution",), key="a", props={})
    G.add_node("Institution:b", labels=("Institution",), key="b", props={})
    G.add_edge("Institution:a", "Institution:b", key="OPERATED_BY", type="OPERATED_BY")
    A = actor_network(G)
    assert isinstance(A, LazyDiGraph) and not A.ties_built and nx.is_frozen(A)
    assert list(A.edges(data=True)) == [
        ("Institution:a", "Institution:b", {"weight": 1, "types": ["OPERATED_BY"]})
    ]


def test_readers_in_several_threads_all_see_the_built_ties() -> None:
    import threading
    import time

    G = LazyDiGraph()
    G.add_nodes_from(range(3))

    def slow() -> tuple[
        dict[object, dict[object, dict[str, int]]], dict[object, dict[object, dict[str, int]]]
    ]:
        time.sleep(0.2)  # a reader arriving meanwhile must wait, not read empty dicts
        return {0: {1: {}}, 1: {}, 2: {}}, {0: {}, 1: {0: {}}, 2: {}}

    G.defer_ties(slow)
    seen: list[int] = []
    threads = [threading.Thread(target=lambda: seen.append(G.number_of_edges())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [1, 1, 1, 1]


@pytest.mark.parametrize("synthetic", [False, True])
def test_the_suite_leaves_the_projection_unbuilt(bundle_data_dir: Path, synthetic: bool) -> None:
    # as `analyze` projects (no relationship properties; the stages from their own query),
    # every analysis reads the projection and the population through their arrays: their
    # relationship dicts (a million on the 1M-relationship benchmark) stay unbuilt, and the
    # results are those of the same projection with its dicts built before the run
    from graph.backends import open_store
    from graph.claims import relationship_stages
    from graph.config import StoreSettings
    from graph.lazy_graph import LazyMultiDiGraph, ties_built
    from ontology.derive import load_schema

    store = open_store(StoreSettings(_env_file=None, data_dir=bundle_data_dir), load_schema(), read_only=True)
    try:
        lazy, built = store.to_networkx(properties=False), store.to_networkx(properties=False)
        claims = relationship_stages(store)
    finally:
        store.close()
    assert isinstance(lazy, LazyMultiDiGraph) and built.number_of_edges() > 0 and built.ties_built
    params = AnalysisParams(synthetic=synthetic)
    results, populations = {}, {}
    for G in (lazy, built):
        session = Session(G, claims=claims)
        results[G] = [session.result(analysis, params) for analysis in REGISTRY]
        populations[G], summary = session.population(params)
        assert populations[G] is not G and summary.relationships_left_out > 0  # planned bodies…
    assert not lazy.ties_built and not ties_built(populations[lazy])
    assert results[lazy] == results[built] and len(results[lazy]) == len(REGISTRY)
