"""Report sections on small hand-built graphs and run records (expected values by hand)."""

from __future__ import annotations

import base64
import re
from typing import Any

import networkx as nx

from graph.analytics.channels import Channel
from graph.analytics.duplicates import DuplicateCluster, PairEvidence
from graph.analytics.matching import Match
from graph.analytics.opportunities import BrokerCandidate, Opportunity
from graph.analytics.params import AnalysisParams
from graph.analytics.results import (
    BrokerageResult,
    CentralityResult,
    ChannelsResult,
    CommunitiesResult,
    CoverageResult,
    DuplicatesResult,
    OpportunitiesResult,
    RoleScores,
    StructuralHolesResult,
)
from graph.analytics.runs import GraphCounts, RunRecord
from ontology.derive import load_schema
from viz.i18n import titles
from viz.report.build import build
from viz.report.duplicates import recommendation
from viz.report.opportunities import channels_section, opportunities_section
from viz.report.overview import growth_by_year
from viz.report.quality import conflicting_claims
from viz.report.render import figure_files, render_html, render_markdown

T = titles("en")


def _node(G: nx.MultiDiGraph, node: str, *labels: str, **props: Any) -> None:
    G.add_node(
        node, label=labels[0], labels=labels, key=node.split(":", 1)[1], props={"sources": ["t"], **props}
    )


def _graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    _node(G, "Country:KE", "Country", name="Kenya", briMember=True, incomeGroup="Lower middle income")
    _node(G, "Country:TH", "Country", name="Thailand", briMember=True)
    _node(G, "Bloc:BRI", "Bloc", name="Belt and Road Initiative", blocKind="cooperation mechanism")
    G.add_edge("Country:KE", "Bloc:BRI", type="MEMBER_OF", props={"since": 2018, "sources": ["t"]})
    G.add_edge("Country:TH", "Bloc:BRI", type="MEMBER_OF", props={"since": 2017, "sources": ["t"]})
    _node(
        G,
        "Institution:N",
        "NationalTransferCentre",
        "Institution",
        "TransferCentre",
        name="Nat",
        established="2015",
    )
    _node(G, "Institution:B", "BilateralCentre", "Institution", "TransferCentre", name="Bil")
    G.add_edge("Institution:B", "Institution:N", type="PARENT_CENTRE", props={"sources": ["t"]})
    _node(G, "Institution:A", "Institution", name="Alpha")
    _node(G, "TechnologyDemand:d1", "TechnologyDemand", title="Solar pumps")
    _node(G, "TechnologyOffer:o1", "TechnologyOffer", title="PV irrigation")
    return G


def _run(**results: Any) -> RunRecord:
    return RunRecord("r1", "now", AnalysisParams(), GraphCounts(0, 0), results=results)


def _opportunities() -> OpportunitiesResult:
    broker = BrokerCandidate("Institution:N", "CN", 2, 3.0, {}, 0.2)
    return OpportunitiesResult(
        "country", 2, (Opportunity("TH", "KE", "thin", 1, 1, 1, ("Country:KE",), None, 0, (broker,)),)
    )


def _channels() -> ChannelsResult:
    match = Match("TechnologyDemand:d1", "TechnologyOffer:o1", 0.75, 1.0, 0.25, "same", ())
    channel = Channel(
        "TechnologyDemand:d1",
        "TechnologyOffer:o1",
        match,
        ("TechnologyDemand:d1", "Institution:A", "TechnologyOffer:o1"),
        ({"types": ["SEEKS"], "forward": False}, {"types": ["OFFERS"], "forward": True}),
        1,
        ("Institution:A",),
    )
    return ChannelsResult({}, {"TechnologyDemand:d1": (channel,)})


def test_growth_counts_new_items_per_year() -> None:
    # by hand: KE joined 2018, TH 2017 (MEMBER_OF since); one centre established 2015
    assert growth_by_year(_graph()) == {
        "Belt and Road members": {2018: 1, 2017: 1},
        "transfer centres": {2015: 1},
    }


def test_opportunities_and_channels_say_when_they_rest_on_synthetic_items() -> None:
    G = _graph()
    run = _run(opportunities=_opportunities(), channels=_channels())
    opp, chan = opportunities_section(run, G, T), channels_section(run, G, T)
    assert len(opp.figures) == 1 and opp.figures[0].origin.startswith("run r1: results.opportunities")
    assert "<svg" in chan.figures[0].svg
    assert not any("synthetic" in p for p in [*opp.paragraphs, *chan.paragraphs])
    # with a synthetic offer (the demo's labelled sample) the sections say so
    G.nodes["TechnologyOffer:o1"]["props"].update(synthetic=True, seed=0)
    for section in (opportunities_section(run, G, T), channels_section(run, G, T)):
        assert section.paragraphs[0].startswith("Population:")
        assert section.paragraphs[2].startswith(
            "1 of the 2 technology offers and demands in the graph are synthetic"
        )


def test_missing_or_empty_results_say_why() -> None:
    G = nx.MultiDiGraph()
    missing = opportunities_section(_run(), G, T)
    assert "results.opportunities is missing" in missing.paragraphs[1]
    assert "No offers/demands in the data" in missing.paragraphs[2]
    empty = channels_section(_run(channels=ChannelsResult({}, {})), G, T)
    assert empty.paragraphs[1:] == ["No supply–demand channels: no offers/demands in the data."]
    with_data = channels_section(_run(channels=ChannelsResult({}, {})), _graph(), T)
    assert with_data.paragraphs[1:] == ["No supply–demand channels: none found among 1 offers and 1 demands."]


def test_conflicting_claims() -> None:
    G = _graph()
    G.add_edge("Institution:B", "Country:KE", type="HOSTED_IN", props={"sources": ["english.html"]})
    G.add_edge("Institution:B", "Country:TH", type="HOSTED_IN", props={"sources": ["french.html"]})
    _node(G, "Statistic:s", "Statistic", measure="table3_established", value="2016年")
    G.add_edge("Statistic:s", "Institution:N", type="ABOUT", props={"sources": ["t"]})
    conflicts = {c.kind: c for c in conflicting_claims(G)}
    assert conflicts["placed in several countries"].claims == (
        "HOSTED_IN Kenya (english.html)",
        "HOSTED_IN Thailand (french.html)",
    )
    # established 2015 on the centre, 2016 in the (study's) Table 3 statistic
    assert conflicts["year established differs"].claims == (
        "established 2015 (centre record)",
        "2016年 (the study, Table 3)",
    )


def test_recommendation_follows_the_evidence() -> None:
    def cluster(fields: float, name: float = 0.0) -> DuplicateCluster:
        evidence = ("shared fields",) if fields >= 0.25 else ("similar names",)
        pair = PairEvidence(
            "a", "b", ("MY",), False, fields, (), 0.0, (), name, ("p",), ("q",), 0.3, evidence
        )
        return DuplicateCluster(("a", "b"), ("MY",), ("p", "q"), 0.3, (pair,))

    assert recommendation(cluster(0.6)).startswith("Merge or run jointly")
    assert recommendation(cluster(0.2)).startswith("Share")
    # a duplicate always has evidence beyond the host: names alone call for a check, not coordination
    assert recommendation(cluster(0.0, name=0.6)).startswith("Check whether they are one centre")


def test_html_and_markdown_mirror_each_other() -> None:
    G = _graph()
    G.add_edge("Institution:B", "Country:KE", type="HOSTED_IN", props={"sources": ["t"]})
    scores = RoleScores(gatekeeper=2.0, gatekeeper_z=1.5, total=2.0, total_z=1.5)
    run = _run(
        brokerage=BrokerageResult("country", ("gatekeeper", "total"), {"Institution:N": scores}, {}, {}),
        structural_holes=StructuralHolesResult({}),
        centrality=CentralityResult({}, {}, {}, True, 0.0, 0.0, 0),
        communities=CommunitiesResult({}, None, "leiden", "igraph", ()),
        duplicates=DuplicatesResult(()), coverage=CoverageResult((), {}),
    )  # fmt: skip
    report = build(G, run, schema=load_schema(), generated="today")
    html, markdown = render_html(report), render_markdown(report)
    headings = re.findall(r"<h([234])>(.*?)</h\1>", html)
    md_headings = re.findall(r"^(#{2,4}) (.*)$", markdown, flags=re.M)
    assert [t for _, t in headings if t != "Contents"] == [t for _, t in md_headings]
    html_tables = re.findall(r"<caption>(Table \d+)\.", html)
    md_tables = re.findall(r"^\*\*(Table \d+)\.", markdown, flags=re.M)
    assert html_tables == md_tables and len(html_tables) > 5
    html_figures = [
        base64.b64decode(f).decode() for f in re.findall(r'data:image/svg\+xml;base64,([^"]+)"', html)
    ]
    md_figures = re.findall(r"\]\((report_files/figure-\d+\.svg)\)", markdown)
    files = figure_files(report)
    assert md_figures == [f"report_files/{name}" for name in files]  # in the order of the page
    assert html_figures == list(files.values()) and all(f.startswith("<svg") for f in html_figures)


def test_run_record_shapes_of_the_analytics_modules() -> None:
    # the typed results of graph.analytics.opportunities and graph.analytics.channels
    G = _graph()
    run = _run(opportunities=_opportunities(), channels=_channels())
    opp = opportunities_section(run, G, T)
    row = dict(zip(opp.tables[0].header, opp.tables[0].rows[0], strict=True))
    assert (row["supplier"], row["demander"], row["brokers"], row["distance"]) == (
        "Thailand",
        "Kenya",
        "Nat",
        "–",
    )
    assert opp.figures and "results.opportunities" in opp.figures[0].origin
    chan = channels_section(run, G, T)
    row = dict(zip(chan.tables[0].header, chan.tables[0].rows[0], strict=True))
    assert row["demand"] == "Solar pumps" and row["brokers"] == "Alpha" and row["length"] == "2"
    assert row["match"] == "score 0.750, field_score 1.000, text_score 0.250, relation same"
    assert chan.figures
