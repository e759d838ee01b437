"""Relationships whose ends are neither loaded nor stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from operator import attrgetter
from typing import Any

from loaders.mapping.run import Origin
from ontology.record_errors import RecordError
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema

__all__ = ["dangling_errors", "find_dangling", "unproduced_ends"]

_START = attrgetter("start_label", "start_key")
_END = attrgetter("end_label", "end_key")


def unproduced_ends(
    relationships: Iterable[RelationshipRecord],
    produced: Iterable[NodeRecord | tuple[str, Any]],
    *,
    schema: GraphSchema | None = None,
) -> dict[str, set[Any]]:
    """The end keys, by label, that the relationships need and `produced` does not give.

    With `schema`, a produced node also gives the ends naming one of its ancestor labels
    (a ``TransferCentre`` is an ``Institution``).  (Set operations over ``(label, key)``
    pairs: a load has a million relationships and a hundred thousand distinct ends.)

    Examples
    --------
    >>> rels = [RelationshipRecord("LOCATED_IN", "Centre", "C1", "Country", "XX")]
    >>> unproduced_ends(rels, [("Centre", "C1")])
    {'Country': {'XX'}}
    """
    rels = relationships if isinstance(relationships, Collection) else list(relationships)
    ends = set(map(_START, rels))
    ends.update(map(_END, rels))
    nodes = schema.nodes if schema is not None else {}
    for item in produced:
        label, key = (item.label, item.key) if isinstance(item, NodeRecord) else item
        node_type = nodes.get(label)
        if node_type is None:
            ends.discard((label, key))
        else:
            for name in node_type.labels:
                ends.discard((name, key))
    out: dict[str, set[Any]] = defaultdict(set)
    for label, key in ends:
        out[label].add(key)
    return dict(out)


def dangling_errors(
    relationships: Sequence[RelationshipRecord],
    origins: Sequence[Origin],
    missing: Collection[tuple[str, Any]],
) -> list[RecordError]:
    """One error per relationship end in `missing` (``(label, key)`` pairs), in record order.

    Examples
    --------
    >>> rel = RelationshipRecord("LOCATED_IN", "Centre", "C1", "Country", "XX")
    >>> org = Origin("centres.csv", 2, "id", "country")
    >>> [e.column for e in dangling_errors([rel], [org], {("Country", "XX")})]
    ['country']
    """
    out: list[RecordError] = []
    if not missing:
        return out
    for rel, origin in zip(relationships, origins, strict=True):
        for side, label, key, column in (
            ("start", rel.start_label, rel.start_key, origin.start_column),
            ("end", rel.end_label, rel.end_key, origin.end_column),
        ):
            if (label, key) in missing:
                out.append(
                    RecordError(
                        origin.file,
                        origin.row,
                        column,
                        f"{rel.type}: {side} node {label} {key!r} is neither loaded here nor in the store",
                    )
                )
    return out


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
    missing = {
        (label, key)
        for label, keys in unproduced_ends(relationships, produced, schema=schema).items()
        for key in keys
        if exists is None or not exists(label, key)
    }
    return dangling_errors(relationships, origins, missing)
