"""Two rows of one file that make the same node with different values.

A load merges records that share a node key, so such rows would silently leave one
value of the two; `conflicting_keys` reports each conflict on the later row, naming
the earlier one, unless the values agree (a key repeated with the same values, as a
country named on many rows, is fine).  Records are compared only when their keys
collide, so the happy path costs one dictionary look-up per node.

Examples
--------
>>> from ontology.records import NodeRecord
>>> a = NodeRecord("Country", "GR", {"name": "Greece", "sources": ["c.csv:2"]})
>>> b = NodeRecord("Country", "GR", {"name": "Hellas", "sources": ["c.csv:5"]})
>>> [(e.row, e.column, e.reason[:46]) for e in conflicting_keys([a, b])]
[(5, 'name', "Country 'GR' is also made by c.csv:2 with name")]
>>> conflicting_keys([a, NodeRecord("Country", "GR", {"name": "Greece", "sources": ["c.csv:9"]})])
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ontology.record_errors import RecordError
from ontology.records import NodeRecord

__all__ = ["conflicting_keys"]

_ROW = re.compile(r"^(?P<file>.+?)(?:\[[^\]]*\])?:(?P<row>\d+)$")
_NOT_COMPARED = frozenset({"sources"})


def _row_of(node: NodeRecord) -> tuple[str, int] | None:
    for text in node.properties.get("sources", ()):
        match = _ROW.match(str(text))
        if match:
            return match["file"], int(match["row"])
    return None


def conflicting_keys(
    nodes: Iterable[NodeRecord], columns: Mapping[str, str] | None = None
) -> list[RecordError]:
    """One error per property on which a later row of a file contradicts an earlier one.

    Parameters
    ----------
    nodes : iterable of NodeRecord
        Mapped records in row order; their ``sources`` name ``file:row``.
    columns : mapping, optional
        Property name → source column, for the error's column (default: the property).

    Returns
    -------
    list of RecordError
        On the later row: the earlier row, the property and both values.
    """
    first: dict[str, dict[Any, NodeRecord]] = {}
    errors: list[RecordError] = []
    for node in nodes:
        by_key = first.setdefault(node.label, {})
        earlier = by_key.setdefault(node.key, node)
        if earlier is node:
            continue
        here, there = _row_of(node), _row_of(earlier)
        if here is None or there is None or here[0] != there[0] or here[1] == there[1]:
            continue  # not two rows of one file
        old, new = earlier.properties, node.properties
        for name, value in new.items():
            if name in _NOT_COMPARED or name not in old or old[name] == value:
                continue
            reason = (
                f"{node.label} {node.key!r} is also made by {there[0]}:{there[1]} with {name} {old[name]!r}, "
                f"here {value!r}: one key, two values (which row is right?)"
            )
            errors.append(RecordError(here[0], here[1], (columns or {}).get(name, name), reason))
    return errors
