"""The explorer's view model (expected values follow from the small inputs written here)."""

from __future__ import annotations

import networkx as nx
import pytest

from ontology.schema import GraphSchema, NodeType, PropertySpec
from viz.legend import legend
from viz.view import build_view


@pytest.fixture
def schema() -> GraphSchema:
    name = PropertySpec("name", "urn:name")
    name_zh = PropertySpec("name_zh", "urn:name_zh")
    country_zh = PropertySpec("nameZh", "urn:nameZh")
    return GraphSchema.build(
        [
            NodeType("Country", "urn:C", "id", "Country", ("Country",), (name, country_zh)),
            NodeType("Institution", "urn:I", "id", "Institution", ("Institution",), (name_zh, name)),
            NodeType("Centre", "urn:T", "id", "Institution", ("Centre", "Institution"), (name_zh, name)),
        ],
        [],
    )


def test_legend_is_deterministic_and_distinct(schema: GraphSchema) -> None:
    first, second = legend(schema), legend(schema)
    assert first == second
    assert len({e.color for e in first.values()}) == 3
    assert first["Centre"].root == "Institution"


def test_node_gets_most_specific_type_and_english_name(schema: GraphSchema) -> None:
    view = build_view(
        [
            {
                "id": "Institution:CATTC",
                "labels": ["Institution", "Centre"],
                "properties": {"name": "China-ASEAN TTC", "name_zh": "中国—东盟技术转移中心"},
            }
        ],
        [],
        schema,
    )
    (node,) = view.nodes
    assert node.type == "Centre"
    assert node.name == "China-ASEAN TTC"
    assert node.color == legend(schema)["Centre"].color


def test_node_carries_its_chinese_name_where_it_has_one(schema: GraphSchema) -> None:
    # the explorer draws `name_zh` in its Chinese edition; the values are the inputs written here
    view = build_view(
        [
            {"id": "Country:TH", "labels": ["Country"], "properties": {"name": "Thailand", "nameZh": "泰国"}},
            {"id": "Country:XX", "labels": ["Country"], "properties": {"name": "Nowhere", "nameZh": ""}},
            {"id": "Country:YY", "labels": ["Country"], "properties": {"nameZh": "某国"}},
        ],
        [],
        schema,
    )
    th, xx, yy = view.to_json()["nodes"]
    assert (th["name"], th["name_zh"]) == ("Thailand", "泰国")
    assert (xx["name"], xx["name_zh"]) == ("Nowhere", None)  # an empty Chinese name is none
    assert (yy["name"], yy["name_zh"]) == ("某国", "某国")  # no English name: the Chinese one is the name
    large = build_view(
        [{"id": "Country:TH", "labels": ["Country"], "properties": {"name": "Thailand", "nameZh": "泰国"}}],
        [],
        schema,
        layout_threshold=0,
    )
    assert large.nodes[0].name_zh == "泰国" and large.nodes[0].x is not None  # kept with server positions


def test_markup_in_names_is_kept_as_data(schema: GraphSchema) -> None:
    evil = "<img src=x onerror=alert(1)>"
    view = build_view([{"id": "Country:XX", "labels": ["Country"], "properties": {"name": evil}}], [], schema)
    assert view.nodes[0].name == evil  # the page renders it with textContent
    assert view.to_json()["nodes"][0]["name"] == evil


def test_dangling_and_duplicate_edges_are_dropped(schema: GraphSchema) -> None:
    nodes = [{"id": i, "labels": ["Country"], "properties": {}} for i in ("a", "b")]
    edges = [
        {"source": "a", "target": "b", "type": "T"},
        {"source": "a", "target": "b", "type": "T"},
        {"source": "a", "target": "zz", "type": "T"},
    ]
    view = build_view(nodes, edges, schema)
    assert [(e.source, e.target) for e in view.edges] == [("a", "b")]


def test_large_views_get_server_positions(schema: GraphSchema) -> None:
    G = nx.barabasi_albert_graph(400, 2, seed=3)
    nodes = [{"id": str(n), "labels": ["Country"], "properties": {}} for n in G]
    edges = [{"source": str(u), "target": str(v), "type": "T"} for u, v in G.edges()]
    small = build_view(nodes[:50], edges, schema, layout_threshold=300)
    large = build_view(nodes, edges, schema, layout_threshold=300)
    assert small.physics and small.nodes[0].x is None
    assert not large.physics
    assert all(n.x is not None and n.y is not None for n in large.nodes)
    # positions differ (not all piled on one point)
    assert len({(round(n.x or 0), round(n.y or 0)) for n in large.nodes}) > 350
