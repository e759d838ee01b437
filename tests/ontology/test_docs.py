"""Generated documentation lists classes, properties, shapes and both languages."""

from __future__ import annotations

import pytest

from ontology.derive import load_schema
from ontology.docs import Block, render_html, render_markdown

pytestmark = pytest.mark.filterwarnings("error")


def test_markdown_lists_every_type_in_both_languages() -> None:
    md = render_markdown()
    schema = load_schema()
    for node in schema.nodes.values():
        assert f"| {node.label} |" in md and node.label_zh in md
    for rel in schema.relationships.values():
        assert f"| {rel.type} |" in md and rel.label_zh in md
    assert "tn:BilateralCentreShape" in md and "has no host country" in md
    assert "## Property-graph conventions" in md


def test_html_escapes_text() -> None:
    page = render_html([Block("p", "<script>alert(1)</script> `code`")])
    assert "<script>" not in page and "&lt;script&gt;" in page and "<code>code</code>" in page


def test_html_page_is_complete() -> None:
    page = render_html()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "双边技术转移中心" in page
