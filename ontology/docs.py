"""Documentation generated from the ontology: Markdown (``docs/ontology.md``) and HTML.

Both renderings come from one list of blocks (headings, paragraphs, lists, tables)
built from the Turtle files and the derived `GraphSchema`.

Examples
--------
>>> md = render_markdown()
>>> "| BilateralCentre |" in md and "双边技术转移中心" in md
True
>>> "<table>" in render_html()
True
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import OWL, RDF, RDFS, SH, Graph, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from ontology.derive import derive_schema
from ontology.namespaces import DATA_NS, PREFIXES, SOURCE_NS, TN_NS
from ontology.resources import ONTOLOGY_FILES, SHAPES_FILES, ontology_graph, shapes_graph
from ontology.schema import PROVENANCE_PROPERTIES, GraphSchema, PropertySpec

__all__ = ["Block", "document_blocks", "render_html", "render_markdown"]


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of the document: ``kind`` is ``h1``/``h2``/``h3``/``p``/``ul``/``table``."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


def _curie(iri: Node | str) -> str:
    text = str(iri)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns) and prefix not in ("tnid", "tnsrc"):
            return f"{prefix}:{text[len(ns) :]}"
    return f"<{text}>"


def _constraint(spec: PropertySpec) -> str:
    parts = []
    if spec.pattern:
        parts.append(f"pattern `{spec.pattern}`")
    if spec.allowed:
        if len(spec.allowed) > 12:
            parts.append(f"one of {len(spec.allowed)} codes (e.g. {', '.join(spec.allowed[:3])}, …)")
        else:
            parts.append("one of " + ", ".join(f"`{a}`" for a in spec.allowed))
    return "; ".join(parts)


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


def _alignments(graph: Graph, cls: URIRef) -> str:
    found = []
    for predicate, word in (
        (RDFS.subClassOf, "⊑"),
        (OWL.equivalentClass, "≡"),
        (RDFS.subPropertyOf, "⊑"),
        (SKOS.closeMatch, "≈"),
    ):
        for other in graph.objects(cls, predicate):
            if isinstance(other, URIRef) and not str(other).startswith(TN_NS):
                found.append(f"{word} {_curie(other)}")
    return ", ".join(sorted(found))


def _property_rows(specs: Sequence[PropertySpec], key: str = "") -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            f"`{p.name}`" + (" (key)" if p.name == key else ""),
            p.datatype.value,
            _yes(p.required),
            _yes(p.multiple),
            _constraint(p),
            p.label_en,
            p.label_zh,
            p.definition,
        )
        for p in specs
    )


_PROPERTY_HEADER = (
    "property",
    "datatype",
    "required",
    "list",
    "constraint",
    "label (en)",
    "label (zh)",
    "definition",
)


def _conventions(schema: GraphSchema) -> list[Block]:
    roots = ", ".join(f"`{r}`" for r in sorted(schema.key_labels))
    provenance = ", ".join(f"`{p}`" for p in PROVENANCE_PROPERTIES)
    items = (
        "**Node label** = local name of the `tn:` class (`tn:BilateralCentre` → `BilateralCentre`). "
        "A node carries its own label and the labels of its `tn:` ancestors "
        "(`:BilateralCentre:TransferCentre:Institution`); each class has at most one `tn:` superclass.",
        "**Key**: every hierarchy root declares its key property with `tn:key`; the key is `id` "
        "everywhere and is unique among all nodes carrying the root label (`key_label`). "
        f"Key labels: {roots}. A country's key is its ISO 3166-1 alpha-2 code (`CN`, `NG`), "
        "checked against the list in `iso3166.ttl` generated from pycountry; "
        "a field's key is `ford:<code>` or `ipc:<symbol>`.",
        "**Relationship type** = `tn:relationshipType`, else the UPPER_SNAKE form of the object "
        "property's local name (`tn:locatedIn` → `LOCATED_IN`). Allowed start and end labels come "
        "from `rdfs:domain` and `rdfs:range` (an `owl:unionOf` lists several); "
        "a node matches when it carries one of them.",
        "**Property name** = `tn:graphName`, else the local name of the datatype property "
        "(`tn:nameZh` → `nameZh`). Required (`sh:minCount 1`), list-valued (no `sh:maxCount 1`), "
        "`sh:pattern` and `sh:in` come from the SHACL shapes targeting the class or an ancestor. "
        "Relationship properties are the `tn:edgeProperty` values of the object property.",
        "**Dates** (`tn:PartialDate`) are ISO-8601 text known to the year, month or day "
        "(`2015`, `2015-06`, `2015-06-12`), typed `xsd:gYear`, `xsd:gYearMonth` or `xsd:date` in RDF.",
        f"**Provenance**: every node and relationship carries {provenance}. "
        "`sources` is a list of references: a URL, `the study, Table 2`, `file.csv:12`; "
        "in RDF each is a `prov:wasDerivedFrom` IRI — the URL itself, "
        f"or `{SOURCE_NS}<percent-encoded text>` with the text as `rdfs:label`. "
        "`retrieved` (date), `synthetic` (boolean) and `seed` (integer) are "
        "`tn:retrieved`, `tn:synthetic`, `tn:seed`.",
        "**Conflicting sources are both kept**: two sources that disagree (the CASTTC working base "
        "in Nigeria according to the English page, in Niger according to the French one) give two "
        "relationships (`HOSTED_IN` → `NG` and `HOSTED_IN` → `NE`), each with its own `sources`.",
        f"**RDF form of nodes**: `<{DATA_NS}<key_label>/<percent-encoded key>>`, "
        "typed with the node's own class, key as `tn:id`, "
        "one triple per property value (lists: one triple per item).",
        "**RDF form of relationships**: the plain triple `start tn:property end` "
        f"(what the shapes check) plus an `rdf:Statement` node `<{DATA_NS}rel/<hash>>` "
        "with `rdf:subject`, `rdf:predicate`, `rdf:object`, the relationship's properties and "
        "its provenance (standard RDF reification, readable by any RDF 1.1 tool; an RDF-star "
        "annotation would say the same but is not yet portable). Reading back, list values come "
        "back sorted and a plain triple without a statement becomes a relationship without properties.",
    )
    return [Block("h2", "Property-graph conventions"), Block("ul", items=items)]


def _class_blocks(graph: Graph, schema: GraphSchema) -> list[Block]:
    blocks = [Block("h2", "Node types (classes)")]
    blocks.append(
        Block(
            "table",
            header=(
                "label",
                "class",
                "labels carried",
                "key",
                "label (en)",
                "label (zh)",
                "aligned with",
                "definition",
            ),
            rows=tuple(
                (
                    n.label,
                    _curie(n.iri),
                    ":".join(n.labels),
                    f"`{n.key}` ({n.key_label})",
                    n.label_en,
                    n.label_zh,
                    _alignments(graph, URIRef(n.iri)),
                    n.definition,
                )
                for n in sorted(schema.nodes.values(), key=lambda n: (n.key_label, len(n.labels), n.label))
            ),
        )
    )
    for node in sorted(schema.nodes.values(), key=lambda n: n.label):
        if node.label != node.key_label and node.properties == schema.node(node.labels[1]).properties:
            continue
        own = [p for p in node.properties if p.name not in PROVENANCE_PROPERTIES]
        blocks.append(Block("h3", f"Properties of {node.label}"))
        subs = [n.label for n in schema.subtypes(node.label) if n.label != node.label]
        if subs:
            blocks.append(Block("p", "Also carried by " + ", ".join(subs) + "."))
        blocks.append(Block("table", header=_PROPERTY_HEADER, rows=_property_rows(own, node.key)))
    return blocks


def _relationship_blocks(graph: Graph, schema: GraphSchema) -> list[Block]:
    rows = tuple(
        (
            r.type,
            _curie(r.iri),
            ", ".join(r.sources),
            ", ".join(r.targets),
            ", ".join(f"`{p.name}`" for p in r.properties if p.name not in PROVENANCE_PROPERTIES),
            r.label_en,
            r.label_zh,
            _alignments(graph, URIRef(r.iri)),
            r.definition,
        )
        for r in sorted(schema.relationships.values(), key=lambda r: r.type)
    )
    header = (
        "type",
        "property",
        "from",
        "to",
        "properties",
        "label (en)",
        "label (zh)",
        "aligned with",
        "definition",
    )
    edge_specs = {p.name: p for r in schema.relationships.values() for p in r.properties}
    provenance = [edge_specs[name] for name in PROVENANCE_PROPERTIES]
    others = sorted(
        (p for n, p in edge_specs.items() if n not in PROVENANCE_PROPERTIES), key=lambda p: p.name
    )
    return [
        Block("h2", "Relationship types (object properties)"),
        Block("table", header=header, rows=rows),
        Block("h3", "Relationship properties"),
        Block("table", header=_PROPERTY_HEADER, rows=_property_rows(others)),
        Block("h2", "Provenance properties (every node and relationship)"),
        Block("table", header=_PROPERTY_HEADER, rows=_property_rows(provenance)),
    ]


def _shape_rows(shapes: Graph) -> tuple[tuple[str, ...], ...]:
    rows = []
    for shape in sorted(s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)):
        targets = [_curie(t) for p in (SH.targetClass, SH.targetSubjectsOf) for t in shapes.objects(shape, p)]
        targets += ["SPARQL target (see shapes.ttl)" for _ in shapes.objects(shape, SH.target)]
        messages = []
        for prop_shape in shapes.objects(shape, SH.property):
            path = shapes.value(prop_shape, SH.path)
            if path is not None and not isinstance(path, URIRef):
                inverse = shapes.value(path, SH.inversePath)
                path_text = f"^{_curie(inverse)}" if inverse is not None else "(path)"
            else:
                path_text = _curie(path) if path is not None else ""
            message = shapes.value(prop_shape, SH.message)
            messages.append(f"{path_text}: {message}")
        for sparql in shapes.objects(shape, SH.sparql):
            messages.append(f"SPARQL: {shapes.value(sparql, SH.message)}")
        rows.append((_curie(shape), ", ".join(sorted(targets)), "<br>".join(sorted(messages))))
    return tuple(rows)


def document_blocks() -> list[Block]:
    """Return the document as blocks, built from the packaged Turtle files.

    Examples
    --------
    >>> document_blocks()[0].text
    'transfernet ontology'
    """
    graph, shapes = ontology_graph(), shapes_graph()
    schema = derive_schema(graph, shapes)
    blocks = [
        Block("h1", "transfernet ontology"),
        Block(
            "p",
            "GENERATED by `python -m ontology.codegen` from "
            + ", ".join(f"`ontology/data/{f}`" for f in (*ONTOLOGY_FILES, *SHAPES_FILES))
            + " — do not edit; edit the Turtle files and regenerate. "
            f"{len(schema.nodes)} node types, {len(schema.relationships)} relationship types.",
        ),
        Block("h2", "Namespaces"),
        Block("table", header=("prefix", "namespace"), rows=tuple((p, ns) for p, ns in PREFIXES.items())),
        *_conventions(schema),
        Block("h2", "Python API"),
        Block(
            "ul",
            items=(
                "`ontology.derive.load_schema() -> GraphSchema` — node and relationship types (cached).",
                "`ontology.validation.validate(data) -> ValidationReport` — `data` is records, an rdflib "
                "graph or a `.ttl`/`.jsonld` path; each violation has focus node, path, value, severity, "
                "message and source location.",
                "`ontology.convert.records_to_graph(records) -> Graph`, "
                "`ontology.convert.graph_to_records(graph) -> Iterator[record]`.",
                "`ontology.rdfio.export_records(records, path)`, `import_records(path)`, "
                "`dumps(records, format=)`, `loads(text, format=)` — Turtle and JSON-LD.",
                "`ontology.vocab` — `TN` (IRIs), `NodeLabel`, `RelType`, `PropertyName`; "
                "regenerate with `python -m ontology.codegen`.",
            ),
        ),
        *_class_blocks(graph, schema),
        *_relationship_blocks(graph, schema),
        Block("h2", "Shapes (validation rules)"),
        Block(
            "p",
            "Each rule's message is what `ontology.validation.validate` reports, "
            "with the focus node, the value and the sources of the node or relationship at fault.",
        ),
        Block("table", header=("shape", "targets", "rules"), rows=_shape_rows(shapes)),
    ]
    return blocks


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(blocks: Sequence[Block] | None = None) -> str:
    """Return the documentation as Markdown.

    Examples
    --------
    >>> render_markdown([Block("h1", "T"), Block("table", header=("a",), rows=(("x|y",),))])
    '# T\\n\\n| a |\\n|---|\\n| x\\\\|y |\\n'
    """
    blocks = document_blocks() if blocks is None else blocks
    out: list[str] = []
    for block in blocks:
        if block.kind in ("h1", "h2", "h3"):
            out.append("#" * int(block.kind[1]) + " " + block.text)
        elif block.kind == "p":
            out.append(block.text)
        elif block.kind == "ul":
            out.append("\n".join(f"- {item}" for item in block.items))
        elif block.kind == "table":
            lines = [
                "| " + " | ".join(block.header) + " |",
                "|" + "|".join("---" for _ in block.header) + "|",
            ]
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def _inline_html(text: str) -> str:
    escaped = html.escape(text, quote=False)
    parts = escaped.split("`")
    escaped = "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))
    parts = escaped.split("**")
    escaped = "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts))
    return escaped.replace("&lt;br&gt;", "<br>")


def render_html(blocks: Sequence[Block] | None = None) -> str:
    """Return the documentation as a self-contained HTML page (all text escaped).

    Examples
    --------
    >>> "<h1>T &amp; U</h1>" in render_html([Block("h1", "T & U")])
    True
    """
    blocks = document_blocks() if blocks is None else blocks
    body: list[str] = []
    for block in blocks:
        if block.kind in ("h1", "h2", "h3"):
            body.append(f"<{block.kind}>{_inline_html(block.text)}</{block.kind}>")
        elif block.kind == "p":
            body.append(f"<p>{_inline_html(block.text)}</p>")
        elif block.kind == "ul":
            body.append("<ul>" + "".join(f"<li>{_inline_html(i)}</li>" for i in block.items) + "</ul>")
        elif block.kind == "table":
            head = "".join(f"<th>{_inline_html(h)}</th>" for h in block.header)
            rows = "".join(
                "<tr>" + "".join(f"<td>{_inline_html(c)}</td>" for c in row) + "</tr>" for row in block.rows
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    style = (
        "body{font-family:sans-serif;max-width:80rem;margin:auto;padding:1rem}"
        "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;"
        "vertical-align:top;text-align:left}code{background:#f4f4f4}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>transfernet ontology</title>'
        f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
