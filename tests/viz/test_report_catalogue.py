"""The Chinese gettext catalogue of the report and the CLI (``viz/locale/zh/LC_MESSAGES/transfernet.po``)
against the messages the code marks: every one translated, none left over, the same placeholders,
Chinese plural rules (one form)."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

import api.cli
import graph.analytics.notices
import viz.i18n
import viz.report

_KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
_FIELD = re.compile(r"\{(\w*)[^{}]*\}")


def _marked() -> set[str]:
    """Message ids marked in ``viz/report/*.py``, ``viz/i18n.py``, ``api/cli.py`` and
    ``graph/analytics/notices.py`` (what ``pybabel extract`` with babel.cfg finds)."""
    folder = Path(viz.report.__file__).parent
    ids: set[str] = set()
    notices = Path(graph.analytics.notices.__file__)
    for path in [*sorted(folder.glob("*.py")), Path(viz.i18n.__file__), Path(api.cli.__file__), notices]:
        for _line, message, _comments, _context in extract_from_file("python", str(path), keywords=_KEYWORDS):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def _catalogue() -> Catalog:
    po = resources.files("viz").joinpath("locale/zh/LC_MESSAGES/transfernet.po")
    with po.open("rb") as handle:
        return read_po(handle, locale="zh_Hans_CN")


def test_every_marked_message_is_translated_and_none_is_left_over() -> None:
    catalogue = _catalogue()
    translated = {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in catalogue if m.id}
    marked = _marked()
    assert len(marked) > 300  # the whole report's text, not a handful of titles
    missing = sorted(i for i in marked if not translated.get(i) or not any(translated[i]))
    assert not missing, "untranslated (run the pybabel commands in viz/i18n.py):\n" + "\n".join(missing)
    assert not sorted(set(translated) - marked), "messages the code no longer marks"


def test_translations_keep_the_placeholders() -> None:
    for message in _catalogue():
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        wanted = sorted(set(_FIELD.findall(ids[-1])))
        for text in strings:
            assert sorted(set(_FIELD.findall(text))) == wanted, (message.id, text)


def test_chinese_has_one_plural_form() -> None:
    catalogue = _catalogue()
    assert catalogue.num_plurals == 1
    plural = [m for m in catalogue if m.pluralizable]
    assert plural and all(len(m.string) == 1 for m in plural)
