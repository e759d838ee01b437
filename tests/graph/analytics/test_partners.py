"""The projected organisation network: partners, tie evidence and the core, against hand computation."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.analytics.actors import actor_network
from graph.analytics.params import AnalysisParams
from graph.analytics.partners import NotAnActorError, ProjectedNetwork
from graph.analytics.registry import Session
from ontology.vocab import NodeLabel, RelType


def _graph() -> nx.MultiDiGraph:
    """Project p: a, b, c (3 participants, 1/2 per pair); project q: a, b (2 participants, 1/1);
    d operated by a (a stored relationship, weight 1, one direction); e takes part in nothing."""
    G = nx.MultiDiGraph()
    for n in "abcde":
        G.add_node(f"Institution:{n}", labels=[NodeLabel.INSTITUTION], key=n, props={})
    for p, members in {"p": "abc", "q": "ab"}.items():
        G.add_node(f"Project:{p}", labels=[NodeLabel.PROJECT], key=p, props={})
        for m in members:
            G.add_edge(f"Institution:{m}", f"Project:{p}", type=RelType.TAKES_PART_IN)
    G.add_edge("Institution:d", "Institution:a", type=RelType.OPERATED_BY)
    return G


def _network(G: nx.MultiDiGraph, max_group: int = 10) -> ProjectedNetwork:
    return ProjectedNetwork(G, actor_network(G, max_group=max_group), max_group=max_group)


def test_partners_by_hand() -> None:
    # a-b: 1/2 (p) + 1/1 (q) = 1.5 over 2 projects, q (2 participants) listed before p (3);
    # a-d: the OPERATED_BY tie, weight 1, no shared group; a-c: 1/2 over p.
    found = _network(_graph()).partners("Institution:a")
    assert [(p.id, p.tie.weight, p.tie.shared, p.tie.evidence) for p in found.partners] == [
        ("Institution:b", 1.5, 2, ("Project:q", "Project:p")),
        ("Institution:d", 1.0, 0, ()),
        ("Institution:c", 0.5, 1, ("Project:p",)),
    ]
    assert (found.total, found.left_out) == (3, 0)
    assert found.partners[1].tie.types == (RelType.OPERATED_BY,)
    assert found.partners[0].tie.types == ("CO_PARTICIPATION",)


def test_the_weight_does_not_depend_on_the_direction() -> None:
    P = _network(_graph())
    assert P.tie("Institution:b", "Institution:a") == P.tie("Institution:a", "Institution:b")
    assert P.tie("Institution:d", "Institution:a").weight == 1.0  # stored one way, counted once


def test_limit_counts_what_it_leaves_out() -> None:
    found = _network(_graph()).partners("Institution:a", limit=1)
    assert [p.id for p in found.partners] == ["Institution:b"]
    assert (found.total, found.left_out) == (3, 2)


def test_strength_and_core_by_hand() -> None:
    # strengths: a 1.5 + 1 + 0.5 = 3; b 1.5 + 0.5 = 2; c 0.5 + 0.5 = 1; d 1; e 0 (no tie)
    P = _network(_graph())
    assert [P.strength(f"Institution:{n}") for n in "abcde"] == [3.0, 2.0, 1.0, 1.0, 0.0]
    core = P.core(top=3)
    assert core.actors == (("Institution:a", 3.0), ("Institution:b", 2.0), ("Institution:c", 1.0))
    assert [(t.a, t.b, t.weight) for t in core.ties] == [
        ("Institution:a", "Institution:b", 1.5),
        ("Institution:a", "Institution:c", 0.5),
        ("Institution:b", "Institution:c", 0.5),
    ]
    # 4 actors have ties (e has none and never enters); 4 ties in all (a-b, a-c, b-c, a-d)
    assert (core.total_actors, core.actors_left_out, core.total_ties, core.ties_left_out) == (4, 1, 4, 1)
    assert [a for a, _ in P.core(top=50).actors] == [f"Institution:{n}" for n in "abcd"]


def test_large_event_ties_members_through_organisers_only() -> None:
    # event f: organiser o, members m1..m3 (4 > max_group 3): o-m ties, no m-m tie (star rule);
    # m1 and m2 also share project r (2 participants): their tie is r only, f is not evidence.
    G = nx.MultiDiGraph()
    G.add_node("Event:f", labels=[NodeLabel.EVENT], key="f", props={})
    G.add_node("Project:r", labels=[NodeLabel.PROJECT], key="r", props={})
    for n in ("o", "m1", "m2", "m3"):
        G.add_node(f"Institution:{n}", labels=[NodeLabel.INSTITUTION], key=n, props={})
        G.add_edge(
            f"Institution:{n}", "Event:f", type=RelType.ORGANISES if n == "o" else RelType.PARTICIPATES_IN
        )
    for n in ("m1", "m2"):
        G.add_edge(f"Institution:{n}", "Project:r", type=RelType.TAKES_PART_IN)
    P = _network(G, max_group=3)
    m1 = P.tie("Institution:m1", "Institution:m2")
    assert (m1.weight, m1.shared, m1.evidence) == (1.0, 1, ("Project:r",))
    o = P.tie("Institution:o", "Institution:m3")
    assert (o.weight, o.shared, o.evidence) == (1.0, 1, ("Event:f",))
    with pytest.raises(KeyError):
        P.tie("Institution:m1", "Institution:m3")


def test_non_actors_raise() -> None:
    P = _network(_graph())
    with pytest.raises(NotAnActorError):
        P.partners("Project:p")


def test_session_leaves_out_synthetic_actors_and_caches() -> None:
    # c marked synthetic: left out by default, so a's partners are b and d only; with synthetic=True back in
    G = _graph()
    G.nodes["Institution:c"]["props"] = {"synthetic": True}
    session = Session(G)
    real = session.projected(AnalysisParams())
    assert [p.id for p in real.partners("Institution:a").partners] == ["Institution:b", "Institution:d"]
    assert real.tie("Institution:a", "Institution:b").weight == 2.0  # p has 2 real participants now: 1 + 1
    assert "Institution:c" not in real
    assert session.projected(AnalysisParams()) is real  # built once per population
    everyone = session.projected(AnalysisParams(synthetic=True))
    assert "Institution:c" in everyone and everyone.partners("Institution:a").total == 3


def test_session_keeps_a_bounded_number_of_networks() -> None:
    # max_group admits 499 values: a client sweeping it must not keep 499 actor networks in a server
    session = Session(_graph(), keep_networks=3)
    first = session.projected(AnalysisParams(max_group=2))
    for max_group in range(3, 13):
        session.projected(AnalysisParams(max_group=max_group))
    assert len(session._actors) == 3 and len(session._projected) == 3
    assert sorted(k[2] for k in session._actors) == [10, 11, 12]  # the most recently used
    again = session.projected(AnalysisParams(max_group=2))  # rebuilt after being dropped
    assert again is not first
    assert nx.utils.edges_equal(again.graph.edges(data=True), first.graph.edges(data=True))
