"""The `GraphStore` protocol: the one place Cypher runs.

Backends (``graph.backends.falkordb``, ``graph.backends.neo4j``) implement it; callers
never see a driver.  Labels, relationship types and property names reach Cypher only
after being checked against the `~ontology.schema.GraphSchema`; values always travel
as parameters.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from graph.cypher.grouping import GroupedRecords
from graph.errors import QueryTimeout, ReadOnlyViolation, StoreError
from ontology.records import NodeRecord, RelationshipRecord
from ontology.schema import GraphSchema

if TYPE_CHECKING:  # numpy and networkx load only when a projection is made: a CLI query needs neither
    import networkx as nx

    from graph.projection import GraphArrays


def __getattr__(name: str) -> Any:
    """`GraphArrays`, re-exported without importing numpy at import time."""
    if name == "GraphArrays":
        from graph.projection import GraphArrays

        return GraphArrays
    raise AttributeError(name)


__all__ = [
    "Capabilities",
    "GraphArrays",
    "GraphStore",
    "NodeRecord",
    "QueryTimeout",
    "ReadOnlyViolation",
    "RelationshipRecord",
    "StoreError",
    "StoreStats",
]


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a backend can do natively."""

    name: str
    native_shortest_path: bool
    fulltext: bool
    server_enforced_read_only: bool
    bolt: bool = False


@dataclass(frozen=True, slots=True)
class StoreStats:
    """Counts of the stored graph."""

    nodes: int
    relationships: int
    nodes_by_label: Mapping[str, int]
    relationships_by_type: Mapping[str, int]


@runtime_checkable
class GraphStore(Protocol):
    """A property-graph store bound to one `GraphSchema`."""

    schema: GraphSchema
    capabilities: Capabilities
    read_only: bool

    def open(self) -> None:
        """Connect (and for the embedded backend, start or reuse the server)."""

    def close(self) -> None:
        """Release connections; on the embedded backend the last process to close stops the server."""

    def install_schema(self) -> None:
        """Create unique constraints and indexes from the schema; re-runnable."""

    def upsert_nodes(self, nodes: Iterable[NodeRecord], *, batch_size: int = 5000) -> int:
        """Merge nodes in batches (UNWIND + MERGE); return the number processed."""
        ...

    def upsert_relationships(
        self,
        relationships: Iterable[RelationshipRecord],
        *,
        batch_size: int = 5000,
        discriminator: Mapping[str, Sequence[str]] | None = None,
    ) -> int:
        """Merge relationships in batches; missing end nodes raise `StoreError`.

        `discriminator` maps a relationship type to property names that belong to its
        identity: the merge is on ``(start, type, end)`` plus those properties.
        """
        ...

    def upsert(
        self,
        nodes: Iterable[NodeRecord],
        relationships: Iterable[RelationshipRecord],
        *,
        batch_size: int = 5000,
        atomic: bool = True,
        discriminator: Mapping[str, Sequence[str]] | None = None,
    ) -> tuple[int, int]:
        """Upsert nodes, then relationships; return both counts.

        With ``atomic`` either everything is written or nothing is (a transaction on
        Neo4j; an undo journal on FalkorDB), so a failed load leaves the graph
        as it was.
        """
        ...

    def upsert_grouped(
        self, grouped: GroupedRecords, *, batch_size: int = 5000, atomic: bool = True
    ) -> tuple[int, int]:
        """`upsert` of records already grouped by `graph.cypher.grouping.group_records` (for this
        store's schema): a loader groups the next file while the store writes this one."""
        ...

    def set_properties(
        self,
        label: str,
        names: Sequence[str],
        rows: Iterable[tuple[Any, Sequence[Any]]],
        *,
        batch_size: int = 5000,
    ) -> int:
        """Set properties `names` of existing nodes of `label` from rows ``(key, values)``
        (values in the order of `names`, ``None`` removes the property), in batches (each
        all or nothing); nodes that do not exist are not created.  Return how many nodes
        were matched.  Sources and every other property are left alone: for values the
        graph derives itself (analysis results), whose provenance is elsewhere."""
        ...

    def delete_nodes(self, label: str, keys: Sequence[Any]) -> int:
        """Delete nodes (and their relationships) by key; return how many were deleted."""
        ...

    def delete_relationships(
        self, rel_type: str, start_label: str, start_key: Any, end_label: str, end_key: Any
    ) -> int:
        """Delete the relationships of a type between two nodes; return how many."""
        ...

    def query(
        self,
        cypher: str,
        parameters: Mapping[str, Any] | None = None,
        *,
        read_only: bool = True,
        timeout_ms: int | None = None,
        row_cap: int | None = None,
    ) -> list[dict[str, Any]]:
        """Run Cypher with parameters and return rows as dicts of plain values.

        With ``read_only`` the database itself refuses writes (`ReadOnlyViolation`).
        """
        ...

    def stream(
        self, cypher: str, parameters: Mapping[str, Any] | None = None, *, batch_size: int = 10000
    ) -> Iterator[dict[str, Any]]:
        """Iterate over the rows of a read query, fetched in pages."""
        ...

    def to_networkx(
        self,
        *,
        labels: Sequence[str] | None = None,
        rel_types: Sequence[str] | None = None,
        directed: bool = True,
        properties: bool = True,
        omit_node_properties: Collection[str] = (),
    ) -> nx.MultiDiGraph | nx.MultiGraph:
        """Project the graph (or the subgraph of these labels and types) into networkx.

        Without `properties`, relationships carry their ``type`` only (a faster projection).
        The node properties named in `omit_node_properties` are not read (``analyze`` leaves
        out the previous run's results: a third of the projection's time at 1M relationships);
        with them, a node carries the properties the ontology defines for its types (a node
        of no type in the ontology, all of its own), which FalkorDB reads by name.

        Node ids are ``"KeyLabel:key"``; node attributes ``label`` (most specific type),
        ``labels``, ``key``, ``props``; edges are keyed by type (``"TYPE#2"`` for a
        second one between the same nodes) with attributes ``type`` and ``props``.
        """
        ...

    def to_arrays(
        self, *, labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None
    ) -> GraphArrays:
        """Fast projection for analytics: node ids plus numpy edge arrays (no properties)."""
        ...

    def stats(self) -> StoreStats:
        """Node and relationship counts."""
        ...

    def clear(self) -> None:
        """Delete every node and relationship (the schema stays)."""
