"""Score institution records against each other, comparing only what blocking lets through.

A `MatchIndex` holds the stored institutions (`Candidate`) and answers, for a record of a
new source, which stored ones it probably is (`resolve`), or lists the pairs of stored
records that are probably one organisation (`pairs`).  The rules, strongest first:

``identifier``
    the two share an external identifier (ROR, GRID, ISNI, Wikidata, PIC, registry code):
    score 1.  Two different values of one identifier scheme are two organisations: such a
    pair is never linked by name (its score is capped below the link threshold).
``name``
    the same normalised name (`graph.resolution.names.normalise_name`: any script, legal
    form and small words left out) among the names, alternative names and Chinese names
    of the two, in one country: score 0.97 (1 when their cities agree too).
``similar-name``
    a soft TF-IDF cosine of the two names' tokens in one country (Cohen, Ravikumar and
    Fienberg 2003): tokens weighted by their inverse frequency among the institutions
    of that country, so that "Università degli Studi di Trento" and "... di Torino"
    differ by the rare token that matters; two tokens count as one when their
    ``rapidfuzz`` similarity is at least 0.9 (centre/center, universitat/universitaet).
    Cities that disagree multiply the score by 0.85; a shared parent organisation raises
    it by a fifth of the way to 1.
``acronym``
    a name equal to the other's acronym in one country: 0.75 at most (review only: short
    acronyms collide).

Blocking keeps a 100,000-row load from comparing every row with every node: a record is
compared only with the institutions of its country (all of them when it has none) that
share one of its rare tokens (at most `MAX_POSTING` holders in that country, or else its
two rarest tokens), or one of its identifiers.

The scoring is written here, not taken from splink, recordlinkage or dedupe: those fit a
model over two whole tables (pandas frames, an EM or active-learning step) and give no
per-record lookup against a store that grows load by load; rapidfuzz gives the token
similarity, and the weighting (soft TF-IDF) is twenty lines.

Examples
--------
>>> index = MatchIndex([
...     Candidate("Institution", "999985029", names=("UPPSALA UNIVERSITET",), countries=("SE",),
...               city="Uppsala"),
...     Candidate("Institution", "999885022", names=("STOCKHOLMS UNIVERSITET",), countries=("SE",)),
... ])
>>> r = index.resolve(Candidate("Institution", "row-1", names=("Uppsala Universitet",), countries=("SE",)))
>>> r.decision, r.best.candidate.key, r.best.rule, r.best.score
('linked', '999985029', 'name', 0.97)
>>> row = Candidate("Institution", "row-2", names=("Uppsala Universitet",), countries=("NO",))
>>> index.resolve(row).decision
'new'
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz

from graph.resolution.names import name_tokens, name_variants, normalise_name

__all__ = [
    "MAX_POSTING",
    "Candidate",
    "Decision",
    "Match",
    "MatchIndex",
    "Resolution",
    "Thresholds",
]

#: A token held by more institutions of a country than this does not select candidates.
MAX_POSTING = 200
#: Two tokens count as one from this rapidfuzz similarity (0-1) on.
TOKEN_SIMILARITY = 0.9
_CITY_DISAGREES = 0.85
_NAME_SCORE = 0.97
_ACRONYM_SCORE = 0.75

Decision = Literal["linked", "review", "new"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """An institution record as the resolution sees it.

    Parameters
    ----------
    label, key : str
        Its most specific label and its key.
    names : tuple of str
        Its name, Chinese name and alternative names (any script).
    acronym : str or None
        Its acronym.
    countries : tuple of str
        ISO 3166-1 alpha-2 codes of the countries it is located in.
    city : str or None
        Its city.
    identifiers : mapping
        External identifiers, property name → value (``rorId``, ``pic``…).
    parents : tuple of str
        Keys of the institutions it is a sub-organisation, branch or hosted unit of.
    """

    label: str
    key: str
    names: tuple[str, ...] = ()
    acronym: str | None = None
    countries: tuple[str, ...] = ()
    city: str | None = None
    identifiers: Mapping[str, str] = field(default_factory=dict)
    parents: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        """Its first name, else its acronym, else its key."""
        return self.names[0] if self.names else self.acronym or self.key


@dataclass(frozen=True, slots=True)
class Match:
    """A scored pair: `query` is probably `candidate`."""

    query: Candidate
    candidate: Candidate
    rule: str
    score: float
    #: what the score rests on, in words (the names compared, the city, the identifier)
    evidence: str


@dataclass(frozen=True, slots=True)
class Thresholds:
    """``link``: link from this score on; ``review``: list for review from this score on."""

    link: float = 0.9
    review: float = 0.6

    def __post_init__(self) -> None:
        if not 0 <= self.review <= self.link <= 1:
            raise ValueError("thresholds need 0 <= review <= link <= 1")


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a record resolved to: ``linked`` (to ``best``), ``review`` (candidates listed,
    nothing merged) or ``new``."""

    query: Candidate
    decision: Decision
    matches: tuple[Match, ...] = ()

    @property
    def best(self) -> Match | None:
        """The best-scoring match, if any."""
        return self.matches[0] if self.matches else None


def _variants(candidate: Candidate) -> list[str]:
    return [v for name in candidate.names for v in name_variants(name)]


def _city(text: str | None) -> str:
    return normalise_name(text) if text else ""


def _cities_agree(a: str | None, b: str | None) -> bool | None:
    ca, cb = _city(a), _city(b)
    if not ca or not cb:
        return None
    # "PRAHA 1" / "Praha", "AARHUS C" / "Aarhus": a city written with a district agrees
    return ca == cb or (fuzz.partial_ratio(ca, cb) >= 90 and min(len(ca), len(cb)) >= 4)


class _Block:
    """The institutions of one country: token frequencies and postings."""

    def __init__(self) -> None:
        self.members: list[Candidate] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.exact: dict[str, list[int]] = defaultdict(list)  # normalised name -> members
        self.acronyms: dict[str, list[int]] = defaultdict(list)

    def add(self, candidate: Candidate) -> None:
        at = len(self.members)
        self.members.append(candidate)
        tokens: set[str] = set()
        for name in _variants(candidate):
            tokens.update(name_tokens(name))
            norm = normalise_name(name)
            if norm and at not in self.exact[norm]:
                self.exact[norm].append(at)
        for token in tokens:
            self.postings[token].append(at)
        if candidate.acronym:
            self.acronyms[normalise_name(candidate.acronym)].append(at)

    def idf(self, token: str) -> float:
        return math.log((len(self.members) + 1) / (len(self.postings.get(token, ())) + 1)) + 1.0

    def nearby(self, candidate: Candidate) -> set[int]:
        tokens = {t for name in _variants(candidate) for t in name_tokens(name)}
        if candidate.acronym:
            tokens.add(normalise_name(candidate.acronym))
        known = sorted((len(self.postings[t]), t) for t in tokens if t in self.postings)
        rare = [t for n, t in known if n <= MAX_POSTING] or [t for _, t in known[:2]]
        found = {i for t in rare for i in self.postings[t]}
        for name in _variants(candidate):
            found.update(self.acronyms.get(normalise_name(name), ()))
        if candidate.acronym:
            found.update(self.exact.get(normalise_name(candidate.acronym), ()))
        return found

    def soft_tfidf(self, a: Iterable[str], b: Iterable[str]) -> float:
        ta, tb = list(dict.fromkeys(a)), list(dict.fromkeys(b))
        if not ta or not tb:
            return 0.0
        wa = {t: self.idf(t) for t in ta}
        wb = {t: self.idf(t) for t in tb}
        total = 0.0
        for t in ta:
            best, best_sim = None, 0.0
            for u in tb:
                sim = 1.0 if t == u else fuzz.ratio(t, u) / 100.0
                if sim > best_sim:
                    best, best_sim = u, sim
            if best is not None and best_sim >= TOKEN_SIMILARITY:
                total += wa[t] * wb[best] * best_sim
        norm = math.sqrt(sum(w * w for w in wa.values())) * math.sqrt(sum(w * w for w in wb.values()))
        return min(1.0, total / norm)


class MatchIndex:
    """Stored institutions, blocked by country and name token, and by identifier."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self._blocks: dict[str, _Block] = defaultdict(_Block)
        self._all = _Block()  # for records without a country
        self._ids: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        self._members: list[Candidate] = []
        for candidate in candidates:
            self.add(candidate)

    def __len__(self) -> int:
        return len(self._members)

    def add(self, candidate: Candidate) -> None:
        """Index one more institution."""
        self._members.append(candidate)
        for country in candidate.countries:
            self._blocks[country].add(candidate)
        self._all.add(candidate)
        for prop, value in candidate.identifiers.items():
            self._ids[(prop, str(value).strip().casefold())].append(candidate)

    # ------------------------------------------------------------------ scoring

    def score(self, query: Candidate, candidate: Candidate, block: _Block | None = None) -> Match | None:
        """The best rule that pairs `query` with `candidate`, or None."""
        shared = [
            p
            for p, v in query.identifiers.items()
            if str(candidate.identifiers.get(p, "")).strip().casefold() == str(v).strip().casefold()
        ]
        if shared:
            p = shared[0]
            return Match(query, candidate, "identifier", 1.0, f"same {p} {query.identifiers[p]}")
        conflict = [
            p
            for p, v in query.identifiers.items()
            if p in candidate.identifiers and candidate.identifiers[p] != v
        ]
        countries = set(query.countries) & set(candidate.countries)
        if query.countries and candidate.countries and not countries:
            return None
        if block is None:
            block = self._blocks[sorted(countries)[0]] if countries else self._all
        city = _cities_agree(query.city, candidate.city)
        where = f"in {', '.join(sorted(countries))}" if countries else "(no common country on record)"
        best: Match | None = None
        for qn in _variants(query):
            qt = name_tokens(qn)
            for cn in _variants(candidate):
                ct = name_tokens(cn)
                if qt and qt == ct:
                    score, rule = (1.0 if city else _NAME_SCORE), "name"
                else:
                    score, rule = block.soft_tfidf(qt, ct), "similar-name"
                    if city is False:
                        score *= _CITY_DISAGREES
                    if set(query.parents) & set(candidate.parents):
                        score += (1.0 - score) / 5.0
                if best is None or score > best.score:
                    best = Match(query, candidate, rule, round(score, 4), f"'{qn}' ~ '{cn}' {where}")
        acronyms = [(qn, candidate.acronym) for qn in _variants(query) if candidate.acronym]
        acronyms += [(query.acronym, cn) for cn in _variants(candidate) if query.acronym]
        for qa, ca in acronyms:
            same = (
                bool(qa and ca) and len(normalise_name(ca)) >= 2 and normalise_name(qa) == normalise_name(ca)
            )
            if same and (best is None or best.score < _ACRONYM_SCORE):
                best = Match(query, candidate, "acronym", _ACRONYM_SCORE, f"'{qa}' = acronym '{ca}' {where}")
        if best is None:
            return None
        words = [best.evidence]
        if city is not None:
            words.append(f"city {'agrees' if city else 'differs'} ({query.city} / {candidate.city})")
        if set(query.parents) & set(candidate.parents):
            words.append("same parent " + ", ".join(sorted(set(query.parents) & set(candidate.parents))))
        score = best.score
        if conflict:
            score = min(score, 0.89)
            words.append(f"different {', '.join(conflict)}")
        return Match(query, candidate, best.rule, score, "; ".join(words))

    # ------------------------------------------------------------------ lookups

    def matches(self, query: Candidate, floor: float = 0.0) -> list[Match]:
        """The stored institutions that `query` may be, scored, best first (from `floor`)."""
        found: dict[tuple[str, str], Match] = {}
        for prop, value in query.identifiers.items():
            for candidate in self._ids.get((prop, str(value).strip().casefold()), ()):
                m = self.score(query, candidate)
                if m is not None:
                    found[(candidate.label, candidate.key)] = m
        blocks = (
            [self._blocks[c] for c in query.countries if c in self._blocks]
            if query.countries
            else [self._all]
        )
        for block in blocks:
            for at in block.nearby(query):
                candidate = block.members[at]
                if candidate.key == query.key and candidate.label == query.label:
                    continue
                if (candidate.label, candidate.key) in found:
                    continue
                m = self.score(query, candidate, block)
                if m is not None and m.score >= floor:
                    found[(candidate.label, candidate.key)] = m
        return sorted(found.values(), key=lambda m: (-m.score, m.candidate.key))

    def resolve(self, query: Candidate, thresholds: Thresholds | None = None) -> Resolution:
        """Link `query` to the best stored institution at or above ``thresholds.link``
        (and clearly ahead of the next one), else list the candidates from ``review`` on."""
        limits = thresholds or Thresholds()
        found = [m for m in self.matches(query, limits.review) if m.candidate.key != query.key]
        if not found:
            return Resolution(query, "new")
        best = found[0]
        tied = len(found) > 1 and found[1].score >= limits.link and found[1].rule == best.rule
        if best.score >= limits.link and (best.rule == "identifier" or not tied):
            return Resolution(query, "linked", tuple(found[:5]))
        return Resolution(query, "review", tuple(found[:5]))

    def pairs(self, floor: float) -> Iterator[Match]:
        """Each pair of indexed institutions scoring at least `floor`, once (duplicates)."""
        seen: set[tuple[str, str]] = set()
        for candidate in self._members:
            for m in self.matches(candidate, floor):
                a, b = sorted((candidate.key, m.candidate.key))
                if a == b or (a, b) in seen:
                    continue
                seen.add((a, b))
                yield m
