"""Indexes and unique constraints of a FalkorDB graph, from the `~ontology.schema.GraphSchema`.

Uniqueness is ``GRAPH.CONSTRAINT CREATE`` (asynchronous; needs an exact-match range
index first), polled until every constraint is ``OPERATIONAL``.  Re-runnable: what
exists is left alone.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import redis

from graph.backends.falkordb.replies import translate_error
from graph.cypher.identifiers import ident, labels_clause
from graph.errors import StoreError
from ontology.schema import GraphSchema

__all__ = ["install_schema", "query_rows"]


def install_schema(conn: Any, graph: Any, name: str, schema: GraphSchema, timeout_s: float) -> None:
    """Range indexes on every type's key and on the ``tn:indexed`` properties (external
    identifiers), unique constraints on ``(key_label, key)`` of graph
    `name` (`graph` is its client handle, `conn` the connection); wait for the constraints."""
    existing: set[tuple[str, str]] = set()
    for label, props in query_rows(
        graph, "CALL db.indexes() YIELD label, properties RETURN label, properties"
    ):
        existing.update((label, p) for p in props)
    wanted = {(nt.label, nt.key) for nt in schema.nodes.values()}
    wanted |= {(nt.key_label, nt.key) for nt in schema.nodes.values()}
    wanted |= schema.indexed_properties()
    for label, key in sorted(wanted - existing):
        try:
            graph.query(f"CREATE INDEX FOR (n{labels_clause([label])}) ON (n.{ident(key)})")
        except redis.ResponseError as exc:
            if "already indexed" not in str(exc):
                raise translate_error(exc) from exc
    constraints = {
        (row[0], tuple(row[1]))
        for row in query_rows(
            graph, "CALL db.constraints() YIELD type, label, properties RETURN label, properties"
        )
    }
    keys = {(nt.key_label, nt.key) for nt in schema.nodes.values()}
    for label, key in sorted(keys):
        if (label, (key,)) in constraints:
            continue
        try:
            conn.execute_command(
                "GRAPH.CONSTRAINT", "CREATE", name, "UNIQUE", "NODE", label, "PROPERTIES", 1, key
            )
        except redis.ResponseError as exc:
            if "already exists" not in str(exc):
                raise translate_error(exc) from exc
    _await_constraints(conn, graph, name, timeout_s)


def query_rows(graph: Any, cypher: str) -> list[list[Any]]:
    """The rows of a read-only query on `graph` (client values), errors translated."""
    try:
        return list(graph.ro_query(cypher).result_set)
    except redis.RedisError as exc:
        raise translate_error(exc) from exc


def _await_constraints(conn: Any, graph: Any, name: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        rows = query_rows(
            graph,
            "CALL db.constraints() YIELD label, properties, status RETURN label, properties, status",
        )
        failed = [r for r in rows if r[2] == "FAILED"]
        if failed:
            for label, props, _ in failed:
                with contextlib.suppress(redis.ResponseError):
                    conn.execute_command(
                        "GRAPH.CONSTRAINT",
                        "DROP",
                        name,
                        "UNIQUE",
                        "NODE",
                        label,
                        "PROPERTIES",
                        len(props),
                        *props,
                    )
            names = ", ".join(f"{r[0]}({', '.join(r[1])})" for r in failed)
            raise StoreError(f"unique constraint failed (duplicate keys?): {names}")
        if all(r[2] == "OPERATIONAL" for r in rows):
            return
        if time.monotonic() > deadline:
            raise StoreError("constraints still pending after timeout")
        time.sleep(0.02)
