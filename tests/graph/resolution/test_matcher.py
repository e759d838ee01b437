"""The rules of `graph.resolution.matcher`, one by one, on hand-made records.

Names are real CORDIS organisation names (data/examples/cordis) unless said otherwise;
expected decisions follow from the rules in the module's text.
"""

from __future__ import annotations

from graph.resolution.matcher import MAX_POSTING, Candidate, MatchIndex, Thresholds


def _c(key: str, *names: str, country: str = "ES", city: str | None = None, **ids: str) -> Candidate:
    return Candidate("University", key, names=names, countries=(country,), city=city, identifiers=ids)


NAVARRA = _c("999641746", "UNIVERSIDAD DE NAVARRA", city="Pamplona", pic="999641746")
PUBLICA = _c("999888029", "UNIVERSIDAD PUBLICA DE NAVARRA", city="Pamplona", pic="999888029")


def test_an_identifier_links_whatever_the_name() -> None:
    index = MatchIndex([NAVARRA, PUBLICA])
    r = index.resolve(_c("row", "Something else entirely", pic="999641746"))
    assert (r.decision, r.best.candidate.key, r.best.rule, r.best.score) == (
        "linked",
        "999641746",
        "identifier",
        1.0,
    )


def test_two_values_of_one_identifier_are_never_linked_by_name() -> None:
    index = MatchIndex([NAVARRA])
    r = index.resolve(_c("row", "Universidad de Navarra", pic="123456789"))
    assert r.decision == "review" and r.best is not None
    assert r.best.score == 0.89 and "different pic" in r.best.evidence


def test_same_normalised_name_in_the_country_not_abroad() -> None:
    index = MatchIndex([NAVARRA, PUBLICA])
    here = index.resolve(_c("row", "Universidad de Navarra", city="Pamplona"))
    assert (here.decision, here.best.candidate.key, here.best.rule, here.best.score) == (
        "linked", "999641746", "name", 1.0,
    )  # fmt: skip
    assert index.resolve(_c("row", "Universidad de Navarra", country="CL")).decision == "new"


def test_a_city_that_disagrees_lowers_a_similar_name() -> None:
    index = MatchIndex([NAVARRA, PUBLICA])
    same_city = index.score(_c("row", "Universidad Publica Navarra Campus", city="Pamplona"), PUBLICA)
    other_city = index.score(_c("row", "Universidad Publica Navarra Campus", city="Tudela"), PUBLICA)
    assert same_city is not None and other_city is not None
    assert abs(other_city.score - same_city.score * 0.85) < 1e-3
    assert "city differs (Tudela / Pamplona)" in other_city.evidence


def test_a_shared_parent_raises_a_similar_name() -> None:
    """Synthetic names: two units of one parent."""
    a = Candidate(
        "BranchCentre", "a", ("China-Pakistan Technology Transfer Center",), countries=("PK",), parents=("P",)
    )
    b = Candidate("BranchCentre", "b", ("Pakistan Sub Centre",), countries=("PK",), parents=("P",))
    alone = Candidate("BranchCentre", "c", ("Pakistan Sub Centre",), countries=("PK",))
    index = MatchIndex([a, b, alone])
    with_parent, without = index.score(a, b), index.score(a, alone)
    assert with_parent is not None and without is not None
    assert abs(with_parent.score - (without.score + (1 - without.score) / 5)) < 1e-3


def test_two_equally_good_candidates_go_to_review() -> None:
    """Two stored records with one name: which one is the row? A person decides."""
    twin = _c("twin", "UNIVERSIDAD DE NAVARRA", city="Pamplona")
    index = MatchIndex([NAVARRA, twin])
    r = index.resolve(_c("row", "Universidad de Navarra"))
    assert r.decision == "review" and {m.candidate.key for m in r.matches} == {"999641746", "twin"}


def test_an_acronym_alone_is_for_review() -> None:
    index = MatchIndex(
        [Candidate("University", "u", ("UNIVERSITAET LEIPZIG",), acronym="ULEI", countries=("DE",))]
    )
    r = index.resolve(Candidate("University", "row", ("ULEI",), countries=("DE",)))
    assert r.decision == "review" and r.best.rule == "acronym"


def test_thresholds_must_be_ordered() -> None:
    try:
        Thresholds(link=0.5, review=0.8)
    except ValueError:
        return
    raise AssertionError("review above link accepted")


def test_blocking_compares_a_row_with_few_stored_records() -> None:
    """3,000 stored records sharing a common word: a row is scored against those holding its rare word."""
    stored = [_c(f"s{i}", f"Universidad Tecnica Numero{i}") for i in range(3_000)]
    index = MatchIndex(stored)
    scored = []
    original = index.score

    def counting(query: Candidate, candidate: Candidate, block: object = None) -> object:
        scored.append(candidate.key)
        return original(query, candidate, block)  # type: ignore[arg-type]

    index.score = counting  # type: ignore[method-assign]
    r = index.resolve(_c("row", "Universidad Tecnica Numero17"))
    assert r.best is not None and r.best.candidate.key == "s17"
    assert len(scored) == 1  # "universidad" and "tecnica" are held by more than MAX_POSTING
    assert MAX_POSTING < 3_000
