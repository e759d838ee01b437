"""`viz.i18n.num`: numbers in the reader's locale, and its shortcut for small counts.

The expected strings are Babel's own ``format_decimal`` (CLDR data) for each shipped language:
the shortcut must give exactly what Babel gives, or the CLI and the report would disagree.
"""

from __future__ import annotations

import pytest
from babel.numbers import format_decimal

from viz.i18n import LANGS, edition, num, use


@pytest.mark.parametrize("lang", LANGS)
def test_small_counts_read_as_babel_formats_them(lang: str) -> None:
    locale = edition(lang).locale
    with use(lang):
        for value in range(1000):
            assert num(value) == format_decimal(value, locale=locale)


@pytest.mark.parametrize("lang", LANGS)
def test_larger_and_other_numbers_go_through_babel(lang: str) -> None:
    locale = edition(lang).locale
    with use(lang):
        for value in (1000, 12345, 1_000_000, -5, 3.5):
            assert num(value) == format_decimal(value, locale=locale)
        assert num(7, 2) == format_decimal(7, format="#,##0.00", locale=locale)


def test_a_count_does_not_load_babel() -> None:
    # Run in a fresh interpreter: the point is what the first call imports.
    import subprocess
    import sys

    code = "import sys, viz.i18n as i; i.num(3); print('babel.numbers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
