"""The languages of the report and the CLI: gettext catalogues (Babel), plural forms, numbers
and dates per locale.

Every sentence, heading, table header, axis, legend and caption of the report, and every
summary the CLI prints, is an English message id marked with `_` (or `ngettext` where a
count decides the form); the Chinese text lives in the gettext catalogue
``viz/locale/zh/LC_MESSAGES/transfernet.po``, read with
Babel's ``read_po`` and compiled in memory (no binary in the repository).  English is the
source language: its edition is the message ids themselves.

`use` sets the edition for the code it wraps (a context variable, so threads and async
requests building reports in different languages do not mix); `build` and the renderers
call it.  Outside any `use` the edition is English.

Update the catalogue after changing a message::

    pybabel extract -F viz/locale/babel.cfg -o /tmp/transfernet.pot \\
        viz/report viz/i18n.py api/cli.py graph/analytics/notices.py
    pybabel update -D transfernet -i /tmp/transfernet.pot -d viz/locale -l zh
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing graph.analytics loads the analyses: the CLI starts without them
    from graph.analytics.notices import Notice

__all__ = [
    "LANGS",
    "N_",
    "TITLES",
    "Edition",
    "_",
    "current",
    "edition",
    "format_datetime",
    "local_name",
    "ngettext",
    "num",
    "run_notices",
    "titles",
    "use",
]

LANGS = ("en", "zh")
#: Babel/CLDR locale of each edition
_LOCALES = {"en": "en", "zh": "zh_Hans_CN"}
_DOMAIN = "transfernet"


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it here."""
    return message


#: Section titles and captions (English message ids; `titles` translates them).
TITLES: dict[str, str] = {
    "title": N_("Technology-transfer network analysis"),
    "country_title": N_("Country profile"),
    "contents": N_("Contents"),
    "source": N_("Source"),
    "origin": N_("Produced by"),
    "generated": N_("Generated"),
    "run": N_("Analysis run"),
    "figure": N_("Figure"),
    "table": N_("Table"),
    "summary": N_("Summary of findings"),
    "map": N_("Where the centres are and which countries they serve"),
    "overview": N_("Overview"),
    "brokerage": N_("Brokers and structural holes"),
    "communities": N_("Communities"),
    "collaboration": N_("Collaboration between countries"),
    "duplicates": N_("Duplicated branch centres"),
    "opportunities": N_("Brokerage opportunities"),
    "channels": N_("Supply–demand channels"),
    "coverage": N_("Coverage gaps"),
    "profiles": N_("National centre profiles"),
    "quality": N_("Data quality and provenance"),
    "methods": N_("Methods and parameters"),
    # country page
    "country_status": N_("Status"),
    "country_centres": N_("Centres and bilateral centres"),
    "country_partners": N_("Partner institutions"),
    "country_fields": N_("Fields offered and sought"),
    "country_agreements": N_("Agreements"),
    "country_brokers": N_("Brokers who reach it"),
    "country_gaps": N_("Gaps"),
    # captions
    "nodes_by_type": N_("Nodes by type"),
    "by_country": N_("Centres and bilateral centres by country"),
    "by_bloc": N_("Countries and centres by bloc"),
    "growth": N_("Growth over time"),
    "top_brokers": N_("Top brokers"),
    "by_role": N_("Top brokers by role"),
    "graph_brokerage": N_("Brokerage of the whole network"),
    "holes": N_("Structural-hole leaders"),
    "betweenness": N_("Betweenness"),
    "evidence": N_("Evidence"),
    "co_located": N_("Co-located centres (same host country only)"),
    "gaps_country": N_("Gaps by country"),
    "gaps_field": N_("Gaps by field"),
    "served": N_("Belt and Road countries by coverage"),
    "table3": N_("Activities computed from the graph"),
    "table3_study": N_("The study's Table 3"),
    "shacl": N_("SHACL validation"),
    "conflicts": N_("Conflicting claims between sources"),
    "provenance": N_("Provenance coverage"),
    "last_load": N_("Last load"),
    "parameters": N_("Parameters"),
    "timings": N_("Timings (s)"),
    "traceability": N_("Where every table and figure comes from"),
    "paths": N_("Explaining paths"),
}


@dataclass(frozen=True, slots=True)
class Edition:
    """One language of the report: its code, its Babel locale and its catalogue."""

    lang: str
    locale: str
    translations: _gettext.NullTranslations


@cache
def _catalogue(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of a language (English: the message ids themselves)."""
    if lang == "en":
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = resources.files("viz").joinpath(f"locale/{lang}/LC_MESSAGES/{_DOMAIN}.po")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=_LOCALES[lang], domain=_DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def edition(lang: str) -> Edition:
    """The edition of a language code.

    Examples
    --------
    >>> edition("zh").locale
    'zh_Hans_CN'
    >>> edition("fr")
    Traceback (most recent call last):
    ...
    ValueError: lang must be 'en' or 'zh'
    """
    if lang not in LANGS:
        raise ValueError("lang must be 'en' or 'zh'")
    return Edition(lang, _LOCALES[lang], _catalogue(lang))


_CURRENT: ContextVar[Edition | None] = ContextVar("report_edition", default=None)
_SEEN: ContextVar[set[str] | None] = ContextVar("report_names_seen", default=None)


def current() -> Edition:
    """The edition in force (English outside any `use`)."""
    return _CURRENT.get() or edition("en")


@contextmanager
def use(lang: str) -> Iterator[Edition]:
    """Build or render in one language.

    Examples
    --------
    >>> with use("zh"):
    ...     _("Overview"), ngettext("{n} node", "{n} nodes", 2).format(n=2)
    ('概况', '2个节点')
    >>> _("Overview")
    'Overview'
    """
    token = _CURRENT.set(edition(lang))
    seen = _SEEN.set(set())
    try:
        yield current()
    finally:
        _SEEN.reset(seen)
        _CURRENT.reset(token)


def local_name(english: str, local: str | None) -> str:
    """A name in the reader's language: the Chinese name in the Chinese edition where there is one,
    with the English name beside it the first time (within one `use`).

    Examples
    --------
    >>> with use("zh"):
    ...     local_name("Thailand", "泰国"), local_name("Thailand", "泰国"), local_name("Arts", None)
    ('泰国（Thailand）', '泰国', 'Arts')
    >>> local_name("Thailand", "泰国")
    'Thailand'
    """
    if current().lang != "zh" or not local or local == english:
        return english
    seen = _SEEN.get()
    if seen is None or english in seen:
        return local
    seen.add(english)
    return f"{local}（{english}）"


def _(message: str) -> str:
    """The message in the current edition's language."""
    return current().translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message for ``n`` in the current language (its plural rules)."""
    return current().translations.ngettext(singular, plural, n)


def num(value: float, digits: int | None = None) -> str:
    """A number formatted for the current locale (grouping; ``digits`` fixed decimals).

    Examples
    --------
    >>> num(12345), num(0.5, 3), num(7)
    ('12,345', '0.500', '7')
    """
    if digits is None and type(value) is int and 0 <= value < 1000:
        # Babel reads the locale's whole CLDR data on first use (about 0.1 s: the larger part
        # of a warm ``transfernet query``, which prints "3 rows"). A count below 1,000 has no
        # group separator, and in every language we ship (LANGS, all on Latin digits) it reads
        # as its plain digits: tests/viz/test_i18n.py checks this against Babel for each one.
        return str(value)
    from babel.numbers import format_decimal

    pattern = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
    return str(format_decimal(value, format=pattern, locale=current().locale))


def format_datetime(value: datetime) -> str:
    """A timestamp in the current locale's medium date and short time, with its zone name.

    Examples
    --------
    >>> from datetime import UTC
    >>> with use("zh"):
    ...     format_datetime(datetime(2026, 12, 2, 1, 30, tzinfo=UTC))
    '2026年12月2日 01:30 UTC'
    """
    from babel.dates import format_date, format_time

    loc = current().locale
    return f"{format_date(value, 'long', locale=loc)} {format_time(value, 'HH:mm', locale=loc)} UTC"


def run_notices(notices: Sequence[Notice], warnings: Sequence[str] = ()) -> list[str]:
    """What a run left out (`graph.analytics.notices`), in the current language; a record
    older than the notices gives its English ``warnings`` as they are.

    Examples
    --------
    >>> from graph.analytics.notices import NO_ACTORS, Notice
    >>> with use("zh"):
    ...     run_notices([Notice(NO_ACTORS, {"synthetic": 1200})])[0][:9]
    '无可分析的行动者：'
    """
    if not notices:
        return list(warnings)
    return [_(n.template).format(**n.values) for n in notices]


def titles(lang: str) -> dict[str, str]:
    """The titles in one language.

    Examples
    --------
    >>> titles("zh")["overview"]
    '概况'
    >>> titles("fr")
    Traceback (most recent call last):
    ...
    ValueError: lang must be 'en' or 'zh'
    """
    translations = edition(lang).translations
    return {key: translations.gettext(message) for key, message in TITLES.items()}
