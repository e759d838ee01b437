"""The check that every relationship end of an upsert exists, shared by the backends."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from graph.cypher.grouping import NodeGroup, RelGroup, chunks
from graph.cypher.identifiers import stable_id
from graph.cypher.statements import missing_endpoints_cypher
from graph.errors import StoreError
from ontology.schema import GraphSchema

__all__ = ["check_endpoints"]


def check_endpoints(
    schema: GraphSchema,
    rgroups: Mapping[tuple[str, str, str], RelGroup],
    ngroups: Mapping[str, NodeGroup],
    missing_keys: Callable[[str, list[Any]], Iterable[Any]],
) -> None:
    """Raise `StoreError` naming the relationship ends that are neither in this upsert nor stored.

    `missing_keys(cypher, keys)` runs `missing_endpoints_cypher` on the backend and returns
    the keys it reports; everything else (which ends the upsert itself provides, batching,
    the message) is the same on every backend.
    """
    wanted: dict[str, set[Any]] = {}
    for rg in rgroups.values():
        wanted.setdefault(rg.start.label, set()).update(r["s"] for r in rg.rows.values())
        wanted.setdefault(rg.end.label, set()).update(r["e"] for r in rg.rows.values())
    missing: list[str] = []
    for label, keys in wanted.items():
        pending = set(keys)
        for ng in ngroups.values():
            if label in ng.node_type.labels:
                pending -= ng.rows.keys()
        if not pending:
            continue
        cypher = missing_endpoints_cypher(schema.node(label))
        for batch in chunks(sorted(pending, key=repr), 50_000):
            missing.extend(stable_id(label, key) for key in missing_keys(cypher, list(batch)))
    if missing:
        shown = ", ".join(missing[:20]) + (f" … ({len(missing)} in all)" if len(missing) > 20 else "")
        raise StoreError(f"relationship end nodes not found: {shown}")
