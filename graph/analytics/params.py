"""The parameters of an analysis run, typed and bounded in one place.

Every analysis of the registry (`graph.analytics.registry`) names the fields of
`AnalysisParams` its result depends on; the CLI sets them from its options, the API
from its query parameters (with the bounds and descriptions declared here), and the
run record keeps them all.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from graph.analytics.actors import PARTITIONS

__all__ = ["PARTITIONS", "AnalysisParams"]


class AnalysisParams(BaseModel):
    """Parameters of a run (all recorded in the run).

    Examples
    --------
    >>> p = AnalysisParams(partition="region")
    >>> p.partition, p.max_group, p.model_copy(update={"seed": 3}).seed, p.synthetic, p.scenario
    ('region', 10, 3, False, 'established')
    >>> AnalysisParams(partition="planet")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for AnalysisParams
    ...
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    synthetic: Annotated[
        bool,
        Field(
            description="Include synthetic data (nodes marked synthetic: the demo's labelled sample, scale "
            "tests); real data only by default."
        ),
    ] = False
    scenario: Annotated[
        Literal["established", "as-planned"],
        Field(
            description="established: bodies that exist (not proposed, planned or only agreed); as-planned: "
            "the network as the plans would make it."
        ),
    ] = "established"

    partition: Annotated[
        str,
        Field(
            description="Node attribute of the actor network that defines the groups.",
            json_schema_extra={"enum": list(PARTITIONS)},
            pattern="^(" + "|".join(PARTITIONS) + ")$",
        ),
    ] = "country"
    max_group: Annotated[
        int,
        Field(
            ge=2,
            le=500,
            description="Agreements/events with up to this many actors tie them all; larger ones tie them "
            "to their organisers only.",
        ),
    ] = 10
    betweenness_exact_threshold: Annotated[
        int, Field(ge=0, description="Actor networks up to this size get exact betweenness.")
    ] = 2000
    betweenness_epsilon: Annotated[
        float | None,
        Field(gt=0, lt=1, description="Error bound of sampled betweenness (default: automatic)."),
    ] = None
    seed: Annotated[int, Field(ge=0, le=2**31 - 1, description="Random seed (communities, sampling).")] = 0
    duplicate_min_score: Annotated[
        float, Field(ge=0, le=1, description="Least evidence score of a duplicated pair.")
    ] = 0.25
    duplicate_require_different_parent: Annotated[
        bool, Field(description="Only centres built by different parents (or provinces) duplicate.")
    ] = True
    coverage_bri_only: Annotated[
        bool, Field(description="Coverage gaps of Belt and Road member countries only.")
    ] = True
    opportunities_k: Annotated[
        int, Field(ge=1, le=6, description="Hop limit: groups farther apart are unconnected.")
    ] = 2
    opportunities_top: Annotated[
        int, Field(ge=1, le=1000, description="Opportunities computed, most pairs first.")
    ] = 20
    opportunities_brokers: Annotated[
        int, Field(ge=1, le=50, description="Candidate brokers per opportunity.")
    ] = 5
    channels_demands: Annotated[
        int, Field(ge=0, le=200, description="Demands whose channels are computed (0: none).")
    ] = 10
    channels_offers: Annotated[int, Field(ge=1, le=50, description="Matching offers per demand.")] = 5
    channels_max_hops: Annotated[int, Field(ge=1, le=6, description="Longest route between the owners.")] = 4
    channels_demand: Annotated[
        str | None,
        Field(max_length=500, description="Only this demand (node id) instead of the chosen ones."),
    ] = None
