"""All ISO 3166-1 countries, read from the installed pycountry package.

The bundled dataset takes its countries from pycountry (English names and the
Chinese names of its ``zh_CN`` translation) rather than from a hand-written table.
`write_countries_csv` writes them as a CSV that ``data/mappings/iso3166.yaml`` maps.
"""

from __future__ import annotations

import csv
import gettext
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pycountry

__all__ = ["COLUMNS", "country_rows", "pycountry_source", "write_countries_csv"]

COLUMNS = ("id", "alpha3", "numeric", "name", "official_name", "name_zh", "source")


def pycountry_source() -> str:
    """The provenance of the country list: the package and its version."""
    return f"pycountry {version('pycountry')} (ISO 3166-1)"


def country_rows() -> Iterator[dict[str, str]]:
    """One row per ISO 3166-1 country, sorted by alpha-2 code.

    Examples
    --------
    >>> rows = {r["id"]: r for r in country_rows()}
    >>> rows["TH"]["alpha3"], rows["TH"]["name"], rows["TH"]["name_zh"]
    ('THA', 'Thailand', '泰国')
    >>> len(rows)
    249
    """
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True)
    source = pycountry_source()
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        name_zh = zh.gettext(country.name)
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
