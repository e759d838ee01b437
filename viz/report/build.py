"""The one report builder: the whole network's report, or one country's page, from the projection
and a run record.  ``transfernet report``, ``transfernet demo`` and ``GET /reports/latest`` call
`build`."""

from __future__ import annotations

from datetime import UTC, datetime

import networkx as nx

from graph.analytics.runs import LoadRecord, RunRecord
from ontology.schema import GraphSchema
from ontology.vocab import NodeLabel, PropertyName
from viz.i18n import _, format_datetime, titles, use
from viz.report.brokerage import brokerage_section
from viz.report.communities import communities_section
from viz.report.country import country_sections
from viz.report.coverage import coverage_section
from viz.report.duplicates import duplicates_section
from viz.report.graphinfo import country_node, name
from viz.report.methods import methods_section, traceability_table
from viz.report.model import Report, Section
from viz.report.opportunities import channels_section, opportunities_section
from viz.report.overview import overview_section
from viz.report.profiles import profiles_section
from viz.report.quality import SHACL_GRAPH_LIMIT, quality_section
from viz.report.summary import summary_section

__all__ = ["ShaclTooLargeError", "build", "shacl_fits"]


class ShaclTooLargeError(ValueError):
    """Whole-graph SHACL was asked for a graph larger than `SHACL_GRAPH_LIMIT`."""


def shacl_fits(G: nx.MultiDiGraph) -> bool:
    """Whether the whole graph is small enough for a pyshacl run in a report (`SHACL_GRAPH_LIMIT`)."""
    return G.number_of_nodes() + G.number_of_edges() <= SHACL_GRAPH_LIMIT


def _now() -> str:
    """Now, in the current edition's date format."""
    return format_datetime(datetime.now(UTC))


def _finish(sections: list[Section], run: RunRecord, t: dict[str, str], shacl_run: bool) -> list[Section]:
    methods = methods_section(run, t, shacl_run=shacl_run)
    sections.append(methods)
    methods.tables.append(traceability_table(sections, t["traceability"]))
    return sections


def build(
    G: nx.MultiDiGraph,
    run: RunRecord,
    *,
    schema: GraphSchema,
    load: LoadRecord | None = None,
    lang: str = "en",
    country: str | None = None,
    shacl: bool = False,
    generated: str | None = None,
) -> Report:
    """The network analysis report, or one country's page.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The typed projection (``GraphStore.to_networkx()``).
    run : RunRecord
        The analysis run the report presents.
    schema : GraphSchema
        The store's schema (for the whole-graph SHACL check).
    load : LoadRecord, optional
        The last load's report (``runs/last-load.json``), shown in the data-quality section.
    lang : {"en", "zh"}
        The edition: every sentence, header, caption and figure text from the gettext catalogue
        of that language (`viz.i18n`), numbers and dates in its locale, names in it where
        the graph holds one.
    country : str, optional
        An ISO code: that country's page instead of the whole report
        (``viz.report.country.UnknownCountryError`` for an unknown code).
    shacl : bool
        Validate the whole graph against the SHACL shapes (the whole report only;
        `ShaclTooLargeError` above `SHACL_GRAPH_LIMIT`).
    generated : str, optional
        Timestamp shown on the report (default: now).
    """
    t = titles(lang)
    with use(lang):
        return _build(G, run, schema, load, lang, country, shacl, generated, t)


def _build(
    G: nx.MultiDiGraph,
    run: RunRecord,
    schema: GraphSchema,
    load: LoadRecord | None,
    lang: str,
    country: str | None,
    shacl: bool,
    generated: str | None,
    t: dict[str, str],
) -> Report:
    when = generated or _now()
    if country:
        code = country.strip().upper()
        sections = country_sections(G, run, code, t)
        node = country_node(code)
        p = G.nodes[node].get("props", {}) if node in G else {}
        local, english = p.get(PropertyName.NAME_ZH), str(p.get(PropertyName.NAME) or name(G, node))
        both = (f"{local} · {english}" if lang == "zh" else f"{english} · {local}") if local else english
        title = _("{title}: {country}").format(title=t["country_title"], country=both)
        return Report(title, lang, run.id, _finish(sections, run, t, False), when, code)
    validation = None
    if shacl:
        if not shacl_fits(G):
            raise ShaclTooLargeError(  # an error for the operator, not report text: English
                f"whole-graph SHACL needs a graph of at most {SHACL_GRAPH_LIMIT:,} nodes and relationships "
                f"(this one has {G.number_of_nodes() + G.number_of_edges():,}); the load-time checks stand"
            )
        from graph.export import graph_records  # only a SHACL run needs them
        from ontology.validation import validate

        validation = validate(list(graph_records(G, schema)), schema=schema)
    centres = any(NodeLabel.TRANSFER_CENTRE in d.get("labels", ()) for _, d in G.nodes(data=True))
    sections = [
        summary_section(run, G, t),
        overview_section(G, t),
        brokerage_section(run, G, t),
        communities_section(run, G, t),
        # sections about transfer centres only when the graph holds some
        *([duplicates_section(run, G, t)] if centres else []),
        opportunities_section(run, G, t),
        channels_section(run, G, t),
        coverage_section(run, G, t),
        *([profiles_section(G, t)] if centres else []),
        quality_section(G, t, shacl=validation, load=load),
    ]
    return Report(t["title"], lang, run.id, _finish(sections, run, t, validation is not None), when)
