"""The summary of findings, first in the report: what a planner may act on, each finding with
the population it rests on and the section that holds its detail.

Duplicated centres (with their evidence and confidence), the top brokers with their z-scores
(a z-score only where sna's null model has a spread), the Belt and Road countries that host
no centre and no partner, and the brokerage opportunities.
"""

from __future__ import annotations

import networkx as nx

from graph.analytics.registry import BROKERAGE, COVERAGE, DUPLICATES, OPPORTUNITIES
from graph.analytics.runs import RunRecord
from viz.report.graphinfo import country_node, name, population_note, z_or_share
from viz.report.model import Section, Table

__all__ = ["summary_section"]

_TOP = 5

# The summary's sentences in both languages (the rest of the report's prose is English for now).
_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "finding": "finding",
        "detail": "detail in",
        "duplicates": "{n} duplicated centre clusters on evidence beyond the host country",
        "duplicates_none": "No duplicated centres on evidence beyond the host country",
        "cluster": "{members} in {hosts}: {evidence} (confidence {confidence})",
        "co_located": "{n} pairs of centres of different parents only share a host country (co-located)",
        "brokers": "Top brokers by Gould–Fernandez total (z against sna's null model where it has a "
        "meaning, else their share)",
        "broker": "{name}: {total:g} brokerage roles, {z}",
        "brokers_none": "No actor brokers between groups in this population",
        "uncovered": "{n} of {m} Belt and Road countries host no centre and no partner of one",
        "opportunities": "{n} brokerage opportunities (complementary supply and demand, thin links)",
        "opportunities_none": "No brokerage opportunity: this population holds no technology offers or "
        "demands{synthetic}",
        "synthetic_hint": " (the labelled synthetic sample is loaded but left out: `transfernet analyze "
        "--synthetic` shows how the analysis works on it)",
    },
    "zh": {
        "finding": "发现",
        "detail": "详见",
        "duplicates": "{n}组重复建设的中心（除同一东道国外另有证据）",
        "duplicates_none": "未发现除同一东道国外另有证据的重复建设中心",
        "cluster": "{members}，位于{hosts}：{evidence}（置信度：{confidence}）",
        "co_located": "{n}对不同上级中心的中心仅处于同一东道国（共处一国）",
        "brokers": "主要技术经纪方（Gould–Fernandez总数；零模型有意义时给出z值，否则给出排名比例）",
        "broker": "{name}：经纪角色{total:g}次，{z}",
        "brokers_none": "本数据范围内没有跨组经纪的行动者",
        "uncovered": "{m}个共建“一带一路”国家中有{n}个既无中心也无中心的合作机构",
        "opportunities": "{n}个技术经纪机会（供需互补、联系薄弱）",
        "opportunities_none": "没有技术经纪机会：本数据范围内没有技术供给或需求{synthetic}",
        "synthetic_hint": "（已导入的标注合成样本未计入："
        "`transfernet analyze --synthetic` 可查看分析方法在样本上的效果）",
    },
}


def summary_section(run: RunRecord, G: nx.MultiDiGraph, t: dict[str, str], lang: str = "en") -> Section:
    """The findings that matter, each pointing to its detail section."""
    x = _TEXT[lang]
    section = Section("summary", t["summary"], f"analysis run {run.id}: results (graph.analytics.registry)")
    section.paragraphs.append(population_note(run, lang))
    section.paragraphs.extend(f"Left out: {w}" for w in run.warnings)
    rows: list[list[str]] = []
    duplicates = run.get(DUPLICATES)
    if duplicates is not None:
        clusters = duplicates.clusters
        rows.append(
            [x["duplicates"].format(n=len(clusters)) if clusters else x["duplicates_none"], t["duplicates"]]
        )
        for cluster in clusters[:_TOP]:
            evidence = sorted({kind for pair in cluster.pairs for kind in pair.evidence})
            confidence = "high" if any(p.confidence == "high" for p in cluster.pairs) else "medium"
            rows.append(
                [
                    "· "
                    + x["cluster"].format(
                        members=", ".join(name(G, m) for m in cluster.members),
                        hosts=", ".join(name(G, country_node(h)) for h in cluster.hosts),
                        evidence=", ".join(evidence),
                        confidence=confidence,
                    ),
                    t["duplicates"],
                ]
            )
        if duplicates.co_located:
            rows.append([x["co_located"].format(n=len(duplicates.co_located)), t["duplicates"]])
    brokerage = run.get(BROKERAGE)
    if brokerage is not None:
        ranked = sorted(
            ((n, s) for n, s in brokerage.nodes.items() if s.count("total") > 0),
            key=lambda kv: (-kv[1].count("total"), kv[0]),
        )
        rows.append([x["brokers"] if ranked else x["brokers_none"], t["brokerage"]])
        totals = [s.count("total") for s in brokerage.nodes.values()]
        for node, scores in ranked[:_TOP]:
            z = z_or_share(scores, totals)
            rows.append(
                [
                    "· " + x["broker"].format(name=name(G, node), total=scores.count("total"), z=z),
                    t["brokerage"],
                ]
            )
    coverage = run.get(COVERAGE)
    if coverage is not None:
        members = {c: v for c, v in coverage.countries.items() if v.bri_member}
        uncovered = sorted(
            (name(G, country_node(c)) for c, v in members.items() if not v.centres and not v.partners),
            key=str,
        )
        if members:
            listed = ", ".join(uncovered[:12]) + (" …" if len(uncovered) > 12 else "")
            rows.append(
                [x["uncovered"].format(n=len(uncovered), m=len(members)) + f": {listed}", t["coverage"]]
            )
    opportunities = run.get(OPPORTUNITIES)
    if opportunities is not None:
        if opportunities.pairs:
            rows.append([x["opportunities"].format(n=len(opportunities.pairs)), t["opportunities"]])
        else:
            left_out = bool(run.population and run.population.synthetic_nodes_left_out)
            rows.append(
                [
                    x["opportunities_none"].format(synthetic=x["synthetic_hint"] if left_out else ""),
                    t["opportunities"],
                ]
            )
    section.tables.append(
        Table(
            t["summary"],
            [x["finding"], x["detail"]],
            rows,
            f"run {run.id}: results.duplicates, .brokerage, .coverage, .opportunities (viz.report.summary)",
        )
    )
    return section
