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
from viz.i18n import N_, _, current, ngettext, num
from viz.report.graphinfo import (
    cite,
    has_label,
    label_of,
    name,
    placements,
    plain_name,
    props,
    stage_name,
    type_name,
)
from viz.report.model import Section, Table

__all__ = ["COLUMNS", "centre_activities", "national_centres", "profiles_section", "study_table3"]

#: Table 3's columns in the study's order, with how the graph evidences each.
COLUMNS: dict[str, str] = {
    "entity": N_("OPERATED_BY an institution or HAS_SITE a site"),
    "platform": N_("an OnlinePlatform BUILT_BY or OPERATED_BY the centre"),
    "network": N_(
        "countries reached: host countries of its child centres and BILATERAL_PARTNER_OF countries"
    ),
    "funding": N_("FUNDS relationships into the centre"),
    "bilateral_centres": N_("child centres (bilateral, branch or other centres with PARENT_CENTRE to it)"),
    "brand_events": N_("events it ORGANISES"),
    "cooperation_projects": N_("agreements it is PARTY_TO"),
    "training": N_("training courses it ORGANISES"),
}

#: Table 3's column names
COLUMN_NAMES: dict[str, str] = {
    "entity": N_("entity"),
    "platform": N_("platform"),
    "network": N_("network"),
    "funding": N_("funding"),
    "bilateral_centres": N_("bilateral centres"),
    "brand_events": N_("brand events"),
    "cooperation_projects": N_("cooperation projects"),
    "training": N_("training"),
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
    return sorted(chosen, key=lambda n: plain_name(G, n))


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
    return f"{graph}\u00a0/\u00a0{study or '·'}"  # no break inside a cell's pair


def profiles_section(G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    """Comparison table plus one subsection per national centre."""
    section = Section(
        "profiles",
        t["profiles"],
        _("graph projection: {types}; the study's Table 3 (Statistic nodes ABOUT each centre)").format(
            types="PARENT_CENTRE, HOSTED_IN, OPERATED_BY, HAS_SITE, BUILT_BY, FUNDS, ORGANISES, PARTY_TO, "
            "BILATERAL_PARTNER_OF"
        ),
    )
    table3 = study_table3(G)
    centres = national_centres(G)
    columns = list(COLUMNS)
    section.paragraphs.append(
        _(
            "Each cell: what the graph records (a count) / the study's Table 3 (√ ticked, · not ticked). "
            "How the graph evidences each column: {columns}."
        ).format(columns=_("; ").join(f"{_(COLUMN_NAMES[c])} = {_(how)}" for c, how in COLUMNS.items()))
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
            [_("centre"), *(_(COLUMN_NAMES[c]) for c in columns)],
            rows,
            "viz.report.profiles.centre_activities" + _(" and ") + "viz.report.profiles.study_table3",
        )
    )
    ticks = {c: sum(1 for v in row.values() if v == "√") for c, row in table3.items()}
    if ticks:
        section.tables.append(
            Table(
                t["table3_study"] + _(" — ticks per centre"),
                [_("centre"), _("ticks"), _("established (study)"), _("funding (study)")],
                [
                    [
                        name(G, c),
                        str(ticks[c]),
                        table3[c].get("established", ""),
                        table3[c].get("funding", ""),
                    ]
                    for c in sorted(table3, key=lambda n: plain_name(G, n))
                ],
                "viz.report.profiles.study_table3: "
                "(:Statistic {measure: 'table3_*'})-[:ABOUT]->(centre:TransferCentre)",
            )
        )
    for centre in centres:
        section.subsections.append(_profile(G, centre, table3.get(centre), t))
    return section


def _names(G: nx.MultiDiGraph, nodes: list[Any], limit: int = 12) -> str:
    shown = [name(G, n) for n in nodes[:limit]]
    return (
        _(", ").join(shown)
        + (_(" (+{n} more)").format(n=num(len(nodes) - limit)) if len(nodes) > limit else "")
        if shown
        else "–"
    )


def _profile(G: nx.MultiDiGraph, centre: Any, study: dict[str, str] | None, t: dict[str, str]) -> Section:
    p = props(G, centre)
    english = str(p.get(PropertyName.NAME) or name(G, centre))
    local = p.get(PropertyName.NAME_ZH)
    title = (
        f"{local} · {english}"
        if local and current().lang == "zh"
        else english + (f" · {local}" if local else "")
    )
    sub = Section(
        f"profile-{G.nodes[centre].get('key', centre)}",
        title,
        _("graph projection: node {node}").format(node=centre),
    )
    place = _(", ").join(str(p[k]) for k in (PropertyName.CITY, PropertyName.PROVINCE) if p.get(k))
    sub.paragraphs.append(
        _("{centre}; established {established}").format(
            centre=label_of(G, centre), established=p.get(PropertyName.ESTABLISHED, "–")
        )
        + (f"; {place}" if place else "")
        + _("; built by {names}").format(names=_names(G, _outs(G, centre, RelType.BUILT_BY)))
        + _("; operated by {names}.").format(names=_names(G, _outs(G, centre, RelType.OPERATED_BY)))
    )
    acts = centre_activities(G, centre)
    children = _ins(G, centre, RelType.PARENT_CENTRE)
    hosts = placements(G, children)
    rows = [
        [
            _(COLUMN_NAMES[c]),
            str(len(acts[c])),
            _names(G, acts[c]),
            "" if study is None else (study.get(c) or "·"),
        ]
        for c in COLUMNS
    ]
    sub.tables.append(
        Table(
            f"{t['table3']} — {name(G, centre)}",
            [_("activity"), _("graph"), _("evidence in the graph"), _("the study")],
            rows,
            f"viz.report.profiles.centre_activities({centre!s})",
        )
    )
    if children:
        in_study = [c for c in children if _from_study(G, c)]
        sub.paragraphs.append(
            ngettext(
                "{n} child centre in the graph; {m} of them named by the study",
                "{n} child centres in the graph; {m} of them named by the study",
                len(children),
            ).format(n=num(len(children)), m=num(len(in_study)))
            + (_(" ({names})").format(names=_(", ").join(name(G, c) for c in in_study)) if in_study else "")
            + _("; the others come from the reference list of bilateral centres.")
        )
        sub.tables.append(
            Table(
                f"{t['country_centres']} — {name(G, centre)}",
                [
                    _("centre"),
                    _("type"),
                    _("host country"),
                    _("stage"),
                    _("status (source's words)"),
                    _("named by the study"),
                    _("sources"),
                ],
                [
                    [
                        label_of(G, c),
                        type_name(str(G.nodes[c].get("label", ""))),
                        _(", ").join(name(G, h) for h in sorted(hosts.get(c, ()), key=str)) or "–",
                        stage_name(str(props(G, c).get(PropertyName.LIFECYCLE) or "")) or "–",
                        str(props(G, c).get(PropertyName.STATUS, "") or ""),
                        _("yes") if _from_study(G, c) else _("no"),
                        _("; ").join(cite(s) for s in props(G, c).get(PropertyName.SOURCES, []) or []),
                    ]
                    for c in children
                ],
                _("graph projection: {pattern}").format(
                    pattern=f"(c)-[:PARENT_CENTRE]->({centre!s}), (c)-[:HOSTED_IN|LOCATED_IN]->(Country)"
                ),
            )
        )
    return sub
