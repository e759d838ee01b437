"""Property-graph records: what readers and mappings produce and stores upsert.

They live beside the schema (not in ``graph/``) so that ``loaders/`` and the RDF
conversion can build and check them without a store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

__all__ = ["PLACEHOLDERS", "MergePolicy", "NodeRecord", "RelationshipRecord", "is_placeholder"]


class MergePolicy(StrEnum):
    """How a node property loaded again meets the value already stored.

    Whatever the policy, a value is never replaced by an empty one (empty cells are not
    written) or by a placeholder (`is_placeholder`): a placeholder only fills a property
    the node does not have yet.
    """

    #: the new value replaces the stored one (the default)
    PREFER_NEW = "prefer_new"
    #: the stored value stays; the new one only fills a missing property
    KEEP_EXISTING = "keep_existing"
    #: the longer text wins (ties keep the stored value)
    KEEP_LONGER = "keep_longer"


#: Texts that stand for a missing value (compared trimmed and lower-cased).  ``NA`` is not
#: one of them: it is Namibia's country code.
PLACEHOLDERS: frozenset[str] = frozenset(
    {"n/a", "unknown", "(unknown)", "none", "null", "-", "--", "?", "tbd", "placeholder",
     "not available", "(not stated in source)", "(no name)", "no name"}
)  # fmt: skip


def is_placeholder(value: Any, key: Any = None) -> bool:
    """True for a text standing for a missing value: blank, one of `PLACEHOLDERS`, or the
    node's own `key` (a name that is just the identifier).

    Examples
    --------
    >>> is_placeholder(" Unknown "), is_placeholder("999627875", "999627875"), is_placeholder("NA")
    (True, True, False)
    >>> is_placeholder(12), is_placeholder("FOI", "999627875")
    (False, False)
    """
    if value.__class__ is not str:
        return False
    text = value.strip()
    return not text or text.lower() in PLACEHOLDERS or (key is not None and text == str(key))


_NO_POLICY: Mapping[str, MergePolicy] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """A node to upsert: its type (a schema label), key value and properties.

    The backend adds the ancestor labels of ``label`` from the schema and merges on
    ``(key_label, key)``.
    """

    label: str
    key: Any
    properties: Mapping[str, Any] = field(default_factory=dict)
    #: merge policy of some properties against the stored node (default: `MergePolicy.PREFER_NEW`)
    merge: Mapping[str, MergePolicy] = _NO_POLICY


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
