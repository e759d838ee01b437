"""Duplicated branch centres; every expected value is worked out by hand from the graph drawn here."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.analytics.duplicates import duplicate_centres, name_tokens

CENTRE = ["Institution", "TransferCentre"]


def _graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    nodes = [
        ("Country:TH", ["Country"], {"name": "Thailand", "nameZh": "泰国"}),
        ("Country:VN", ["Country"], {"name": "Viet Nam", "nameZh": "越南"}),
        ("Country:CN", ["Country"], {"name": "China", "nameZh": "中国"}),
        ("Institution:GX", [*CENTRE, "NationalTransferCentre"], {"province": "Guangxi"}),
        ("Institution:YN", [*CENTRE, "NationalTransferCentre"], {"province": "Yunnan"}),
        (
            "Institution:a",
            [*CENTRE, "BilateralCentre"],
            {"name": "China-Thailand Technology Transfer Centre", "city": "Bangkok"},
        ),
        ("Institution:b", [*CENTRE, "BranchCentre"], {"nameZh": "中国—泰国技术转移中心", "city": "Bangkok"}),
        (
            "Institution:c",
            [*CENTRE, "BranchCentre"],
            {"name": "Thailand branch centre", "city": "Chiang Mai"},
        ),
        ("Institution:d", [*CENTRE, "BilateralCentre"], {"name": "China-Vietnam TTC"}),
        ("Institution:uni", ["Institution", "University"], {"name": "Mahidol University"}),
        ("Field:2.2", ["Field"], {}),
        ("Field:2.3", ["Field"], {}),
        ("Field:3.1", ["Field"], {}),
    ]
    for node, labels, props in nodes:
        G.add_node(node, labels=labels, key=node.split(":", 1)[1], props=props)
    edges = [
        ("Institution:a", "Country:TH", "HOSTED_IN"),
        ("Institution:b", "Country:TH", "HOSTED_IN"),
        ("Institution:c", "Country:TH", "HOSTED_IN"),
        ("Institution:d", "Country:VN", "HOSTED_IN"),
        ("Institution:a", "Institution:GX", "PARENT_CENTRE"),
        ("Institution:b", "Institution:YN", "PARENT_CENTRE"),
        ("Institution:c", "Institution:GX", "PARENT_CENTRE"),
        ("Institution:d", "Institution:YN", "PARENT_CENTRE"),
        ("Institution:a", "Field:2.2", "COVERS_FIELD"),
        ("Institution:a", "Field:2.3", "COVERS_FIELD"),
        ("Institution:b", "Field:2.2", "COVERS_FIELD"),
        ("Institution:b", "Field:3.1", "COVERS_FIELD"),
        ("Institution:a", "Institution:uni", "HOSTED_BY"),
        ("Institution:b", "Institution:uni", "HOSTED_BY"),
    ]
    for u, v, t in edges:
        G.add_edge(u, v, key=t, type=t)
    return G


def test_cross_parent_pair_in_same_city_is_found_with_its_evidence() -> None:
    clusters = duplicate_centres(_graph(), min_score=0.5)
    assert [c.members for c in clusters] == [("Institution:a", "Institution:b")]
    (pair,) = clusters[0].pairs
    assert pair.shared_hosts == ("TH",)
    assert pair.same_city
    assert pair.shared_fields == ("Field:2.2",)
    assert pair.field_jaccard == pytest.approx(1 / 3, abs=1e-4)  # {2.2} / {2.2, 2.3, 3.1}
    assert pair.shared_partners == ("Institution:uni",)
    assert pair.partner_jaccard == 1.0
    # both names are only the countries and generic words (CN, TH, techtransfer, center): no
    # distinctive token, so the names are no evidence
    assert pair.name_similarity == 0.0
    # 0.35 * 1 (same city) + 0.2 * 1/3 + 0.25 * 1 + 0.2 * 0
    assert pair.score == pytest.approx(0.35 + 0.2 / 3 + 0.25, abs=1e-4)
    assert pair.evidence == ("same city", "shared fields", "shared partners")
    assert (pair.kind, pair.confidence) == ("duplicate", "high")
    assert set(clusters[0].parents) == {"Institution:GX", "Institution:YN"}


def test_same_parent_is_not_a_planning_duplicate() -> None:
    # a and c share Thailand but both belong to the Guangxi centre.
    def pairs(clusters: list) -> set[tuple[str, str]]:
        return {(e.a, e.b) for c in clusters for e in c.pairs}

    apart: list = []
    assert ("Institution:a", "Institution:c") not in pairs(
        duplicate_centres(_graph(), min_score=0.0, co_located=apart)
    )
    assert ("Institution:a", "Institution:c") not in {(e.a, e.b) for e in apart}
    # relaxed, the pair is a candidate; Thailand is all they share (other cities, no shared
    # field or partner, no distinctive name token): co-located, never a duplicate
    relaxed_apart: list = []
    relaxed = duplicate_centres(
        _graph(), min_score=0.0, require_different_parent=False, co_located=relaxed_apart
    )
    assert ("Institution:a", "Institution:c") not in pairs(relaxed)
    assert ("Institution:a", "Institution:c") in {(e.a, e.b) for e in relaxed_apart}


def test_different_host_countries_never_pair() -> None:
    clusters = duplicate_centres(_graph(), min_score=0.0, require_different_parent=False)
    assert all("Institution:d" not in c.members for c in clusters)


def test_sharing_the_host_country_alone_is_co_located_not_duplicated() -> None:
    # b–c: Thailand in different cities, different parents, no shared field or partner, no
    # distinctive name token: score 0.35 * 0.8 = 0.28, but no evidence beyond the host
    apart: list = []
    clusters = duplicate_centres(_graph(), min_score=0.0, co_located=apart)
    assert all("Institution:c" not in c.members for c in clusters)
    (pair,) = [e for e in apart if (e.a, e.b) == ("Institution:b", "Institution:c")]
    assert (pair.kind, pair.confidence, pair.evidence) == ("co-located", "low", ())
    assert pair.score == pytest.approx(0.28, abs=1e-4)


def test_threshold_is_a_parameter() -> None:
    # a–b scores 0.35 + 0.2/3 + 0.25 = 0.6667 (see above)
    assert [c.members for c in duplicate_centres(_graph(), min_score=0.66)] == [
        ("Institution:a", "Institution:b")
    ]
    assert duplicate_centres(_graph(), min_score=0.67) == []


def test_distinctive_name_words_are_evidence() -> None:
    G = _graph()
    G.nodes["Institution:c"]["props"]["name"] = "Thailand PCSIR Kasetsart technology transfer centre"
    G.nodes["Institution:b"]["props"]["name"] = "Kasetsart PCSIR centre"
    pairs = {(e.a, e.b): e for c in duplicate_centres(G, min_score=0.0) for e in c.pairs}
    # b (Yunnan) and c (Guangxi), other cities, no shared field or partner; distinctive tokens
    # {pcsir, kasetsart} on both sides (b's Chinese name adds nothing distinctive)
    pair = pairs[("Institution:b", "Institution:c")]
    assert pair.name_similarity == 1.0 and pair.evidence == ("similar names",)
    assert pair.confidence == "medium"


def test_name_tokens_are_script_independent() -> None:
    names = {"china": "CN", "中国": "CN", "viet nam": "VN", "越南": "VN"}
    assert name_tokens("中国—越南技术转移中心", names) == name_tokens(
        "China–Viet Nam Technology Transfer Centre", names
    )
