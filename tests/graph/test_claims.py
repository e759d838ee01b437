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
