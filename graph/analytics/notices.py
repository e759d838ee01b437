"""What an analysis run left out, as messages a reader's language can render.

The graph layer writes no prose in a language of its own choosing: a `Notice` is an
English message template (a message id of the product's gettext catalogue,
``viz/locale/*/LC_MESSAGES/transfernet.po``) and its values, so the CLI and the report
translate it (`viz.i18n`), and `Notice.text` is the English sentence kept in the run
record's ``warnings`` for readers of older records.

Examples
--------
>>> n = Notice(MANY_ACTORS, {"groups": 3, "max_group": 10, "ties": 1200})
>>> n.text[:40]
'3 agreements or events with more than 10'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["MANY_ACTORS", "NO_ACTORS", "N_", "Notice"]


def N_(message: str) -> str:
    """Mark a message id for the catalogue (``pybabel extract``) without translating it."""
    return message


#: an agreement or event too large to tie its members to each other
MANY_ACTORS = N_(
    "{groups:,} agreements or events with more than {max_group} actors and no organiser tie no members to "
    "each other: {ties:,} member pairs left out of the actor network (raise --max-group to include them)."
)
#: the population holds no actor because every one is synthetic
NO_ACTORS = N_(
    "no actors to analyse: the {synthetic:,} synthetic nodes were left out (findings rest on real data "
    "only); analyse them with --synthetic (API: synthetic=true)."
)


@dataclass(frozen=True, slots=True)
class Notice:
    """One message template (an English message id) and the values it is formatted with."""

    template: str
    values: Mapping[str, int | str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The English sentence."""
        return self.template.format(**self.values)
