"""Data quality: SHACL violations, conflicting claims between sources, provenance coverage."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from graph.analytics.runs import LoadRecord
from ontology.vocab import NodeLabel, PropertyName, RelType
from viz.i18n import N_, _, ngettext, num
from viz.report.graphinfo import cite, has_label, label_of, name, placements, props, year_of
from viz.report.model import Section, Table
from viz.report.profiles import study_table3

if TYPE_CHECKING:  # an annotation: printing a run (`transfernet analyze`) needs no SHACL stack
    from ontology.validation import ValidationReport

__all__ = [
    "SHACL_GRAPH_LIMIT",
    "Conflict",
    "conflicting_claims",
    "provenance_by_type",
    "quality_section",
    "source_kind",
]


SHACL_GRAPH_LIMIT = 50_000
"""Largest graph (nodes + relationships) validated whole with pyshacl for a report: the
bundled dataset (about 4,700) takes about 10 s; pyshacl grows faster than linearly."""


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two claims about one thing that cannot both hold, with the sources behind each."""

    subject: str
    kind: str
    claims: tuple[str, ...]
    sources: tuple[str, ...]


def _sources(value: Any) -> list[str]:
    return [str(s) for s in value] if isinstance(value, list | tuple) else []


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def conflicting_claims(G: nx.MultiDiGraph) -> list[Conflict]:
    """Claims that disagree, found three ways.

    1. One node placed (``HOSTED_IN``/``LOCATED_IN``) in more than one country.
    2. One record split over countries: nodes with the same name and parent, placed in
       different countries, whose sources include more than one web source (the
       sources disagree on where it is; one source listing a network's countries is
       not a conflict).
    3. A centre's ``established`` year that differs from the year the study's Table 3 gives.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("c", labels=("Institution", "TransferCentre"), props={"name": "C", "sources": ["a"]})
    >>> for k in ("NG", "NE"):
    ...     G.add_node(f"Country:{k}", labels=("Country",), props={"name": k})
    ...     _ = G.add_edge("c", f"Country:{k}", type="HOSTED_IN", props={"sources": [f"src-{k}"]})
    >>> [(c.kind, c.claims) for c in conflicting_claims(G)]
    [('placed in several countries', ('HOSTED_IN NE (src-NE)', 'HOSTED_IN NG (src-NG)'))]
    """
    out: list[Conflict] = []
    places = placements(G)
    for node, countries in sorted(places.items(), key=lambda kv: str(kv[0])):
        if len(countries) > 1:
            claims = []
            sources: list[str] = []
            for _u, v, d in G.out_edges(node, data=True):
                if v in countries and d.get("type") in (RelType.HOSTED_IN, RelType.LOCATED_IN):
                    s = _sources(d.get("props", {}).get(PropertyName.SOURCES))
                    claims.append(f"{d['type']} {name(G, v)} ({_('; ').join(s) or _('no source')})")
                    sources += s
            out.append(Conflict(label_of(G, node), _("placed in several countries"), tuple(sorted(claims)),
                                tuple(dict.fromkeys(sources))))  # fmt: skip
    groups: dict[tuple[str, tuple[Any, ...]], list[Any]] = defaultdict(list)
    for node in places:
        if has_label(G, node, NodeLabel.TRANSFER_CENTRE):
            parents = tuple(sorted(
                (v for _, v, d in G.out_edges(node, data=True) if d.get("type") == RelType.PARENT_CENTRE),
                key=str,
            ))  # fmt: skip
            groups[(name(G, node).casefold(), parents)].append(node)
    for _key, nodes in sorted(groups.items(), key=lambda kv: str(kv[0])):
        countries = {c for n in nodes for c in places[n]}
        web = {s for n in nodes for s in _sources(props(G, n).get(PropertyName.SOURCES)) if _is_url(s)}
        if len(nodes) > 1 and len(countries) > 1 and len(web) > 1:
            out.append(
                Conflict(
                    name(G, nodes[0]),
                    _("one record, different countries in different sources"),
                    tuple(
                        _("{node} in {countries}").format(
                            node=n, countries=_(", ").join(name(G, c) for c in sorted(places[n], key=str))
                        )
                        for n in sorted(nodes)
                    ),
                    tuple(
                        sorted({s for n in nodes for s in _sources(props(G, n).get(PropertyName.SOURCES))})
                    ),
                )
            )
    for centre, row in sorted(study_table3(G).items(), key=lambda kv: str(kv[0])):
        study_year = year_of(row.get("established"))
        own = props(G, centre).get(PropertyName.ESTABLISHED)
        if study_year is not None and year_of(own) is not None and year_of(own) != study_year:
            node_sources = [
                s for s in _sources(props(G, centre).get(PropertyName.SOURCES)) if "Table 3" not in s
            ]
            out.append(
                Conflict(
                    label_of(G, centre),
                    _("year established differs"),
                    (
                        _("established {year} (centre record)").format(year=own),
                        _("{year} (the study, Table 3)").format(year=row["established"]),
                    ),
                    (*node_sources, "the study, Table 3"),
                )
            )
    return out


#: the kinds `source_kind` names, for the catalogue
SOURCE_KINDS = (N_("reference file"), N_("study file"), N_("the study (text)"), N_("web page"), N_("other"))


def source_kind(source: str) -> str:
    """A coarse kind of a ``sources`` entry.

    Examples
    --------
    >>> [source_kind(s) for s in ("data/reference/x.csv:3", "data/study/t.csv:1", "the study, Table 3",
    ...  "https://example.org", "pycountry 26.2.16 (ISO 3166-1)")]
    ['reference file', 'study file', 'the study (text)', 'web page', 'other']
    """
    if source.startswith("data/reference/"):
        return "reference file"
    if source.startswith("data/study/"):
        return "study file"
    if source.startswith("the study"):
        return "the study (text)"
    if _is_url(source):
        return "web page"
    return "other"


def provenance_by_type(G: nx.MultiDiGraph) -> list[list[str]]:
    """Rows ``[type, items, with sources, with ≥ 2 sources, with a web source, synthetic]`` for
    node types then relationship types."""
    stats: dict[str, Counter[str]] = defaultdict(Counter)

    def count(kind: str, p: Mapping[str, Any]) -> None:
        s = _sources(p.get(PropertyName.SOURCES))
        c = stats[kind]
        c["items"] += 1
        c["sourced"] += bool(s)
        c["multi"] += len(s) > 1
        c["web"] += any(_is_url(x) for x in s)
        c["synthetic"] += bool(p.get(PropertyName.SYNTHETIC))

    for _n, d in G.nodes(data=True):
        count(str(d.get("label", "")), d.get("props", {}))
    for _u, _v, d in G.edges(data=True):
        count(f"[{d.get('type', '')}]", d.get("props", {}))
    return [
        [k, str(c["items"]), str(c["sourced"]), str(c["multi"]), str(c["web"]), str(c["synthetic"])]
        for k, c in sorted(stats.items(), key=lambda kv: (kv[0].startswith("["), -kv[1]["items"], kv[0]))
    ]


def quality_section(
    G: nx.MultiDiGraph,
    t: dict[str, str],
    *,
    shacl: ValidationReport | None = None,
    load: LoadRecord | None = None,
) -> Section:
    """The data-quality section.

    ``shacl`` is an ``ontology.validation.ValidationReport`` of the whole graph, or None
    when it was not run for this rendering (the load-time validation is reported instead).
    """
    section = Section(
        "quality",
        t["quality"],
        _("graph projection (sources, placements, Table 3), SHACL shapes, last load report"),
    )
    sub = Section(
        "quality-shacl",
        t["shacl"],
        _("{function} over {records}").format(
            function="ontology.validation.validate", records="graph.export.graph_records"
        ),
    )
    if shacl is not None:
        violations = list(shacl.violations)
        sub.paragraphs.append(
            (
                _("The whole graph conforms to the SHACL shapes: {problems}.")
                if shacl.conforms
                else _("The whole graph does not conform to the SHACL shapes: {problems}.")
            ).format(
                problems=ngettext("{n} problem", "{n} problems", len(violations)).format(
                    n=num(len(violations))
                )
            )
        )
        if violations:
            sub.tables.append(
                Table(
                    t["shacl"],
                    [_("severity"), _("subject"), _("property"), _("value"), _("message"), _("sources")],
                    [
                        [
                            str(v.severity),
                            v.subject,
                            v.path or "",
                            v.value or "",
                            v.message,
                            _("; ").join(v.location),
                        ]
                        for v in violations[:100]
                    ],
                    "ontology.validation.validate(graph.export.graph_records(G))",
                )
            )
    else:
        sub.paragraphs.append(
            _(
                "SHACL validation of the whole graph was not run for this rendering (`transfernet report` "
                "runs it on graphs of up to {limit} nodes and relationships; the API does with ?shacl=true)."
            ).format(limit=num(SHACL_GRAPH_LIMIT))
        )
    if load is not None and load.mappings:
        sub.paragraphs.append(
            _("At load time every file was validated (SHACL: {modes}): {problems} in {mappings}.").format(
                modes=_(", ").join(sorted({m.shacl for m in load.mappings})),
                problems=ngettext("{n} problem", "{n} problems", load.problems).format(n=num(load.problems)),
                mappings=ngettext("{n} mapping", "{n} mappings", len(load.mappings)).format(
                    n=num(len(load.mappings))
                ),
            )
        )
        sub.tables.append(
            Table(
                t["last_load"],
                [_("mapping"), _("rows"), _("nodes created / updated / unchanged"),
                 _("relationships created / updated / unchanged"), _("problems"), "SHACL", _("loaded")],
                [
                    [Path(m.mapping).name, f"{m.rows:,}",
                     f"{m.changes.nodes_created:,} / {m.changes.nodes_updated:,} / "
                     f"{m.changes.nodes_unchanged:,}",
                     f"{m.changes.relationships_created:,} / {m.changes.relationships_updated:,} / "
                     f"{m.changes.relationships_unchanged:,}",
                     str(len(m.errors)), m.shacl, _("yes") if m.loaded else _("no")]
                    for m in load.mappings
                ],
                "runs/last-load.json (graph.analytics.runs.write_load_record)",
            )
        )  # fmt: skip
    section.subsections.append(sub)
    conflicts = conflicting_claims(G)
    sub = Section("quality-conflicts", t["conflicts"], "viz.report.quality.conflicting_claims")
    sub.paragraphs.append(
        ngettext(
            "{n} conflicting claim: both claims are kept in the graph with their sources; check the sources "
            "before relying on either.",
            "{n} conflicting claims: both claims are kept in the graph with their sources; check the sources "
            "before relying on either.",
            len(conflicts),
        ).format(n=num(len(conflicts)))
    )
    if conflicts:
        sub.tables.append(
            Table(
                t["conflicts"],
                [_("subject"), _("conflict"), _("claims"), _("sources")],
                [
                    [c.subject, c.kind, _("; ").join(c.claims), _("; ").join(map(cite, c.sources))]
                    for c in conflicts
                ],
                "viz.report.quality.conflicting_claims(G)",
            )
        )
    section.subsections.append(sub)
    sub = Section(
        "quality-provenance",
        t["provenance"],
        _("graph projection: the {property} property").format(property="sources"),
    )
    with_sources = sum(1 for n in G if _sources(G.nodes[n].get("props", {}).get(PropertyName.SOURCES)))
    rel_sources = sum(
        1 for *_, d in G.edges(data=True) if _sources(d.get("props", {}).get(PropertyName.SOURCES))
    )
    kinds: Counter[str] = Counter()
    for _n, d in G.nodes(data=True):
        for s in set(map(source_kind, _sources(d.get("props", {}).get(PropertyName.SOURCES)))):
            kinds[s] += 1
    sub.paragraphs.append(
        _(
            "{n} of {nodes} nodes and {m} of {relationships} relationships name their sources. Nodes citing "
            "each kind of source: {kinds}."
        ).format(
            n=num(with_sources),
            nodes=num(G.number_of_nodes()),
            m=num(rel_sources),
            relationships=num(G.number_of_edges()),
            kinds=_(", ").join(f"{_(k)} {num(v)}" for k, v in kinds.most_common()),
        )
    )
    sub.tables.append(
        Table(
            t["provenance"],
            [
                _("node type / [relationship type]"),
                _("items"),
                _("with sources"),
                _("≥ 2 sources"),
                _("a web source"),
                _("synthetic"),
            ],
            provenance_by_type(G),
            "viz.report.quality.provenance_by_type(G)",
        )
    )
    section.subsections.append(sub)
    return section
