"""Which part of the graph an analysis answers about: the real, established network by default.

Two choices make a population:

- ``synthetic``: nodes marked ``synthetic: true`` (the demo's labelled sample, the scale
  generator's networks) enter only when asked for, with every relationship that touches them;
- ``scenario``: ``"established"`` (the default) leaves out bodies whose ``lifecycle`` stage is
  proposed, planned or agreed (not yet set up), suspended or closed, and partnerships whose
  own stage is proposed or planned; ``"as-planned"`` keeps the proposed, planned and agreed
  ones, to see the network as the plans would make it (closed and suspended stay out).

Nodes without a lifecycle stage (universities, agencies, countries…) are in every population.
The stages are the notations of ``tn:lifecycleStages`` in the ontology.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Literal

import networkx as nx
import numpy as np
import numpy.typing as npt

from graph.lazy_graph import LazyMultiDiGraph, TieDicts
from graph.typed_arrays import TypedArrays, record, typed_arrays
from ontology.vocab import PropertyName

__all__ = ["LEFT_OUT_CLAIMS", "LEFT_OUT_STAGES", "Population", "Scenario", "select"]

Scenario = Literal["established", "as-planned"]

#: Lifecycle stages of the bodies a scenario leaves out.
LEFT_OUT_STAGES: dict[str, frozenset[str]] = {
    "established": frozenset({"proposed", "planned", "agreed", "suspended", "closed"}),
    "as-planned": frozenset({"suspended", "closed"}),
}
#: Lifecycle stages of the relationships (partnerships) a scenario leaves out.
LEFT_OUT_CLAIMS: dict[str, frozenset[str]] = {
    "established": frozenset({"proposed", "planned", "suspended", "closed"}),
    "as-planned": frozenset({"suspended", "closed"}),
}


@dataclass(frozen=True, slots=True)
class Population:
    """What a run covers and what it left out (counts, and the bodies left out by stage)."""

    synthetic: bool
    scenario: str
    nodes: int
    relationships: int
    synthetic_nodes_left_out: int = 0
    bodies_left_out: tuple[str, ...] = ()
    relationships_left_out: int = 0

    def describe(self) -> str:
        """One sentence a reader can check the findings against.

        Examples
        --------
        >>> Population(False, "established", 10, 9, 3, ("Institution:x",), 4).describe()[:56]
        'Real data only, established bodies only (10 nodes, 9 rel'
        """
        kind = "real and synthetic data" if self.synthetic else "Real data only"
        stage = (
            "as planned (proposed, planned and agreed bodies included)"
            if self.scenario == "as-planned"
            else ("established bodies only")
        )
        left = []
        if self.synthetic_nodes_left_out:
            left.append(f"{self.synthetic_nodes_left_out:,} synthetic nodes")
        if self.bodies_left_out:
            left.append(f"{len(self.bodies_left_out)} proposed, planned or agreed bodies")
        if self.relationships_left_out:
            left.append(
                f"{self.relationships_left_out:,} relationships with them or of proposed partnerships"
            )
        tail = f"; left out: {', '.join(left)}" if left else ""
        size = f"{self.nodes:,} nodes, {self.relationships:,} relationships"
        return f"{kind[0].upper()}{kind[1:]}, {stage} ({size}{tail})."


def _stage(props: dict[str, object]) -> object:
    return props.get(PropertyName.LIFECYCLE)


def _induced(
    G: nx.MultiDiGraph, t: TypedArrays, gone: set[Hashable], dropped: npt.NDArray[np.int64]
) -> LazyMultiDiGraph:
    """``G.subgraph(nodes not gone).copy()`` less the relationships at positions `dropped` of
    `G`'s arrays `t`, its relationships built the first time something reads them
    (`graph.lazy_graph`: the analyses read its arrays).

    The same graph as networkx builds it (node, neighbour and key order; node attribute
    dicts copied one level deep; each predecessor dict in the order the edges are visited),
    written straight into the graph's dicts: networkx's copy goes through its subgraph views
    and ``add_edges_from``, seconds per million relationships.  What the population does
    not change is shared with `G`, not copied: the relationships' attribute dicts, the key
    dicts of the pairs that keep all their relationships and the successor dicts of the
    nodes that keep all theirs (on the generator's 1M-relationship graph with its
    synthetic nodes, a few of them change); `select` freezes the result, as the analyses
    only read it.
    """
    H = LazyMultiDiGraph()
    H.graph.update(G.graph)
    node, succ, pred = H._node, H._succ, H._pred
    for n, d in G._node.items():
        if n not in gone:
            node[n] = d.copy()
            succ[n] = {}
            pred[n] = {}
    H.defer_ties(partial(_induced_ties, G, t, gone, dropped, succ, pred))
    return H


def _keys_at(
    G: nx.MultiDiGraph, t: TypedArrays, positions: npt.NDArray[np.int64]
) -> set[tuple[Hashable, ...]]:
    """The ``(u, v, key)`` of the relationships at these positions of `G`'s arrays `t`.

    The relationships of one pair are adjacent in ``G.edges`` order, in the order of their
    keys: the key of a position is the one of its rank in its pair's run.
    """
    out: set[tuple[Hashable, ...]] = set()
    src, dst = t.src, t.dst
    for p in positions.tolist():
        first = p
        while first > 0 and src[first - 1] == src[p] and dst[first - 1] == dst[p]:
            first -= 1
        u, v = t.nodes[src[p]], t.nodes[dst[p]]
        out.add((u, v, list(G._adj[u][v])[p - first]))
    return out


def _induced_ties(
    G: nx.MultiDiGraph,
    t: TypedArrays,
    gone: set[Hashable],
    positions: npt.NDArray[np.int64],
    succ: dict[Hashable, dict[Hashable, dict[Hashable, object]]],
    pred: dict[Hashable, dict[Hashable, dict[Hashable, object]]],
) -> TieDicts:
    """The successor and predecessor dicts of `_induced`'s graph (its nodes' already in
    `succ` and `pred`), filled from `G`'s."""
    dropped = _keys_at(G, t, positions)
    pairs = {(u, v) for u, v, _ in dropped}
    touched = {u for u, _ in pairs}  # nodes whose successor dict changes
    for n in gone:
        touched.update(G._pred[n])
    for u, nbrs in G._succ.items():
        if u in gone:
            continue
        if u not in touched:  # every successor kept: the dict is shared
            succ[u] = nbrs
            for v, keys in nbrs.items():
                pred[v][u] = keys
            continue
        out = succ[u]
        for v, keys in nbrs.items():
            if v in gone:
                continue
            if (u, v) in pairs:
                same = {k: d for k, d in keys.items() if (u, v, k) not in dropped}
                if not same:
                    continue
            else:
                same = keys
            out[v] = same
            pred[v][u] = same  # one key dict for both directions, as networkx keeps it
    return succ, pred


def _edge_positions(
    G: nx.MultiDiGraph, t: TypedArrays, edges: list[tuple[Hashable, Hashable, Hashable]]
) -> npt.NDArray[np.int64]:
    """The positions in `t` of the relationships ``(u, v, key)`` of `G`.

    The relationships of one pair are adjacent in ``G.edges`` order, in the order of their
    keys.
    """
    if not edges:
        return np.zeros(0, dtype=np.int64)
    index, n = t.index, max(t.n_nodes, 1)
    wanted = {index[u] * n + index[v] for u, v, _ in edges}
    code = t.src * n + t.dst
    at = np.flatnonzero(np.isin(code, np.fromiter(wanted, dtype=np.int64, count=len(wanted))))
    blocks: dict[int, list[int]] = {}
    for c, p in zip(code[at].tolist(), at.tolist(), strict=True):
        blocks.setdefault(c, []).append(p)
    out = []
    for u, v, k in edges:
        out.append(blocks[index[u] * n + index[v]][list(G._adj[u][v]).index(k)])
    return np.asarray(out, dtype=np.int64)


def _claimed_positions(
    t: TypedArrays,
    claims: Mapping[tuple[str, str, str], str],
    left_out: frozenset[str],
    gone: set[Hashable],
) -> npt.NDArray[np.int64]:
    """The positions in `t` of the relationships whose claimed stage (``(start, end, type) ->
    stage``) is one of `left_out`, between two nodes not `gone`; found on the arrays, so a
    lazy projection's relationship dicts stay unbuilt."""
    index, n = t.index, max(t.n_nodes, 1)
    code = {name: c for c, name in enumerate(t.type_names)}
    wanted = {
        (index[u] * n + index[v], code[k])
        for (u, v, k), stage in claims.items()
        if stage in left_out and u not in gone and v not in gone and u in index and v in index and k in code
    }
    if not wanted:
        return np.zeros(0, dtype=np.int64)
    pair = t.src * n + t.dst
    pairs = np.fromiter({p for p, _ in wanted}, dtype=np.int64)
    at = np.flatnonzero(np.isin(pair, pairs))
    hit = [(p, c) in wanted for p, c in zip(pair[at].tolist(), t.kind[at].tolist(), strict=True)]
    return at[np.asarray(hit, dtype=bool)]


def select(
    G: nx.MultiDiGraph,
    *,
    synthetic: bool = False,
    scenario: str = "established",
    claims: Mapping[tuple[str, str, str], str] | None = None,
) -> tuple[nx.MultiDiGraph, Population]:
    """The part of `G` a population covers, and its summary.

    Returns `G` itself when nothing is left out (no copy).  The stages of relationships
    come from their ``props``, or from `claims` (``(start, end, type) -> stage``, e.g.
    `graph.claims.relationship_stages`) for a projection without relationship properties.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", props={})
    >>> G.add_node("s", props={"synthetic": True})
    >>> G.add_node("p", props={"lifecycle": "proposed"})
    >>> _ = G.add_edge("a", "s", type="T", props={})
    >>> _ = G.add_edge("a", "p", type="T", props={})
    >>> H, pop = select(G)
    >>> sorted(H), pop.synthetic_nodes_left_out, pop.bodies_left_out, pop.relationships_left_out
    (['a'], 1, ('p',), 2)
    >>> sorted(select(G, synthetic=True, scenario="as-planned")[0])
    ['a', 'p', 's']
    >>> _ = G.add_edge("a", "b", type="PARTNER")  # a proposed partnership, known from the store
    >>> H, pop = select(G, synthetic=True, scenario="established", claims={("a", "b", "PARTNER"): "proposed"})
    >>> H.has_edge("a", "b"), pop.relationships_left_out
    (False, 2)
    """
    if scenario not in LEFT_OUT_STAGES:
        raise ValueError(f"unknown scenario {scenario!r}; use one of {', '.join(LEFT_OUT_STAGES)}")
    stages, left_claims = LEFT_OUT_STAGES[scenario], LEFT_OUT_CLAIMS[scenario]
    fake: list[Hashable] = []
    bodies: list[Hashable] = []
    for n, data in G.nodes(data=True):
        props = data.get("props") or {}
        if not synthetic and props.get(PropertyName.SYNTHETIC):
            fake.append(n)
        elif _stage(props) in stages:
            bodies.append(n)
    gone = {*fake, *bodies}
    arrays = typed_arrays(G)
    if claims is None:
        edges = [
            (u, v, k)
            for u, v, k, d in G.edges(keys=True, data=True)
            if u not in gone and v not in gone and _stage(d.get("props") or {}) in left_claims
        ]
        dropped = _edge_positions(G, arrays, edges)
    else:  # only the claimed relationships are looked for, on the arrays
        dropped = _claimed_positions(arrays, claims, left_claims, gone)
    if not gone and not dropped.size:
        return G, Population(synthetic, scenario, G.number_of_nodes(), arrays.n_edges)
    H = _induced(G, arrays, gone, dropped)
    keep_nodes = np.ones(arrays.n_nodes, dtype=bool)
    keep_nodes[[arrays.index[n] for n in gone]] = False
    keep_edges = keep_nodes[arrays.src] & keep_nodes[arrays.dst]
    keep_edges[dropped] = False
    record(H, arrays.masked(keep_nodes, keep_edges))  # H's structure, read without walking it
    nx.freeze(H)  # it shares G's dicts
    kept = int(np.count_nonzero(keep_edges))
    left_out = arrays.n_edges - kept
    summary = Population(
        synthetic,
        scenario,
        H.number_of_nodes(),
        kept,
        len(fake),
        tuple(sorted(map(str, bodies))),
        left_out,
    )
    return H, summary
