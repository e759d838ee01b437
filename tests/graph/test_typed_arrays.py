"""`graph.typed_arrays`: the arrays the projection records are those read from the graph's
dicts (same node order, relationships in ``G.edges`` order, same label sets and types)."""

from __future__ import annotations

import random
from typing import Any

import networkx as nx
import numpy as np

from graph.projection import build_networkx
from graph.typed_arrays import TypedArrays, _build, typed_arrays
from ontology.derive import load_schema


def _rows() -> tuple[list[Any], list[Any]]:
    rng = random.Random(3)
    schema = load_schema()
    labels = list(schema.nodes)
    nodes = []
    for i in range(300):
        nt = schema.nodes[rng.choice(labels)]
        # every 50th row repeats an earlier key: one node, two internal ids
        nodes.append((i, list(nt.labels), {nt.key: f"k{i - i % 50 if i % 50 == 7 else i}"}))
    # ids up to 309: some relationships end outside the projection and are skipped;
    # parallel relationships of one type become keys TYPE#2...
    edges = [(rng.randrange(310), rng.randrange(300), rng.choice(["A", "B", "C"]), {}) for _ in range(4000)]
    return nodes, edges


def _as_lists(t: TypedArrays) -> tuple[object, ...]:
    labels = [t.label_sets[c] for c in t.label_code.tolist()]
    kinds = [t.type_names[k] for k in t.kind.tolist()]
    return t.nodes, labels, t.src.tolist(), t.dst.tolist(), kinds


def test_recorded_arrays_are_the_graphs() -> None:
    nodes, edges = _rows()
    G = build_networkx(load_schema(), nodes, edges)
    assert isinstance(G, nx.MultiDiGraph)
    recorded = typed_arrays(G)
    read = _build(G)  # what walking the dicts gives
    assert _as_lists(recorded) == _as_lists(read)
    # and the dicts in G.edges order, spelled out
    assert [
        (recorded.nodes[u], recorded.nodes[v]) for u, v in zip(recorded.src, recorded.dst, strict=True)
    ] == [(u, v) for u, v in G.edges()]


def test_a_changed_graph_gets_new_arrays() -> None:
    nodes, edges = _rows()
    G = build_networkx(load_schema(), nodes, edges)
    assert isinstance(G, nx.MultiDiGraph)
    before = typed_arrays(G)
    G.add_edge("new", "other", type="A")
    after = typed_arrays(G)
    assert after is not before and after.n_edges == before.n_edges + 1


def test_masked_is_the_induced_subgraph() -> None:
    nodes, edges = _rows()
    G = build_networkx(load_schema(), nodes, edges)
    assert isinstance(G, nx.MultiDiGraph)
    t = typed_arrays(G)
    keep = np.arange(t.n_nodes) % 3 != 0
    edges_kept = keep[t.src] & keep[t.dst]
    H = G.subgraph([n for n, k in zip(t.nodes, keep, strict=True) if k]).copy()
    assert _as_lists(t.masked(keep, edges_kept)) == _as_lists(_build(H))
