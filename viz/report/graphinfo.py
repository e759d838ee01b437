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

from graph.analytics.results import RoleScores
from graph.analytics.runs import RunRecord
from ontology.vocab import NodeLabel, PropertyName, RelType

__all__ = [
    "PLACEMENT",
    "country_node",
    "fmt",
    "has_label",
    "label_of",
    "name",
    "placements",
    "population_note",
    "props",
    "year_of",
]

#: Relationship types that place an institution in a country.
PLACEMENT = (RelType.HOSTED_IN, RelType.LOCATED_IN)


def props(G: nx.Graph, node: Any) -> dict[str, Any]:
    """The node's properties (empty when the node is unknown)."""
    return dict(G.nodes[node].get("props", {})) if node in G else {}


def name(G: nx.Graph, node: Any) -> str:
    """Display name: ``name``, ``title``, ``nameZh``, else the key.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Country:TH", label="Country", key="TH", props={"name": "Thailand"})
    >>> name(G, "Country:TH"), name(G, "Country:XX")
    ('Thailand', 'Country:XX')
    """
    if node not in G:
        return str(node)
    p = G.nodes[node].get("props", {})
    for prop in (PropertyName.NAME, PropertyName.TITLE, PropertyName.NAME_ZH):
        if isinstance(p.get(prop), str) and p[prop]:
            return str(p[prop])
    return str(G.nodes[node].get("key", node))


def label_of(G: nx.Graph, node: Any) -> str:
    """``name (id)`` for tables: the name a reader knows, the id a query needs."""
    return f"{name(G, node)} ({node})" if node in G else str(node)


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


def population_note(run: RunRecord, lang: str = "en") -> str:
    """The sentence that says which population a run's findings rest on (English or Chinese).

    Examples
    --------
    >>> from graph.analytics.params import AnalysisParams
    >>> from graph.analytics.population import Population
    >>> from graph.analytics.runs import GraphCounts
    >>> run = RunRecord("r", "now", AnalysisParams(), GraphCounts(1, 0), population=Population(False,
    ...                 "established", 1, 0))
    >>> population_note(run)[:40]
    'Population: real data only, established '
    >>> population_note(run, "zh")
    '数据范围：仅真实数据，仅已成立的机构（1个节点，0条关系）。'
    """
    pop = run.population
    if lang == "zh":
        if pop is None:
            return "数据范围：本次分析未记录（早于数据范围记录的分析）。"
        kind = "真实数据与合成数据" if pop.synthetic else "仅真实数据"
        stage = "按规划（含提议、筹建和已签约的机构）" if pop.scenario == "as-planned" else "仅已成立的机构"
        left = []
        if pop.synthetic_nodes_left_out:
            left.append(f"{pop.synthetic_nodes_left_out:,}个合成节点")
        if pop.bodies_left_out:
            left.append(f"{len(pop.bodies_left_out)}个提议、筹建或已签约的机构")
        if pop.relationships_left_out:
            left.append(f"{pop.relationships_left_out:,}条相关关系")
        tail = f"；未计入：{'、'.join(left)}" if left else ""
        return f"数据范围：{kind}，{stage}（{pop.nodes:,}个节点，{pop.relationships:,}条关系{tail}）。"
    if pop is None:
        return "Population: not recorded by this run (saved before populations were recorded)."
    text = pop.describe()
    return f"Population: {text[0].lower()}{text[1:]}"


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
    return f"top {share:.2g}% of {len(totals):,} actors"
