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
