"""Reads of the real (not ``synthetic``) nodes a generated sample attaches to.

The demo sample (``loaders.sample``) hangs its experts, offers and demands on the
institutions and fields that the loaded real data holds; these are the queries that find
them, whatever real data is loaded.
"""

from __future__ import annotations

from graph.cypher.identifiers import ident
from graph.store import GraphStore
from ontology.vocab import NodeLabel as L
from ontology.vocab import PropertyName as P
from ontology.vocab import RelType as R

__all__ = ["real_fine_fields", "real_institutions"]


def real_institutions(store: GraphStore) -> list[tuple[str, str]]:
    """``(institution key, country code)`` of every real institution with a country, sorted
    (the first country, by code, of one located or hosted in several)."""
    schema = store.schema
    inst, country = schema.node(L.INSTITUTION), schema.node(L.COUNTRY)
    synthetic = ident(P.SYNTHETIC)
    rows = store.query(
        f"MATCH (i:{ident(inst.label)})-[:{ident(R.LOCATED_IN)}|{ident(R.HOSTED_IN)}]->"
        f"(c:{ident(country.label)}) "
        f"WHERE NOT coalesce(i.{synthetic}, false) "
        f"RETURN i.{ident(inst.key)} AS key, min(c.{ident(country.key)}) AS country ORDER BY key",
        row_cap=1_000_000,
    )
    return [(str(r["key"]), str(r["country"])) for r in rows]


def real_fine_fields(store: GraphStore, prefix: str) -> list[str]:
    """Keys of the real fields under key `prefix` below the top level (a ``.`` in the key), sorted."""
    field = store.schema.node(L.FIELD)
    rows = store.query(
        f"MATCH (f:{ident(field.label)}) WHERE f.{ident(field.key)} STARTS WITH $prefix "
        f"AND f.{ident(field.key)} CONTAINS '.' AND NOT coalesce(f.{ident(P.SYNTHETIC)}, false) "
        f"RETURN f.{ident(field.key)} AS key ORDER BY key",
        {"prefix": prefix},
        row_cap=100_000,
    )
    return [str(r["key"]) for r in rows]
