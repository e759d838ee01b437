"""`build_networkx` writes the graph that networkx's ``add_edge`` per row builds: the same
nodes, neighbour and key order, parallel keys ``TYPE#n``, and one key dict per pair shared
by both directions."""

from __future__ import annotations

import random
from typing import Any

import networkx as nx
import numpy as np
import pytest

from graph.edge_columns import EdgeColumns
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


@pytest.mark.parametrize("directed", [True, False])
def test_relationship_columns_build_the_graph_their_rows_build(directed: bool) -> None:
    # a backend's integer replies as arrays (`EdgeColumns`), handed over as they are or by a
    # function called once the nodes are built: the graph of the same rows without properties
    schema = load_schema()
    nodes, edges = _rows(schema)
    bare = [(s, d, t, {}) for s, d, t, _ in edges]
    names = ("A", "B")
    columns = EdgeColumns(
        np.array([e[0] for e in edges], dtype=np.int64),
        np.array([e[1] for e in edges], dtype=np.int64),
        np.array([names.index(e[2]) for e in edges], dtype=np.int32),
        names,
    )
    expected = _shape(_add_edge_per_row(schema, nodes, bare, directed))
    assert _shape(build_networkx(schema, nodes, columns, directed=directed)) == expected
    assert _shape(build_networkx(schema, nodes, lambda: columns, directed=directed)) == expected
    assert _shape(build_networkx(schema, nodes, lambda: iter(bare), directed=directed)) == expected


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


def test_a_directed_projection_is_built_on_first_read_and_its_arrays_read_no_dict() -> None:
    from graph.lazy_graph import LazyMultiDiGraph
    from graph.typed_arrays import _build, typed_arrays

    schema = load_schema()
    nodes, edges = _rows(schema)
    G = build_networkx(schema, nodes, edges)
    assert isinstance(G, LazyMultiDiGraph) and not G.ties_built
    t = typed_arrays(G)  # recorded by the build, from the rows
    assert not G.ties_built
    reference = _build(_add_edge_per_row(schema, nodes, edges, True))  # read from the dicts
    assert t.nodes == reference.nodes

    def named(a: Any) -> tuple[list[Any], list[str]]:  # codes may be numbered in another order
        return [a.label_sets[c] for c in a.label_code.tolist()], [a.type_names[k] for k in a.kind.tolist()]

    assert named(t) == named(reference)
    assert t.src.tolist() == reference.src.tolist() and t.dst.tolist() == reference.dst.tolist()
    assert G.number_of_edges() == t.n_edges and G.ties_built


def test_a_projection_changed_after_its_build_gets_new_arrays() -> None:
    from graph.typed_arrays import typed_arrays

    schema = load_schema()
    nodes, edges = _rows(schema)
    G = build_networkx(schema, nodes, edges)
    before = typed_arrays(G).n_edges
    u, v = list(G)[:2]
    G.add_edge(u, v, key="NEW", type="NEW")  # builds the dicts, then adds a pair
    assert typed_arrays(G).n_edges == before + 1
    assert "NEW" in typed_arrays(G).type_names


def test_internal_ids_of_any_kind_and_a_node_read_twice() -> None:
    # Neo4j's internal ids are element-id strings; a node read twice (two rows of one
    # stable id) has its attributes updated, as add_node does
    schema = load_schema()
    nodes, edges = _rows(schema)
    nodes.append((300, nodes[0][1], {**nodes[0][2], "x": "again"}))
    as_text = [(f"4:x:{i}", labels, props) for i, labels, props in nodes]
    text_edges = [(f"4:x:{s}", f"4:x:{d}", t, p) for s, d, t, p in edges]
    by_int = build_networkx(schema, nodes, edges)
    by_text = build_networkx(schema, as_text, text_edges)
    assert _shape(by_int) == _shape(by_text) == _shape(_add_edge_per_row(schema, nodes, edges, True))
    assert by_int.nodes[_identity(schema, 0, nodes[0][1], nodes[0][2])]["props"]["x"] == "again"


def test_a_pickled_projection_carries_its_relationships() -> None:
    import pickle

    schema = load_schema()
    nodes, edges = _rows(schema)
    G = build_networkx(schema, nodes, edges)
    copy = pickle.loads(pickle.dumps(G))
    assert G.ties_built and copy.ties_built  # built to be pickled; the function is not pickled
    assert _shape(copy) == _shape(G)
