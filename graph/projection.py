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

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import groupby
from typing import Any, Literal

import networkx as nx
import numpy as np
import numpy.typing as npt
from scipy import sparse

from graph.cypher.identifiers import stable_id
from graph.edge_columns import EdgeColumns
from graph.gcpause import paused_gc
from graph.lazy_graph import LazyMultiDiGraph
from graph.node_types import node_type_of
from graph.typed_arrays import from_rows, record
from ontology.schema import GraphSchema, NodeType

__all__ = ["GraphArrays", "ReadOnlyDict", "build_arrays", "build_networkx", "node_type_of", "parallel_key"]

NodeRow = tuple[int, Sequence[str], Mapping[str, Any]]
EdgeRow = tuple[int, int, str, Mapping[str, Any]]


def parallel_key(rel_type: str, n: int) -> str:
    """The projection's key of the `n`-th relationship of `rel_type` between two nodes.

    >>> parallel_key("WORKS_AT", 1), parallel_key("WORKS_AT", 2)
    ('WORKS_AT', 'WORKS_AT#2')
    """
    return rel_type if n == 1 else f"{rel_type}#{n}"


def _identity(
    schema: GraphSchema,
    internal: int,
    labels: Sequence[str],
    props: Mapping[str, Any],
    nt: NodeType | Literal[False] | None = False,
) -> str:
    """The stable id of a stored node (of type `nt` when the caller knows it)."""
    if nt is False:
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
    edges: Iterable[EdgeRow] | EdgeColumns | Callable[[], Iterable[EdgeRow] | EdgeColumns],
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
    `edges` are rows ``(start, end, type, properties)`` or, without properties, columns of
    internal ids (`~graph.edge_columns.EdgeColumns`), or a function returning either, called
    once the nodes are built (a read that is still going on meanwhile).
    With `own_node_props` the graph keeps the node rows' property dicts themselves (rows
    decoded for it, which nobody else holds) instead of copies.

    A directed projection is a `~graph.lazy_graph.LazyMultiDiGraph`: its structure is
    recorded as arrays (`graph.typed_arrays`), which the analyses read, and its networkx
    relationship dicts are built from them the first time something reads them (at 1M
    relationships, 2 s and a few hundred megabytes that `analyze` does not need).  Either
    way the graph is the same, relationship for relationship, in the same order.
    """
    graph: nx.MultiDiGraph | nx.MultiGraph = LazyMultiDiGraph() if directed else nx.MultiGraph()
    # the structure as arrays too (`graph.typed_arrays`): positions, label sets, relationships
    position: dict[Any, int] = {}
    at: dict[str, int] = {}
    # written straight into networkx's dicts, as add_node would (a new graph: no cache to clear)
    node_data: Any = graph._node
    succ: Any = graph._adj
    pred: Any = graph._pred if directed else succ
    types: dict[tuple[str, ...], NodeType | None] = {}  # one look-up per label set
    for internal, labels, props in nodes:
        carried = tuple(labels)
        if carried in types:
            nt = types[carried]
        else:
            nt = types[carried] = node_type_of(schema, carried)
        node_id = _identity(schema, internal, carried, props, nt)
        position[internal] = at.setdefault(node_id, len(at))
        attrs = {
            "label": nt.label if nt else (carried[0] if carried else ""),
            "labels": carried,
            "key": props.get(nt.key) if nt else None,
            "props": props if own_node_props else dict(props),
        }
        if node_id in node_data:  # the same node twice: its attributes updated, as add_node does
            node_data[node_id].update(attrs)
        else:
            node_data[node_id] = attrs
            succ[node_id] = {}
            pred[node_id] = {}
    rows = _Relationships.of(edges() if callable(edges) else edges, position)
    ids: list[Hashable] = list(at)
    if not directed:
        _fill_adjacency(succ, pred, ids, rows)
        return graph
    assert isinstance(graph, LazyMultiDiGraph)
    node_data = graph._node
    record(
        graph,
        from_rows(ids, (node_data[n]["labels"] for n in ids), rows.src, rows.dst, rows.kind, rows.types),
    )
    graph.defer_ties(partial(_fill_adjacency, succ, pred, ids, rows))
    return graph


@dataclass(frozen=True, slots=True)
class _Relationships:
    """The projected relationships in the order they were read: end positions, type codes
    and (when any relationship has some) the properties of each."""

    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    kind: npt.NDArray[np.int32]
    types: tuple[str, ...]
    props: tuple[Mapping[str, Any], ...] | None

    @classmethod
    def of(cls, edges: Iterable[EdgeRow] | EdgeColumns, position: Mapping[Any, int]) -> _Relationships:
        """The rows of `edges` whose two ends have a `position`."""
        if isinstance(edges, EdgeColumns):
            src, dst = _positions(edges.starts, position), _positions(edges.ends, position)
            keep = (src >= 0) & (dst >= 0)
            if keep.all():
                return cls(src, dst, edges.kinds, edges.types, None)
            return cls(src[keep], dst[keep], edges.kinds[keep], edges.types, None)
        # column by column (zip is C): a Python loop over a million rows was a second
        columns = list(zip(*edges, strict=True)) or [(), (), (), ()]
        starts, ends, kinds, props = (list(c) for c in columns)
        src, dst = _positions(starts, position), _positions(ends, position)
        kind, names = _codes(kinds)
        keep = (src >= 0) & (dst >= 0)
        carried = any(props)
        if not keep.all():
            src, dst, kind = src[keep], dst[keep], kind[keep]
            if carried:
                props = [p for p, k in zip(props, keep.tolist(), strict=True) if k]
        return cls(src, dst, kind, names, tuple(props) if carried else None)


def _codes(kinds: list[str]) -> tuple[npt.NDArray[np.int32], tuple[str, ...]]:
    """Per relationship, the index of its type among the types in order of first appearance.

    A backend reads the relationships type by type: one code per run of a type.

    >>> codes, names = _codes(["B", "B", "A", "B"])
    >>> codes.tolist(), names
    ([0, 0, 1, 0], ('B', 'A'))
    """
    seen: dict[str, int] = {}
    run_codes: list[int] = []
    run_lengths: list[int] = []
    for name, run in groupby(kinds):
        run_codes.append(seen.setdefault(name, len(seen)))
        run_lengths.append(sum(1 for _ in run))
    return np.repeat(np.asarray(run_codes, dtype=np.int32), run_lengths), tuple(seen)


def _int_array(values: list[Any] | npt.NDArray[np.int64]) -> npt.NDArray[np.int64] | None:
    """`values` as an int64 array when they are all ints (FalkorDB's ids), else None."""
    if isinstance(values, np.ndarray):
        return values if values.size else None
    try:
        array = np.asarray(values)
    except (ValueError, OverflowError):
        return None
    return array.astype(np.int64) if array.dtype.kind in "iu" and array.size else None


def _positions(
    internal: list[Any] | npt.NDArray[np.int64], position: Mapping[Any, int]
) -> npt.NDArray[np.int64]:
    """The positions of these internal ids (-1 for a node not projected).

    >>> _positions([7, 3, 9], {3: 0, 7: 1}).tolist(), _positions(["b", "z"], {"b": 4}).tolist()
    ([1, 0, -1], [4, -1])
    """
    wanted, known = _int_array(internal), _int_array(list(position))
    if wanted is not None and known is not None and wanted.min() >= 0 and known.min() >= 0:
        # FalkorDB's ids are small ints: one look-up array instead of a dict look-up per row
        lookup = np.full(max(int(wanted.max()), int(known.max())) + 1, -1, dtype=np.int64)
        lookup[known] = np.fromiter(position.values(), dtype=np.int64, count=len(position))
        out: npt.NDArray[np.int64] = lookup[wanted]
        return out
    return np.fromiter((position.get(x, -1) for x in internal), dtype=np.int64, count=len(internal))


def _fill_adjacency(succ: Any, pred: Any, ids: list[Hashable], rows: _Relationships) -> tuple[Any, Any]:
    """Write the relationships into networkx's successor and predecessor dicts (of every
    node already) in the order they were read, and return both dicts.

    Straight into the dicts, as ``add_edge`` would (``add_edge`` per row was the
    bottleneck): one key dict per pair, shared by both directions of a directed graph.
    """
    bare: dict[str, ReadOnlyDict] = {}
    props = rows.props
    types = rows.types
    for i, (s, d, c) in enumerate(zip(rows.src.tolist(), rows.dst.tolist(), rows.kind.tolist(), strict=True)):
        u, v, rel_type = ids[s], ids[d], types[c]
        key: str = rel_type
        existing = succ[u].get(v)
        if existing is None:
            existing = succ[u][v] = pred[v][u] = {}
        elif key in existing:
            n = 2
            while parallel_key(rel_type, n) in existing:
                n += 1
            key = parallel_key(rel_type, n)
        own = props[i] if props is not None else None
        if own:
            existing[key] = {"type": rel_type, "props": dict(own)}
        else:  # one read-only attribute dict per type for every relationship without properties
            attrs = bare.get(rel_type)
            if attrs is None:
                attrs = bare[rel_type] = ReadOnlyDict(type=rel_type, props=ReadOnlyDict())
            existing[key] = attrs
    return succ, pred


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
    edges: Iterable[tuple[int, int, str]] | EdgeColumns,
) -> GraphArrays:
    """Build `GraphArrays` from raw node rows and ``(src, dst, type)`` edge rows (or columns)."""
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
    for s, d, t in edges.rows() if isinstance(edges, EdgeColumns) else edges:
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
