"""Methods and parameters, and where every table and figure comes from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime

from graph.analytics.runs import RunRecord
from viz.i18n import N_, _, format_datetime, ngettext, num
from viz.report.model import Figure, Section, Table

__all__ = ["STEPS", "methods_section", "numbering", "traceability_table"]

#: the steps a run times (`graph.analytics.registry` titles), for the catalogue
STEPS = (
    N_("population"), N_("actor network"), N_("brokerage"), N_("structural holes"), N_("centrality"),
    N_("communities"), N_("country collaboration"), N_("duplicated centres"), N_("coverage"),
    N_("brokerage opportunities"), N_("supply-demand channels"),
)  # fmt: skip

_METHODS = N_(
    "Projection: the store's graph as a typed networkx MultiDiGraph (GraphStore.to_networkx). "
    "Actor network (graph.analytics.actors.actor_network): institutions and experts with every relationship "
    "between two of them (affiliation, parent centre, operated by, built by…) in its stored direction, plus "
    "co-affiliation ties between parties to one agreement or participants in one event (all of them "
    "in groups of up to max_group actors; in larger groups, each member with the organisers only); "
    "actors are grouped by the partition parameter. "
    "Brokerage: Gould and Fernandez (1989) roles counted on directed two-paths, expected values and z-scores "
    "as R sna::brokerage. Structural holes: Burt's effective size, efficiency, constraint and hierarchy on "
    "weighted ties. Betweenness: exact below the size threshold, else sampled with the stated error bound. "
    "Duplicated centres: centres of different parents sharing a host country, scored by field and partner "
    "overlap (Jaccard) and cross-script name similarity. Coverage: Belt and Road countries with technology "
    "demand and no centre or partner of one."
)


def numbering(sections: Sequence[Section]) -> list[tuple[str, Section, Figure | Table]]:
    """``("Figure n" | "Table n", section, item)`` in reading order (figures and tables counted apart).

    Examples
    --------
    >>> s = Section("a", "A", "x", tables=[Table("T", ["h"], [], "f()")],
    ...             figures=[Figure("F", "<svg/>", "g()")])
    >>> [n for n, _, _ in numbering([s])]
    ['Figure 1', 'Table 1']
    """
    out: list[tuple[str, Section, Figure | Table]] = []
    figures = tables = 0
    for top in sections:
        for section in (top, *top.subsections):
            for figure in section.figures:
                figures += 1
                out.append((_("{kind} {number}").format(kind=_("Figure"), number=figures), section, figure))
            for table in section.tables:
                tables += 1
                out.append((_("{kind} {number}").format(kind=_("Table"), number=tables), section, table))
    return out


def traceability_table(sections: Sequence[Section], title: str) -> Table:
    """Every table and figure of the given sections with its number and origin.

    Examples
    --------
    >>> s = Section("a", "A", "x", tables=[Table("T", ["h"], [], "f()")],
    ...             figures=[Figure("F", "<svg/>", "g()")])
    >>> traceability_table([s], "Trace").rows
    [['Figure 1', 'A', 'F', 'g()'], ['Table 1', 'A', 'T', 'f()']]
    """
    rows = [
        [number, section.title, item.caption, item.origin] for number, section, item in numbering(sections)
    ]
    return Table(
        title,
        [_("item"), _("section"), _("caption"), _("produced by")],
        rows,
        "viz.report.methods.traceability_table",
    )


def _started(value: str) -> str:
    """A run's ISO start time in the current locale (as recorded when it is not ISO 8601).

    Examples
    --------
    >>> _started("2026-12-02T01:13:04.329295+00:00"), _started("soon")
    ('December 2, 2026 01:13 UTC', 'soon')
    """
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    return format_datetime(when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC))


def methods_section(run: RunRecord, t: dict[str, str], *, shacl_run: bool) -> Section:
    """Methods, parameters, graph size and timings of the run (the builder adds the traceability table)."""
    rid = run.id
    section = Section(
        "methods",
        t["methods"],
        _("analysis run {run}: {keys}").format(
            run=rid, keys="run.id, run.started, run.params, run.graph, run.seconds"
        ),
    )
    section.paragraphs.append(
        _(
            "Analysis run {run} started {started} on a graph of {nodes} and {relationships}. SHACL "
            "validation of the whole graph for this report: {shacl}."
        ).format(
            run=rid,
            started=_started(run.started),
            nodes=ngettext("{n} node", "{n} nodes", run.graph.nodes).format(n=num(run.graph.nodes)),
            relationships=ngettext("{n} relationship", "{n} relationships", run.graph.relationships).format(
                n=num(run.graph.relationships)
            ),
            shacl=_("run") if shacl_run else _("not run"),
        )
    )
    section.paragraphs.append(_(_METHODS))
    section.tables.append(
        Table(
            t["parameters"],
            [_("parameter"), _("value")],
            [[k, str(v)] for k, v in run.params.model_dump().items()]
            + [[f"graph.{k}", str(v)] for k, v in asdict(run.graph).items()],
            _("run {run}: {keys}").format(
                run=rid, keys="run.params, run.graph (graph.analytics.params.AnalysisParams)"
            ),
        )
    )
    section.tables.append(
        Table(
            t["timings"],
            [_("step"), _("seconds")],
            [[_(k), f"{v:.3f}"] for k, v in run.seconds.items()],
            _("run {run}: {keys}").format(run=rid, keys="run.seconds"),
        )
    )
    return section
