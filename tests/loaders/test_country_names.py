"""Country names to ISO codes (`loaders.country_names`) measured on the BRI country list.

``data/reference/bri_countries/bri_countries_beeway.csv`` gives 152 countries with an
English and a Chinese name as the source wrote them and the ISO alpha-2 code the list
assigns.  The converter reads 291 of the 304 names to that code, refuses 10 it does not
know (Turkey, East Timor, Central African, Palestine; 波黑, 阿联酋, 多米尼加, 密克罗尼西亚联邦,
中非, 巴勒斯坦) and disagrees on 3, where the list swaps the two Congos: 刚果（布）, the
Republic of Congo (Brazzaville), is CG in ISO 3166-1 and 刚果（金） is CD, while the list
gives CD and CG.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from loaders.country_names import country_code
from loaders.transforms import TRANSFORMS
from ontology.values import ConversionError

BRI = (
    Path(__file__).resolve().parents[2] / "data" / "reference" / "bri_countries" / "bri_countries_beeway.csv"
)


def test_names_of_the_bri_list() -> None:
    with BRI.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    agree, refused, differ = 0, [], []
    for row in rows:
        for column in ("country_en_source", "country_zh"):
            try:
                code = country_code(row[column])
            except ConversionError:
                refused.append(row[column])
                continue
            if code == row["iso2"]:
                agree += 1
            else:
                differ.append((row[column], code, row["iso2"]))
    print(f"\ncountry names: {agree} agree, {len(refused)} refused, {len(differ)} differ of {2 * len(rows)}")
    assert agree >= 291
    assert len(refused) <= 10
    assert sorted(differ) == [
        ("Republic of Congo", "CG", "CD"),
        ("刚果（布）", "CG", "CD"),
        ("刚果（金）", "CD", "CG"),
    ]


@pytest.mark.parametrize("name", ["USSR", "Czechoslovakia"])
def test_former_countries_are_refused_with_their_name(name: str) -> None:
    with pytest.raises(ConversionError, match="former country"):
        country_code(name)


def test_no_guessing() -> None:
    """pycountry's fuzzy search would answer KP for this; a wrong country is worse than none."""
    assert country_code("Republic of Korea") == "KR"
    with pytest.raises(ConversionError):
        country_code("Korea")  # two countries
    assert TRANSFORMS["country_name"]("Vietnam") == "VN"
