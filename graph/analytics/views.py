"""The rows of every analysis: typed row models and the tables built from typed results.

One `View` per table a reader asks for — the API's ``/analytics/...`` endpoints (JSON or
CSV), and anything else that lists an analysis row by row.  A view names its analysis of
the registry, its row model (pydantic: the API's response model validates every row),
the columns it sorts by, its public parameter names (mapped onto
`~graph.analytics.params.AnalysisParams`) and the function that turns the typed result
into rows, with names read from the projection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel

from graph.analytics.params import AnalysisParams
from graph.analytics.registry import (
    BROKERAGE,
    CENTRALITY,
    CHANNELS,
    COLLABORATION,
    COMMUNITIES,
    COVERAGE,
    DUPLICATES,
    OPPORTUNITIES,
    POPULATION_PARAMS,
    STRUCTURAL_HOLES,
    Analysis,
)
from graph.analytics.results import (
    BrokerageResult,
    CentralityResult,
    ChannelsResult,
    CollaborationResult,
    CommunitiesResult,
    CoverageResult,
    DuplicatesResult,
    OpportunitiesResult,
    StructuralHolesResult,
)
from graph.analytics.rows import (
    BridgeRow,
    BrokerageRow,
    CentralityRow,
    ChannelRow,
    CoLocatedRow,
    CommunityRow,
    CountryCoverageRow,
    CountryTieRow,
    CoverageGapRow,
    DuplicateRow,
    OpportunityRow,
    StructuralHolesRow,
)
from ontology.vocab import NodeLabel, PropertyName

__all__ = ["VIEWS", "Names", "View", "view"]

Row = dict[str, Any]


class Names:
    """Names and types of the projection's nodes, for rows a person reads.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Country:KE", label="Country", props={"name": "Kenya"})
    >>> names = Names(G)
    >>> names.name("Country:KE"), names.type("Country:KE"), names.name("Country:XX")
    ('Kenya', 'Country', None)
    >>> names.group("country", "KE"), names.group("region", "Africa")
    ('Kenya', 'Africa')
    """

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.graph = G

    def name(self, node: Hashable) -> str | None:
        """The node's name (a title for offers and demands), or None."""
        if node not in self.graph:
            return None
        props = self.graph.nodes[node].get("props", {})
        value = props.get(PropertyName.NAME, props.get(PropertyName.TITLE))
        return str(value) if value is not None else None

    def type(self, node: Hashable) -> str | None:
        """The node's most specific type, or None."""
        return str(self.graph.nodes[node].get("label")) if node in self.graph else None

    def who(self, node: str) -> Row:
        """``id``, ``name`` and ``type`` of a node."""
        return {"id": node, "name": self.name(node), "type": self.type(node)}

    def group(self, partition: str, group: Any) -> str | None:
        """A readable name for a group: the country's or the national centre's name, else the group."""
        if partition == "country":
            return self.name(f"{NodeLabel.COUNTRY}:{group}") or str(group)
        if partition == "centre_system":
            return self.name(f"{NodeLabel.INSTITUTION}:{group}") or str(group)
        return None if group is None else str(group)


# --- rows of each result -----------------------------------------------------------------


def _brokerage_rows(r: BrokerageResult, names: Names, p: AnalysisParams) -> list[Row]:
    return [{**names.who(n), "group": r.groups.get(n), **asdict(s)} for n, s in r.nodes.items()]


def _brokerage_summary(r: BrokerageResult) -> Row:
    return {
        "partition": r.partition,
        "roles": list(r.roles),
        "graph": {k: asdict(v) for k, v in r.graph.items()},
    }


def _holes_rows(r: StructuralHolesResult, names: Names, p: AnalysisParams) -> list[Row]:
    return [{**names.who(n), **asdict(m)} for n, m in r.nodes.items()]


def _centrality_rows(r: CentralityResult, names: Names, p: AnalysisParams) -> list[Row]:
    nodes = sorted({*r.degree, *r.pagerank, *r.betweenness})
    return [
        {
            **names.who(n),
            "degree": r.degree.get(n),
            "pagerank": r.pagerank.get(n),
            "betweenness": r.betweenness.get(n),
        }
        for n in nodes
    ]


def _centrality_summary(r: CentralityResult) -> Row:
    return {
        "betweenness_exact": r.betweenness_exact,
        "betweenness_epsilon": r.betweenness_epsilon,
        "betweenness_delta": r.betweenness_delta,
        "betweenness_samples": r.betweenness_samples,
    }


def _community_rows(r: CommunitiesResult, names: Names, p: AnalysisParams) -> list[Row]:
    sizes = Counter(r.membership.values())
    rows = []
    for n, c in r.membership.items():
        b = r.bridge_nodes.get(n)
        rows.append(
            {
                **names.who(n),
                "community": c,
                "community_size": sizes[c],
                "external_ties": b.external_ties if b else None,
                "communities_reached": b.communities_reached if b else None,
                "participation": b.participation if b else None,
            }
        )
    return rows


def _community_summary(r: CommunitiesResult) -> Row:
    return {
        "modularity": r.modularity,
        "method": r.method,
        "backend": r.backend,
        "sizes": list(r.sizes),
        "bridges": len(r.bridge_edges),
    }


def _bridge_rows(r: CommunitiesResult, names: Names, p: AnalysisParams) -> list[Row]:
    return [
        {
            "source": e.source,
            "source_name": names.name(e.source),
            "source_community": r.membership.get(e.source),
            "target": e.target,
            "target_name": names.name(e.target),
            "target_community": r.membership.get(e.target),
        }
        for e in r.bridge_edges
    ]


def _duplicate_rows(r: DuplicatesResult, names: Names, p: AnalysisParams) -> list[Row]:
    ranked = sorted(r.clusters, key=lambda c: -(c.score or 0.0))
    return [
        {
            "cluster": i,
            "score": c.score,
            "confidence": "high" if any(pair.confidence == "high" for pair in c.pairs) else "medium",
            "evidence": sorted({kind for pair in c.pairs for kind in pair.evidence}),
            "members": [str(m) for m in c.members],
            "member_names": [names.name(m) for m in c.members],
            "hosts": [str(h) for h in c.hosts],
            "parents": [str(x) for x in c.parents],
            "pairs": [asdict(pair) for pair in c.pairs],
        }
        for i, c in enumerate(ranked, start=1)
    ]


def _co_located_rows(r: DuplicatesResult, names: Names, p: AnalysisParams) -> list[Row]:
    return [
        {
            "a": str(e.a),
            "a_name": names.name(e.a),
            "b": str(e.b),
            "b_name": names.name(e.b),
            "hosts": list(e.shared_hosts),
            "parents": sorted({*map(str, e.parents_a), *map(str, e.parents_b)}),
            "score": e.score,
        }
        for e in r.co_located
    ]


def _collaboration_rows(r: CollaborationResult, names: Names, p: AnalysisParams) -> list[Row]:
    return [
        {
            "country_a": t.country_a,
            "country_a_name": names.group("country", t.country_a),
            "country_b": t.country_b,
            "country_b_name": names.group("country", t.country_b),
            "weight": t.weight,
            "organisation_pairs": t.organisation_pairs,
            "projects": t.projects,
        }
        for t in r.ties
    ]


def _gap_rows(r: CoverageResult, names: Names, p: AnalysisParams) -> list[Row]:
    rows = []
    for gap in r.gaps:
        country, fid = f"{NodeLabel.COUNTRY}:{gap.country}", f"{NodeLabel.FIELD}:{gap.field}"
        rows.append(
            {
                "country": country,
                "country_name": names.name(country),
                "field": fid,
                "field_name": names.name(fid),
                "demands": gap.demands,
                "offers_elsewhere": gap.offers_elsewhere,
            }
        )
    return rows


def _country_rows(r: CoverageResult, names: Names, p: AnalysisParams) -> list[Row]:
    rows = []
    for code, c in r.countries.items():
        country = f"{NodeLabel.COUNTRY}:{code}"
        rows.append(
            {
                "country": country,
                "country_name": names.name(country),
                "bri_member": c.bri_member,
                "centres": [str(x) for x in c.centres],
                "partners": [str(x) for x in c.partners],
                "demands": c.demands,
                "offers": c.offers,
            }
        )
    return rows


def _opportunity_rows(r: OpportunitiesResult, names: Names, p: AnalysisParams) -> list[Row]:
    rows = []
    for i, o in enumerate(r.pairs, start=1):
        rows.append(
            {
                "rank": i,
                "supplier": str(o.supplier),
                "supplier_name": names.group(r.partition, o.supplier),
                "demander": str(o.demander),
                "demander_name": names.group(r.partition, o.demander),
                "status": o.status,
                "pairs": o.pairs,
                "offers": o.offers,
                "demands": o.demands,
                "distance": o.distance,
                "intermediaries": o.intermediaries,
                "fields": [str(f) for f in o.fields],
                "field_names": [names.name(f) for f in o.fields],
                "brokers": [str(b.node) for b in o.brokers],
                "broker_names": [names.name(b.node) for b in o.brokers],
                "broker_details": [asdict(b) for b in o.brokers],
            }
        )
    return rows


def _channel_rows(r: ChannelsResult, names: Names, p: AnalysisParams) -> list[Row]:
    rows = []
    for d, found in r.channels.items():
        if p.channels_demand is not None and d != p.channels_demand:
            continue
        for i, c in enumerate(found, start=1):
            rows.append(
                {
                    "demand": str(d),
                    "demand_name": names.name(d),
                    "rank": i,
                    "offer": str(c.offer),
                    "offer_name": names.name(c.offer),
                    "length": c.length,
                    "strength": c.strength,
                    "score": c.match.score,
                    "relation": c.match.relation,
                    "brokers": [str(b) for b in c.brokers],
                    "broker_names": [names.name(b) for b in c.brokers],
                    "nodes": [str(n) for n in c.nodes],
                    "node_names": [names.name(n) for n in c.nodes],
                    "hops": [dict(h) for h in c.hops],
                }
            )
    return rows


@dataclass(frozen=True, slots=True)
class View:
    """One table of an analysis.

    ``query`` maps the view's public parameter names to fields of `AnalysisParams`
    (the fields its rows depend on); ``sorts`` are the columns it sorts by, ``tie`` the
    column that orders equal values; ``sort_key`` overrides the sort value of a column
    (lists sort by their length).
    """

    name: str
    path: str
    analysis: Analysis[Any]
    row: type[BaseModel]
    rows: Callable[[Any, Names, AnalysisParams], list[Row]]
    sorts: tuple[str, ...]
    sort: str
    order: Literal["asc", "desc"]
    query: Mapping[str, str]
    description: str
    tie: str = "id"
    summary: Callable[[Any], Row] | None = None
    sort_key: Mapping[str, Callable[[Row], Any]] = field(default_factory=dict)

    @property
    def parameters(self) -> dict[str, str]:
        """Public parameter name -> `AnalysisParams` field: the population's, then the view's own."""
        return {**{name: name for name in POPULATION_PARAMS}, **self.query}

    @property
    def params(self) -> tuple[str, ...]:
        """The `AnalysisParams` fields this view's rows depend on."""
        return tuple(self.parameters.values())


_ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison", "total")

VIEWS: tuple[View, ...] = (
    View(
        "brokerage",
        "brokerage",
        BROKERAGE,
        BrokerageRow,
        _brokerage_rows,
        ("id", "name", "group", *_ROLES, *(f"{r}_z" for r in _ROLES)),
        "total",
        "desc",
        {"partition": "partition", "max_group": "max_group"},
        "Gould–Fernandez brokerage roles of every actor for a partition (country, region, income, centre "
        "system), with R ``sna::brokerage`` expected values and z-scores; the summary holds the graph-level "
        "scores.",
        summary=_brokerage_summary,
    ),
    View(
        "structural_holes",
        "structural-holes",
        STRUCTURAL_HOLES,
        StructuralHolesRow,
        _holes_rows,
        ("id", "name", "effective_size", "efficiency", "constraint", "hierarchy"),
        "effective_size",
        "desc",
        {"max_group": "max_group"},
        "Burt's effective size, efficiency, constraint and hierarchy of every actor (weighted ties).",
    ),
    View(
        "centrality",
        "centrality",
        CENTRALITY,
        CentralityRow,
        _centrality_rows,
        ("id", "name", "degree", "pagerank", "betweenness"),
        "pagerank",
        "desc",
        {
            "max_group": "max_group",
            "seed": "seed",
            "betweenness_exact_threshold": "betweenness_exact_threshold",
            "betweenness_epsilon": "betweenness_epsilon",
        },
        "Degree, PageRank and betweenness of every actor (betweenness exact below the threshold, sampled "
        "with an error bound above it; the summary says which).",
        summary=_centrality_summary,
    ),
    View(
        "communities",
        "communities",
        COMMUNITIES,
        CommunityRow,
        _community_rows,
        (
            "id",
            "name",
            "community",
            "community_size",
            "external_ties",
            "communities_reached",
            "participation",
        ),
        "community",
        "asc",
        {"max_group": "max_group", "seed": "seed"},
        "Community of every actor (Leiden, or Louvain without igraph) with its bridge measures (ties to "
        "other communities, Guimerà–Amaral participation); the summary holds the modularity.",
        summary=_community_summary,
    ),
    View(
        "community_bridges",
        "communities/bridges",
        COMMUNITIES,
        BridgeRow,
        _bridge_rows,
        ("source", "target", "source_community", "target_community"),
        "source",
        "asc",
        {"max_group": "max_group", "seed": "seed"},
        "Ties between communities (each undirected tie once).",
        tie="target",
    ),
    View(
        "duplicates",
        "duplicates",
        DUPLICATES,
        DuplicateRow,
        _duplicate_rows,
        ("cluster", "score"),
        "score",
        "desc",
        {"min_score": "duplicate_min_score", "different_parent": "duplicate_require_different_parent"},
        "Clusters of possibly duplicated branch centres (same host country or city, overlapping fields and "
        "partners, different parents), each with its pairwise evidence and score.",
        tie="cluster",
    ),
    View(
        "collaboration",
        "collaboration",
        COLLABORATION,
        CountryTieRow,
        _collaboration_rows,
        ("country_a", "country_b", "weight", "organisation_pairs", "projects"),
        "weight",
        "desc",
        {"max_group": "max_group"},
        "Country × country collaboration: organisations of two countries tied through shared projects "
        "(Newman's 1/(n−1) weight per project), agreements and events.",
        tie="country_a",
    ),
    View(
        "co_located",
        "duplicates/co-located",
        DUPLICATES,
        CoLocatedRow,
        _co_located_rows,
        ("a", "b", "score"),
        "a",
        "asc",
        {"different_parent": "duplicate_require_different_parent"},
        "Centres of different parents that share a host country and nothing else on record (no common "
        "city, field, partner or distinctive name): a weaker finding than a duplicate, with no "
        "recommendation.",
        tie="b",
    ),
    View(
        "coverage_gaps",
        "coverage-gaps",
        COVERAGE,
        CoverageGapRow,
        _gap_rows,
        ("country", "field", "demands", "offers_elsewhere"),
        "demands",
        "desc",
        {"bri_only": "coverage_bri_only"},
        "Countries × technology fields with demand and no centre or partner serving them, with the number "
        "of offers in that field elsewhere (supply a broker could bring in).",
        tie="country",
    ),
    View(
        "country_coverage",
        "coverage",
        COVERAGE,
        CountryCoverageRow,
        _country_rows,
        ("country", "centres", "partners", "demands", "offers"),
        "centres",
        "desc",
        {},  # the per-country table does not depend on coverage_bri_only
        "What serves each country: the centres hosted there, partner institutions, demands and offers.",
        tie="country",
        sort_key={"centres": lambda r: len(r["centres"]), "partners": lambda r: len(r["partners"])},
    ),
    View(
        "opportunities",
        "opportunities",
        OPPORTUNITIES,
        OpportunityRow,
        _opportunity_rows,
        ("rank", "pairs", "offers", "demands", "distance", "intermediaries"),
        "rank",
        "asc",
        {
            "partition": "partition",
            "max_group": "max_group",
            "k": "opportunities_k",
            "top": "opportunities_top",
            "brokers": "opportunities_brokers",
        },
        "Brokerage opportunities: supplier and demander groups (by the partition) with complementary "
        "technology fields that no short path, or only one broker, joins; with the candidate brokers.",
        tie="rank",
    ),
    View(
        "channels",
        "channels",
        CHANNELS,
        ChannelRow,
        _channel_rows,
        ("demand", "length", "strength", "score"),
        "demand",
        "asc",
        {
            "demand": "channels_demand",
            "demands": "channels_demands",
            "offers": "channels_offers",
            "max_hops": "channels_max_hops",
        },
        "Supply–demand channels: for a technology demand, the matching offers (SKOS field hierarchy and "
        "text) and the best explainable paths from its owner through centres, experts and agreements to "
        "each offer's owner.  Without ``demand``: the demands chosen from the brokerage opportunities "
        "first, then in node order.",
        tie="demand",
        sort_key={"demand": lambda r: (r["demand"], r["rank"])},
    ),
)


def view(name: str) -> View:
    """The view of that name.

    Examples
    --------
    >>> view("community_bridges").path
    'communities/bridges'
    """
    for v in VIEWS:
        if v.name == name:
            return v
    raise KeyError(f"no view {name!r}")
