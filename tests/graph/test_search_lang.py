"""`graph.search.NameIndex` names hits in the language asked for (hand-made graph)."""

from __future__ import annotations

import networkx as nx

from graph.search import NameIndex
from ontology.derive import load_schema


def test_hits_are_named_in_the_language_asked_for() -> None:
    G = nx.MultiDiGraph()
    G.add_node("Country:TH", label="Country", key="TH", props={"name": "Thailand", "nameZh": "泰国"})
    G.add_node("Country:XX", label="Country", key="XX", props={"name": "Xland"})  # no Chinese name
    index = NameIndex(G, load_schema())
    assert [h.name for h in index.search("thai")] == ["Thailand"]
    assert [h.name for h in index.search("thai", lang="zh")] == ["泰国"]
    assert [h.name for h in index.search("泰", lang="en")] == ["Thailand"]  # found by its Chinese name
    assert [h.name for h in index.search("xland", lang="zh")] == ["Xland"]  # keeps the name it has


def test_alternative_names_are_searched_and_answers_show_the_full_name() -> None:
    """An alias ("Swiss Federal Institute of Technology", ROR's alias of ETH Zürich) finds the
    node; an answer found by the acronym shows the name, not the acronym."""
    G = nx.MultiDiGraph()
    G.add_node(
        "Institution:eth",
        label="University",
        key="eth",
        props={
            "acronym": "ETH",
            "name": "ETH Zurich",
            "altName": [
                "Swiss Federal Institute of Technology",
                "Eidgenössische Technische Hochschule Zürich",
            ],
        },
    )
    G.add_node(
        "Institution:THU",
        label="University",
        key="THU",
        props={"acronym": "THU", "name": "Tsinghua University"},
    )
    index = NameIndex(G, load_schema())
    hits = index.search("swiss federal institute")
    assert [(h.id, h.name, h.matched) for h in hits] == [
        ("Institution:eth", "ETH Zurich", "Swiss Federal Institute of Technology")
    ]
    assert [h.name for h in index.search("eidgenossische")] == ["ETH Zurich"]  # accents folded
    assert [h.name for h in index.search("THU")] == ["Tsinghua University"]
