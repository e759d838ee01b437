"""Brokerage opportunities and open triads on crafted graphs (expected values by hand)."""

from __future__ import annotations

import networkx as nx

from graph.analytics.opportunities import brokerage_opportunities, open_triads


def _graph() -> nx.MultiDiGraph:
    """CN offers in field f; KE seeks in the narrower f1, TH and FR seek in f.

    Actor ties (undirected reading): cn1 - b - ke, so CN and KE are two hops apart
    through b alone; th - x - y - z - cn2, so CN and TH are four hops apart; b (FR) is
    tied to cn1 directly, so FR is one hop from CN.
    """
    G = nx.MultiDiGraph()

    def node(n: str, labels: tuple[str, ...], country: str | None = None) -> None:
        G.add_node(n, labels=labels, key=n, props={})
        if country:
            G.add_edge(n, f"Country:{country}", type="LOCATED_IN")

    for c in ("CN", "KE", "TH", "FR"):
        G.add_node(f"Country:{c}", labels=("Country",), key=c, props={})
    G.add_node("f", labels=("Field",), key="f", props={})
    G.add_node("f1", labels=("Field",), key="f1", props={})
    G.add_edge("f1", "f", type="BROADER")
    for n, c in (("cn1", "CN"), ("cn2", "CN"), ("ke", "KE"), ("th", "TH"), ("y", "FR")):
        node(n, ("Institution",), c)
    for n in ("b", "x", "z"):
        node(n, ("Expert",), "FR")
    for u, v in (("b", "cn1"), ("b", "ke"), ("x", "th"), ("x", "y"), ("z", "y"), ("z", "cn2")):
        G.add_edge(u, v, type="AFFILIATED_WITH")
    for item, label, owner, rel, field in (
        ("o1", "TechnologyOffer", "cn1", "OFFERS", "f"),
        ("o2", "TechnologyOffer", "cn2", "OFFERS", "f"),
        ("d_ke", "TechnologyDemand", "ke", "SEEKS", "f1"),
        ("d_th", "TechnologyDemand", "th", "SEEKS", "f"),
        ("d_fr", "TechnologyDemand", "b", "SEEKS", "f"),
    ):
        node(item, (label,))
        G.add_edge(owner, item, type=rel)
        G.add_edge(item, field, type="IN_FIELD")
    return G


def test_unconnected_and_single_broker_pairs() -> None:
    ops = brokerage_opportunities(_graph(), "country", k=2)
    # two CN offers x one demand each: 2 compatible pairs for TH, KE and FR; FR is one hop
    # from CN (b - cn1) so it is no opportunity; TH (4 hops) is unconnected, KE single broker
    assert [(o.supplier, o.demander, o.status, o.pairs, o.distance, o.intermediaries) for o in ops] == [
        ("CN", "TH", "unconnected", 2, None, 0),
        ("CN", "KE", "single broker", 2, 2, 1),
    ]
    assert ops[1].fields == ("f",)
    assert (ops[1].brokers[0].node, ops[1].brokers[0].hops) == ("b", 2)


def test_second_broker_closes_the_opportunity() -> None:
    G = _graph()
    G.add_node("b2", labels=("Expert",), key="b2", props={})
    G.add_edge("b2", "cn2", type="AFFILIATED_WITH")
    G.add_edge("b2", "ke", type="AFFILIATED_WITH")
    assert [(o.supplier, o.demander) for o in brokerage_opportunities(G, "country")] == [("CN", "TH")]


def test_brokers_ranked_by_route_then_roles_then_constraint() -> None:
    # x, y, z all lie on the 4-hop CN - TH route (1 + 3, 2 + 2, 3 + 1 hops); y has the
    # most cross-group roles, then z has lower constraint than x
    roles = {"y": {"liaison": 2.0}, "x": {}, "z": {}}
    constraint = {"x": 0.9, "y": 0.5, "z": 0.4}
    (op,) = [o for o in brokerage_opportunities(_graph(), "country", roles=roles, constraint=constraint)
             if o.demander == "TH"]  # fmt: skip
    assert [(b.node, b.hops, b.bridging, b.constraint) for b in op.brokers] == [
        ("y", 4, 2.0, 0.5),
        ("z", 4, 0.0, 0.4),
        ("x", 4, 0.0, 0.9),
    ]


def test_a_larger_k_connects_the_far_pair() -> None:
    ops = brokerage_opportunities(_graph(), "country", k=4)
    assert [(o.demander, o.status) for o in ops] == [("KE", "single broker")]


def test_open_triads_by_hand() -> None:
    G = nx.Graph()
    G.add_edge("a", "x", weight=3)
    G.add_edge("a", "y", weight=1)
    G.add_edge("a", "z", weight=2)
    G.add_edge("x", "y")
    G.add_edge("y", "w")
    G.add_edge("z", "w")
    country = {"a": "CN", "x": "CN", "y": "KE", "z": "KE", "w": "TH"}
    # open pairs of a's contacts: (x, z) and (y, z) (x - y tied); (x, z) crosses CN/KE and
    # shares no contact; (y, z) are both in KE and share w
    got = [(t.u, t.v, t.common, t.strength, t.cross_group) for t in open_triads(G, "a", groups=country)]
    assert got == [("x", "z", 0, 2.0, True), ("y", "z", 1, 1.0, False)]
    # w's contacts y and z are not tied; besides w they share a
    assert [(t.u, t.v, t.common, t.cross_group) for t in open_triads(G, "w")] == [("y", "z", 1, None)]
    assert open_triads(G, "x", limit=0) == []
