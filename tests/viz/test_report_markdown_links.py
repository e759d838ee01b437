"""Names in the data cannot turn into live ``javascript:`` links in the Markdown report."""

from __future__ import annotations

import re

import pytest

from viz.report.model import Report, Section, Table
from viz.report.render import render_markdown

# a link is live when "[" is not escaped by a backslash (an escaped "\\" before it does not count)
LIVE_LINK = re.compile(r"(?<!\\)(?:\\\\)*\[[^\]]*\](?:\(|:)")


@pytest.mark.parametrize(
    "name",
    [
        "[click](javascript:alert(1))",
        "[click](JavaScript:alert(1))",
        "[click]( <javascript:alert(1)>)",
        "[click](java\tscript:alert(1))",
        "[click](javascript&#58;alert(1))",
        "[a [b]](vbscript:msgbox(1))",
        "[ref]: data:text/html,<script>alert(1)</script>",
        "[pic](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_unsafe_link_targets_from_data_are_neutralised(name: str) -> None:
    section = Section("s", name, name, [name], tables=[Table(name, [name], [[name]], name)])
    markdown = render_markdown(Report(name, "en", None, [section], "now"))
    assert not LIVE_LINK.search(markdown.replace("](data:image/svg+xml", "")), markdown


def test_web_and_mail_links_stay() -> None:
    text = "[site](https://example.org) and [mail](mailto:a@example.org)"
    markdown = render_markdown(Report("T", "en", None, [Section("s", "S", "src", [text])], "now"))
    assert text in markdown
