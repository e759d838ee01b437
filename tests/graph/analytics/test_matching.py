"""Supply–demand matching: the field rule by hand, text similarity against scikit-learn."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from graph.analytics.matching import Matcher, broader_closure, char_ngram_tfidf, match_all, match_demand


def _graph() -> nx.MultiDiGraph:
    """Fields R > C > GC (BROADER upwards) and an unrelated field U."""
    G = nx.MultiDiGraph()
    for f in ("R", "C", "GC", "U"):
        G.add_node(f, labels=("Field",), key=f, props={})
    G.add_edge("GC", "C", type="BROADER")
    G.add_edge("C", "R", type="BROADER")
    return G


def _item(
    G: nx.MultiDiGraph, node: str, label: str, field: str, title: str = "", description: str = ""
) -> None:
    G.add_node(node, labels=(label,), key=node, props={"title": title, "description": description})
    G.add_edge(node, field, type="IN_FIELD")


def test_broader_closure_paths() -> None:
    up = broader_closure(_graph())
    assert up["GC"] == {"GC": ("GC",), "C": ("GC", "C"), "R": ("GC", "C", "R")}
    assert up["U"] == {"U": ("U",)}


def test_field_rule_same_or_narrower_scored_by_distance() -> None:
    G = _graph()
    _item(G, "d", "TechnologyDemand", "R")
    for offer, field in (("o_R", "R"), ("o_C", "C"), ("o_GC", "GC"), ("o_U", "U")):
        _item(G, offer, "TechnologyOffer", field)
    got = {m.offer: (m.field_score, m.relation, m.field_path) for m in match_demand(G, "d", text_weight=0.0)}
    # 1 / (1 + BROADER steps from the offer's field up to the demand's): 1, 1/2, 1/3; U unrelated
    assert got == {
        "o_R": (1.0, "same field", ("R",)),
        "o_C": (0.5, "narrower field", ("C", "R")),
        "o_GC": (pytest.approx(1 / 3), "narrower field", ("GC", "C", "R")),
    }
    assert [m.offer for m in match_demand(G, "d", text_weight=0.0)] == ["o_R", "o_C", "o_GC"]


def test_broader_offer_only_on_request() -> None:
    G = _graph()
    _item(G, "d", "TechnologyDemand", "C")
    _item(G, "o", "TechnologyOffer", "R")
    assert match_demand(G, "d", text_weight=0.0) == []
    (m,) = match_demand(G, "d", text_weight=0.0, broader=True)
    # half of 1 / (1 + 1): the offer's field is one step broader
    assert (m.relation, m.field_score, m.field_path) == ("broader field", 0.25, ("R", "C"))


def test_english_chinese_paraphrase_found_by_text_not_by_field() -> None:
    G = _graph()
    _item(G, "d", "TechnologyDemand", "C", "Solar farm maintenance",
          "We need robots to clean 光伏组件 (PV modules) at our solar farm")  # fmt: skip
    _item(G, "o_pv", "TechnologyOffer", "U", "光伏组件清洗机器人",
          "自动清洗光伏组件（PV modules）的机器人，适用于大型 solar farm")  # fmt: skip
    _item(G, "o_rice", "TechnologyOffer", "U", "杂交水稻种子", "高产杂交水稻品种，适用于热带地区")
    assert match_demand(G, "d", text_weight=0.0) == []  # the fields are unrelated
    matches = match_demand(G, "d")
    assert [(m.offer, m.relation, m.field_path) for m in matches] == [("o_pv", "text only", ())]
    m = matches[0]
    assert m.text_score > 0.2
    assert m.score == pytest.approx(0.7 * m.text_score)  # (1 - 0.7) * field 0 + 0.7 * text


def test_tfidf_matches_scikit_learn() -> None:
    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    texts = [
        "Lithium battery packs for electric buses",
        "锂电池 储能系统 battery energy storage",
        "Battery recycling and lithium recovery",
        "",
        "污水处理 MBR membrane bioreactor for wastewater",
        "membrane bioreactor wastewater treatment plants",
    ]
    ours = char_ngram_tfidf(texts)
    ref = sklearn_text.TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True
    ).fit_transform(texts)
    np.testing.assert_allclose((ours @ ours.T).toarray(), (ref @ ref.T).toarray(), atol=1e-9)


def test_match_all_equals_one_by_one() -> None:
    rng = np.random.default_rng(3)
    words = ["solar", "battery", "membrane", "robot", "rice", "vaccine", "光伏", "锂电池", "污水", "疫苗"]
    G = _graph()
    fields = ["R", "C", "GC", "U"]
    for i in range(60):
        _item(G, f"o{i}", "TechnologyOffer", fields[i % 4], " ".join(rng.choice(words, 3)))
    for i in range(20):
        _item(G, f"d{i}", "TechnologyDemand", fields[i % 4], " ".join(rng.choice(words, 3)))
    M = Matcher(G)
    together = M.match_all(5)
    assert set(together) == {f"d{i}" for i in range(20)}
    for d, matches in together.items():
        assert matches == M.match(d, 5)
        assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert {d: len(ms) for d, ms in match_all(G, top_k=1).items()} == dict.fromkeys(together, 1)


def test_unknown_demand_is_refused() -> None:
    with pytest.raises(nx.NodeNotFound):
        match_demand(_graph(), "nope")
