"""Coverage gaps on a hand-drawn graph: expected gaps follow from the edges listed here."""

from __future__ import annotations

import networkx as nx

from graph.analytics.coverage import country_coverage, coverage_gaps


def _graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()

    def node(n: str, labels: list[str], **props: object) -> None:
        G.add_node(n, labels=labels, key=n.split(":", 1)[1], props=props)

    for code, bri in [("KE", True), ("TH", True), ("EG", True), ("FR", False), ("CN", False)]:
        node(f"Country:{code}", ["Country"], briMember=bri)
    node("Field:2", ["Field"])
    node("Field:2.2", ["Field"])
    node("Institution:TTC-TH", ["Institution", "TransferCentre", "BilateralCentre"])
    node("Institution:TTC-CN", ["Institution", "TransferCentre", "NationalTransferCentre"])
    node("Institution:cairo-uni", ["Institution", "University"])
    for i, code in enumerate(["KE", "KE", "TH", "EG", "FR"]):
        node(f"TechnologyDemand:d{i}", ["TechnologyDemand"])
        G.add_edge(f"TechnologyDemand:d{i}", f"Country:{code}", type="LOCATED_IN")
        G.add_edge(f"TechnologyDemand:d{i}", "Field:2", type="IN_FIELD")
    node("TechnologyOffer:o", ["TechnologyOffer"])
    edges = [
        ("Field:2.2", "Field:2", "BROADER"),
        ("TechnologyOffer:o", "Country:CN", "LOCATED_IN"),
        ("TechnologyOffer:o", "Field:2.2", "IN_FIELD"),  # narrower than the demanded field 2
        ("Institution:TTC-TH", "Country:TH", "HOSTED_IN"),  # a centre without listed fields serves all
        ("Institution:TTC-CN", "Country:CN", "LOCATED_IN"),
        ("Institution:cairo-uni", "Country:EG", "LOCATED_IN"),
        ("Institution:cairo-uni", "Institution:TTC-CN", "AFFILIATED_WITH"),  # a partner in Egypt
    ]
    for u, v, t in edges:
        G.add_edge(u, v, type=t)
    return G


def test_only_unserved_bri_countries_are_gaps() -> None:
    # KE: 2 demands, no centre, no partner -> gap.  TH has a centre, EG a partner, FR is no BRI member.
    assert [g.to_dict() for g in coverage_gaps(_graph())] == [
        {"country": "KE", "field": "2", "demands": 2, "offers_elsewhere": 1}
    ]


def test_non_members_appear_when_asked() -> None:
    gaps = {(g.country, g.field) for g in coverage_gaps(_graph(), bri_only=False)}
    assert gaps == {("KE", "2"), ("FR", "2")}


def test_country_coverage_lists_centres_and_partners() -> None:
    cov = country_coverage(_graph())
    assert cov["TH"].centres == ("Institution:TTC-TH",)
    assert cov["EG"].partners == ("Institution:cairo-uni",)
    assert cov["KE"].demands == 2
    assert cov["CN"].offers == 1
