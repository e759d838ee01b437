"""The population's subgraph is the one networkx's own subgraph copy builds, order included."""

from __future__ import annotations

import random

import networkx as nx

from graph.analytics.population import _edge_positions, _induced, select
from graph.typed_arrays import TypedArrays, _build, typed_arrays


def _random_multigraph(seed: int) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    for n in range(60):
        props = {}
        if rng.random() < 0.15:
            props["synthetic"] = True
        if rng.random() < 0.15:
            props["lifecycle"] = rng.choice(["proposed", "planned", "agreed", "closed", "active"])
        G.add_node(f"N:{n}", props=props, labels=("Institution",))
    for _ in range(400):
        u, v = f"N:{rng.randrange(60)}", f"N:{rng.randrange(60)}"
        t = rng.choice(["A", "B", "PARTNER"])
        stage = {"lifecycle": rng.choice(["proposed", "active"])} if rng.random() < 0.2 else {}
        G.add_edge(u, v, key=f"{t}#{rng.randrange(10**9)}", type=t, props=stage)
    return G


def _reference(G: nx.MultiDiGraph, gone: set[str], dropped: list[tuple[str, str, str]]) -> nx.MultiDiGraph:
    H = G.subgraph(n for n in G if n not in gone).copy()
    H.remove_edges_from(dropped)
    return H


def _shape(H: nx.MultiDiGraph) -> tuple[object, ...]:
    """Everything an analysis can see, in iteration order."""
    return (
        list(H.nodes(data=True)),
        [(u, list(nbrs.items())) for u, nbrs in H._succ.items()],
        [(v, list(nbrs.items())) for v, nbrs in H._pred.items()],
        H.graph,
    )


def test_induced_equals_networkx_subgraph_copy() -> None:
    for seed in range(5):
        G = _random_multigraph(seed)
        rng = random.Random(seed)
        gone = {n for n in G if rng.random() < 0.2}
        edges = [(u, v, k) for u, v, k in G.edges(keys=True) if u not in gone and v not in gone]
        dropped = rng.sample(edges, 40)
        t = typed_arrays(G)
        H = _induced(G, t, gone, _edge_positions(G, t, dropped))
        assert not H.ties_built  # built on first read (graph.lazy_graph)
        ref = _reference(G, gone, dropped)
        assert _shape(H) == _shape(ref)
        assert H.number_of_edges() == ref.number_of_edges()
        # the key dicts are shared between both directions, as networkx keeps them
        u, v, _ = next(iter(H.edges(keys=True)))
        assert H._succ[u][v] is H._pred[v][u]


def test_select_counts_what_it_left_out() -> None:
    G = _random_multigraph(7)
    for synthetic in (False, True):
        for scenario in ("established", "as-planned"):
            H, pop = select(G, synthetic=synthetic, scenario=scenario)
            assert pop.nodes == H.number_of_nodes()
            assert pop.relationships == H.number_of_edges()
            assert pop.relationships_left_out == G.number_of_edges() - H.number_of_edges()


def _arrays(t: TypedArrays) -> tuple[object, ...]:
    return (
        t.nodes,
        [t.label_sets[c] for c in t.label_code.tolist()],
        t.src.tolist(),
        t.dst.tolist(),
        [t.type_names[k] for k in t.kind.tolist()],
    )


def test_select_records_the_arrays_of_its_subgraph() -> None:
    # the arrays select derives from G's by masks are those read from the subgraph's dicts,
    # with relationships left out by their own stage (props) or by claims
    for seed in range(4):
        G = _random_multigraph(seed)
        claims = {
            (u, v, d["type"]): d["props"]["lifecycle"]
            for u, v, d in G.edges(data=True)
            if d["props"].get("lifecycle")
        }
        for given in (None, claims):
            for scenario in ("established", "as-planned"):
                H, pop = select(G, synthetic=seed % 2 == 0, scenario=scenario, claims=given)
                assert _arrays(typed_arrays(H)) == _arrays(_build(H))
                assert pop.relationships == H.number_of_edges()


def test_a_session_leaves_out_the_claimed_proposed_partnerships() -> None:
    # analyze projects without relationship properties and passes the stages as claims
    # (graph.claims): the session's population must read them (it did not: a proposed
    # partnership stayed in every run)
    from graph.analytics.params import AnalysisParams
    from graph.analytics.registry import Session

    G = nx.MultiDiGraph()
    for n in ("a", "b", "c"):
        G.add_node(n, labels=("Institution",), props={})
    G.add_edge("a", "b", key="PARTNER", type="PARTNER", props={})
    G.add_edge("b", "c", key="PARTNER", type="PARTNER", props={})
    session = Session(G, claims={("a", "b", "PARTNER"): "proposed", ("b", "c", "PARTNER"): "established"})
    H, pop = session.population(AnalysisParams())
    assert list(H.edges()) == [("b", "c")]
    assert pop.relationships_left_out == 1


def test_the_subgraph_shares_without_changing_the_projection() -> None:
    # the population's graph shares the dicts it does not change with G; G stays as it was
    # and the shared graph is frozen (a change to it would be a change to G)
    G = _random_multigraph(11)
    before = _shape(G)
    H, pop = select(G, synthetic=False)
    assert pop.synthetic_nodes_left_out and nx.is_frozen(H)
    assert _shape(G) == before
    shared = [u for u in H if H._succ[u] is G._succ[u]]
    assert shared  # most nodes keep every successor
    assert all(v in H for u in shared for v in H._succ[u])
