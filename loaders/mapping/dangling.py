"""Relationships whose ends are neither loaded nor stored."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from loaders.errors import RecordError
from loaders.mapping.run import Origin
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema

__all__ = ["find_dangling"]


def find_dangling(
    relationships: Sequence[RelationshipRecord],
    origins: Sequence[Origin],
    produced: Iterable[NodeRecord | tuple[str, Any]],
    exists: Callable[[str, Any], bool] | None = None,
    *,
    schema: GraphSchema | None = None,
) -> list[RecordError]:
    """Report relationships whose start or end node is neither produced by this load nor stored.

    Parameters
    ----------
    relationships, origins : sequences
        Parallel lists, as in `MappedBatch` (several batches may be concatenated).
    produced : iterable of NodeRecord or (label, key)
        Nodes this load creates.
    exists : callable, optional
        ``exists(label, key) -> bool`` asks the store; called at most once per node.
    schema : GraphSchema, optional
        With it, a produced node also satisfies ends naming one of its ancestor
        labels (a ``TransferCentre`` is an ``Institution``).

    Returns
    -------
    list of RecordError
        One per missing end, naming the file, row and key column.

    Examples
    --------
    >>> rel = RelationshipRecord("LOCATED_IN", "Centre", "C1", "Country", "XX")
    >>> org = Origin("centres.csv", 2, "id", "country")
    >>> for err in find_dangling([rel], [org], [("Centre", "C1")], lambda label, key: False):
    ...     print(err.file, err.row, err.column, err.reason)
    centres.csv 2 country LOCATED_IN: end node Country 'XX' is neither loaded here nor in the store
    """
    have: set[tuple[str, Any]] = set()
    for item in produced:
        label, key = (item.label, item.key) if isinstance(item, NodeRecord) else item
        labels: Iterable[str] = (label,)
        if schema is not None and label in schema.nodes:
            labels = schema.nodes[label].labels
        for name in labels:
            have.add((name, key))
    asked: dict[tuple[str, Any], bool] = {}

    def present(label: str, key: Any) -> bool:
        if (label, key) in have:
            return True
        if exists is None:
            return False
        if (label, key) not in asked:
            asked[(label, key)] = bool(exists(label, key))
        return asked[(label, key)]

    out: list[RecordError] = []
    for rel, origin in zip(relationships, origins, strict=True):
        for side, label, key, column in (
            ("start", rel.start_label, rel.start_key, origin.start_column),
            ("end", rel.end_label, rel.end_key, origin.end_column),
        ):
            if not present(label, key):
                out.append(
                    RecordError(
                        origin.file,
                        origin.row,
                        column,
                        f"{rel.type}: {side} node {label} {key!r} is neither loaded here nor in the store",
                    )
                )
    return out
