"""The network analysis report: one self-contained HTML file and its Markdown twin.

Built from the current graph (its projection) and the latest analysis run.  Every
section says where its numbers come from (the projection, or the run record and the
key inside it); figures are matplotlib SVGs embedded inline, so the file has no
external reference and prints as it shows.  Section titles come in English or
Chinese (``lang``).
"""

from __future__ import annotations

import html
import io
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from ontology.vocab import NodeLabel, PropertyName, RelType

__all__ = ["TITLES", "Report", "Section", "build_report", "render_html", "render_markdown", "write_report"]

TITLES: dict[str, dict[str, str]] = {
    "title": {"en": "Technology-transfer network analysis", "zh": "技术转移网络分析报告"},
    "overview": {"en": "Overview", "zh": "概况"},
    "brokerage": {"en": "Brokers and structural holes", "zh": "技术经纪与结构洞"},
    "duplicates": {"en": "Duplicated branch centres", "zh": "重复建设的分中心"},
    "coverage": {"en": "Coverage gaps", "zh": "覆盖空白"},
    "profiles": {"en": "National centre profiles", "zh": "国家级中心概况"},
    "quality": {"en": "Data quality and provenance", "zh": "数据质量与来源"},
    "methods": {"en": "Methods and parameters", "zh": "方法与参数"},
}


@dataclass(slots=True)
class Section:
    """A report section: paragraphs, tables and figures, with the origin of its numbers."""

    key: str
    title: str
    source: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[str, list[str], list[list[str]]]] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)  # (caption, svg)


@dataclass(slots=True)
class Report:
    """The whole report."""

    title: str
    lang: str
    run_id: str | None
    sections: list[Section]


def _key(G: nx.Graph, node: Any) -> str:
    return str(G.nodes[node].get("key", node))


def _name(G: nx.Graph, node: Any) -> str:
    props = G.nodes[node].get("props", {})
    for prop in (PropertyName.NAME, PropertyName.TITLE, PropertyName.NAME_ZH):
        if isinstance(props.get(prop), str) and props[prop]:
            return str(props[prop])
    return _key(G, node)


def _has(G: nx.Graph, node: Any, label: str) -> bool:
    return label in G.nodes[node].get("labels", ())


def _bar_svg(labels: Sequence[str], values: Sequence[float], title: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "path"  # glyphs as paths: no font needed to view the SVG
    plt.rcParams["font.family"] = ["Noto Sans CJK SC", "DejaVu Sans", "sans-serif"]
    fig, ax = plt.subplots(figsize=(7.5, max(2.0, 0.28 * len(labels) + 0.8)))
    ax.barh(list(labels)[::-1], list(values)[::-1], color="#2f6690")
    ax.set_title(title, fontsize=11)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _overview(G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    section = Section(
        "overview", t["overview"], "graph projection (GraphStore.to_networkx): labels and relationship types"
    )
    by_type = Counter(G.nodes[n].get("label", "") for n in G)
    section.paragraphs.append(
        f"The graph holds {G.number_of_nodes()} nodes and {G.number_of_edges()} relationships."
    )
    section.tables.append(
        (
            "Nodes by type",
            ["type", "nodes"],
            [[k, str(v)] for k, v in sorted(by_type.items(), key=lambda kv: -kv[1])],
        )
    )
    hosts: Counter[str] = Counter()
    for u, v, d in G.edges(data=True):
        placed = d.get("type") in (RelType.HOSTED_IN, RelType.LOCATED_IN)
        if placed and _has(G, u, NodeLabel.TRANSFER_CENTRE) and _has(G, v, NodeLabel.COUNTRY):
            hosts[_name(G, v)] += 1
    if hosts:
        top = hosts.most_common(25)
        section.figures.append(
            (
                "Transfer centres (national, bilateral, branch) by host country",
                _bar_svg([k for k, _ in top], [v for _, v in top], "Transfer centres by host country"),
            )
        )
        section.tables.append(
            ("Transfer centres by host country", ["country", "centres"], [[k, str(v)] for k, v in top])
        )
    return section


def _brokerage(run: Mapping[str, Any], G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    results = run["results"]
    section = Section(
        "brokerage",
        t["brokerage"],
        f"analysis run {run['id']}: results.brokerage, results.structural_holes, results.centrality",
    )
    brokerage = results["brokerage"]
    nodes = brokerage["nodes"]
    roles = brokerage["roles"]
    section.paragraphs.append(
        "Gould–Fernandez brokerage on the actor network "
        f"({run['graph'].get('actors', 0)} institutions and experts, "
        f"{run['graph'].get('actor_ties', 0)} ties), groups by {brokerage['partition']}. "
        "z-scores compare each count with its expectation under random ties (as R sna::brokerage)."
    )
    top = sorted(nodes.items(), key=lambda kv: (-kv[1]["total"], kv[0]))[:15]
    rows = [
        [_label_of(G, n), *(f"{s[r]:g}" for r in roles), f"{s['total']:g}", _fmt(s.get("total_z"))]
        for n, s in top
        if s["total"] > 0
    ]
    section.tables.append(("Top brokers", ["actor", *roles, "total", "z (total)"], rows))
    holes = results["structural_holes"]
    leaders = sorted(
        (
            (n, h)
            for n, h in holes.items()
            if h.get("constraint") is not None and (h.get("effective_size") or 0) >= 2
        ),
        key=lambda kv: (kv[1]["constraint"], kv[0]),
    )[:10]
    section.tables.append(
        (
            "Structural-hole leaders (lowest constraint, effective size ≥ 2)",
            ["actor", "effective size", "efficiency", "constraint", "hierarchy"],
            [
                [
                    _label_of(G, n),
                    _fmt(h["effective_size"]),
                    _fmt(h["efficiency"]),
                    _fmt(h["constraint"]),
                    _fmt(h["hierarchy"]),
                ]
                for n, h in leaders
            ],
        )
    )
    cent = results["centrality"]
    btw = sorted(cent["betweenness"].items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    bound = "exact" if cent["betweenness_exact"] else f"sampled, error ≤ {cent['betweenness_epsilon']:.3f}"
    section.tables.append(
        (
            f"Betweenness ({bound})",
            ["actor", "betweenness"],
            [[_label_of(G, n), _fmt(v)] for n, v in btw if v],
        )
    )
    if rows:
        section.figures.append(
            (
                "Brokerage counts of the top brokers",
                _bar_svg(
                    [r[0][:40] for r in rows[:12]], [float(r[-2]) for r in rows[:12]], "Brokerage (total)"
                ),
            )
        )
    return section


def _label_of(G: nx.Graph, node: str) -> str:
    return f"{_name(G, node)} ({node})" if node in G else node


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _duplicates(run: Mapping[str, Any], G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    section = Section("duplicates", t["duplicates"], f"analysis run {run['id']}: results.duplicates")
    clusters = run["results"]["duplicates"]
    if not clusters:
        section.paragraphs.append(
            "No two centres of different parents share a host country above the threshold."
        )
    for cluster in clusters:
        members = ", ".join(_label_of(G, m) for m in cluster["members"])
        parents = ", ".join(_label_of(G, p) for p in cluster["parents"])
        section.paragraphs.append(
            f"{', '.join(cluster['hosts'])}: {members} — built by {parents} (score {cluster['score']:.2f})."
        )
        rows = [
            [
                f"{p['a']} / {p['b']}",
                ", ".join(p["shared_hosts"]) + (" (same city)" if p["same_city"] else ""),
                f"{p['field_jaccard']:.2f}",
                f"{p['partner_jaccard']:.2f}",
                f"{p['name_similarity']:.2f}",
                f"{p['score']:.2f}",
            ]
            for p in cluster["pairs"]
        ]
        section.tables.append(
            (
                "Evidence",
                ["pair", "shared host", "field overlap", "partner overlap", "name similarity", "score"],
                rows,
            )
        )
        section.paragraphs.append(
            "Recommendation: the parent centres should agree on one centre in this country "
            "(or a clear division of fields and partners) and share its supply–demand information "
            "instead of running both in parallel."
        )
    return section


def _coverage(run: Mapping[str, Any], t: dict[str, str]) -> Section:
    section = Section("coverage", t["coverage"], f"analysis run {run['id']}: results.coverage")
    gaps = run["results"]["coverage"]["gaps"]
    countries = run["results"]["coverage"]["countries"]
    served = sum(1 for c in countries.values() if c["bri_member"] and (c["centres"] or c["partners"]))
    members = sum(1 for c in countries.values() if c["bri_member"])
    section.paragraphs.append(
        f"{served} of {members} Belt and Road countries host a transfer centre or a partner of one."
    )
    if not gaps:
        section.paragraphs.append(
            "No gap can be shown: no technology demand located in an unserved Belt and Road "
            "country is recorded. Load technology demands (your own, or the synthetic sample) to see gaps."
        )
    else:
        section.tables.append(
            (
                "Countries × fields with demand and no centre or partner",
                ["country", "field", "demands", "offers elsewhere"],
                [
                    [g["country"], g["field"], str(g["demands"]), str(g["offers_elsewhere"])]
                    for g in gaps[:50]
                ],
            )
        )
    return section


def _profiles(G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    section = Section(
        "profiles",
        t["profiles"],
        "graph projection: PARENT_CENTRE, ORGANISES, PARTY_TO, FUNDS relationships "
        "and the study's Table 3 statistics",
    )
    activity: dict[str, dict[str, str]] = defaultdict(dict)
    for u, v, d in G.edges(data=True):
        if d.get("type") == RelType.ABOUT and _has(G, u, NodeLabel.STATISTIC):
            measure = str(G.nodes[u].get("props", {}).get(PropertyName.MEASURE, ""))
            if measure.startswith("table3_"):
                activity[v][measure.removeprefix("table3_")] = str(
                    G.nodes[u]["props"].get(PropertyName.VALUE, "")
                )
    columns = sorted({m for a in activity.values() for m in a})
    rows = []
    centres = [n for n in G if _has(G, n, NodeLabel.NATIONAL_TRANSFER_CENTRE) or n in activity]
    for node in sorted(centres, key=str):
        children = sum(1 for _, _, d in G.in_edges(node, data=True) if d.get("type") == RelType.PARENT_CENTRE)
        events = sum(1 for _, _, d in G.out_edges(node, data=True) if d.get("type") == RelType.ORGANISES)
        agreements = sum(1 for _, _, d in G.out_edges(node, data=True) if d.get("type") == RelType.PARTY_TO)
        funding = sum(1 for _, _, d in G.in_edges(node, data=True) if d.get("type") == RelType.FUNDS)
        rows.append(
            [_name(G, node), str(children), str(events), str(agreements), str(funding)]
            + [activity.get(node, {}).get(c, "") for c in columns]
        )
    section.tables.append(
        (
            "National centres",
            ["centre", "bilateral/branch centres", "events", "agreements", "funding", *columns],
            rows,
        )
    )
    return section


def _quality(G: nx.MultiDiGraph, load_reports: Sequence[Mapping[str, Any]], t: dict[str, str]) -> Section:
    section = Section("quality", t["quality"], "graph projection (sources property) and the last load report")
    with_sources = sum(1 for n in G if G.nodes[n].get("props", {}).get(PropertyName.SOURCES))
    rel_sources = sum(1 for _, _, d in G.edges(data=True) if d.get("props", {}).get(PropertyName.SOURCES))
    multi = sum(1 for n in G if len(G.nodes[n].get("props", {}).get(PropertyName.SOURCES, [])) > 1)
    synthetic = sum(1 for n in G if G.nodes[n].get("props", {}).get(PropertyName.SYNTHETIC))
    section.paragraphs.append(
        f"Provenance: {with_sources} of {G.number_of_nodes()} nodes and {rel_sources} of "
        f"{G.number_of_edges()} relationships name their sources; {multi} nodes rest on more than "
        f"one source; {synthetic} nodes are synthetic."
    )
    if load_reports:
        section.tables.append(
            (
                "Last load",
                ["mapping", "rows", "nodes", "relationships", "problems", "loaded"],
                [
                    [
                        Path(r["mapping"]).name,
                        str(r["rows"]),
                        str(r["nodes"]),
                        str(r["relationships"]),
                        str(len(r["errors"])),
                        str(r["loaded"]),
                    ]
                    for r in load_reports
                ],
            )
        )
    return section


def _methods(run: Mapping[str, Any], t: dict[str, str]) -> Section:
    section = Section("methods", t["methods"], f"analysis run {run['id']}")
    section.paragraphs.append(f"Run {run['id']} started {run['started']}.")
    section.tables.append(
        ("Parameters", ["parameter", "value"], [[k, str(v)] for k, v in run["params"].items()])
    )
    section.tables.append(
        ("Timings (s)", ["step", "seconds"], [[k, f"{v:.3f}"] for k, v in run["seconds"].items()])
    )
    return section


def build_report(
    G: nx.MultiDiGraph,
    run: Mapping[str, Any],
    *,
    lang: str = "en",
    load_reports: Sequence[Mapping[str, Any]] = (),
) -> Report:
    """Assemble the report from the projection and a run record (``AnalysisRun.to_dict()``)."""
    if lang not in ("en", "zh"):
        raise ValueError("lang must be 'en' or 'zh'")
    t = {k: v[lang] for k, v in TITLES.items()}
    sections = [
        _overview(G, t),
        _brokerage(run, G, t),
        _duplicates(run, G, t),
        _coverage(run, t),
        _profiles(G, t),
        _quality(G, load_reports, t),
        _methods(run, t),
    ]
    return Report(t["title"], lang, run.get("id"), sections)


def _css() -> str:
    return resources.files("viz").joinpath("static/report.css").read_text(encoding="utf-8")


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page (data escaped, figures inline)."""
    e = html.escape
    parts = [
        f'<!DOCTYPE html><html lang="{e(report.lang)}"><head><meta charset="utf-8">',
        f"<title>{e(report.title)}</title><style>{_css()}</style></head><body>",
        f"<h1>{e(report.title)}</h1>",
    ]
    for section in report.sections:
        parts.append(f'<section id="{e(section.key)}"><h2>{e(section.title)}</h2>')
        parts.append(f'<p class="source">Source: {e(section.source)}</p>')
        parts += [f"<p>{e(p)}</p>" for p in section.paragraphs]
        for caption, svg in section.figures:
            parts.append(f"<figure>{svg}<figcaption>{e(caption)}</figcaption></figure>")
        for caption, header, rows in section.tables:
            parts.append(f"<table><caption>{e(caption)}</caption><thead><tr>")
            parts += [f"<th>{e(h)}</th>" for h in header]
            parts.append("</tr></thead><tbody>")
            for row in rows:
                parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
            parts.append("</tbody></table>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    """The report as Markdown (figures as their tables)."""
    lines = [f"# {report.title}", ""]
    for section in report.sections:
        lines += [f"## {section.title}", "", f"*Source: {section.source}*", ""]
        lines += [p + "\n" for p in section.paragraphs]
        for caption, header, rows in section.tables:
            lines += [f"**{_md(caption)}**", "", "| " + " | ".join(_md(h) for h in header) + " |"]
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
            lines.append("")
    return "\n".join(lines)


def write_report(report: Report, out: str | Path, formats: Sequence[str] = ("html", "md")) -> list[Path]:
    """Write ``out/report.html`` and/or ``out/report.md``; return the paths."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        if fmt == "html":
            path = folder / "report.html"
            path.write_text(render_html(report), encoding="utf-8")
        elif fmt == "md":
            path = folder / "report.md"
            path.write_text(render_markdown(report), encoding="utf-8")
        else:
            raise ValueError(f"unknown report format {fmt!r} (html, md)")
        written.append(path)
    return written
