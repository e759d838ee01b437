"""Named transforms a mapping may apply to a cell (``transform: upper``) before datatype conversion.

Examples
--------
>>> TRANSFORMS["iso3_to_iso2"]("GRC")
'GR'
>>> TRANSFORMS["collapse_whitespace"]("  a   b ")
'a b'
>>> TRANSFORMS["first_segment"]("MSCA-IF-2019")
'MSCA'
>>> TRANSFORMS["country_name"]("Korea, Republic of")
'KR'
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ontology.values import ConversionError, Converter

__all__ = ["TRANSFORMS"]


@cache
def _iso3_table() -> dict[str, str]:
    import pycountry  # lazy: a few ms to load its database

    return {c.alpha_3: c.alpha_2 for c in pycountry.countries}


def _iso3_to_iso2(value: Any) -> str:
    text = str(value).strip().upper()
    try:
        return _iso3_table()[text]
    except KeyError:
        raise ConversionError(f"'{value}' is not an ISO 3166 alpha-3 country code") from None


def _collapse(value: Any) -> str:
    return " ".join(str(value).split())


def _first_segment(value: Any) -> str:
    """The text before the first ``-``: an EU call topic's programme (``ICT-37-2015-1``: ``ICT``)."""
    return str(value).strip().split("-", 1)[0]


def _country_name(value: Any) -> str:
    """A country name (English, Chinese, French…) or code as its ISO 3166-1 alpha-2 code
    (`loaders.country_names.country_code`: pycountry and CLDR, no guessing)."""
    from loaders.country_names import country_code

    return country_code(value)


#: Named transforms a mapping may apply (``transform: upper``) before datatype conversion.
TRANSFORMS: dict[str, Converter] = {
    "upper": lambda v: str(v).upper(),
    "lower": lambda v: str(v).lower(),
    "title": lambda v: str(v).title(),
    "collapse_whitespace": _collapse,
    "iso3_to_iso2": _iso3_to_iso2,
    "first_segment": _first_segment,
    "country_name": _country_name,
}
