"""Small reading helpers over the typed projection (``GraphStore.to_networkx()``).

Node attributes: ``label`` (most specific), ``labels``, ``key``, ``props``; edge
attribute ``type`` and ``props``.  Nothing here writes to the graph.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx

from graph.analytics.population import Population
from graph.analytics.results import RoleScores
from graph.analytics.runs import RunRecord
from ontology.vocab import NodeLabel, PropertyName, RelType
from viz.i18n import N_, _, current, local_name, ngettext, num

__all__ = [
    "PLACEMENT",
    "STUDY_PARTS",
    "cite",
    "country_node",
    "fmt",
    "group_name",
    "has_label",
    "label_of",
    "name",
    "placements",
    "plain_name",
    "population_note",
    "population_sentence",
    "props",
    "short_name",
    "stage_name",
    "type_name",
    "year_of",
]

#: Relationship types that place an institution in a country.
PLACEMENT = (RelType.HOSTED_IN, RelType.LOCATED_IN)


def props(G: nx.Graph, node: Any) -> dict[str, Any]:
    """The node's properties (empty when the node is unknown)."""
    return dict(G.nodes[node].get("props", {})) if node in G else {}


def name(G: nx.Graph, node: Any) -> str:
    """Display name: ``name``, ``title``, ``nameZh``, else the key; in the Chinese edition
    ``nameZh`` where the graph holds one, the English name beside it the first time
    (`viz.i18n.local_name`).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Country:TH", label="Country", key="TH", props={"name": "Thailand"})
    >>> name(G, "Country:TH"), name(G, "Country:XX")
    ('Thailand', 'Country:XX')
    """
    if node not in G:
        return str(node)
    local = G.nodes[node].get("props", {}).get(PropertyName.NAME_ZH)
    return local_name(plain_name(G, node), local if isinstance(local, str) else None)


def type_name(label: str) -> str:
    """A node label as the reader's language names it (the ontology's ``rdfs:label``), the label
    beside it the first time in the Chinese edition.

    Examples
    --------
    >>> from viz.i18n import use
    >>> with use("zh"):
    ...     type_name("Country"), type_name("Country"), type_name("Unknown")
    ('国家（Country）', '国家', 'Unknown')
    """
    from ontology.derive import load_schema

    node_type = load_schema().nodes.get(label)
    return local_name(label, node_type.label_zh if node_type else None)


def stage_name(notation: str) -> str:
    """A lifecycle stage (``tn:lifecycleStages`` notation) in the reader's language.

    Examples
    --------
    >>> from viz.i18n import use
    >>> with use("zh"):
    ...     stage_name("planned")
    '筹建'
    """
    from ontology.concepts import concept_label

    return concept_label("lifecycleStages", notation, current().lang)


_STUDY = re.compile(r"^the study(?:, (?P<part>.+))?$")
_STUDY_PART = re.compile(r"^(?P<kind>section|Table|reference|footnote) (?P<where>\S+)$")
#: the parts of the study its citations name besides sections, tables, references and footnotes
STUDY_PARTS = (
    N_("abstract"),
    N_("author affiliations"),
    N_("author line"),
    N_("author line and first-author note"),
    N_("author line and corresponding-author note"),
    N_("funding note (项目来源)"),
)


def cite(source: str) -> str:
    """A ``sources`` entry for the reader: the study's citations in the reader's language, file
    rows and addresses as they are.

    Examples
    --------
    >>> from viz.i18n import use
    >>> with use("zh"):
    ...     cite("the study, section 3.2"), cite("the study, abstract"), cite("data/x.csv:3")
    ('研究，第3.2节', '研究，摘要', 'data/x.csv:3')
    """
    match = _STUDY.match(source)
    if match is None:
        return source
    part = match["part"]
    if part is None:
        return _("the study")
    where = _STUDY_PART.match(part)
    if where is None:
        return _("the study, {part}").format(part=_(part))
    kinds = {
        "section": _("the study, section {where}"),
        "Table": _("the study, Table {where}"),
        "reference": _("the study, reference {where}"),
        "footnote": _("the study, footnote {where}"),
    }
    return kinds[where["kind"]].format(where=where["where"])


def short_name(G: nx.Graph, node: Any) -> str:
    """The name in the reader's language without the English beside it (figures: no room for two
    names, and drawing one is not the first mention `name` gives the English name at).

    Examples
    --------
    >>> from viz.i18n import use
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Country:TH", key="TH", props={"name": "Thailand", "nameZh": "泰国"})
    >>> with use("zh"):
    ...     short_name(G, "Country:TH"), name(G, "Country:TH")
    ('泰国', '泰国（Thailand）')
    """
    local = G.nodes[node].get("props", {}).get(PropertyName.NAME_ZH) if node in G else None
    if current().lang == "zh" and isinstance(local, str) and local:
        return local
    return plain_name(G, node)


def plain_name(G: nx.Graph, node: Any) -> str:
    """The name as the graph holds it (``name``, ``title``, ``nameZh``, else the key), in no edition's
    language: a sort key, which must not count as the first mention `name` gives the English name at.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Country:TH", key="TH", props={"name": "Thailand", "nameZh": "泰国"})
    >>> plain_name(G, "Country:TH"), plain_name(G, "x")
    ('Thailand', 'x')
    """
    if node not in G:
        return str(node)
    p = G.nodes[node].get("props", {})
    for prop in (PropertyName.NAME, PropertyName.TITLE, PropertyName.NAME_ZH):
        if isinstance(p.get(prop), str) and p[prop]:
            return str(p[prop])
    return str(G.nodes[node].get("key", node))


def label_of(G: nx.Graph, node: Any) -> str:
    """A node in a table: the name a reader knows (the id a query needs is in the explorer, the
    run record and ``--json``; the origin of each table says where its rows come from).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Institution:CATTC", key="CATTC", props={"name": "China-ASEAN Technology Transfer Center"})
    >>> label_of(G, "Institution:CATTC"), label_of(G, "Institution:XX")
    ('China-ASEAN Technology Transfer Center', 'Institution:XX')
    """
    return name(G, node) if node in G else str(node)


def group_name(G: nx.Graph, partition: str, group: Any) -> str:
    """A brokerage group by name: a country's name for the ``country`` partition, a centre's name for
    ``centre_system``, an income group in the reader's language.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Country:TH", key="TH", props={"name": "Thailand"})
    >>> group_name(G, "country", "TH"), group_name(G, "region", "East Asia & Pacific")
    ('Thailand', 'East Asia & Pacific')
    """
    if group is None or group == "":
        return ""
    if partition == "country" and country_node(str(group)) in G:
        return name(G, country_node(str(group)))
    if group in G:
        return name(G, group)
    return _(str(group)) if partition == "income" else str(group)


def has_label(G: nx.Graph, node: Any, label: str) -> bool:
    """Whether the node carries ``label`` (any level of its type chain)."""
    return node in G and label in G.nodes[node].get("labels", ())


def country_node(code: str) -> str:
    """The projection id of a country.

    Examples
    --------
    >>> country_node("th")
    'Country:TH'
    """
    return f"{NodeLabel.COUNTRY}:{code.upper()}"


def placements(G: nx.MultiDiGraph, nodes: Iterable[Any] | None = None) -> dict[Any, set[Any]]:
    """Country nodes each node is hosted in or located in (``HOSTED_IN``, ``LOCATED_IN``)."""
    wanted = None if nodes is None else set(nodes)
    out: dict[Any, set[Any]] = defaultdict(set)
    for u, v, d in G.edges(data=True):
        if (
            d.get("type") in PLACEMENT
            and has_label(G, v, NodeLabel.COUNTRY)
            and (wanted is None or u in wanted)
        ):
            out[u].add(v)
    return out


_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")


def year_of(value: Any) -> int | None:
    """The first four-digit year in a date-like value (``2015``, ``'2016-11-08'``, ``'2015年'``).

    Examples
    --------
    >>> year_of("2016-11-08"), year_of("2015年"), year_of(2017), year_of("soon")
    (2016, 2015, 2017, None)
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if 1800 <= value <= 2099 else None
    match = _YEAR.search(str(value))
    return int(match.group(1)) if match else None


def fmt(value: Any) -> str:
    """A cell: ``–`` for missing, three decimals for floats.

    Examples
    --------
    >>> fmt(None), fmt(0.12345), fmt(3), fmt(["a", "b"])
    ('–', '0.123', '3', 'a, b')
    """
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def population_note(run: RunRecord) -> str:
    """The sentence that says which population a run's findings rest on (in the current edition).

    Examples
    --------
    >>> from graph.analytics.params import AnalysisParams
    >>> from graph.analytics.population import Population
    >>> from graph.analytics.runs import GraphCounts
    >>> from viz.i18n import use
    >>> run = RunRecord("r", "now", AnalysisParams(), GraphCounts(1, 0), population=Population(False,
    ...                 "established", 1, 0))
    >>> population_note(run)
    'Population: real data only, established bodies only (1 node, 0 relationships).'
    >>> with use("zh"):
    ...     population_note(run)
    '数据范围：仅真实数据，仅已成立的机构（1个节点，0条关系）。'
    """
    return population_sentence(run.population)


def population_sentence(pop: Population | None) -> str:
    """`population_note` of a population (None: one a run did not record), in the current edition.

    Examples
    --------
    >>> from viz.i18n import use
    >>> with use("zh"):
    ...     population_sentence(Population(True, "as-planned", 2, 1))
    '数据范围：真实数据与合成数据，按规划（含提议、筹建和已签约的机构）（2个节点，1条关系）。'
    """
    if pop is None:
        return _("Population: not recorded by this run (saved before populations were recorded).")
    kind = _("real and synthetic data") if pop.synthetic else _("real data only")
    stage = (
        _("as planned (proposed, planned and agreed bodies included)")
        if pop.scenario == "as-planned"
        else _("established bodies only")
    )
    left = []
    if pop.synthetic_nodes_left_out:
        n = pop.synthetic_nodes_left_out
        left.append(ngettext("{n} synthetic node", "{n} synthetic nodes", n).format(n=num(n)))
    if pop.bodies_left_out:
        n = len(pop.bodies_left_out)
        left.append(
            ngettext(
                "{n} proposed, planned or agreed body", "{n} proposed, planned or agreed bodies", n
            ).format(n=num(n))
        )
    if pop.relationships_left_out:
        n = pop.relationships_left_out
        left.append(
            ngettext(
                "{n} relationship with them or of proposed partnerships",
                "{n} relationships with them or of proposed partnerships",
                n,
            ).format(n=num(n))
        )
    counts = _("{nodes}, {relationships}").format(
        nodes=ngettext("{n} node", "{n} nodes", pop.nodes).format(n=num(pop.nodes)),
        relationships=ngettext("{n} relationship", "{n} relationships", pop.relationships).format(
            n=num(pop.relationships)
        ),
    )
    if left:
        counts += _("; left out: {items}").format(items=_(", ").join(left))
    return _("Population: {kind}, {stage} ({counts}).").format(kind=kind, stage=stage, counts=counts)


def z_or_share(scores: RoleScores, totals: Sequence[float], role: str = "total") -> str:
    """The role's z-score where sna's null model gives it a meaning (`RoleScores.meaningful_z`),
    else the share of actors with at least this count ("top 2%").

    Examples
    --------
    >>> z_or_share(RoleScores(total=3.0, total_expected=0.6, total_sd=1.2, total_z=2.0), [3.0, 1.0])
    'z 2.000'
    >>> sparse = RoleScores(total=3.0, total_expected=1e-4, total_sd=1e-2, total_z=300.0)
    >>> z_or_share(sparse, [3.0] + [0.0] * 99)
    'top 1% of 100 actors'
    """
    z = scores.meaningful_z(role)
    if z is not None:
        return f"z {fmt(z)}"
    count = scores.count(role)
    share = 100.0 * sum(1 for t in totals if t >= count) / max(len(totals), 1)
    return ngettext("top {share}% of {n} actor", "top {share}% of {n} actors", len(totals)).format(
        share=f"{share:.2g}", n=num(len(totals))
    )
