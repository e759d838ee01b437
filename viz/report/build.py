"""Assemble the report (whole network, or one country's page) from the projection and a run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import networkx as nx

from ontology.vocab import PropertyName
from viz.report.brokerage import brokerage_section
from viz.report.country import country_sections
from viz.report.coverage import coverage_section
from viz.report.duplicates import duplicates_section
from viz.report.graphinfo import country_node, name
from viz.report.i18n import titles
from viz.report.methods import methods_section, traceability_table
from viz.report.model import Report, Section
from viz.report.opportunities import channels_section, opportunities_section
from viz.report.overview import overview_section
from viz.report.profiles import profiles_section
from viz.report.quality import quality_section

__all__ = ["build_country_report", "build_report"]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _finish(
    sections: list[Section], run: Mapping[str, Any], t: dict[str, str], shacl_run: bool
) -> list[Section]:
    methods = methods_section(run, t, shacl_run=shacl_run)
    sections.append(methods)
    methods.tables.append(traceability_table(sections, t["traceability"]))
    return sections


def build_report(
    G: nx.MultiDiGraph,
    run: Mapping[str, Any],
    *,
    lang: str = "en",
    load_reports: Sequence[Mapping[str, Any]] = (),
    shacl: Any = None,
    generated: str | None = None,
) -> Report:
    """The network analysis report.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The typed projection (``GraphStore.to_networkx()``).
    run : mapping
        An analysis run record (``AnalysisRun.to_dict()``).
    lang : {"en", "zh"}
        Language of titles and captions.
    load_reports : sequence of mapping
        ``runs/last-load.json`` (the last load's per-mapping reports), if any.
    shacl : ontology.validation.ValidationReport, optional
        SHACL validation of the whole graph; None when not run.
    generated : str, optional
        Timestamp shown on the report (default: now).
    """
    t = titles(lang)
    sections = [
        overview_section(G, t),
        brokerage_section(run, G, t),
        duplicates_section(run, G, t),
        opportunities_section(run, G, t),
        channels_section(run, G, t),
        coverage_section(run, G, t),
        profiles_section(G, t),
        quality_section(G, t, shacl=shacl, load_reports=load_reports),
    ]
    return Report(
        t["title"], lang, run.get("id"), _finish(sections, run, t, shacl is not None), generated or _now()
    )


def build_country_report(
    G: nx.MultiDiGraph,
    run: Mapping[str, Any],
    country: str,
    *,
    lang: str = "en",
    generated: str | None = None,
) -> Report:
    """One country's page (raises ``viz.report.country.UnknownCountryError`` for an unknown code)."""
    t = titles(lang)
    sections = country_sections(G, run, country, t)
    node = country_node(country)
    local = G.nodes[node].get("props", {}).get(PropertyName.NAME_ZH) if node in G else None
    title = f"{t['country_title']}: {name(G, node)}" + (f" · {local}" if local else "")
    return Report(
        title,
        lang,
        run.get("id"),
        _finish(sections, run, t, False),
        generated or _now(),
        country.strip().upper(),
    )
