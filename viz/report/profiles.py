"""A profile per national centre, like the study's Table 3, computed from the graph.

Each column of Table 3 (entity, platform, network, funding, bilateral centres, events,
projects, training) is counted from relationships the graph holds; the study's own
ticks (``Statistic`` nodes with ``measure`` ``table3_*``) are shown beside them, so a
reader sees where the graph and the study agree and where the graph lacks the record.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from ontology.vocab import NodeLabel, PropertyName, RelType
from viz.report.graphinfo import has_label, label_of, name, placements, props
from viz.report.model import Section, Table

__all__ = ["COLUMNS", "centre_activities", "national_centres", "profiles_section", "study_table3"]

#: Table 3's columns in the study's order, with how the graph evidences each.
COLUMNS: dict[str, str] = {
    "entity": "OPERATED_BY an institution or HAS_SITE a site",
    "platform": "an OnlinePlatform BUILT_BY or OPERATED_BY the centre",
    "network": "countries reached: host countries of its child centres and BILATERAL_PARTNER_OF countries",
    "funding": "FUNDS relationships into the centre",
    "bilateral_centres": "child centres (bilateral, branch or other centres with PARENT_CENTRE to it)",
    "brand_events": "events it ORGANISES",
    "cooperation_projects": "agreements it is PARTY_TO",
    "training": "training courses it ORGANISES",
}


def study_table3(G: nx.MultiDiGraph) -> dict[Any, dict[str, str]]:
    """Centre → {column: value} from the study's Table 3 statistics (``√`` for a tick)."""
    out: dict[Any, dict[str, str]] = defaultdict(dict)
    for u, v, d in G.edges(data=True):
        if d.get("type") == RelType.ABOUT and has_label(G, u, NodeLabel.STATISTIC):
            p = G.nodes[u].get("props", {})
            measure = str(p.get(PropertyName.MEASURE, ""))
            if measure.startswith("table3_"):
                value = str(p.get(PropertyName.VALUE, "") or "")
                out[v][measure.removeprefix("table3_")] = "" if value == "(empty)" else value
    return dict(out)


def national_centres(G: nx.MultiDiGraph) -> list[Any]:
    """National centres, and any institution the study's Table 3 describes, by name."""
    table3 = study_table3(G)
    chosen = {n for n in G if has_label(G, n, NodeLabel.NATIONAL_TRANSFER_CENTRE)} | set(table3)
    return sorted(chosen, key=lambda n: name(G, n))


def _ins(G: nx.MultiDiGraph, node: Any, rel: str) -> list[Any]:
    return sorted({u for u, _, d in G.in_edges(node, data=True) if d.get("type") == rel}, key=str)


def _outs(G: nx.MultiDiGraph, node: Any, rel: str) -> list[Any]:
    return sorted({v for _, v, d in G.out_edges(node, data=True) if d.get("type") == rel}, key=str)


def centre_activities(G: nx.MultiDiGraph, centre: Any) -> dict[str, list[Any]]:
    """The graph's evidence for each Table 3 column (see `COLUMNS`): lists of node ids.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("c", labels=("Institution", "NationalTransferCentre"))
    >>> G.add_node("b", labels=("Institution", "BilateralCentre"))
    >>> G.add_node("Country:EG", labels=("Country",))
    >>> G.add_edge("b", "c", type="PARENT_CENTRE"); G.add_edge("b", "Country:EG", type="HOSTED_IN")
    0
    0
    >>> a = centre_activities(G, "c")
    >>> a["bilateral_centres"], a["network"]
    (['b'], ['Country:EG'])
    """
    children = _ins(G, centre, RelType.PARENT_CENTRE)
    child_hosts = {c for countries in placements(G, children).values() for c in countries}
    partner_countries = {
        u for u in _ins(G, centre, RelType.BILATERAL_PARTNER_OF) if has_label(G, u, NodeLabel.COUNTRY)
    }
    platforms = [
        n
        for n in _ins(G, centre, RelType.BUILT_BY) + _ins(G, centre, RelType.OPERATED_BY)
        if has_label(G, n, NodeLabel.ONLINE_PLATFORM)
    ]
    organised = _outs(G, centre, RelType.ORGANISES)
    return {
        "entity": _outs(G, centre, RelType.OPERATED_BY) + _outs(G, centre, RelType.HAS_SITE),
        "platform": sorted(set(platforms), key=str),
        "network": sorted(child_hosts | partner_countries, key=str),
        "funding": _ins(G, centre, RelType.FUNDS),
        "bilateral_centres": children,
        "brand_events": [n for n in organised if has_label(G, n, NodeLabel.EVENT)],
        "cooperation_projects": _outs(G, centre, RelType.PARTY_TO),
        "training": [n for n in organised if has_label(G, n, NodeLabel.TRAINING_COURSE)],
    }


def _from_study(G: nx.MultiDiGraph, node: Any) -> bool:
    """Whether a node's sources include the study (its text or its tables under data/study/)."""
    return any(
        str(s).startswith(("the study", "data/study/"))
        for s in props(G, node).get(PropertyName.SOURCES, []) or []
    )


def _cell(count: int, study: str | None) -> str:
    graph = str(count) if count else "–"
    if study is None:
        return graph
    return f"{graph} / {study or '·'}"


def profiles_section(G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    """Comparison table plus one subsection per national centre."""
    section = Section(
        "profiles",
        t["profiles"],
        "graph projection: PARENT_CENTRE, HOSTED_IN, OPERATED_BY, HAS_SITE, BUILT_BY, FUNDS, ORGANISES, "
        "PARTY_TO, "
        "BILATERAL_PARTNER_OF; the study's Table 3 (Statistic nodes ABOUT each centre)",
    )
    table3 = study_table3(G)
    centres = national_centres(G)
    columns = list(COLUMNS)
    section.paragraphs.append(
        "Each cell: what the graph records (a count) / the study's Table 3 (√ ticked, · not ticked). "
        "How the graph evidences each column: "
        + "; ".join(f"{c.replace('_', ' ')} = {how}" for c, how in COLUMNS.items())
        + "."
    )
    rows = []
    for centre in centres:
        acts = centre_activities(G, centre)
        study = table3.get(centre)
        rows.append(
            [name(G, centre)]
            + [_cell(len(acts[c]), None if study is None else study.get(c, "")) for c in columns]
        )
    section.tables.append(
        Table(
            t["table3"] + " / " + t["table3_study"],
            ["centre", *(c.replace("_", " ") for c in columns)],
            rows,
            "viz.report.profiles.centre_activities and viz.report.profiles.study_table3",
        )
    )
    ticks = {c: sum(1 for v in row.values() if v == "√") for c, row in table3.items()}
    if ticks:
        section.tables.append(
            Table(
                t["table3_study"] + " — ticks per centre",
                ["centre", "ticks", "established (study)", "funding (study)"],
                [
                    [
                        name(G, c),
                        str(ticks[c]),
                        table3[c].get("established", ""),
                        table3[c].get("funding", ""),
                    ]
                    for c in sorted(table3, key=lambda n: name(G, n))
                ],
                "viz.report.profiles.study_table3: Statistic(measure table3_*) -[ABOUT]-> centre",
            )
        )
    for centre in centres:
        section.subsections.append(_profile(G, centre, table3.get(centre), t))
    return section


def _names(G: nx.MultiDiGraph, nodes: list[Any], limit: int = 12) -> str:
    shown = [name(G, n) for n in nodes[:limit]]
    return (
        ", ".join(shown) + (f" (+{len(nodes) - limit} more)" if len(nodes) > limit else "") if shown else "–"
    )


def _profile(G: nx.MultiDiGraph, centre: Any, study: dict[str, str] | None, t: dict[str, str]) -> Section:
    p = props(G, centre)
    title = name(G, centre) + (f" · {p[PropertyName.NAME_ZH]}" if p.get(PropertyName.NAME_ZH) else "")
    sub = Section(f"profile-{G.nodes[centre].get('key', centre)}", title, f"graph projection: node {centre}")
    place = ", ".join(str(p[k]) for k in (PropertyName.CITY, PropertyName.PROVINCE) if p.get(k))
    sub.paragraphs.append(
        f"{label_of(G, centre)}; established {p.get(PropertyName.ESTABLISHED, '–')}"
        + (f"; {place}" if place else "")
        + f"; built by {_names(G, _outs(G, centre, RelType.BUILT_BY))}"
        + f"; operated by {_names(G, _outs(G, centre, RelType.OPERATED_BY))}."
    )
    acts = centre_activities(G, centre)
    children = _ins(G, centre, RelType.PARENT_CENTRE)
    hosts = placements(G, children)
    rows = [
        [
            c.replace("_", " "),
            str(len(acts[c])),
            _names(G, acts[c]),
            "" if study is None else (study.get(c) or "·"),
        ]
        for c in COLUMNS
    ]
    sub.tables.append(
        Table(
            f"{t['table3']} — {name(G, centre)}",
            ["activity", "graph", "evidence in the graph", "the study"],
            rows,
            f"viz.report.profiles.centre_activities({centre!s})",
        )
    )
    if children:
        in_study = [c for c in children if _from_study(G, c)]
        sub.paragraphs.append(
            f"{len(children)} child centres in the graph; {len(in_study)} of them named by the study"
            + (f" ({', '.join(name(G, c) for c in in_study)})" if in_study else "")
            + "; the others come from the reference list of bilateral centres."
        )
        sub.tables.append(
            Table(
                f"{t['country_centres']} — {name(G, centre)}",
                ["centre", "type", "host country", "status", "named by the study", "sources"],
                [
                    [
                        label_of(G, c),
                        str(G.nodes[c].get("label", "")),
                        ", ".join(name(G, h) for h in sorted(hosts.get(c, ()), key=str)) or "–",
                        str(props(G, c).get(PropertyName.STATUS, "") or ""),
                        "yes" if _from_study(G, c) else "no",
                        "; ".join(props(G, c).get(PropertyName.SOURCES, []) or []),
                    ]
                    for c in children
                ],
                f"graph projection: (c)-[:PARENT_CENTRE]->({centre!s}), "
                "(c)-[:HOSTED_IN|LOCATED_IN]->(Country)",
            )
        )
    return sub
