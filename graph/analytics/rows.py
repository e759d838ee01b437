"""The row models of the analyses' tables: what a row of each view holds (the API's response
models validate every row against them; CSV columns follow their fields)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, create_model

from graph.analytics.results import RoleScores

__all__ = [
    "BridgeRow",
    "BrokerageRow",
    "CentralityRow",
    "ChannelRow",
    "CoLocatedRow",
    "CommunityRow",
    "CountryCoverageRow",
    "CountryTieRow",
    "CoverageGapRow",
    "DuplicateRow",
    "NodeRow",
    "OpportunityRow",
    "StructuralHolesRow",
]


class NodeRow(BaseModel):
    """A node the measure is about."""

    id: str = Field(examples=["Institution:CASTTC"])
    name: str | None = Field(default=None, examples=["China-Arab States Technology Transfer Center"])
    type: str | None = Field(default=None, examples=["NationalTransferCentre"])


class _Group(NodeRow):
    group: str | None = Field(default=None, description="The node's group in the partition.")


#: Gould–Fernandez counts with R ``sna::brokerage`` expected values, sd and z-scores: the
#: node, its group and the fields of `graph.analytics.results.RoleScores` (declared there once).
BrokerageRow: type[BaseModel] = create_model(
    "BrokerageRow",
    __base__=_Group,
    __doc__="Gould–Fernandez counts with R ``sna::brokerage`` expected values, sd and z-scores.",
    **{name: (float | None, None) for name in RoleScores.__dataclass_fields__},  # type: ignore[call-overload]
)


class StructuralHolesRow(NodeRow):
    """Burt's measures on the weighted actor network (None where undefined, e.g. isolates)."""

    effective_size: float | None = None
    efficiency: float | None = None
    constraint: float | None = None
    hierarchy: float | None = None


class CentralityRow(NodeRow):
    """Normalised degree, weighted PageRank and (exact or sampled) normalised betweenness."""

    degree: float | None = None
    pagerank: float | None = None
    betweenness: float | None = None


class CommunityRow(NodeRow):
    """A node's community; the bridge measures are None for nodes without ties to other communities."""

    community: int | None = None
    community_size: int | None = None
    external_ties: int | None = None
    communities_reached: int | None = None
    participation: float | None = None


class BridgeRow(BaseModel):
    """A tie between two communities."""

    source: str
    source_name: str | None = None
    source_community: int | None = None
    target: str
    target_name: str | None = None
    target_community: int | None = None


class DuplicateRow(BaseModel):
    """A cluster of possibly duplicated centres with its evidence (one entry per scored pair)."""

    cluster: int = Field(description="Rank of the cluster by score in the run (1 = highest).")
    score: float
    confidence: str = Field(description="`high` (two or more kinds of evidence) or `medium` (one).")
    evidence: list[str] = Field(
        description="Kinds of evidence beyond the host: same city, fields, partners, names."
    )
    members: list[str]
    member_names: list[str | None]
    hosts: list[str]
    parents: list[str]
    pairs: list[dict[str, Any]]


class CoLocatedRow(BaseModel):
    """Two centres of different parents that share a host country and nothing else on record."""

    a: str
    a_name: str | None = None
    b: str
    b_name: str | None = None
    hosts: list[str]
    parents: list[str]
    score: float = Field(description="The pair's score (the shared host alone: 0.28).")


class CoverageGapRow(BaseModel):
    """A country and field with technology demand that no centre or partner serves."""

    country: str = Field(examples=["Country:KE"])
    country_name: str | None = None
    field: str = Field(examples=["Field:2.2"])
    field_name: str | None = None
    demands: int
    offers_elsewhere: int


class CountryCoverageRow(BaseModel):
    """What serves one country: centres hosted there, partner institutions, demands and offers."""

    country: str
    country_name: str | None = None
    bri_member: bool | None = None
    centres: list[str]
    partners: list[str]
    demands: int
    offers: int


class OpportunityRow(BaseModel):
    """A supplier group and a demander group with complementary fields and a thin link."""

    rank: int = Field(description="Rank by compatible (offer, demand) pairs (1 = most).")
    supplier: str
    supplier_name: str | None = None
    demander: str
    demander_name: str | None = None
    status: str = Field(description="`unconnected` (farther than k hops) or `single broker`.")
    pairs: int
    offers: int
    demands: int
    distance: int | None = None
    intermediaries: int
    fields: list[str]
    field_names: list[str | None]
    brokers: list[str] = Field(description="Candidate brokers, best first (node ids).")
    broker_names: list[str | None]
    broker_details: list[dict[str, Any]] = Field(description="Hops, bridging brokerage, constraint.")


class ChannelRow(BaseModel):
    """A path from a demand's owner to the owner of a matching offer."""

    demand: str
    demand_name: str | None = None
    rank: int = Field(description="Rank of the channel among the demand's (1 = best).")
    offer: str
    offer_name: str | None = None
    length: int = Field(description="Hops, the SEEKS and OFFERS hops included.")
    strength: int = Field(description="Fewest relationships between two consecutive nodes.")
    score: float | None = Field(default=None, description="Match score of the offer.")
    relation: str | None = Field(default=None, description="How the offer's field relates to the demand's.")
    brokers: list[str]
    broker_names: list[str | None]
    nodes: list[str]
    node_names: list[str | None]
    hops: list[dict[str, Any]]


class CountryTieRow(BaseModel):
    """Two countries whose organisations collaborate (a domestic tie when both are one country)."""

    country_a: str
    country_a_name: str | None = None
    country_b: str
    country_b_name: str | None = None
    weight: float = Field(description="Summed Newman collaboration weight of the organisation pairs.")
    organisation_pairs: int
    projects: int
