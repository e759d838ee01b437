"""The Neo4j 5 backend (official ``neo4j`` driver).

* One `neo4j.Driver` per process and URI (shared by every `Neo4jStore` of the process,
  closed with the last one); ``neo4j://`` URIs route on a cluster.
* Reads: ``driver.execute_query(..., routing_=RoutingControl.READ)``; the server runs
  them in READ access mode and refuses writes (``Neo.ClientError.Statement.AccessMode``
  → `ReadOnlyViolation`).  When ``NEO4J_READ_USER``/``NEO4J_READ_PASSWORD`` are set,
  reads also authenticate as that user, which should hold only the built-in
  ``reader`` role (``CREATE USER tn_reader ...; GRANT ROLE reader TO tn_reader``): a
  second, role-based wall that also refuses admin procedures.
* Writes: managed transactions (``session.execute_write``) whose functions are
  idempotent (MERGE), so the driver may retry them; an atomic upsert is one such
  transaction.
* Causal consistency on a cluster: every session shares the driver's
  ``execute_query_bookmark_manager`` with the reads, so a read routed to a secondary
  waits until it has the process's earlier writes (sessions have no bookmarks of their
  own otherwise, and a read right after an upsert could miss it).
* Everything Cypher-related goes through a `QueryRunner`, the single seam a recording
  fake replaces in the unit tests.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, Protocol

import networkx as nx

from graph.cypher.endpoints import check_endpoints
from graph.cypher.grouping import (
    GroupedRecords,
    NodeGroup,
    RelGroup,
    chunks,
    group_nodes,
    group_records,
    group_relationships,
    property_rows,
)
from graph.cypher.identifiers import ident, labels_clause, leaves, stable_id
from graph.cypher.statements import (
    delete_nodes_cypher,
    delete_relationships_cypher,
    node_upsert_cypher,
    rel_upsert_cypher,
    set_properties_cypher,
)
from graph.errors import QueryTimeout, ReadOnlyViolation, StoreError
from graph.gcpause import paused_gc
from graph.projection import GraphArrays, build_arrays, build_networkx, node_type_of
from graph.store import Capabilities, StoreStats
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema

if TYPE_CHECKING:
    from graph.config import StoreSettings

__all__ = ["DriverRunner", "Neo4jStore", "QueryRunner", "Rows", "Statement", "translate_error"]

#: Keys and rows of one statement.
Rows = tuple[list[str], list[list[Any]]]


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of a write transaction; `expect` checks ``RETURN count(*)``."""

    cypher: str
    parameters: Mapping[str, Any]
    expect: int | None = None


class QueryRunner(Protocol):
    """The one seam between `Neo4jStore` and the driver."""

    def read(
        self, cypher: str, parameters: Mapping[str, Any], *, timeout_s: float | None, row_cap: int | None
    ) -> tuple[list[str], list[list[Any]]]:
        """Run a read query with READ routing; return keys and at most `row_cap` rows."""
        ...

    def write(self, statements: Sequence[Statement], *, timeout_s: float | None = None) -> list[Rows]:
        """Run the statements in one managed write transaction; return each one's keys and rows."""
        ...

    def autocommit(self, cypher: str, parameters: Mapping[str, Any]) -> None:
        """Run an auto-commit query (``CALL {...} IN TRANSACTIONS``, DDL)."""
        ...

    def stream(
        self, cypher: str, parameters: Mapping[str, Any], *, fetch_size: int
    ) -> Iterator[tuple[list[str], list[Any]]]:
        """Iterate over ``(keys, row)`` of a read query, fetched `fetch_size` at a time."""
        ...

    def close(self) -> None:
        """Release the driver."""
        ...


def translate_error(exc: Exception) -> StoreError:
    """Map a driver exception to the store's exceptions.

    Examples
    --------
    >>> from neo4j.exceptions import Neo4jError
    >>> err = Neo4jError._hydrate_neo4j(code="Neo.ClientError.Statement.AccessMode", message="no")
    >>> type(translate_error(err)).__name__
    'ReadOnlyViolation'
    """
    from neo4j.exceptions import Neo4jError, ServiceUnavailable

    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, Neo4jError):
        code = exc.code or ""
        if "TransactionTimedOut" in code or "TransactionTimedOutClientConfiguration" in code:
            return QueryTimeout(exc.message or code)
        if code.endswith(("Statement.AccessMode", "Security.Forbidden", "General.ReadOnly")) or (
            "ForbiddenDueToTransactionType" in code
        ):
            return ReadOnlyViolation(exc.message or code)
        return StoreError(f"{code}: {exc.message}")
    if isinstance(exc, ServiceUnavailable):
        return StoreError(f"Neo4j is unreachable: {exc}")
    return StoreError(str(exc))


_drivers: dict[tuple[str, str], tuple[Any, int]] = {}
_drivers_lock = threading.Lock()


def _shared_driver(uri: str, auth: tuple[str, str], options: Mapping[str, Any]) -> Any:
    from neo4j import GraphDatabase

    with _drivers_lock:
        key = (uri, auth[0])
        driver, refs = _drivers.get(key, (None, 0))
        if driver is None:
            driver = GraphDatabase.driver(uri, auth=auth, **options)
        _drivers[key] = (driver, refs + 1)
        return driver


def _release_driver(driver: Any) -> None:
    with _drivers_lock:
        for key, (d, refs) in list(_drivers.items()):
            if d is driver:
                if refs <= 1:
                    del _drivers[key]
                    driver.close()
                else:
                    _drivers[key] = (d, refs - 1)
                return
    driver.close()


class DriverRunner:
    """`QueryRunner` on a real `neo4j.Driver`.

    Parameters
    ----------
    driver : neo4j.Driver
        Shared per process (see `Neo4jStore.from_settings`).
    database : str
        Database name.
    read_auth : tuple of str, optional
        ``(user, password)`` of the read-only user used for reads.
    """

    def __init__(self, driver: Any, database: str, *, read_auth: tuple[str, str] | None = None) -> None:
        self.driver = driver
        self.database = database
        self.read_auth = read_auth

    def _session_config(self) -> dict[str, Any]:
        """Database, and the bookmark manager `read` (``execute_query``) uses: causal chaining."""
        return {"database": self.database, "bookmark_manager": self.driver.execute_query_bookmark_manager}

    def read(
        self, cypher: str, parameters: Mapping[str, Any], *, timeout_s: float | None, row_cap: int | None
    ) -> tuple[list[str], list[list[Any]]]:
        """``execute_query`` with ``routing_=RoutingControl.READ``."""
        from neo4j import Query, RoutingControl

        def take(result: Any) -> tuple[list[str], list[list[Any]]]:
            keys = list(result.keys())
            records = result if row_cap is None else islice(result, row_cap)
            return keys, [list(r.values()) for r in records]

        try:
            keys, rows = self.driver.execute_query(
                Query(cypher, timeout=timeout_s),
                dict(parameters),
                routing_=RoutingControl.READ,
                database_=self.database,
                auth_=self.read_auth,
                result_transformer_=take,
            )
        except Exception as exc:
            raise translate_error(exc) from exc
        return keys, rows

    def write(self, statements: Sequence[Statement], *, timeout_s: float | None = None) -> list[Rows]:
        """One managed write transaction (retried by the driver: statements are idempotent)."""
        from neo4j import unit_of_work

        @unit_of_work(timeout=timeout_s)
        def work(tx: Any) -> list[Rows]:
            out = []
            for st in statements:
                result = tx.run(st.cypher, dict(st.parameters))
                keys = list(result.keys())
                rows = [list(r.values()) for r in result]
                if st.expect is not None and (not rows or rows[0][0] < st.expect):
                    raise StoreError("relationship end nodes disappeared during the upsert")
                out.append((keys, rows))
            return out

        try:
            with self.driver.session(**self._session_config()) as session:
                done: list[Rows] = session.execute_write(work)
                return done
        except Exception as exc:
            raise translate_error(exc) from exc

    def autocommit(self, cypher: str, parameters: Mapping[str, Any]) -> None:
        """Auto-commit transaction (needed by ``CALL {} IN TRANSACTIONS``)."""
        try:
            with self.driver.session(**self._session_config()) as session:
                session.run(cypher, dict(parameters)).consume()
        except Exception as exc:
            raise translate_error(exc) from exc

    def stream(
        self, cypher: str, parameters: Mapping[str, Any], *, fetch_size: int
    ) -> Iterator[tuple[list[str], list[Any]]]:
        """``(keys, row)`` of a READ-mode session, pulled `fetch_size` at a time."""
        from neo4j import READ_ACCESS

        try:
            with self.driver.session(
                **self._session_config(),
                default_access_mode=READ_ACCESS,
                fetch_size=fetch_size,
                auth=self.read_auth,
            ) as session:
                result = session.run(cypher, dict(parameters))
                keys = list(result.keys())
                for record in result:
                    yield keys, list(record.values())
        except StoreError:
            raise
        except Exception as exc:
            raise translate_error(exc) from exc

    def close(self) -> None:
        """Release this process's shared driver."""
        _release_driver(self.driver)


class Neo4jStore:
    """`~graph.store.GraphStore` on Neo4j 5.

    Parameters
    ----------
    schema : GraphSchema
    runner_factory : callable
        Returns the `QueryRunner` at `open` (a `DriverRunner` in production, a
        recording fake in tests).
    query_timeout_ms, row_cap : int
        Defaults of `query`.
    read_only : bool
        Refuse writes; every query runs with READ routing.
    """

    def __init__(
        self,
        schema: GraphSchema,
        runner_factory: Callable[[], QueryRunner],
        *,
        query_timeout_ms: int = 10_000,
        row_cap: int = 10_000,
        read_only: bool = False,
    ) -> None:
        self.schema = schema
        self.runner_factory = runner_factory
        self.query_timeout_ms = query_timeout_ms
        self.row_cap = row_cap
        self.read_only = read_only
        self.capabilities = Capabilities(
            name="neo4j", native_shortest_path=True, fulltext=True, server_enforced_read_only=True, bolt=True
        )
        self._runner: QueryRunner | None = None

    @classmethod
    def from_settings(
        cls,
        settings: StoreSettings,
        schema: GraphSchema,
        *,
        read_only: bool = False,
        driver_options: Mapping[str, Any] | None = None,
    ) -> Neo4jStore:
        """Build a store on ``settings.neo4j_*``; `driver_options` (TLS: ``encrypted``,
        ``trusted_certificates``, ...) go to `neo4j.GraphDatabase.driver` unchanged."""
        if not settings.neo4j_uri:
            raise StoreError("NEO4J_URI is not set")
        uri = settings.neo4j_uri
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
        auth = (settings.neo4j_user, password)
        read_auth = None
        if settings.neo4j_read_user:
            read_pw = settings.neo4j_read_password.get_secret_value() if settings.neo4j_read_password else ""
            read_auth = (settings.neo4j_read_user, read_pw)
        options = dict(driver_options or {})
        database = settings.neo4j_database

        def factory() -> QueryRunner:
            return DriverRunner(_shared_driver(uri, auth, options), database, read_auth=read_auth)

        return cls(
            schema,
            factory,
            query_timeout_ms=settings.query_timeout_ms,
            row_cap=settings.row_cap,
            read_only=read_only,
        )

    # -- lifecycle ------------------------------------------------------------------------

    def open(self) -> None:
        """Create (or share) the process's driver."""
        if self._runner is None:
            self._runner = self.runner_factory()

    def close(self) -> None:
        """Release the driver (closed with the process's last store)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.close()

    def __enter__(self) -> Neo4jStore:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def runner(self) -> QueryRunner:
        """The open runner."""
        if self._runner is None:
            raise StoreError("the store is not open")
        return self._runner

    def _writer(self) -> QueryRunner:
        if self.read_only:
            raise ReadOnlyViolation("the store is open read-only")
        return self.runner

    # -- schema ---------------------------------------------------------------------------

    def schema_statements(self) -> list[str]:
        """The DDL `install_schema` runs (``IF NOT EXISTS``: re-runnable)."""
        out = []
        for label, key in sorted({(nt.key_label, nt.key) for nt in self.schema.nodes.values()}):
            name = ident(f"tn_{label}_{key}_unique")
            out.append(
                f"CREATE CONSTRAINT {name} IF NOT EXISTS "
                f"FOR (n{labels_clause([label])}) REQUIRE n.{ident(key)} IS UNIQUE"
            )
        for nt in sorted(self.schema.nodes.values(), key=lambda n: n.label):
            if nt.label == nt.key_label:
                continue
            name = ident(f"tn_{nt.label}_{nt.key}")
            out.append(
                f"CREATE INDEX {name} IF NOT EXISTS FOR (n{labels_clause([nt.label])}) ON (n.{ident(nt.key)})"
            )
        for label, prop in sorted(self.schema.indexed_properties()):
            name = ident(f"tn_{label}_{prop}")
            out.append(
                f"CREATE INDEX {name} IF NOT EXISTS FOR (n{labels_clause([label])}) ON (n.{ident(prop)})"
            )
        return out

    def install_schema(self) -> None:
        """Unique constraints on ``(key_label, key)`` and indexes on subtype keys."""
        runner = self._writer()
        for ddl in self.schema_statements():
            runner.autocommit(ddl, {})
        runner.autocommit("CALL db.awaitIndexes(300)", {})

    # -- writes ---------------------------------------------------------------------------

    def _node_statements(self, groups: Mapping[str, NodeGroup], batch_size: int) -> list[Statement]:
        out: list[Statement] = []
        for g in groups.values():
            cypher = node_upsert_cypher(g.node_type, fill=g.fill, longer=g.longer)
            out.extend(Statement(cypher, {"rows": list(b)}) for b in chunks(g.param_rows(), batch_size))
        return out

    def _rel_statements(
        self, groups: Mapping[tuple[str, str, str], RelGroup], batch_size: int
    ) -> list[Statement]:
        out: list[Statement] = []
        for g in groups.values():
            cypher = rel_upsert_cypher(g) + "\nRETURN count(*) AS merged"
            out.extend(
                Statement(cypher, {"rows": list(b)}, expect=len(b))
                for b in chunks(g.param_rows(), batch_size)
            )
        return out

    def _check_endpoints(
        self, rgroups: Mapping[tuple[str, str, str], RelGroup], ngroups: Mapping[str, NodeGroup]
    ) -> None:
        def missing_keys(cypher: str, keys: list[Any]) -> list[Any]:
            _, rows = self.runner.read(cypher, {"keys": keys}, timeout_s=None, row_cap=None)
            return [row[0] for row in rows]

        check_endpoints(self.schema, rgroups, ngroups, missing_keys)

    def upsert_nodes(self, nodes: Iterable[NodeRecord], *, batch_size: int = 5000) -> int:
        """Merge nodes, one write transaction per batch."""
        records = list(nodes)
        runner = self._writer()
        for st in self._node_statements(group_nodes(self.schema, records), batch_size):
            runner.write([st])
        return len(records)

    def upsert_relationships(
        self,
        relationships: Iterable[RelationshipRecord],
        *,
        batch_size: int = 5000,
        discriminator: Mapping[str, Sequence[str]] | None = None,
    ) -> int:
        """Merge relationships, one write transaction per batch; missing ends raise first."""
        records = list(relationships)
        runner = self._writer()
        groups = group_relationships(self.schema, records, discriminator)
        self._check_endpoints(groups, {})
        for st in self._rel_statements(groups, batch_size):
            runner.write([st])
        return len(records)

    def upsert(
        self,
        nodes: Iterable[NodeRecord],
        relationships: Iterable[RelationshipRecord],
        *,
        batch_size: int = 5000,
        atomic: bool = True,
        discriminator: Mapping[str, Sequence[str]] | None = None,
    ) -> tuple[int, int]:
        """Nodes then relationships; with `atomic`, all batches in one write transaction."""
        with paused_gc():  # millions of acyclic rows: see graph.gcpause
            grouped = group_records(self.schema, nodes, relationships, discriminator)
        return self.upsert_grouped(grouped, batch_size=batch_size, atomic=atomic)

    def upsert_grouped(
        self, grouped: GroupedRecords, *, batch_size: int = 5000, atomic: bool = True
    ) -> tuple[int, int]:
        """`upsert` of records grouped beforehand (`graph.cypher.grouping.group_records`)."""
        runner = self._writer()
        with paused_gc():
            self._check_endpoints(grouped.relationships, grouped.nodes)
            statements = self._node_statements(grouped.nodes, batch_size)
            statements += self._rel_statements(grouped.relationships, batch_size)
            if atomic:
                if statements:
                    runner.write(statements)
            else:
                for st in statements:
                    runner.write([st])
        return grouped.node_records, grouped.relationship_records

    def set_properties(
        self,
        label: str,
        names: Sequence[str],
        rows: Iterable[tuple[Any, Sequence[Any]]],
        *,
        batch_size: int = 5000,
    ) -> int:
        """Set properties of existing nodes by key, a write transaction per batch
        (`graph.store.GraphStore.set_properties`)."""
        cypher = set_properties_cypher(self.schema.node(label), names)
        sent = property_rows(label, len(names), rows)
        runner = self._writer()
        matched = 0
        for batch in chunks(sent, batch_size):
            ((_, result),) = runner.write([Statement(cypher, {"rows": list(batch)})])
            matched += int(result[0][0]) if result else 0
        return matched

    def delete_nodes(self, label: str, keys: Sequence[Any]) -> int:
        """DETACH DELETE by key."""
        nt = self.schema.node(label)
        runner = self._writer()
        total = 0
        for batch in chunks(list(keys), 10_000):
            ((_, rows),) = runner.write([Statement(delete_nodes_cypher(nt), {"keys": list(batch)})])
            total += int(rows[0][0]) if rows else 0
        return total

    def delete_relationships(
        self, rel_type: str, start_label: str, start_key: Any, end_label: str, end_key: Any
    ) -> int:
        """Delete the relationships of a type between two nodes."""
        rt = self.schema.relationship(rel_type)
        a, b = self.schema.node(start_label), self.schema.node(end_label)
        cypher = delete_relationships_cypher(rt.type, a, b)
        ((_, rows),) = self._writer().write([Statement(cypher, {"s": start_key, "e": end_key})])
        return int(rows[0][0]) if rows else 0

    def clear(self) -> None:
        """Delete everything in batches (constraints and indexes stay)."""
        self._writer().autocommit("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS", {})

    # -- reads ----------------------------------------------------------------------------

    def query(
        self,
        cypher: str,
        parameters: Mapping[str, Any] | None = None,
        *,
        read_only: bool = True,
        timeout_ms: int | None = None,
        row_cap: int | None = None,
    ) -> list[dict[str, Any]]:
        """Run Cypher; reads go with READ routing and the server refuses writes."""
        timeout = (timeout_ms if timeout_ms is not None else self.query_timeout_ms) / 1000
        cap = row_cap if row_cap is not None else self.row_cap
        params = dict(parameters or {})
        if read_only:
            keys, rows = self.runner.read(cypher, params, timeout_s=timeout, row_cap=cap)
        else:
            ((keys, rows),) = self._writer().write([Statement(cypher, params)], timeout_s=timeout)
            rows = rows[:cap]
        return self._plain_rows(keys, rows)

    def stream(
        self, cypher: str, parameters: Mapping[str, Any] | None = None, *, batch_size: int = 10000
    ) -> Iterator[dict[str, Any]]:
        """Rows of a read query pulled `batch_size` at a time (a real cursor)."""
        for keys, row in self.runner.stream(cypher, dict(parameters or {}), fetch_size=batch_size):
            yield from self._plain_rows(keys, [row])

    def _plain_rows(self, keys: list[str], rows: list[list[Any]]) -> list[dict[str, Any]]:
        from neo4j.graph import Node, Path, Relationship

        elements: set[str] = set()

        for row in rows:
            for value in leaves(row):
                relationships = value.relationships if isinstance(value, Path) else [value]
                for r in relationships:
                    if isinstance(r, Relationship):
                        elements.update(
                            end.element_id for end in (r.start_node, r.end_node) if end is not None
                        )
        ids = self._ids_of(elements) if elements else {}

        def node_id(node: Any) -> str:
            nt = node_type_of(self.schema, node.labels)
            key = node.get(nt.key) if nt else None
            return stable_id(nt.key_label, key) if nt and key is not None else f"_:{node.element_id}"

        def plain(value: Any) -> Any:
            if isinstance(value, Node):
                nt = node_type_of(self.schema, value.labels)
                return {
                    "id": node_id(value),
                    "label": nt.label if nt else next(iter(value.labels), None),
                    "labels": sorted(value.labels),
                    "properties": {k: plain(v) for k, v in value.items()},
                }
            if isinstance(value, Relationship):
                s, e = value.start_node, value.end_node
                return {
                    "type": value.type,
                    "start": ids.get(s.element_id, f"_:{s.element_id}") if s is not None else None,
                    "end": ids.get(e.element_id, f"_:{e.element_id}") if e is not None else None,
                    "properties": {k: plain(v) for k, v in value.items()},
                }
            if isinstance(value, Path):
                return {
                    "nodes": [plain(n) for n in value.nodes],
                    "relationships": [plain(r) for r in value.relationships],
                }
            if isinstance(value, list):
                return [plain(v) for v in value]
            if isinstance(value, dict):
                return {str(k): plain(v) for k, v in value.items()}
            if hasattr(value, "iso_format"):  # neo4j temporal types
                return value.iso_format()
            return value

        return [dict(zip(keys, (plain(c) for c in row), strict=False)) for row in rows]

    def _ids_of(self, element_ids: Iterable[str]) -> dict[str, str]:
        _, rows = self.runner.read(
            "MATCH (n) WHERE elementId(n) IN $ids RETURN elementId(n), labels(n), properties(n)",
            {"ids": sorted(element_ids)},
            timeout_s=None,
            row_cap=None,
        )
        out = {}
        for eid, labels, props in rows:
            nt = node_type_of(self.schema, labels)
            key = props.get(nt.key) if nt else None
            out[eid] = stable_id(nt.key_label, key) if nt and key is not None else f"_:{eid}"
        return out

    def stats(self) -> StoreStats:
        """Counts per schema label and type (count store lookups)."""

        def one(cypher: str) -> int:
            _, rows = self.runner.read(cypher, {}, timeout_s=None, row_cap=1)
            return int(rows[0][0]) if rows else 0

        by_label = {lb: one(f"MATCH (n{labels_clause([lb])}) RETURN count(n)") for lb in self.schema.nodes}
        by_type = {
            t: one(f"MATCH ()-[r{labels_clause([t])}]->() RETURN count(r)") for t in self.schema.relationships
        }
        return StoreStats(
            nodes=one("MATCH (n) RETURN count(n)"),
            relationships=one("MATCH ()-[r]->() RETURN count(r)"),
            nodes_by_label={k: v for k, v in by_label.items() if v},
            relationships_by_type={k: v for k, v in by_type.items() if v},
        )

    def _node_cypher(self, labels: Sequence[str] | None, omit: bool = False) -> str:
        where = ""
        if labels:
            where = " WHERE " + " OR ".join(
                f"n{labels_clause([self.schema.check_label(lb)])}" for lb in labels
            )
        props = "[k IN keys(n) WHERE NOT k IN $omit | [k, n[k]]]" if omit else "properties(n)"
        return f"MATCH (n){where} RETURN elementId(n), labels(n), {props}"

    def _edge_cypher(self, rel_types: Sequence[str] | None, with_props: bool) -> str:
        pattern = ""
        if rel_types:
            pattern = ":" + "|".join(ident(self.schema.check_type(t)) for t in rel_types)
        ret = "elementId(a), elementId(b), type(r)" + (", properties(r)" if with_props else "")
        return f"MATCH (a)-[r{pattern}]->(b) RETURN {ret}"

    def to_networkx(
        self,
        *,
        labels: Sequence[str] | None = None,
        rel_types: Sequence[str] | None = None,
        directed: bool = True,
        properties: bool = True,
        omit_node_properties: Collection[str] = (),
    ) -> nx.MultiDiGraph | nx.MultiGraph:
        """Project into networkx (node ids ``"KeyLabel:key"``, edges keyed by type), the node
        properties named in `omit_node_properties` left out by the server and, as FalkorDB's
        projection reads them (`graph.backends.falkordb.paging.node_rows`), those outside the
        ontology's types of each node with them."""
        omit = sorted(omit_node_properties)
        cypher = self._node_cypher(labels, omit=bool(omit))
        key_labels = self.schema.key_labels

        @functools.cache  # one look-up per label set
        def allowed(carried: tuple[str, ...]) -> frozenset[str] | None:
            keys = [lb for lb in carried if lb in key_labels]
            return frozenset(p for k in keys for p in self.schema.key_label_properties(k)) if keys else None

        def defined(node_labels: list[str], props: dict[str, Any]) -> dict[str, Any]:
            names = allowed(tuple(node_labels))
            return props if names is None else {k: v for k, v in props.items() if k in names}

        nodes = [
            (r[0], r[1], defined(r[1], dict(r[2])) if omit else r[2])
            for _, r in self.runner.stream(cypher, {"omit": omit} if omit else {}, fetch_size=10_000)
        ]
        edge_rows = self.runner.stream(self._edge_cypher(rel_types, properties), {}, fetch_size=10_000)
        edges = ((r[0], r[1], r[2], r[3] if properties else {}) for _, r in edge_rows)
        return build_networkx(self.schema, nodes, edges, directed=directed)

    def to_arrays(
        self, *, labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None
    ) -> GraphArrays:
        """Node ids and edge index arrays."""
        nodes = [
            (r[0], r[1], r[2])
            for _, r in self.runner.stream(self._node_cypher(labels), {}, fetch_size=10_000)
        ]
        edge_rows = self.runner.stream(self._edge_cypher(rel_types, False), {}, fetch_size=10_000)
        edges = ((r[0], r[1], r[2]) for _, r in edge_rows)
        return build_arrays(self.schema, nodes, edges)
