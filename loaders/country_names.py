"""Country names (any common spelling, English, French, Spanish, German, Chinese…) to ISO 3166-1 alpha-2.

The names come from maintained data, not from a hand-written table: pycountry's codes,
names, official and common names (ISO 3166-1), and the territory names of the Unicode
CLDR in several languages as Babel ships them ("Myanmar (Burma)" gives "Burma" too; a
name written "Korea, Republic of" is also read "Republic of Korea").  A name neither
knows — an old name such as "Swaziland" — is refused, not guessed.  Names are compared
folded (case, accents, punctuation, "the"/"and").
There is deliberately no fuzzy fallback: pycountry's fuzzy search answers "Republic of
Korea" with KP and "Kosovo" with RS, and a wrong country is worse than a refused row.
A country that no longer exists (USSR, Czechoslovakia, Yugoslavia: ISO 3166-3) is refused
with its name and the year it was withdrawn, for the mapping to decide.

Examples
--------
>>> [country_code(n) for n in ("Viet Nam", "Republic of Korea", "Türkiye", "泰国", "Allemagne")]
['VN', 'KR', 'TR', 'TH', 'DE']
>>> country_code("Côte d'Ivoire"), country_code("Burma"), country_code("Czech Republic")
('CI', 'MM', 'CZ')
>>> try:
...     country_code("USSR")
... except ConversionError as exc:
...     print(str(exc)[:39], "...", str(exc)[-47:])
'USSR' is a former country (USSR, Union ... withdrawn 1992): give the present-day country
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from ontology.values import ConversionError

__all__ = ["country_code", "country_names"]

_LANGUAGES = ("en", "en_GB", "fr", "es", "de", "it", "pt", "nl", "ru", "zh", "zh_Hant", "ar")
_NOISE = re.compile(r"[^\w]+")
_SMALL = frozenset({"the", "of", "and", "et", "y", "de", "la", "le", "du", "des", "del"})


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("&", " and "))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(w for w in _NOISE.split(plain) if w and w not in _SMALL)


@cache
def country_names() -> dict[str, str]:
    """Folded name or code → alpha-2, from pycountry and CLDR (see the module's text)."""
    import pycountry
    from babel import Locale

    names: dict[str, str] = {}
    ambiguous: set[str] = set()

    def add(name: str | None, code: str) -> None:
        for variant in _variants(name or ""):
            key = _fold(variant)
            if not key:
                continue
            if names.get(key, code) != code:
                ambiguous.add(key)
            names.setdefault(key, code)

    codes = {c.alpha_2 for c in pycountry.countries}
    for c in pycountry.countries:
        for attr in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            add(getattr(c, attr, None), c.alpha_2)
    for lang in _LANGUAGES:
        territories = Locale.parse(lang).territories
        for code, name in territories.items():
            if code in codes:
                add(name, code)
    for key in ambiguous:
        names.pop(key, None)
    return names


def _variants(name: str) -> list[str]:
    out = [name]
    bracket = re.search(r"\(([^)]*)\)", name)
    if bracket:
        out += [name[: bracket.start()].strip(), bracket.group(1)]
    if "," in name:  # "Korea, Republic of" -> "Republic of Korea"
        head, _, tail = name.partition(",")
        out.append(f"{tail.strip()} {head.strip()}")
    return out


def country_code(value: object) -> str:
    """The ISO 3166-1 alpha-2 code of a country name or code; `ConversionError` otherwise."""
    text = str(value).strip()
    code = country_names().get(_fold(text))
    if code is not None:
        return code
    import pycountry

    folded = _fold(text)
    former = next(
        (
            h
            for h in pycountry.historic_countries
            if folded in {_fold(h.name), _fold(h.alpha_4), *(_fold(part) for part in h.name.split(","))}
        ),
        None,
    )
    if former is not None:
        official = getattr(former, "official_name", "")
        withdrawn = str(getattr(former, "withdrawal_date", ""))[:4]
        label = ", ".join(x for x in (former.name, official) if x)
        raise ConversionError(
            f"'{text}' is a former country ({label}, withdrawn {withdrawn}): give the present-day country"
        )
    raise ConversionError(f"'{text}' is not a country name or code that ISO 3166-1 or CLDR knows")
