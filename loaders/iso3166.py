"""All ISO 3166-1 countries, read from the installed pycountry package.

The bundled dataset takes its countries from pycountry (codes and English names) and
their Chinese names from the Unicode CLDR as Babel ships it, rather than from a
hand-written table.  pycountry's own ``zh_CN`` translation misspells names a Chinese
reader sees at once (柬埔塞 for Cambodia, 马尔他, 吉尔吉斯坦, 瓜地马拉, …); its name is
kept only where CLDR has none, and for Taiwan, whose CLDR name (台湾) departs from the
usage of the study's readers (中国台湾省, pycountry's).
`write_countries_csv` writes them as a CSV that ``data/mappings/iso3166.yaml`` maps.
"""

from __future__ import annotations

import csv
import gettext
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pycountry
from babel import Locale

__all__ = ["COLUMNS", "country_rows", "pycountry_source", "write_countries_csv"]

COLUMNS = ("id", "alpha3", "numeric", "name", "official_name", "name_zh", "source")


#: countries whose Chinese name is pycountry's rather than CLDR's (see the module's text)
_PYCOUNTRY_ZH = frozenset({"TW"})


def pycountry_source() -> str:
    """The provenance of the country list: the packages and their versions."""
    return f"pycountry {version('pycountry')} (ISO 3166-1); Chinese names: CLDR (Babel {version('Babel')})"


def country_rows() -> Iterator[dict[str, str]]:
    """One row per ISO 3166-1 country, sorted by alpha-2 code.

    Examples
    --------
    >>> rows = {r["id"]: r for r in country_rows()}
    >>> rows["TH"]["alpha3"], rows["TH"]["name"], rows["TH"]["name_zh"]
    ('THA', 'Thailand', '泰国')
    >>> rows["KH"]["name_zh"], rows["TW"]["name_zh"]
    ('柬埔寨', '中国台湾省')
    >>> len(rows)
    249
    """
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True)
    cldr = Locale("zh").territories
    source = pycountry_source()
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        name_zh = zh.gettext(country.name)
        if country.alpha_2 not in _PYCOUNTRY_ZH and cldr.get(country.alpha_2):
            name_zh = cldr[country.alpha_2]
        yield {
            "id": country.alpha_2,
            "alpha3": country.alpha_3,
            "numeric": country.numeric,
            "name": country.name,
            "official_name": getattr(country, "official_name", ""),
            "name_zh": name_zh if name_zh != country.name else "",
            "source": source,
        }


def write_countries_csv(path: str | Path) -> Path:
    """Write `country_rows` to `path` (UTF-8 CSV with a header)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(country_rows())
    return target
