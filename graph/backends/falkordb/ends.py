"""Internal ids of the relationship ends of an upsert, fetched once per end label.

Each relationship row then finds its ends by id (``NodeByIdSeek``) instead of two index
lookups (see `graph.backends.falkordb.statements.rel_by_id_cypher`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.backends.falkordb.replies import RawQuery, decode_compact
from graph.cypher.grouping import RelGroup, chunks
from graph.cypher.identifiers import ident, labels_clause
from ontology.schema import GraphSchema

__all__ = ["end_ids", "end_keys"]


def end_keys(groups: Mapping[tuple[str, str, str], RelGroup]) -> dict[str, set[Any]]:
    """The keys of the relationship ends of `groups`, by end label."""
    wanted: dict[str, set[Any]] = {}
    for rg in groups.values():
        wanted.setdefault(rg.start.label, set()).update(r["s"] for r in rg.rows.values())
        wanted.setdefault(rg.end.label, set()).update(r["e"] for r in rg.rows.values())
    return wanted


def end_ids(
    raw: RawQuery, schema: GraphSchema, key: str, groups: Mapping[tuple[str, str, str], RelGroup]
) -> dict[str, dict[Any, int]]:
    """Internal ids of the relationship ends that exist in graph `key`, by end label.

    Fetched once per label: a scan of the label when the load names a good part of
    it, else one batched key lookup.
    """
    out: dict[str, dict[Any, int]] = {}
    for label, keys in end_keys(groups).items():
        nt = schema.node(label)
        lab, prop = labels_clause([label]), ident(nt.key)
        rows = raw(f"MATCH (n{lab}) RETURN count(n)", key=key)
        size = int(rows[0][0][1]) if rows else 0
        found: dict[Any, int] = {}
        if len(keys) * 4 >= size:
            for ck, cid in raw(f"MATCH (n{lab}) RETURN n.{prop}, id(n)", key=key):
                k = decode_compact(ck, None)
                if k in keys:
                    found[k] = cid[1]
        else:
            cypher = f"UNWIND $keys AS k MATCH (n{lab} {{{prop}: k}}) RETURN k, id(n)"
            for batch in chunks(sorted(keys, key=repr), 20_000):
                for ck, cid in raw(cypher, {"keys": list(batch)}, key=key):
                    found[decode_compact(ck, None)] = cid[1]
        out[label] = found
    return out
