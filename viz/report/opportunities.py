"""Brokerage opportunities and supply–demand channels, with their explaining paths drawn.

Both come from the run record (``results.opportunities``: ``{"pairs": [...]}`` from
``graph.analytics.opportunities``; ``results.channels``: ``{"channels": {demand: [...]}}``
from ``graph.analytics.channels``) and are read defensively: the items are the first
list of mappings found (directly, or in a mapping of lists); their scalar fields become
table columns; their paths are drawn: ``nodes`` with ``hops`` (a channel, each hop's
relationship ``types`` and direction), ``path``/``paths``/``field_path`` (node ids, lists
of them, or mappings with ``nodes`` and ``rels``), and for an opportunity the supplier
group → candidate broker → demander group.  When the run has no such key, or it is
empty, the section says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from graph.analytics.registry import CHANNELS, OPPORTUNITIES
from graph.analytics.runs import RunRecord
from ontology.vocab import NodeLabel, PropertyName
from viz.i18n import N_, _, num
from viz.report.charts import path_chart
from viz.report.graphinfo import fmt, has_label, name, population_note, short_name
from viz.report.model import Figure, Section, Table

__all__ = ["channels_section", "item_paths", "opportunities_section"]

_PATH_KEYS = ("path", "paths", "channel", "channels", "explanation", "explanations", "field_path")
_MAX_ITEMS = 25
_MAX_DRAWN = 8


def _is_ids(value: Any) -> bool:
    return isinstance(value, list | tuple) and bool(value) and all(isinstance(v, str) for v in value)


def _one_path(value: Any) -> tuple[list[str], list[str | None]] | None:
    if _is_ids(value):
        return list(value), [None] * (len(value) - 1)
    if isinstance(value, Mapping) and _is_ids(value.get("nodes")):
        nodes = list(value["nodes"])
        rels = list(value.get("rels") or value.get("types") or value.get("relationships") or [])
        rels = [str(r) if r is not None else None for r in rels][: len(nodes) - 1]
        return nodes, rels + [None] * (len(nodes) - 1 - len(rels))
    return None


def _hop_label(hop: Any) -> str | None:
    if not isinstance(hop, Mapping):
        return None
    types = hop.get("types") or ([hop["type"]] if hop.get("type") else [])
    text = "|".join(str(t) for t in types) or None
    return text if text is None or hop.get("forward", True) else f"←{text}"


def item_paths(item: Mapping[str, Any]) -> list[tuple[list[str], list[str | None]]]:
    """The paths an item carries, as ``(node ids, relationship types between them)``.

    Examples
    --------
    >>> item_paths({"paths": [["a", "b"], {"nodes": ["a", "c", "d"], "rels": ["X", "Y"]}]})
    [(['a', 'b'], [None]), (['a', 'c', 'd'], ['X', 'Y'])]
    >>> item_paths({"nodes": ["d", "e", "o"], "hops": [{"types": ["SEEKS"], "forward": False},
    ...            {"types": ["OFFERS"], "forward": True}]})
    [(['d', 'e', 'o'], ['←SEEKS', 'OFFERS'])]
    >>> item_paths({"supplier": "CN", "demander": "KE", "brokers": [{"node": "b", "hops": 2}]})
    [(['CN', 'b', 'KE'], ['broker', 'broker'])]
    """
    out = []
    if _is_ids(item.get("nodes")):
        nodes = list(item["nodes"])
        hops = [_hop_label(h) for h in item.get("hops") or []][: len(nodes) - 1]
        out.append((nodes, hops + [None] * (len(nodes) - 1 - len(hops))))
    if "supplier" in item and "demander" in item:
        for broker in (item.get("brokers") or [])[:2]:
            node = broker.get("node") if isinstance(broker, Mapping) else broker
            if isinstance(node, str):
                out.append(([str(item["supplier"]), node, str(item["demander"])], ["broker", "broker"]))
    for key in _PATH_KEYS:
        value = item.get(key)
        if value is None:
            continue
        single = _one_path(value)
        if single is not None:
            out.append(single)
            continue
        if isinstance(value, list | tuple):
            for entry in value:
                one = _one_path(entry)
                if one is not None:
                    out.append(one)
    return out


def _name(G: nx.MultiDiGraph, value: str) -> str:
    if value in G:
        return name(G, value)
    country = f"Country:{value}"  # partition values: country codes
    return name(G, country) if country in G else value


def _cell(G: nx.MultiDiGraph, value: Any) -> str | None:
    if isinstance(value, str):
        return _name(G, value)
    if isinstance(value, bool | int | float) or value is None:
        return fmt(value)
    if isinstance(value, list | tuple) and all(isinstance(v, str | int | float) for v in value):
        shown = ", ".join(_name(G, v) if isinstance(v, str) else str(v) for v in value[:8])
        return shown + (" …" if len(value) > 8 else "")
    if isinstance(value, list | tuple) and value and all(isinstance(v, Mapping) for v in value):
        keys = [k for k in ("id", "node") if all(k in v for v in value)]
        return ", ".join(_name(G, str(v[keys[0]])) for v in value[:8]) if keys else None
    if isinstance(value, Mapping) and "score" in value:  # a nested match: its scores
        return ", ".join(f"{k} {fmt(v)}" for k, v in value.items() if k.endswith("score") or k == "relation")
    return None  # other nested structures: drawn as paths or left out


def _items_table(G: nx.MultiDiGraph, items: Sequence[Mapping[str, Any]], caption: str, origin: str) -> Table:
    columns: list[str] = []
    for item in items[:_MAX_ITEMS]:
        for key, value in item.items():
            if key not in columns and key not in _PATH_KEYS and _cell(G, value) is not None:
                columns.append(key)
    rows = [[_cell(G, item.get(c)) or "–" for c in columns] for item in items[:_MAX_ITEMS]]
    return Table(caption, columns, rows, origin)


def _draw(G: nx.MultiDiGraph, items: Sequence[Mapping[str, Any]], title: str) -> str | None:
    drawn: list[list[tuple[str, str | None]]] = []
    for item in items:
        for nodes, rels in item_paths(item):
            drawn.append([(short_name(G, n), r) for n, r in zip(nodes, [*rels, None], strict=False)])
            if len(drawn) >= _MAX_DRAWN:
                break
        if len(drawn) >= _MAX_DRAWN:
            break
    return path_chart(drawn, title) if drawn else None


def _items(value: Any, key: str) -> list[Mapping[str, Any]]:
    """The items of a result: a list of mappings, or the one under ``key``/``items``/``pairs``
    (or the first) of a mapping, a mapping of lists flattened."""
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, Mapping)]
    if not isinstance(value, Mapping):
        return []
    for field in (key, "items", "pairs", *value):
        inner = value.get(field)
        if isinstance(inner, list | tuple) and any(isinstance(v, Mapping) for v in inner):
            return [v for v in inner if isinstance(v, Mapping)]
        if isinstance(inner, Mapping) and inner and all(isinstance(v, list | tuple) for v in inner.values()):
            flat = [v for group in inner.values() for v in group if isinstance(v, Mapping)]
            if flat:
                return flat
    return []


def _supply_demand_counts(G: nx.MultiDiGraph) -> tuple[int, int]:
    offers = sum(1 for n in G if has_label(G, n, NodeLabel.TECHNOLOGY_OFFER))
    demands = sum(1 for n in G if has_label(G, n, NodeLabel.TECHNOLOGY_DEMAND))
    return offers, demands


def _synthetic_items(G: nx.MultiDiGraph) -> int:
    """Offers and demands marked ``synthetic`` (the demo's labelled sample, a scale test)."""
    return sum(
        1
        for n, data in G.nodes(data=True)
        if (has_label(G, n, NodeLabel.TECHNOLOGY_OFFER) or has_label(G, n, NodeLabel.TECHNOLOGY_DEMAND))
        and (data.get("props") or {}).get(PropertyName.SYNTHETIC)
    )


def _plain(run: RunRecord, key: str) -> Any:
    """The run's opportunities or channels as the drawing code reads them (items with their paths)."""
    if key == OPPORTUNITIES.key:
        found = run.get(OPPORTUNITIES)
        return None if found is None else {"pairs": [o.to_dict() for o in found.pairs]}
    channels = run.get(CHANNELS)
    if channels is None:
        return None
    return {"channels": {d: [c.to_dict() for c in cs] for d, cs in channels.channels.items()}}


def _section(
    key: str, run: RunRecord, G: nx.MultiDiGraph, t: dict[str, str], what: str, producer: str
) -> Section:
    rid = run.id
    section = Section(key, t[key], _("analysis run {run}: {keys}").format(run=rid, keys=f"results.{key}"))
    section.paragraphs.append(population_note(run))
    value = _plain(run, key)
    offers, demands = _supply_demand_counts(G)
    synthetic = _synthetic_items(G)
    with_synthetic = run.population is None or run.population.synthetic
    if not with_synthetic and synthetic:  # the analysis saw the real offers and demands only
        real = sum(1 for n, d in G.nodes(data=True) if has_label(G, n, NodeLabel.TECHNOLOGY_OFFER)
                   and not (d.get("props") or {}).get(PropertyName.SYNTHETIC))  # fmt: skip
        offers, demands = real, offers + demands - synthetic - real
    items = _items(value, key)
    if value is None:
        section.paragraphs.append(
            _(
                "This analysis run has no {what} ({key} is missing: the run predates {producer}, or it was "
                "not run). The graph holds {offers} technology offers and {demands} technology demands."
            ).format(
                what=_(what),
                key=f"results.{key}",
                producer=producer,
                offers=num(offers),
                demands=num(demands),
            )
        )
        if not offers and not demands:
            section.paragraphs.append(
                _("No offers/demands in the data: load technology offers and demands to see them.")
            )
        return section
    if not items:
        reason = (
            _("no offers/demands in the data")
            if not offers and not demands
            else _("none found among {offers} offers and {demands} demands").format(
                offers=num(offers), demands=num(demands)
            )
        )
        section.paragraphs.append(_("No {what}: {reason}.").format(what=_(what), reason=reason))
        if not with_synthetic and synthetic:
            section.paragraphs.append(
                _(
                    "The {n} synthetic offers and demands of the labelled demo sample are loaded but left "
                    "out of the analyses; `transfernet analyze --synthetic` shows how the analysis works on "
                    "them."
                ).format(n=num(synthetic))
            )
        return section
    section.paragraphs.append(
        _("{n} {what} (the first {shown} shown).").format(
            n=num(len(items)), what=_(what), shown=num(min(len(items), _MAX_ITEMS))
        )
    )
    if with_synthetic and synthetic:
        section.paragraphs.append(
            _(
                "{n} of the {m} technology offers and demands in the graph are synthetic (marked synthetic: "
                "true, with the generator's seed): {what} through them show how the analysis works, not real "
                "supply and demand."
            ).format(n=num(synthetic), m=num(offers + demands), what=_(what))
        )
    origin = _("run {run}: {keys}").format(run=rid, keys=f"results.{key} ({producer})")
    section.tables.append(_items_table(G, items, t[key], origin))
    svg = _draw(G, items, t["paths"])
    if svg is not None:
        section.figures.append(Figure(f"{t['paths']} — {t[key]}", svg, origin))
    return section


def opportunities_section(run: RunRecord, G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    """Brokerage opportunities of ``results.opportunities``."""
    return _section(
        "opportunities", run, G, t, N_("brokerage opportunities"), "graph.analytics.opportunities"
    )


def channels_section(run: RunRecord, G: nx.MultiDiGraph, t: dict[str, str]) -> Section:
    """Supply–demand channels of ``results.channels``."""
    return _section("channels", run, G, t, N_("supply–demand channels"), "graph.analytics.channels")
