"""Request and response models of the entity routes (``/entities``, ``/relationships``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from api.json_values import refuse_unstorable

__all__ = [
    "EndRef",
    "Entity",
    "EntityPage",
    "EntityPatch",
    "EntityPut",
    "EntitySummary",
    "OtherEnd",
    "Provenance",
    "RelationshipIn",
    "RelationshipOut",
    "WriteResult",
]

_SOURCES = Field(
    default=None,
    max_length=50,
    description="Provenance of this statement (URLs, document references).  Default: "
    "``api:key-<8 hex digits>``, naming the API key that wrote it (a hash, never the key).",
    examples=[["https://example.org/press/2024-05-01"]],
)


class _Storable(BaseModel):
    """Refuses values no store can hold (lone surrogates, NaN, Infinity, integers beyond 64 bits)."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, BaseModel):  # a nested model checks itself
            return value
        return refuse_unstorable(value, info.field_name or "")


class EndRef(_Storable):
    """The other end of a relationship, by type (any schema label) and key."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(max_length=100, examples=["Country"])
    key: str = Field(min_length=1, max_length=500, examples=["TH"])


class RelationshipIn(_Storable):
    """A relationship stated together with an entity (merged on start, type and end)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"type": "LOCATED_IN", "direction": "out", "other": {"type": "Country", "key": "TH"}},
                {
                    "type": "PARTY_TO",
                    "direction": "in",
                    "other": {"type": "Country", "key": "CN"},
                    "properties": {"role": "signatory"},
                },
            ]
        },
    )

    type: str = Field(max_length=100, description="A relationship type of the ontology.")
    direction: Literal["out", "in"] = Field(
        default="out", description="``out``: from this entity to the other; ``in``: from the other."
    )
    other: EndRef
    properties: dict[str, Any] = Field(default_factory=dict)
    sources: list[str] | None = _SOURCES


_PUT_EXAMPLE: dict[str, Any] = {
    "properties": {"name": "Example Robotics Co., Ltd.", "nameZh": "示例机器人有限公司", "city": "Bangkok"},
    "sources": ["https://example.org/companies/example-robotics"],
    "relationships": [
        {"type": "LOCATED_IN", "direction": "out", "other": {"type": "Country", "key": "TH"}},
    ],
}


class EntityPut(_Storable):
    """The whole entity: its properties replace the stored ones; its relationships are merged.

    Properties not given are removed, except ``synthetic`` and ``seed`` of a synthetic
    node (a generated node stays marked as generated).  ``sources`` are added to the
    stored ones (provenance accumulates).  Relationships given here are created or
    merged; other stored relationships stay (``DELETE /relationships`` removes one).
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_PUT_EXAMPLE]})

    properties: dict[str, Any] = Field(description="Property values; the key is taken from the path.")
    sources: list[str] | None = _SOURCES
    relationships: list[RelationshipIn] = Field(default_factory=list, max_length=200)


class EntityPatch(_Storable):
    """A partial update: given properties are set, ``null`` removes one; relationships are merged."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "properties": {"city": "Chiang Mai", "note": None},
                    "sources": ["https://example.org/news/1"],
                }
            ]
        },
    )

    properties: dict[str, Any] = Field(default_factory=dict)
    sources: list[str] | None = _SOURCES
    relationships: list[RelationshipIn] = Field(default_factory=list, max_length=200)


class OtherEnd(BaseModel):
    """The node at the other end of a relationship."""

    id: str = Field(examples=["Country:TH"])
    type: str | None = Field(examples=["Country"])
    key: Any = Field(examples=["TH"])
    name: str | None = Field(examples=["Thailand"])


class RelationshipOut(BaseModel):
    """A stored relationship seen from one of its ends."""

    type: str = Field(examples=["HOSTED_IN"])
    direction: Literal["out", "in"]
    other: OtherEnd
    properties: dict[str, Any]


class Provenance(BaseModel):
    """Where a node's facts come from."""

    sources: list[str] = Field(examples=[["data/reference/china_tech_transfer_centers/centers.csv:2"]])
    retrieved: str | None = None
    synthetic: bool | None = None
    seed: int | None = None


class Entity(BaseModel):
    """A node with its properties, provenance and relationships."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "Institution:CATTC-KH",
                    "type": "BilateralCentre",
                    "key": "CATTC-KH",
                    "labels": ["BilateralCentre", "Institution", "TransferCentre"],
                    "properties": {"id": "CATTC-KH", "name": "China-Cambodia Technology Transfer Center"},
                    "provenance": {"sources": ["http://zhonghuixigou.com/roll/20150919/3350391.shtml"]},
                    "relationships": [
                        {
                            "type": "HOSTED_IN",
                            "direction": "out",
                            "other": {"id": "Country:KH", "type": "Country", "key": "KH", "name": "Cambodia"},
                            "properties": {
                                "sources": ["http://zhonghuixigou.com/roll/20150919/3350391.shtml"]
                            },
                        }
                    ],
                    "relationships_truncated": False,
                }
            ]
        }
    )

    id: str
    type: str
    key: Any
    labels: list[str]
    properties: dict[str, Any] = Field(description="Every property but the provenance ones.")
    provenance: Provenance
    relationships: list[RelationshipOut]
    relationships_truncated: bool = Field(description="More relationships exist than `rel_limit`.")


class EntitySummary(BaseModel):
    """A node in a listing."""

    id: str = Field(examples=["Country:TH"])
    type: str = Field(examples=["Country"])
    key: Any = Field(examples=["TH"])
    name: str | None = Field(examples=["Thailand"])
    labels: list[str] = Field(examples=[["Country"]])


class EntityPage(BaseModel):
    """One page of a listing, ordered by key label and key; ``next`` fetches the following page."""

    items: list[EntitySummary]
    next: str | None = Field(description="Opaque cursor of the next page (absent on the last page).")


class WriteResult(BaseModel):
    """What a write did."""

    id: str = Field(examples=["Institution:example-robotics-th"])
    created: bool = Field(description="The node did not exist before.")
    relationships: int = Field(description="Relationships created or merged.", examples=[1])
    sources: list[str] = Field(description="The provenance recorded by this write.")
