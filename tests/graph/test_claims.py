"""Relationship stages from the store stand in for relationship properties in the population."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graph.analytics.population import select
from graph.analytics.suite import run_suite
from graph.backends import open_store
from graph.claims import relationship_stages
from graph.config import StoreSettings
from ontology.derive import load_schema


def test_the_fast_projection_with_claims_analyses_the_same_population(
    bundle_data_dir: Path, bundle_graph: nx.MultiDiGraph
) -> None:
    store = open_store(StoreSettings(_env_file=None, data_dir=bundle_data_dir), load_schema(), read_only=True)
    try:
        fast = store.to_networkx(properties=False)
        claims = relationship_stages(store)
        # every staged relationship, whatever its type: what the per-type queries must all find
        every = next(
            iter(store.stream("MATCH ()-[r]->() WHERE r.lifecycle IS NOT NULL RETURN count(r) AS n"))
        )
    finally:
        store.close()
    # bilateral_centers.csv: the Philippines' talks (proposed) and the mechanism documents (agreed)
    assert claims[("Country:PH", "Institution:CATTC", "BILATERAL_PARTNER_OF")] == "proposed"
    assert claims[("Country:VN", "Institution:CATTC", "BILATERAL_PARTNER_OF")] == "agreed"
    assert every["n"] == len(claims) > 0  # no two staged relationships of one type share both ends
    full, by_props = select(bundle_graph)
    quick, by_claims = select(fast, claims=claims)  # type: ignore[arg-type]
    assert by_claims == by_props and set(quick.edges(keys=True)) == set(full.edges(keys=True))
    assert run_suite(fast, claims=claims).results == run_suite(bundle_graph).results  # type: ignore[arg-type]


def test_a_stage_on_a_relationship_from_outside_its_domain_is_read_too(tmp_path: Path) -> None:
    # each staged type is read from the labels of its domain and counted: a BILATERAL_PARTNER_OF
    # from an Expert (outside its domain, written by hand) sends the type back to a read of every
    # node, which finds it
    store = open_store(StoreSettings(_env_file=None, data_dir=tmp_path), load_schema())
    try:
        store.install_schema()
        store.query(
            "CREATE (:Country {id: 'PH'})-[:BILATERAL_PARTNER_OF {lifecycle: 'proposed'}]->"
            "(:Institution {id: 'C1'})<-[:BILATERAL_PARTNER_OF {lifecycle: 'agreed'}]-(:Expert {id: 'e1'})",
            read_only=False,
        )
        assert relationship_stages(store) == {
            ("Country:PH", "Institution:C1", "BILATERAL_PARTNER_OF"): "proposed",
            ("Expert:e1", "Institution:C1", "BILATERAL_PARTNER_OF"): "agreed",
        }
    finally:
        store.close()
        from graph.backends.falkordb.server import stop_server

        stop_server(tmp_path / "falkordb")
