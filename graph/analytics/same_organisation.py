"""Institution records that are probably one organisation: a finding for every institution type.

Pairs are proposed by the rules of `graph.resolution.matcher` (a shared identifier, the
same normalised name in one country, similar names in one country with the city and
parent weighed in), each with its rule, confidence (the match score) and evidence; pairs
joined by proposals form clusters.  A pair decided already (`graph.resolution.decisions`)
says so: ``DISTINCT_FROM`` pairs are left out, ``SAME_AS`` pairs are shown as merged.

Duplicated branch centres (`graph.analytics.duplicates`) are a narrower finding on top
of the same graph: centres abroad of different parents in one country; it stays as it
is and answers a planner's question this one does not (two parents building one thing).

Examples
--------
>>> from graph.resolution.matcher import Candidate
>>> found = same_organisation([
...     Candidate("University", "a", names=("Universität Leipzig",), countries=("DE",)),
...     Candidate("University", "b", names=("UNIVERSITAET LEIPZIG",), countries=("DE",)),
...     Candidate("University", "c", names=("Universiteit Leiden",), countries=("NL",)),
... ], min_confidence=0.8)
>>> [(p.a, p.b, p.rule) for p in found.pairs]
[('a', 'b', 'name')]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from graph.resolution.candidates import institution_candidates
from graph.resolution.decisions import Decision, read_decisions
from graph.resolution.matcher import Candidate, MatchIndex
from graph.store import GraphStore

__all__ = [
    "SameOrganisationFinding",
    "SameOrganisationPair",
    "same_organisation",
    "same_organisation_in_store",
]


@dataclass(frozen=True, slots=True)
class SameOrganisationPair:
    """Two records that are probably one organisation (``a`` < ``b``)."""

    a: str
    b: str
    a_name: str
    b_name: str
    a_label: str
    b_label: str
    rule: str
    confidence: float
    evidence: str
    #: ``"same"`` when a person (or a load) merged them already, else None
    decided: str | None = None


@dataclass(frozen=True, slots=True)
class SameOrganisationFinding:
    """The pairs (best first) and their clusters (sets of keys, largest first)."""

    pairs: tuple[SameOrganisationPair, ...]
    clusters: tuple[tuple[str, ...], ...]
    #: pairs left out because a decision keeps them apart
    kept_apart: int = 0


def same_organisation(
    candidates: Iterable[Candidate],
    *,
    min_confidence: float = 0.9,
    decisions: Iterable[Decision] = (),
) -> SameOrganisationFinding:
    """The pairs of `candidates` that score `min_confidence` or more (see the module's text)."""
    decided = {(d.a, d.b): d.verdict for d in decisions}
    index = MatchIndex(candidates)
    pairs = []
    apart = 0
    for m in index.pairs(min_confidence):
        x, y = sorted((m.query, m.candidate), key=lambda c: c.key)
        verdict = decided.get((x.key, y.key))
        if verdict == "distinct":
            apart += 1
            continue
        pairs.append(
            SameOrganisationPair(
                x.key,
                y.key,
                x.display_name,
                y.display_name,
                x.label,
                y.label,
                m.rule,
                m.score,
                m.evidence,
                verdict,
            )
        )
    pairs.sort(key=lambda p: (-p.confidence, p.a, p.b))
    G = nx.Graph()
    G.add_edges_from((p.a, p.b) for p in pairs)
    clusters = sorted((tuple(sorted(c)) for c in nx.connected_components(G)), key=lambda c: (-len(c), c))
    return SameOrganisationFinding(tuple(pairs), tuple(clusters), apart)


def same_organisation_in_store(store: GraphStore, *, min_confidence: float = 0.9) -> SameOrganisationFinding:
    """`same_organisation` over every stored institution, with the recorded decisions."""
    return same_organisation(
        institution_candidates(store), min_confidence=min_confidence, decisions=read_decisions(store)
    )
