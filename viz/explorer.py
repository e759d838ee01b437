"""The explorer page: served by the API, or written as one self-contained offline file.

vis-network's JavaScript and CSS come from the installed ``pyvis`` package (which ships
them locally), so the page never reaches a CDN.  Data travels in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, and the
page renders every name with ``textContent``: a node called
``<img src=x onerror=alert(1)>`` shows those characters and runs nothing.

The served page also has a Cypher console (``console.js``): Neo4j's Cypher editor and
front end come from ``static/vendor/cypher-editor.js``, a local bundle that
``scripts/ensure-cypher-console.sh`` builds with npm and the console loads when it is first
opened; without it the console is a plain textarea.  The offline file has no console (it
has no API to send queries to).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ontology.schema import GraphSchema
from viz.legend import legend
from viz.terms import terms
from viz.view import GraphView

__all__ = [
    "ASSETS",
    "EDITOR_ASSET",
    "SERVED_CSP",
    "asset_path",
    "legend_json",
    "render_explorer",
    "script_json",
    "terms_json",
]

#: Static assets the page needs, by the name they are served under.
ASSETS: dict[str, tuple[str, str]] = {
    "vis-network.min.js": ("pyvis", "lib/vis-9.1.2/vis-network.min.js"),
    "vis-network.css": ("pyvis", "lib/vis-9.1.2/vis-network.css"),
    "explorer-i18n.js": ("viz", "static/explorer-i18n.js"),
    "explorer-time.js": ("viz", "static/explorer-time.js"),
    "explorer-map.js": ("viz", "static/explorer-map.js"),
    "explorer.js": ("viz", "static/explorer.js"),
    "explorer.css": ("viz", "static/explorer.css"),
    "console.js": ("viz", "static/console.js"),
    "console.css": ("viz", "static/console.css"),
    "cypher-editor.js": ("viz", "static/vendor/cypher-editor.js"),
}

#: The scripts of the served page, in their order (explorer-map.js draws the Map view: the API's data).
SERVED_SCRIPTS = (
    "vis-network.min.js",
    "explorer-i18n.js",
    "explorer-time.js",
    "explorer-map.js",
    "explorer.js",
    "console.js",
)

#: The bundled Cypher editor of the console (optional: built by scripts/ensure-cypher-console.sh;
#: console.js loads it from beside itself when the console is first opened).
EDITOR_ASSET = "cypher-editor.js"

#: Content-Security-Policy of the served page (assets and data from its own origin);
#: the page names it in a meta tag, and the API sends it as a header.
SERVED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'"
)


def asset_path(name: str) -> Path:
    """Filesystem path of a static asset (KeyError for unknown names)."""
    package, relative = ASSETS[name]
    return Path(str(resources.files(package).joinpath(relative)))


@cache
def _asset_text(name: str) -> str:
    return asset_path(name).read_text(encoding="utf-8")


def script_json(data: Any) -> str:
    """JSON safe to embed inside a ``<script>`` element.

    Examples
    --------
    >>> script_json({"name": "</script><img src=x onerror=alert(1)>"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def legend_json(schema: GraphSchema) -> dict[str, dict[str, Any]]:
    """The legend as JSON (label → colour, shape, names)."""
    return {label: asdict(entry) for label, entry in legend(schema).items()}


def terms_json(schema: GraphSchema) -> dict[str, dict[str, dict[str, str]]]:
    """The ontology's English and Chinese names of properties, relationship types and lifecycle
    stages as JSON (`viz.terms.terms`)."""
    return {kind: {key: asdict(term) for key, term in found.items()} for kind, found in terms(schema).items()}


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def render_explorer(
    *,
    api_base: str | None = "/api/v1",
    static_base: str = "/explore/static",
    schema: GraphSchema | None = None,
    view: GraphView | None = None,
    overlays: dict[str, Any] | None = None,
) -> str:
    """Render the explorer page.

    Parameters
    ----------
    api_base : str or None
        Where the page calls the API; None for an offline file (then `schema` and `view`
        are embedded and every asset is inlined).
    static_base : str
        URL prefix of the static assets when served.
    schema, view, overlays
        The embedded subgraph of an offline file.

    Examples
    --------
    >>> page = render_explorer()
    >>> "https://" in page or "http://" in page
    False
    """
    embedded = None
    if api_base is None:
        if schema is None or view is None:
            raise ValueError("an offline explorer needs a schema and a view to embed")
        embedded = {
            "legend": legend_json(schema),
            "terms": terms_json(schema),
            "view": view.to_json(),
            "overlays": overlays or {},
        }
    config = script_json({"api": api_base, "embedded": embedded})
    template = resources.files("viz").joinpath("templates/explorer.html").read_text(encoding="utf-8")
    if api_base is None:
        scripts = [
            _asset_text(name)
            for name in ("vis-network.min.js", "explorer-i18n.js", "explorer-time.js", "explorer.js")
        ]
        styles = (
            f"<style>{_asset_text('vis-network.css')}</style>\n<style>{_asset_text('explorer.css')}</style>"
        )
        script_tags = "\n".join(f"<script>{s}</script>" for s in scripts)
        csp = (
            "default-src 'none'; "
            f"script-src {' '.join(_sha256(s) for s in scripts)}; "
            "style-src 'unsafe-inline'; img-src data: blob:; font-src data:"
        )
    else:
        styles = "\n".join(
            f'<link rel="stylesheet" href="{static_base}/{name}">'
            for name in ("vis-network.css", "explorer.css", "console.css")
        )
        script_tags = "\n".join(f'<script src="{static_base}/{name}"></script>' for name in SERVED_SCRIPTS)
        csp = SERVED_CSP
    return (
        template.replace("{{CSP}}", csp)
        .replace("{{STYLES}}", styles)
        .replace("{{SCRIPTS}}", script_tags)
        .replace("{{CONFIG}}", config)
    )
