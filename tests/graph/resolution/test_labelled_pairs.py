"""Precision and recall of the resolution and of the duplicate finding on the labelled pairs.

``data/labels/organisation_pairs.csv`` holds 74 pairs of organisation records from the
project's real data, each labelled ``same`` or ``different`` with its source and reason
(see ``data/labels/README.md``): the national centres as the study and the centres table
name them (English and Chinese), bilateral centres reported twice, and CORDIS
organisations with similar names that CORDIS registers under two PICs and VAT numbers.
The records are compared among all 1,819 CORDIS organisations (token weights are those
of a real country block).  Identifiers are left out: the figures measure the names.

The floors are what the code reaches (printed with ``pytest -s``): precision 1.0 and
recall 9/21 when linking at 0.9; from 0.6 on, candidates for review.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.analytics.same_organisation import same_organisation
from graph.resolution.matcher import Candidate, MatchIndex, Thresholds

ROOT = Path(__file__).resolve().parents[3]
PAIRS = ROOT / "data" / "labels" / "organisation_pairs.csv"
CORDIS = ROOT / "data" / "examples" / "cordis" / "participations_with_names.csv"
CORDIS_COUNTRY = {"EL": "GR", "UK": "GB"}  # CORDIS codes -> ISO 3166-1


def _pairs() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _record(pair: dict[str, str], side: str) -> Candidate:
    country = pair[f"{side}_country"]
    return Candidate(
        "Institution",
        f"{pair[f'{side}_source']}#{pair[f'{side}_key']}",
        names=(pair[f"{side}_name"],),
        countries=(country,) if country else (),
        city=pair[f"{side}_city"] or None,
        parents=(pair[f"{side}_parent"],) if pair[f"{side}_parent"] else (),
    )


def _records() -> dict[str, Candidate]:
    records = {}
    for pair in _pairs():
        for side in "ab":
            r = _record(pair, side)
            records[r.key] = r
    source = str(CORDIS.relative_to(ROOT))
    with CORDIS.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            key = f"{source}#{row['organisationID']}"
            country = CORDIS_COUNTRY.get(row["country"], row["country"])
            records.setdefault(
                key,
                Candidate("Institution", key, (row["name"],), countries=(country,), city=row["city"] or None),
            )
    return records


def _figures(predicted: dict[tuple[str, str], bool]) -> tuple[float, float, int, int, int]:
    pairs = _pairs()
    tp = sum(predicted[(p["a_key"], p["b_key"])] and p["label"] == "same" for p in pairs)
    fp = sum(predicted[(p["a_key"], p["b_key"])] and p["label"] != "same" for p in pairs)
    fn = sum(not predicted[(p["a_key"], p["b_key"])] and p["label"] == "same" for p in pairs)
    return tp / max(1, tp + fp), tp / max(1, tp + fn), tp, fp, fn


@pytest.fixture(scope="module")
def records() -> dict[str, Candidate]:
    return _records()


def test_the_labelled_set_is_sourced() -> None:
    pairs = _pairs()
    assert len(pairs) == 74
    assert {p["label"] for p in pairs} == {"same", "different"}
    assert sum(p["label"] == "same" for p in pairs) == 21
    for p in pairs:
        assert p["source"].strip() and p["reason"].strip(), p
        for side in "ab":
            assert (ROOT / p[f"{side}_source"]).exists(), p[f"{side}_source"]


def test_resolution_precision_and_recall(records: dict[str, Candidate]) -> None:
    """A row (side b) resolved against everything else stored: linked to side a?"""
    limits = Thresholds(link=0.9, review=0.6)
    linked: dict[tuple[str, str], bool] = {}
    listed: dict[tuple[str, str], bool] = {}
    index = MatchIndex(records.values())  # a record is never matched with itself
    for p in _pairs():
        a, b = _record(p, "a"), _record(p, "b")
        resolution = index.resolve(b, limits)
        best = resolution.best
        linked[(p["a_key"], p["b_key"])] = (
            resolution.decision == "linked" and best is not None and best.candidate.key == a.key
        )
        listed[(p["a_key"], p["b_key"])] = any(m.candidate.key == a.key for m in resolution.matches)
    precision, recall, tp, fp, fn = _figures(linked)
    print(
        f"\nresolution (link >= 0.9): precision {precision:.3f} recall {recall:.3f}"
        f" (tp {tp}, fp {fp}, fn {fn})"
    )
    review_precision, review_recall, *counts = _figures(listed)
    print(
        f"resolution candidates (>= 0.6, for review): recall {review_recall:.3f}"
        f" precision {review_precision:.3f} (tp, fp, fn: {counts})"
    )
    assert precision >= 0.95
    assert recall >= 9 / 21 - 1e-9
    assert review_recall >= 20 / 21 - 1e-9


def test_duplicate_finding_precision_and_recall(records: dict[str, Candidate]) -> None:
    """The same-organisation finding over all the records: which labelled pairs does it propose?"""
    found = same_organisation(records.values(), min_confidence=0.9)
    proposed = {(p.a, p.b) for p in found.pairs}
    predicted = {}
    for p in _pairs():
        a, b = sorted((_record(p, "a").key, _record(p, "b").key))
        predicted[(p["a_key"], p["b_key"])] = (a, b) in proposed
    precision, recall, tp, fp, fn = _figures(predicted)
    print(
        f"\nduplicate finding (>= 0.9): precision {precision:.3f} recall {recall:.3f}"
        f" (tp {tp}, fp {fp}, fn {fn});"
        f" {len(found.pairs)} pairs proposed among {len(records)} records"
    )
    assert precision >= 0.95
    assert recall >= 9 / 21 - 1e-9
