"""Property-graph records: what readers and mappings produce and stores upsert.

They live beside the schema (not in ``graph/``) so that ``loaders/`` and the RDF
conversion can build and check them without a store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["NodeRecord", "RelationshipRecord"]


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """A node to upsert: its type (a schema label), key value and properties.

    The backend adds the ancestor labels of ``label`` from the schema and merges on
    ``(key_label, key)``.
    """

    label: str
    key: Any
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RelationshipRecord:
    """A relationship to upsert between two nodes given by label and key.

    Relationships are merged on ``(start, type, end)`` plus ``discriminator``
    properties when given, so two sources may state the same link (one relationship,
    provenance merged) or conflicting links (two relationships, each with its own
    source).
    """

    type: str
    start_label: str
    start_key: Any
    end_label: str
    end_key: Any
    properties: Mapping[str, Any] = field(default_factory=dict)
