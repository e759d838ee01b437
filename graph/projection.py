"""Projection of the stored graph into networkx or into numpy/scipy arrays.

Backends fetch raw rows (an internal id, labels and properties per node; internal
end ids, type and properties per relationship) and hand them to the builders here,
which translate internal ids into stable ids (``"KeyLabel:key"``).

Examples
--------
>>> from ontology.schema import GraphSchema, NodeType, RelationshipType
>>> c = NodeType(label="Country", iri="urn:c", key="code", key_label="Country", labels=("Country",))
>>> b = RelationshipType(type="BORDERS", iri="urn:b", sources=("Country",), targets=("Country",))
>>> schema = GraphSchema.build([c], [b])
>>> nodes = [(0, ["Country"], {"code": "CN"}), (1, ["Country"], {"code": "VN"})]
>>> edges = [(0, 1, "BORDERS", {"sources": ["atlas"]})]
>>> g = build_networkx(schema, nodes, edges)
>>> sorted(g.nodes), list(g.edges(keys=True))
(['Country:CN', 'Country:VN'], [('Country:CN', 'Country:VN', 'BORDERS')])
>>> a = build_arrays(schema, nodes, [(0, 1, "BORDERS")])
>>> a.to_scipy().toarray().tolist()
[[0.0, 1.0], [0.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
from scipy import sparse

from graph.cypher.identifiers import stable_id
from graph.gcpause import paused_gc
from graph.node_types import node_type_of
from graph.typed_arrays import from_rows, record
from ontology.schema import GraphSchema

__all__ = ["GraphArrays", "ReadOnlyDict", "build_arrays", "build_networkx", "node_type_of"]

NodeRow = tuple[int, Sequence[str], Mapping[str, Any]]
EdgeRow = tuple[int, int, str, Mapping[str, Any]]


def _identity(schema: GraphSchema, internal: int, labels: Sequence[str], props: Mapping[str, Any]) -> str:
    nt = node_type_of(schema, labels)
    if nt is None or props.get(nt.key) is None:
        return f"_:{internal}"
    return stable_id(nt.key_label, props[nt.key])


class ReadOnlyDict(dict[str, Any]):
    """A dict that refuses changes made through Python (``d[k] = v``, ``update``, ``pop``…).

    The projection gives every relationship without properties the same attribute dict
    per type (a million dicts fewer at 1M relationships: about 250 MB and half a second);
    a change to one would change them all, so it raises instead.  Reads are a dict's.

    Examples
    --------
    >>> d = ReadOnlyDict(type="LOCATED_IN")
    >>> d["type"], dict(d)
    ('LOCATED_IN', {'type': 'LOCATED_IN'})
    >>> d["weight"] = 2
    Traceback (most recent call last):
    TypeError: a projection's shared relationship attributes are read-only
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a projection's shared relationship attributes are read-only")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = __ior__ = _refuse

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        import copy

        return copy.deepcopy(dict(self), memo)

    def __reduce__(self) -> Any:
        return (dict, (dict(self),))


@paused_gc()  # millions of acyclic objects: see graph.gcpause
def build_networkx(
    schema: GraphSchema,
    nodes: Iterable[NodeRow],
    edges: Iterable[EdgeRow],
    *,
    directed: bool = True,
    own_node_props: bool = False,
) -> nx.MultiDiGraph | nx.MultiGraph:
    """Build a multigraph: node id ``"KeyLabel:key"``, edges keyed by type.

    Node attributes: ``label`` (most specific type), ``labels`` (tuple), ``key`` and
    ``props`` (all properties).  Edge attributes: ``type`` and ``props``.  A second
    relationship of the same type between the same nodes gets key ``"TYPE#2"``.
    Relationships without properties of one type share one read-only attribute dict
    (`ReadOnlyDict`).  Relationships whose end nodes were not projected are skipped.
    With `own_node_props` the graph keeps the node rows' property dicts themselves (rows
    decoded for it, which nobody else holds) instead of copies.
    """
    graph: nx.MultiDiGraph | nx.MultiGraph = nx.MultiDiGraph() if directed else nx.MultiGraph()
    ids: dict[int, str] = {}
    # the structure as arrays too (`graph.typed_arrays`): positions, label sets, relationships
    position: dict[Any, int] = {}
    at: dict[str, int] = {}
    for internal, labels, props in nodes:
        nt = node_type_of(schema, labels)
        node_id = _identity(schema, internal, labels, props)
        ids[internal] = node_id
        position[internal] = at.setdefault(node_id, len(at))
        graph.add_node(
            node_id,
            label=nt.label if nt else (labels[0] if labels else ""),
            labels=tuple(labels),
            key=props.get(nt.key) if nt else None,
            props=props if own_node_props else dict(props),
        )
    # written straight into networkx's dicts, as add_edge would (add_edge per row was the
    # bottleneck): one key dict per pair, shared by both directions of a directed graph
    adjacency: Any = graph._adj
    inverse: Any = graph._pred if directed else graph._adj
    starts: list[Any] = []
    ends: list[Any] = []
    kinds: list[str] = []
    add_start, add_end, add_kind = starts.append, ends.append, kinds.append  # the hot loop
    bare: dict[str, ReadOnlyDict] = {}
    for src, dst, rel_type, props in edges:
        u = ids.get(src)
        v = ids.get(dst)
        if u is None or v is None:
            continue
        add_start(src)
        add_end(dst)
        add_kind(rel_type)
        key: str = rel_type
        existing = adjacency[u].get(v)
        if existing is None:
            existing = adjacency[u][v] = inverse[v][u] = {}
        elif key in existing:
            n = 2
            while f"{rel_type}#{n}" in existing:
                n += 1
            key = f"{rel_type}#{n}"
        if props:
            existing[key] = {"type": rel_type, "props": dict(props)}
        else:  # one read-only attribute dict per type for every relationship without properties
            attrs = bare.get(rel_type)
            if attrs is None:
                attrs = bare[rel_type] = ReadOnlyDict(type=rel_type, props=ReadOnlyDict())
            existing[key] = attrs
    if directed:
        assert isinstance(graph, nx.MultiDiGraph)
        node_data = graph._node
        labels_of = (node_data[n]["labels"] for n in at)
        # internal ids (ints here, element-id text in Neo4j) -> positions, types -> codes,
        # after the loop (the loop only appends)
        type_code: dict[str, int] = {}
        codes = [type_code.setdefault(t, len(type_code)) for t in kinds]
        record(
            graph,
            from_rows(
                list(at),
                labels_of,
                [position[s] for s in starts],
                [position[s] for s in ends],
                codes,
                list(type_code),
            ),
        )
    return graph


@dataclass(frozen=True, slots=True)
class GraphArrays:
    """The graph as arrays, for vectorised analytics.

    Attributes
    ----------
    ids : tuple of str
        Stable node id of row/column ``i``.
    node_label : ndarray of int32
        Index into `label_names` of each node's most specific type.
    label_names : tuple of str
    src, dst : ndarray of int64
        Node positions of each relationship's start and end.
    edge_type : ndarray of int32
        Index into `type_names` of each relationship.
    type_names : tuple of str
    """

    ids: tuple[str, ...]
    node_label: npt.NDArray[np.int32]
    label_names: tuple[str, ...]
    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    edge_type: npt.NDArray[np.int32]
    type_names: tuple[str, ...]

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.ids)

    @property
    def n_edges(self) -> int:
        """Number of relationships."""
        return int(self.src.shape[0])

    def to_scipy(
        self, *, rel_types: Sequence[str] | None = None, symmetric: bool = False
    ) -> sparse.csr_array:
        """Adjacency matrix (multi-edges counted), optionally for some types only."""
        mask = np.ones(self.n_edges, dtype=bool)
        if rel_types is not None:
            wanted = [self.type_names.index(t) for t in rel_types if t in self.type_names]
            mask = np.isin(self.edge_type, wanted)
        src, dst = self.src[mask], self.dst[mask]
        if symmetric:
            src, dst = np.concatenate([src, dst]), np.concatenate([dst, src])
        data = np.ones(src.shape[0], dtype=np.float64)
        n = self.n_nodes
        return sparse.csr_array(sparse.coo_array((data, (src, dst)), shape=(n, n)))


@paused_gc()  # millions of acyclic objects: see graph.gcpause
def build_arrays(
    schema: GraphSchema,
    nodes: Iterable[NodeRow],
    edges: Iterable[tuple[int, int, str]],
) -> GraphArrays:
    """Build `GraphArrays` from raw node rows and ``(src, dst, type)`` edge rows."""
    position: dict[Any, int] = {}
    ids: list[str] = []
    label_codes: dict[str, int] = {}
    node_label: list[int] = []
    for internal, labels, props in nodes:
        position[internal] = len(ids)
        ids.append(_identity(schema, internal, labels, props))
        nt = node_type_of(schema, labels)
        name = nt.label if nt else ""
        node_label.append(label_codes.setdefault(name, len(label_codes)))
    type_codes: dict[str, int] = {}
    src: list[int] = []
    dst: list[int] = []
    etype: list[int] = []
    for s, d, t in edges:
        ps = position.get(s)
        pd = position.get(d)
        if ps is None or pd is None:
            continue
        src.append(ps)
        dst.append(pd)
        etype.append(type_codes.setdefault(t, len(type_codes)))
    return GraphArrays(
        ids=tuple(ids),
        node_label=np.asarray(node_label, dtype=np.int32),
        label_names=tuple(label_codes),
        src=np.asarray(src, dtype=np.int64),
        dst=np.asarray(dst, dtype=np.int64),
        edge_type=np.asarray(etype, dtype=np.int32),
        type_names=tuple(type_codes),
    )
