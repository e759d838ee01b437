"""`build_networkx` writes the graph that networkx's ``add_edge`` per row builds: the same
nodes, neighbour and key order, parallel keys ``TYPE#n``, and one key dict per pair shared
by both directions."""

from __future__ import annotations

import random
from typing import Any

import networkx as nx
import pytest

from graph.projection import _identity, build_networkx, node_type_of
from ontology.derive import load_schema
from ontology.schema import GraphSchema


def _rows(schema: GraphSchema) -> tuple[list[Any], list[Any]]:
    rng = random.Random(1)
    labels = list(schema.nodes)
    nodes = []
    for i in range(300):
        nt = schema.nodes[rng.choice(labels)]
        nodes.append((i, list(nt.labels), {nt.key: f"k{i}", "x": i}))
    # ids up to 309: some relationships end outside the projection and are skipped
    edges = [(rng.randrange(310), rng.randrange(300), rng.choice(["A", "B"]), {"p": 1}) for _ in range(3000)]
    return nodes, edges


def _add_edge_per_row(
    schema: GraphSchema, nodes: list[Any], edges: list[Any], directed: bool
) -> nx.MultiGraph:
    """The build as it was: ``add_node`` and ``add_edge`` per row."""
    graph: nx.MultiGraph = nx.MultiDiGraph() if directed else nx.MultiGraph()
    ids = {}
    for internal, labels, props in nodes:
        nt = node_type_of(schema, labels)
        ids[internal] = _identity(schema, internal, labels, props)
        graph.add_node(
            ids[internal],
            label=nt.label if nt else (labels[0] if labels else ""),
            labels=tuple(labels),
            key=props.get(nt.key) if nt else None,
            props=dict(props),
        )
    for src, dst, rel_type, props in edges:
        u, v = ids.get(src), ids.get(dst)
        if u is None or v is None:
            continue
        key, existing = rel_type, graph._adj[u].get(v)
        if existing and key in existing:
            n = 2
            while f"{rel_type}#{n}" in existing:
                n += 1
            key = f"{rel_type}#{n}"
        graph.add_edge(u, v, key=key, type=rel_type, props=dict(props))
    return graph


def _shape(g: nx.MultiGraph) -> tuple[object, ...]:
    inverse = g._pred if g.is_directed() else g._adj
    return (
        list(g.nodes(data=True)),
        [(u, list(n.items())) for u, n in g._adj.items()],
        [(u, list(n.items())) for u, n in inverse.items()],
        g.number_of_edges(),
    )


@pytest.mark.parametrize("directed", [True, False])
def test_build_networkx_equals_add_edge_per_row(directed: bool) -> None:
    schema = load_schema()
    nodes, edges = _rows(schema)
    built = build_networkx(schema, nodes, edges, directed=directed)
    assert _shape(built) == _shape(_add_edge_per_row(schema, nodes, edges, directed))
    u, v = next(iter(built.edges()))
    inverse = built._pred if directed else built._adj
    assert built._adj[u][v] is inverse[v][u]


def test_relationships_without_properties_share_one_read_only_dict_per_type() -> None:
    schema = load_schema()
    nt = schema.nodes["Country"]
    nodes = [(i, list(nt.labels), {nt.key: f"C{i}"}) for i in range(3)]
    edges = [(0, 1, "BORDERS", {}), (1, 2, "BORDERS", {}), (0, 2, "BORDERS", {"since": 1990})]
    G = build_networkx(schema, nodes, edges)
    a = G.edges["Country:C0", "Country:C1", "BORDERS"]
    b = G.edges["Country:C1", "Country:C2", "BORDERS"]
    own = G.edges["Country:C0", "Country:C2", "BORDERS"]
    assert a is b and a == {"type": "BORDERS", "props": {}}
    assert own is not a and own["props"] == {"since": 1990}
    with pytest.raises(TypeError, match="read-only"):
        a["weight"] = 1.0
    with pytest.raises(TypeError, match="read-only"):
        a["props"]["x"] = 1
    own["weight"] = 1.0  # a relationship's own dict stays writable
    assert "weight" not in b
    assert G.copy().edges["Country:C0", "Country:C1", "BORDERS"] is not a  # a copy gets its own
