"""How resolution scales: rows of a new source resolved against stored institutions (no store).

Generated names (synthetic: a seeded draw of words from a 3,000-word vocabulary, legal
forms and the word "university", in 60 countries), so the figures are about blocking and
speed, not accuracy (accuracy is measured on real labelled pairs in
``tests/graph/resolution/test_labelled_pairs.py``).  Counts the pairs actually scored
against the ``rows x stored`` a matcher without blocking would score.

    python -m benchmarks.resolution --stored 50000 --rows 100000
"""

from __future__ import annotations

import argparse
import random
import time

from graph.resolution.matcher import Candidate, MatchIndex, Thresholds

__all__ = ["main"]


def _names(rng: random.Random, n: int, words: list[str]) -> list[str]:
    forms = ["", "", "", "GmbH", "SA", "Ltd", "SpA", "AB"]
    out = []
    for _ in range(n):
        body = rng.sample(words, rng.randint(2, 4))
        if rng.random() < 0.3:
            body.insert(0, "University")
        out.append(" ".join([*body, rng.choice(forms)]).strip())
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=50_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    words = [f"w{rng.randrange(36**4):04x}{i}" for i in range(3_000)]
    countries = [f"C{i:02d}" for i in range(60)]
    stored_names = _names(rng, args.stored, words)
    stored = [
        Candidate("Institution", f"s{i}", (name,), countries=(rng.choice(countries),))
        for i, name in enumerate(stored_names)
    ]
    started = time.perf_counter()
    index = MatchIndex(stored)
    built = time.perf_counter() - started
    scored = 0
    original = index.score

    def counting(*a: object, **k: object) -> object:
        nonlocal scored
        scored += 1
        return original(*a, **k)  # type: ignore[arg-type]

    index.score = counting  # type: ignore[method-assign]
    # half the rows name a stored institution (its name, another legal form), half are new
    rows = []
    for i in range(args.rows):
        if i % 2 == 0:
            s = stored[rng.randrange(len(stored))]
            rows.append(
                Candidate(
                    "Institution", f"r{i}", (s.names[0].rsplit(" ", 1)[0] + " Ltd",), countries=s.countries
                )
            )
        else:
            rows.append(
                Candidate(
                    "Institution", f"r{i}", tuple(_names(rng, 1, words)), countries=(rng.choice(countries),)
                )
            )
    started = time.perf_counter()
    decisions = {"linked": 0, "review": 0, "new": 0}
    limits = Thresholds()
    for row in rows:
        decisions[index.resolve(row, limits).decision] += 1
    seconds = time.perf_counter() - started
    print(
        f"{args.stored:,} stored, {args.rows:,} rows: index built in {built:.1f} s;"
        f" resolved in {seconds:.1f} s "
        f"({args.rows / seconds:,.0f} rows/s); {scored:,} pairs scored "
        f"({scored / args.rows:.1f} a row, against {args.stored:,} without blocking); {decisions}"
    )


if __name__ == "__main__":
    main()
