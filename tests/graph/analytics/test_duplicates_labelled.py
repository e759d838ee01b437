"""Duplicated centres against a labelled set: precision and recall.

The labels are ``data/labels/duplicate_pairs.csv`` (pairs of the bundled data, each with the
sources it rests on: which are only co-located, which are not centres at all, which are
distinct) and the constructed cases below (each label worked out by hand from the graph drawn
here: the sources name no true duplicate among China's centres abroad, so recall is measured
on these).
"""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx

from graph.analytics.duplicates import PairEvidence, duplicate_centres
from graph.analytics.population import select
from tests.graph.analytics.test_duplicates import _graph

LABELS = Path(__file__).resolve().parents[3] / "data" / "labels" / "duplicate_pairs.csv"

#: (a, b) -> label for the constructed graph of test_duplicates (by hand: see there).
CONSTRUCTED = {
    ("Institution:a", "Institution:b"): "duplicate",  # Bangkok, field 2.2, partner Mahidol
    ("Institution:b", "Institution:c"): "co-located",  # Thailand only
    ("Institution:a", "Institution:c"): "distinct",  # one parent (Guangxi)
}


def _found(G: nx.MultiDiGraph) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    apart: list[PairEvidence] = []
    clusters = duplicate_centres(G, co_located=apart)
    duplicates = {tuple(sorted((str(e.a), str(e.b)))) for c in clusters for e in c.pairs}
    co_located = {tuple(sorted((str(e.a), str(e.b)))) for e in apart}
    return duplicates, co_located  # type: ignore[return-value]


def _score(
    labels: dict[tuple[str, str], str], found: tuple[set[tuple[str, str]], set[tuple[str, str]]], G: nx.Graph
) -> tuple[int, int, int, list[str]]:
    duplicates, co_located = found
    tp = fp = fn = 0
    wrong = []
    for pair, label in labels.items():
        key = tuple(sorted(pair))
        if label == "duplicate":
            tp, fn = (tp + 1, fn) if key in duplicates else (tp, fn + 1)
            if key not in duplicates:
                wrong.append(f"missed {pair}")
        else:
            if key in duplicates:
                fp += 1
                wrong.append(f"{pair} called a duplicate, labelled {label}")
            if label == "co-located" and key not in co_located:
                wrong.append(f"{pair} not listed as co-located")
            if label == "not-a-centre" and all(n in G for n in pair):
                wrong.append(f"{pair}: a node that no source calls a centre exists")
    fp += len(duplicates - {tuple(sorted(p)) for p in labels})  # any other pair called a duplicate
    return tp, fp, fn, wrong


def _labels() -> dict[tuple[str, str], str]:
    with LABELS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(r["source"].strip() and r["reason"].strip() for r in rows)  # every label has its source
    return {(r["a"], r["b"]): r["label"] for r in rows}


def test_duplicates_hold_against_the_labelled_set(bundle_graph: nx.MultiDiGraph) -> None:
    labels = _labels()
    totals = [0, 0, 0]
    # the bundled data, as it stands (established) and as planned (CATTC-MY, in preparation, included)
    for scenario in ("established", "as-planned"):
        G, _ = select(bundle_graph, synthetic=False, scenario=scenario)
        tp, fp, fn, wrong = _score(labels if scenario == "as-planned" else {}, _found(G), G)
        assert not wrong, wrong
        for i, v in enumerate((tp, fp, fn)):
            totals[i] += v
    G = _graph()
    tp, fp, fn, wrong = _score(CONSTRUCTED, _found(G), G)
    assert not wrong, wrong
    tp, fp, fn = tp + totals[0], fp + totals[1], fn + totals[2]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"duplicates vs labels: tp={tp} fp={fp} fn={fn} precision={precision:.2f} recall={recall:.2f}")
    assert (precision, recall) == (1.0, 1.0)


def test_the_real_network_has_no_duplicate_and_planning_shows_one_co_located_pair(
    bundle_graph: nx.MultiDiGraph,
) -> None:
    established, _ = select(bundle_graph)
    assert _found(established) == (set(), set())
    planned, _ = select(bundle_graph, scenario="as-planned")
    # CATTC-MY (in preparation since 2015) beside SCOTTC-MY (2025): same country, nothing else
    assert _found(planned) == (set(), {("Institution:CATTC-MY", "Institution:SCOTTC-MY")})
