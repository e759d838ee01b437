"""Typed results of the analyses, as the run record keeps them.

The kernels (`graph.analytics.brokerage`, `centrality`, `communities`, …) return plain
mappings or their own dataclasses; the registry (`graph.analytics.registry`) turns each
kernel's answer into one of the result types here, and the run record
(`graph.analytics.runs`) stores and reads them back as they are typed.  Readers — the
API, the report, the write-back, the explorer's overlays — use the fields by name, so a
renamed field fails the type check instead of a report at run time.

Per-node values are keyed by the projection's node id (``"Label:key"``).  Undefined
numbers (a z-score with zero variance, the constraint of an isolate) are ``None``, never
NaN: a run record is JSON.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BeforeValidator

from graph.analytics.channels import Channel
from graph.analytics.collaboration import CountryTie
from graph.analytics.coverage import CountryCoverage, CoverageGap
from graph.analytics.duplicates import DuplicateCluster, PairEvidence
from graph.analytics.matching import Match
from graph.analytics.opportunities import Opportunity

__all__ = [
    "Z_MIN_EXPECTED",
    "BridgeEdge",
    "BridgeEdges",
    "BridgeMeasures",
    "BrokerageResult",
    "CentralityResult",
    "ChannelsResult",
    "CollaborationResult",
    "CommunitiesResult",
    "CoverageResult",
    "DuplicatesResult",
    "GraphRoleScore",
    "HoleMeasures",
    "OpportunitiesResult",
    "RoleScores",
    "StructuralHolesResult",
    "finite",
    "node_key",
]


def finite(value: Any) -> float | None:
    """A number as the run record keeps it: a float, or None when undefined.

    Examples
    --------
    >>> finite(2), finite(float("nan")), finite(float("inf")), finite(None)
    (2.0, None, None, None)
    """
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


#: Least expected count under sna's null model for which a brokerage z-score is shown.
Z_MIN_EXPECTED = 0.05


@dataclass(frozen=True, slots=True)
class RoleScores:
    """One actor's Gould–Fernandez counts with R ``sna::brokerage`` expected values, sd and z.

    Examples
    --------
    >>> s = RoleScores.of({"total": 3.0, "total_z": float("nan")})
    >>> s.total, s.total_z, s.liaison
    (3.0, None, None)
    """

    coordinator: float | None = None
    coordinator_expected: float | None = None
    coordinator_sd: float | None = None
    coordinator_z: float | None = None
    itinerant: float | None = None
    itinerant_expected: float | None = None
    itinerant_sd: float | None = None
    itinerant_z: float | None = None
    representative: float | None = None
    representative_expected: float | None = None
    representative_sd: float | None = None
    representative_z: float | None = None
    gatekeeper: float | None = None
    gatekeeper_expected: float | None = None
    gatekeeper_sd: float | None = None
    gatekeeper_z: float | None = None
    liaison: float | None = None
    liaison_expected: float | None = None
    liaison_sd: float | None = None
    liaison_z: float | None = None
    total: float | None = None
    total_expected: float | None = None
    total_sd: float | None = None
    total_z: float | None = None

    @classmethod
    def of(cls, flat: Mapping[str, Any]) -> RoleScores:
        """From `graph.analytics.brokerage.brokerage_scores`' flat keys."""
        return cls(**{k: finite(v) for k, v in flat.items() if k in cls.__dataclass_fields__})

    def count(self, role: str) -> float:
        """The raw count of a role (``"total"`` included); 0 when absent."""
        return getattr(self, role) or 0.0

    def z(self, role: str) -> float | None:
        """The z-score of a role (``"total"`` included)."""
        value: float | None = getattr(self, f"{role}_z")
        return value

    def meaningful_z(self, role: str) -> float | None:
        """The z-score of a role where sna's null model can tell brokers apart, else None.

        The model is degenerate when the role's standard deviation is 0, or its expected
        count is below `Z_MIN_EXPECTED`: then a single brokerage role already scores
        z ≥ 1/√0.05 ≈ 4.5 and z grows without meaning (10⁴–10⁵ on a sparse network of
        100k actors); show a percentile instead.

        Examples
        --------
        >>> RoleScores(total=3.0, total_expected=0.6, total_sd=1.2, total_z=2.0).meaningful_z("total")
        2.0
        >>> RoleScores(total=3.0, total_expected=1e-4, total_sd=1e-2, total_z=300.0).meaningful_z("total")
        """
        sd, expected = getattr(self, f"{role}_sd"), getattr(self, f"{role}_expected")
        if not sd or expected is None or expected < Z_MIN_EXPECTED:
            return None
        return self.z(role)


@dataclass(frozen=True, slots=True)
class GraphRoleScore:
    """A role's total over the network with sna's expectation, sd and z (``*.gli``)."""

    raw: float | None
    expected: float | None
    sd: float | None
    z: float | None


@dataclass(frozen=True, slots=True)
class BrokerageResult:
    """Gould–Fernandez brokerage of every actor for one partition."""

    partition: str
    roles: tuple[str, ...]
    nodes: dict[str, RoleScores]
    graph: dict[str, GraphRoleScore]
    groups: dict[str, str]

    def top(self, n: int | None = None) -> list[tuple[str, RoleScores]]:
        """The actors with at least one brokerage role, most roles first (equal totals by
        id): the first `n`, or all of them.  The CLI's and the report's rankings.

        Examples
        --------
        >>> r = BrokerageResult("country", (), {"b": RoleScores(total=2.0), "a": RoleScores(total=2.0),
        ...     "c": RoleScores(total=5.0), "d": RoleScores(total=0.0), "e": RoleScores()}, {}, {})
        >>> [node for node, _ in r.top()], [node for node, _ in r.top(2)]
        (['c', 'a', 'b'], ['c', 'a'])
        """
        scored = [(-s.total, node) for node, s in self.nodes.items() if s.total]
        # a heap for the first few of 10^5 actors: one pass instead of a sort
        chosen = sorted(scored) if n is None else heapq.nsmallest(n, scored)
        return [(node, self.nodes[node]) for _total, node in chosen]


@dataclass(frozen=True, slots=True)
class HoleMeasures:
    """Burt's measures of one actor (None where undefined, e.g. isolates)."""

    effective_size: float | None = None
    efficiency: float | None = None
    constraint: float | None = None
    hierarchy: float | None = None


@dataclass(frozen=True, slots=True)
class StructuralHolesResult:
    """Burt's structural-hole measures of every actor on the weighted actor network."""

    nodes: dict[str, HoleMeasures]


@dataclass(frozen=True, slots=True)
class CentralityResult:
    """Normalised degree, weighted PageRank and (exact or sampled) betweenness of every actor.

    ``betweenness_epsilon`` bounds the error of every sampled value with probability at
    least ``1 - betweenness_delta`` (both 0 when exact).
    """

    degree: dict[str, float]
    pagerank: dict[str, float]
    betweenness: dict[str, float]
    betweenness_exact: bool
    betweenness_epsilon: float
    betweenness_delta: float
    betweenness_samples: int


@dataclass(frozen=True, slots=True)
class BridgeMeasures:
    """An actor with ties to other communities."""

    community: int
    external_ties: int
    communities_reached: int
    participation: float | None


@dataclass(frozen=True, slots=True)
class BridgeEdge:
    """A tie between two communities."""

    source: str
    target: str


@dataclass(frozen=True, slots=True)
class BridgeEdges:
    """The ties between two communities, as two columns: tie ``i`` runs from ``sources[i]`` to
    ``targets[i]``; iterating gives `BridgeEdge` items.

    A large network has a million of them: two tuples of the node ids are built, stored and
    read several times faster than a million objects (``{"sources": [...], "targets":
    [...]}`` in the run record, which reads the older list of ``{"source", "target"}`` too).

    Examples
    --------
    >>> ties = BridgeEdges(("Expert:a", "Expert:b"), ("Expert:b", "Expert:c"))
    >>> len(ties), list(ties)[1]
    (2, BridgeEdge(source='Expert:b', target='Expert:c'))
    >>> BridgeEdges(("Expert:a",), ())
    Traceback (most recent call last):
    ValueError: 1 sources for 0 targets
    """

    sources: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.sources) != len(self.targets):
            raise ValueError(f"{len(self.sources)} sources for {len(self.targets)} targets")

    def __len__(self) -> int:
        return len(self.sources)

    def __iter__(self) -> Iterator[BridgeEdge]:
        return map(BridgeEdge, self.sources, self.targets)


def _bridge_columns(value: Any) -> Any:
    """The columns of bridge ties read as the older records list them (one object per tie).

    >>> _bridge_columns([{"source": "a", "target": "b"}])
    {'sources': ['a'], 'targets': ['b']}
    """
    if isinstance(value, list | tuple) and not isinstance(value, BridgeEdges):
        return {"sources": [e["source"] for e in value], "targets": [e["target"] for e in value]}
    return value


@dataclass(frozen=True, slots=True)
class CommunitiesResult:
    """Communities of the actor network, their modularity and the ties between them."""

    membership: dict[str, int]
    modularity: float | None
    method: str
    backend: str
    sizes: tuple[int, ...]
    bridge_nodes: dict[str, BridgeMeasures] = field(default_factory=dict)
    bridge_edges: Annotated[BridgeEdges, BeforeValidator(_bridge_columns)] = BridgeEdges()


@dataclass(frozen=True, slots=True)
class DuplicatesResult:
    """Clusters of duplicated centres abroad (evidence beyond the host country), highest score
    first, and the co-located pairs (sharing only a host country), listed apart."""

    clusters: tuple[DuplicateCluster, ...]
    co_located: tuple[PairEvidence, ...] = ()


@dataclass(frozen=True, slots=True)
class CoverageResult:
    """What serves each country, and the countries × fields with demand and no service."""

    gaps: tuple[CoverageGap, ...]
    countries: dict[str, CountryCoverage]


@dataclass(frozen=True, slots=True)
class OpportunitiesResult:
    """Complementary group pairs that no short path, or only one broker, joins."""

    partition: str
    k: int
    pairs: tuple[Opportunity, ...]


@dataclass(frozen=True, slots=True)
class CollaborationResult:
    """Country × country collaboration: Newman-weighted ties of their organisations, strongest first."""

    ties: tuple[CountryTie, ...]


@dataclass(frozen=True, slots=True)
class ChannelsResult:
    """Matching offers and supply–demand channels of the demands chosen, keyed by demand id."""

    matching: dict[str, tuple[Match, ...]]
    channels: dict[str, tuple[Channel, ...]]


def node_key(node: Hashable) -> str:
    """The run record's key of a node (the projection's id as text)."""
    return node if isinstance(node, str) else str(node)
