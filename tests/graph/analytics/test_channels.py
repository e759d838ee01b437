"""Supply–demand channels ranked by length, brokers and tie strength (crafted graph)."""

from __future__ import annotations

import networkx as nx

from graph.analytics.channels import ChannelFinder, demand_channels


def _graph() -> nx.MultiDiGraph:
    """ke seeks d, cn offers o (same field).  Routes between the owners:

    - ke - b - cn (b is a TechnologyBroker): 2 hops, one broker;
    - ke - e1 - cn with two relationships on each hop: 2 hops, strength 2;
    - ke - e2 - cn: 2 hops, strength 1;
    - ke - e3 - centre - m - cn (agreement m): 4 hops, the centre a broker.
    """
    G = nx.MultiDiGraph()
    nodes = {
        "ke": ("Institution",), "cn": ("Institution",), "centre": ("Institution", "TransferCentre"),
        "b": ("Expert", "TechnologyBroker"), "e1": ("Expert",), "e2": ("Expert",), "e3": ("Expert",),
        "m": ("Agreement",), "d": ("TechnologyDemand",), "o": ("TechnologyOffer",), "f": ("Field",),
        "Country:KE": ("Country",),
    }  # fmt: skip
    for n, labels in nodes.items():
        G.add_node(n, labels=labels, label=labels[-1], key=n, props={})
    for u, v, t in (
        ("ke", "d", "SEEKS"), ("cn", "o", "OFFERS"), ("d", "f", "IN_FIELD"), ("o", "f", "IN_FIELD"),
        ("b", "ke", "AFFILIATED_WITH"), ("b", "cn", "AFFILIATED_WITH"),
        ("e1", "ke", "AFFILIATED_WITH"), ("e1", "ke", "OPERATED_BY"),
        ("e1", "cn", "AFFILIATED_WITH"), ("e1", "cn", "OPERATED_BY"),
        ("e2", "ke", "AFFILIATED_WITH"), ("e2", "cn", "AFFILIATED_WITH"),
        ("e3", "ke", "AFFILIATED_WITH"), ("e3", "centre", "AFFILIATED_WITH"),
        ("centre", "m", "PARTY_TO"), ("cn", "m", "PARTY_TO"),
        # a place is no channel: ke and cn both in Kenya would be a 2-hop shortcut
        ("ke", "Country:KE", "LOCATED_IN"), ("cn", "Country:KE", "LOCATED_IN"),
    ):  # fmt: skip
        G.add_edge(u, v, type=t)
    return G


def test_channels_ranked_by_length_brokers_strength() -> None:
    got = [
        (c.nodes[2:-2], c.length, c.brokers, c.strength) for c in demand_channels(_graph(), "d", per_offer=5)
    ]
    # the SEEKS and OFFERS hops add 2 to every route between the owners
    assert got == [
        (("b",), 4, ("b",), 1),  # a broker on the way
        (("e1",), 4, (), 2),  # no broker, two relationships on each hop
        (("e2",), 4, (), 1),
        (("e3", "centre", "m"), 6, ("centre",), 1),  # longest last despite its broker
    ]


def test_channel_hops_name_types_and_direction() -> None:
    best = demand_channels(_graph(), "d")[0]
    assert [(h["source"], h["target"], h["types"], h["forward"]) for h in best.hops] == [
        ("d", "ke", ["SEEKS"], False),
        ("ke", "b", ["AFFILIATED_WITH"], False),
        ("b", "cn", ["AFFILIATED_WITH"], True),
        ("cn", "o", ["OFFERS"], True),
    ]
    assert best.hops[1]["target_label"] == "TechnologyBroker"
    assert best.match.relation == "same field"
    assert best.to_dict()["length"] == 4


def test_hop_limit_and_same_owner() -> None:
    G = _graph()
    finder = ChannelFinder(G)
    assert {c.length for c in finder.channels("d", max_hops=2, per_offer=5)} == {4}
    # the demand's owner also owns an offer in the field: a channel of two hops
    G.add_node("o2", labels=("TechnologyOffer",), label="TechnologyOffer", key="o2", props={})
    G.add_edge("ke", "o2", type="OFFERS")
    G.add_edge("o2", "f", type="IN_FIELD")
    first = ChannelFinder(G).channels("d")[0]
    assert (first.offer, first.nodes, first.length) == ("o2", ("d", "ke", "o2"), 2)


_SEED_PROBE = """
import json, networkx as nx
from graph.analytics.channels import ChannelFinder
G = nx.MultiDiGraph()
G.add_node("ke", labels=("Institution",), label="Institution", key="ke", props={})
G.add_node("cn", labels=("Institution",), label="Institution", key="cn", props={})
for n, labels in (("d", ("TechnologyDemand",)), ("o", ("TechnologyOffer",)), ("f", ("Field",))):
    G.add_node(n, labels=labels, label=labels[-1], key=n, props={})
for u, v, t in (("ke", "d", "SEEKS"), ("cn", "o", "OFFERS"), ("d", "f", "IN_FIELD"), ("o", "f", "IN_FIELD")):
    G.add_edge(u, v, type=t)
# 30 experts tie ke and cn equally (30 tied 2-hop routes), beside 400 other nodes:
# the route subgraph is a small part of a large graph
for i in range(30):
    G.add_node(f"expert-{i}", labels=("Expert",), label="Expert", key=f"expert-{i}", props={})
    G.add_edge(f"expert-{i}", "ke", type="AFFILIATED_WITH")
    G.add_edge(f"expert-{i}", "cn", type="AFFILIATED_WITH")
for i in range(400):
    G.add_node(f"other-{i}", labels=("Expert",), label="Expert", key=f"other-{i}", props={})
    G.add_edge(f"other-{i}", "ke", type="AFFILIATED_WITH")
print(json.dumps([list(c.nodes) for c in ChannelFinder(G).channels("d", per_offer=3)]))
"""


def test_tied_channels_do_not_depend_on_the_hash_seed() -> None:
    # the same graph in three processes with different string hashing: the same channels
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    answers = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", _SEED_PROBE],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        answers.add(done.stdout)
    assert len(answers) == 1, answers
