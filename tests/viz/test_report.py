"""The report of the bundled dataset (real store, real analysis run), checked by content.

Expected facts come from the study (Tian, Yan, Tang, Liu 2024: section 3.2 and Table 3,
``data/study/``), the reference list of centres (``data/reference/china_tech_transfer_centers``)
and the public reference data (World Bank groups, Belt and Road membership); none of them
is a snapshot of the report.
"""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.analytics.registry import BROKERAGE, DUPLICATES
from graph.analytics.runs import RunRecord, latest_run
from ontology.derive import load_schema
from viz.i18n import use
from viz.report import (
    TITLES,
    Report,
    Section,
    UnknownCountryError,
    build,
    render_html,
    render_markdown,
    render_pdf,
    write_report,
)
from viz.report.graphinfo import name as node_name
from viz.report.graphinfo import short_name

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def bundle(
    bundle_data_dir: Path, bundle_graph: nx.MultiDiGraph
) -> Iterator[tuple[nx.MultiDiGraph, RunRecord]]:
    run = latest_run(bundle_data_dir / "runs")
    assert run is not None
    yield bundle_graph, run


def build_report(graph: nx.MultiDiGraph, run: RunRecord, **options: Any) -> Report:
    return build(graph, run, schema=load_schema(), **options)


def build_country_report(graph: nx.MultiDiGraph, run: RunRecord, country: str, **options: Any) -> Report:
    return build(graph, run, schema=load_schema(), country=country, **options)


@pytest.fixture(scope="module")
def report(bundle: tuple[nx.MultiDiGraph, RunRecord]) -> Report:
    graph, run = bundle
    return build_report(graph, run, shacl=True)


@pytest.fixture(scope="module")
def page(report: Report) -> str:
    return render_html(report)


def _section(report: Report, key: str) -> Section:
    return next(s for s in report.all_sections() if s.key == key)


def _text(section: Section) -> str:
    parts = [section.title, *section.paragraphs]
    for table in section.tables:
        parts += [table.caption, *table.header, *(c for row in table.rows for c in row)]
    return "\n".join(parts)


def _rows(section: Section, caption_start: str) -> list[list[str]]:
    return next(t.rows for t in section.tables if t.caption.startswith(caption_start))


def test_every_section_the_issue_asks_for_is_there(report: Report) -> None:
    keys = [s.key for s in report.sections]
    assert keys == [
        "summary", "overview", "brokerage", "communities", "duplicates", "opportunities", "channels",
        "coverage", "profiles", "quality", "methods",
    ]  # fmt: skip
    assert [s.title for s in report.sections] == [TITLES[k] for k in keys]


def test_the_china_arab_states_centre_profile_states_the_studys_bilateral_centres(
    report: Report, bundle: tuple[nx.MultiDiGraph, RunRecord]
) -> None:
    profile = _section(report, "profile-CASTTC")
    rows = _rows(profile, "Centres and bilateral centres")
    # the table names the centres (bilateral_centers.csv name): the names of the study's ids in the graph
    names = {n: d["props"].get("name") for n, d in bundle[0].nodes(data=True)}
    named = sorted(r[0] for r in rows if r[5] == "yes")  # named by the study
    # the study, section 3.2: with the League of Arab States, Saudi Arabia, UAE, Jordan, Oman, Egypt,
    # Morocco and Sudan (8); the reference list adds Qatar and the Nigeria/Niger working base
    study = {f"Institution:CASTTC-{c}" for c in ("LAS", "SA", "AE", "JO", "OM", "EG", "MA", "SD")}
    assert named == sorted(names[n] for n in study)
    # the Nigeria/Niger working base: one name, two records (the host-country column tells them apart)
    everyone = study | {f"Institution:CASTTC-{c}" for c in ("QA", "NG", "NE")}
    assert sorted(r[0] for r in rows) == sorted(names[n] for n in everyone)
    assert "11 child centres in the graph; 8 of them named by the study" in _text(profile)


def test_table_3_ticks_per_centre_are_the_studys(report: Report) -> None:
    rows = _rows(_section(report, "profiles"), "The study's Table 3 — ticks per centre")
    ticks = {r[0]: int(r[1]) for r in rows}
    # the study, Table 3 (data/study/table3_activities.csv): √ per centre
    assert ticks == {
        "BRICS Technology Transfer Center": 5,
        "China-Africa Innovation Cooperation Center": 7,
        "China-Arab States Technology Transfer Center": 7,
        "China-ASEAN Technology Transfer Center": 7,
        "China-CEEC Virtual Technology Transfer Center": 4,
        "China-Latin America and Caribbean (China-LAC) Technology Transfer Center": 3,
        "SCO Member States Technology Transfer Center - China (China-SCO Technology Transfer Center)": 4,
    }
    # the graph's own evidence beside the study's tick: CASTTC has a platform the study ticks
    casttc = _rows(_section(report, "profile-CASTTC"), "Activities computed from the graph")
    platform = next(r for r in casttc if r[0] == "platform")
    assert (
        platform[1] == "1" and "Integrated Information Service Platform" in platform[2] and platform[3] == "√"
    )


def test_overview_counts_growth_and_countries(report: Report, bundle: tuple[nx.MultiDiGraph, Any]) -> None:
    graph, _ = bundle
    overview = _section(report, "overview")
    by_type = {r[0]: r[1] for r in _rows(overview, "Nodes by type")}
    assert by_type["Country"] == "249"  # pycountry: 249 ISO 3166-1 countries
    assert sum(int(v) for v in by_type.values()) == graph.number_of_nodes()
    growth = {r[0]: r[1:] for r in _rows(overview, "Growth over time")}
    # bri_countries: 152 members, the first in 2014 (e.g. Kazakhstan), the last in 2023 (Honduras)
    assert growth["Belt and Road members"] == ["2014", "2023", "152"]
    assert growth["transfer centres"][0] == "2013"  # centers.csv: CATTC established 2013
    countries = {r[0]: r for r in _rows(overview, "Centres and bilateral centres by country")}
    assert countries["China"][1] == "7"  # centers.csv: 7 national centres, all in China
    assert countries["Malaysia"][-1] == "2"  # CATTC-MY (bilateral) and SCOTTC-MY (branch)
    blocs = {r[0]: r[1] for r in _rows(overview, "Countries and centres by bloc")}
    assert blocs["Belt and Road Initiative"] == "152"


def test_brokerage_names_partition_roles_and_z_scores(report: Report, bundle: tuple[Any, Any]) -> None:
    _, run = bundle
    section = _section(report, "brokerage")
    top = _rows(section, "Top brokers")
    scores = run.require(BROKERAGE).nodes
    best = max(scores, key=lambda n: (scores[n].count("total"), n))
    assert top[0][0] == node_name(bundle[0], best)  # the name, not the id
    assert top[0][-1] == f"z {scores[best].total_z:.3f}"  # sna's null model has a spread here
    header = next(t.header for t in section.tables if t.caption.startswith("Top brokers"))
    assert header[1] == run.require(BROKERAGE).partition
    roles = {r[0] for r in _rows(section, "Top brokers by role")}
    assert roles == {"coordinator", "itinerant", "representative", "gatekeeper", "liaison"}
    assert any(t.caption.startswith("Structural-hole leaders") and t.rows for t in section.tables)
    assert any(t.caption.startswith("Betweenness") and t.rows for t in section.tables)


def test_duplicates_rest_on_evidence_and_say_their_population(
    report: Report, bundle: tuple[Any, Any]
) -> None:
    _, run = bundle
    section = _section(report, "duplicates")
    # the established real network: no duplicated centre (data/labels/duplicate_pairs.csv)
    assert run.require(DUPLICATES).clusters == () and not section.subsections
    assert section.paragraphs[0].startswith("Population: real data only, established bodies only")
    assert section.paragraphs[1].startswith("0 clusters of duplicated centres")


def test_the_summary_of_findings_comes_first(report: Report) -> None:
    summary = report.sections[0]
    assert summary.key == "summary" and summary.paragraphs[0].startswith("Population: real data only")
    rows = summary.tables[0].rows
    assert rows[0][0] == "No duplicated centres on evidence beyond the host country"
    brokers = [r[0] for r in rows if r[0].startswith("· ") and "brokerage roles" in r[0]]
    assert brokers[0].startswith("· China-Arab States Technology Transfer Center:")  # the run's top broker
    assert any(r[0].startswith("No brokerage opportunity") for r in rows)  # no real offers or demands


def test_opportunities_and_channels_say_why_they_are_empty(report: Report) -> None:
    for key in ("opportunities", "channels"):
        text = _text(_section(report, key))
        assert "No offers/demands in the data" in text or "no offers/demands in the data" in text


def test_data_quality_reports_shacl_conflicts_and_provenance(report: Report) -> None:
    assert "conforms to the SHACL shapes: 0 problems" in _text(_section(report, "quality-shacl"))
    conflicts = _rows(_section(report, "quality-conflicts"), "Conflicting claims")
    # bilateral_centers.csv row 26: one working base, Nigeria in the English source, Niger in the French
    nigeria = next(r for r in conflicts if "CASTTC-NG" in r[2])
    assert "CASTTC-NE" in nigeria[2] and "bilateral_centers.csv:26" in nigeria[3]
    # centers.csv says CATTC was established 2013; the study's Table 3 says 2014
    cattc = next(r for r in conflicts if r[0] == "China-ASEAN Technology Transfer Center")
    assert "2013" in cattc[2] and "2014" in cattc[2]
    provenance = _text(_section(report, "quality-provenance"))
    assert re.search(r"([\d,]+) of \1 nodes and ([\d,]+) of \2 relationships name their sources", provenance)


def test_every_table_and_figure_is_traced_to_its_producer(report: Report) -> None:
    trace = _rows(_section(report, "methods"), "Where every table and figure comes from")
    tables = [t for s in report.all_sections() for t in s.tables]
    figures = [f for s in report.all_sections() for f in s.figures]
    assert len(trace) == len(tables) - 1 + len(figures)  # all but the trace table itself
    assert all(row[3] for row in trace)
    assert {row[3] for row in trace} >= {f.origin for f in figures}


def _svgs_of_html(page: str) -> list[ET.Element]:
    uris = re.findall(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    return [ET.fromstring(base64.b64decode(u)) for u in uris]


def _drawn(svg: ET.Element) -> int:
    return sum(1 for e in svg.iter() if e.tag in (f"{SVG}path", f"{SVG}use", f"{SVG}rect"))


def test_every_figure_is_present_and_non_empty(report: Report, page: str) -> None:
    figures = [f for s in report.all_sections() for f in s.figures]
    # overview: growth, by country, by bloc; brokerage: top brokers; coverage: served countries
    assert len(figures) >= 5
    svgs = _svgs_of_html(page)
    assert len(svgs) == len(figures) == page.count("<figure")
    for svg in svgs:
        assert float(svg.get("width", "0pt").removesuffix("pt")) > 100
        assert _drawn(svg) > 20  # bars, axes and glyphs
    markdown = render_markdown(report, figures=None)  # inline: the figures as data: URIs
    uris = re.findall(r"\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", markdown)
    assert len(uris) == len(figures)
    for uri in uris:
        assert _drawn(ET.fromstring(base64.b64decode(uri))) > 20


class _References(HTMLParser):
    """Every URL-bearing attribute and element of a page."""

    ATTRIBUTES = frozenset(
        {
            "src",
            "href",
            "xlink:href",
            "action",
            "formaction",
            "poster",
            "data",
            "srcset",
            "background",
        }
    )

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.urls += [v or "" for k, v in attrs if k in self.ATTRIBUTES]


def test_html_has_no_external_references(page: str) -> None:
    # Sources are printed as plain text (not links): the page fetches nothing and a click cannot leave
    # it by accident; a reader copies a source URL deliberately.  Inside, only fragment links (#…)
    # and data: URIs (the figures) are allowed; each figure is an SVG image without references either.
    parser = _References()
    parser.feed(page)
    for svg in _svgs_of_html(page):
        for element in svg.iter():
            for name, value in element.attrib.items():
                if name.endswith("href") or name == "src":
                    assert value.startswith("#"), value
    assert parser.urls and all(u.startswith("#") or u.startswith("data:") for u in parser.urls)
    assert not parser.tags & {"script", "link", "iframe", "object", "embed", "base", "video", "audio"}
    style = "".join(re.findall(r"<style>(.*?)</style>", page, flags=re.S))
    assert "@import" not in style and "url(" not in style


def test_names_are_escaped(bundle: tuple[nx.MultiDiGraph, dict[str, Any]]) -> None:
    graph, run = bundle
    G = graph.copy()
    G.nodes["Institution:CASTTC"]["props"] = {
        **G.nodes["Institution:CASTTC"]["props"],
        "name": "<script>alert(1)</script>",
    }
    html = render_html(build_country_report(G, run, "EG"))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_chinese_titles(bundle: tuple[nx.MultiDiGraph, dict[str, Any]]) -> None:
    graph, run = bundle
    zh = build_report(graph, run, lang="zh")
    assert zh.title == "技术转移网络分析报告"
    assert [s.title for s in zh.sections][:3] == ["主要发现", "概况", "技术经纪与结构洞"]
    html = render_html(zh)
    assert '<html lang="zh">' in html and "<h2>国家级中心概况</h2>" in html
    # the figure titles are drawn in a CJK font (glyph ids name it), not as empty boxes
    glyphs = [e.get("id", "") for svg in _svgs_of_html(html) for e in svg.iter()]
    assert any("NotoSansCJK" in g for g in glyphs), "no CJK font: apt-get install fonts-noto-cjk"
    with pytest.raises(ValueError, match="lang"):
        build_report(graph, run, lang="fr")


def test_country_report_thailand(bundle: tuple[nx.MultiDiGraph, dict[str, Any]]) -> None:
    graph, run = bundle
    th = build_country_report(graph, run, "th")
    assert th.title == "Country profile: Thailand · 泰国" and th.country == "TH"
    text = "\n".join(_text(s) for s in th.all_sections())
    # bri_countries_beeway.csv: Thailand since 2017; World Bank: upper middle income, East Asia & Pacific
    assert "a Belt and Road partner since 2017" in text
    assert "income group Upper middle income" in text and "East Asia & Pacific" in text
    # bilateral_centers.csv: the China-Thailand centre of the China-ASEAN centre
    centres = _rows(_section(th, "country-centres"), "Centres and bilateral centres")
    assert [(r[0], r[2]) for r in centres] == [
        ("China–Thailand Technology Transfer Center",
         "China-ASEAN Technology Transfer Center")
    ]  # fmt: skip
    brokers = _rows(_section(th, "country-brokers"), "Brokers who reach it")
    cattc = next(r for r in brokers if r[0] == "China-ASEAN Technology Transfer Center")
    assert cattc[3] == "1"  # CATTC-TH -[PARENT_CENTRE]-> CATTC
    assert "No offers/demands in the data for this country." in _text(_section(th, "country-fields"))
    assert _section(th, "country-brokers").figures


def test_country_report_china(bundle: tuple[nx.MultiDiGraph, dict[str, Any]]) -> None:
    graph, run = bundle
    cn = build_country_report(graph, run, "CN", lang="zh")
    assert cn.title.startswith("国别研究报告")
    centres = {r[0] for r in _rows(_section(cn, "country-centres"), "技术转移")}
    # centers.csv: the national centres, all located in China (named in Chinese: name_zh)
    with use("zh"):
        assert {
            short_name(graph, f"Institution:{c}")
            for c in ("CASTTC", "CATTC", "SCOTTC", "BRICSTTC", "CSATTC", "CLTTC")
        } <= {c.split("（")[0] for c in centres}
    # the Chinese edition says it in Chinese (viz/locale/zh/LC_MESSAGES/transfernet.po)
    assert "未记录为共建“一带一路”国家" in _text(_section(cn, "country-status"))


def test_unknown_country_is_a_clear_error(bundle: tuple[nx.MultiDiGraph, dict[str, Any]]) -> None:
    graph, run = bundle
    with pytest.raises(UnknownCountryError, match="no country 'XX'"):
        build_country_report(graph, run, "XX")


def test_pdf_has_pages_and_chinese_text(
    bundle: tuple[nx.MultiDiGraph, dict[str, Any]], tmp_path: Path
) -> None:
    pypdf = pytest.importorskip("pypdf")
    graph, run = bundle
    paths = write_report(build_country_report(graph, run, "TH", lang="zh"), tmp_path, ["html", "md", "pdf"])
    assert [p.name for p in paths] == ["report-TH.html", "report-TH.md", "report-TH.pdf"]
    data = paths[-1].read_bytes()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    first = reader.pages[0].extract_text()
    assert "国别研究报告" in first and "泰国" in first
    fonts = {str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("CJK" in f for f in fonts), fonts
    print(f"PDF artefact: {paths[-1]} ({len(reader.pages)} pages)")


def test_whole_report_pdf(report: Report) -> None:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(report)))
    assert len(reader.pages) > 10
    assert "Technology-transfer network analysis" in reader.pages[0].extract_text()
