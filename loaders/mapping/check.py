"""Checking a mapping against a `GraphSchema` before any row is read."""

from __future__ import annotations

import inspect
from collections.abc import Sequence

from loaders.errors import ReaderError
from loaders.mapping.values import CellError, compile_value, parse_template
from loaders.mapping_model import EndpointSpec, MappingSpec, ValueSpec
from loaders.readers import detect_format, reader_for
from ontology.schema import PROVENANCE_PROPERTIES, GraphSchema, NodeType, PropertySpec
from ontology.values import ConversionError, Converter, converter_for, parse_date

__all__ = ["check_mapping", "find_prop", "key_converter"]

# --------------------------------------------------------------------------- schema check


def find_prop(props: Sequence[PropertySpec], name: str) -> PropertySpec | None:
    return next((p for p in props if p.name == name), None)


def _check_props(
    spec: MappingSpec,
    where: tuple[str | int, ...],
    owner: str,
    props: Sequence[PropertySpec],
    mapped: dict[str, ValueSpec],
    partial: bool,
    skip_required: str | None,
    issues: list[str],
) -> None:
    names = ", ".join(p.name for p in props) or "none"
    for name, value in mapped.items():
        at = spec.where(*where, "properties", name)
        if name in PROVENANCE_PROPERTIES:
            issues.append(f"{at}: {name!r} is a provenance property; set it in the 'provenance' section")
            continue
        prop = find_prop(props, name)
        if prop is None:
            issues.append(f"{at}: {owner} has no property {name!r} (its properties: {names})")
        elif value.split is not None and not prop.multiple:
            issues.append(
                f"{at}: property {name!r} of {owner} holds one value; 'split' needs a multi-valued one"
            )
        elif value.value is not None:
            _check_constant(at, value, converter_for(prop, value.datatype), issues)
    if not partial:
        for prop in props:
            if (
                prop.required
                and prop.name not in mapped
                and prop.name != skip_required
                and prop.name not in PROVENANCE_PROPERTIES
            ):
                issues.append(
                    f"{spec.where(*where)}: required property {prop.name!r} of {owner} is not mapped"
                    " (map it, or mark the block 'partial: true' if another source sets it)"
                )


def _check_constant(at: str, value: ValueSpec, conv: Converter, issues: list[str]) -> None:
    """A constant must convert (once, here) rather than fail on every row."""
    try:
        compile_value(value, conv, frozenset({""}), False).get({})
    except CellError as exc:
        issues.append(f"{at}: constant {value.value!r}: {exc.reason}")


def _check_value(
    spec: MappingSpec, where: tuple[str | int, ...], value: ValueSpec, issues: list[str]
) -> None:
    if value.template is not None:
        fields = [f for is_field, f in parse_template(value.template) if is_field]
        if not fields:
            issues.append(f"{spec.where(*where)}: template {value.template!r} has no {{column}} placeholder")
        if value.split is not None and len(fields) != 1:
            issues.append(f"{spec.where(*where)}: 'split' with a template needs exactly one {{column}} in it")


def _check_endpoint(
    spec: MappingSpec,
    schema: GraphSchema,
    where: tuple[str | int, ...],
    rel_type: str,
    end: EndpointSpec,
    allowed: tuple[str, ...] | None,
    side: str,
    issues: list[str],
) -> None:
    at = spec.where(*where, "label")
    if end.label not in schema.nodes:
        issues.append(f"{at}: unknown node label {end.label!r} (known: {', '.join(sorted(schema.nodes))})")
        return
    if allowed is not None and not set(schema.nodes[end.label].labels) & set(allowed):
        issues.append(
            f"{at}: relationship {rel_type} cannot {side} {end.label!r} (allowed: {', '.join(allowed)})"
        )
    _check_value(spec, (*where, "key"), end.key, issues)
    if end.key.value is not None:
        node = schema.nodes[end.label]
        _check_constant(spec.where(*where, "key"), end.key, key_converter(node, end.key), issues)


def check_mapping(spec: MappingSpec, schema: GraphSchema) -> list[str]:
    """Return every problem of `spec` against `schema` (empty list: fine).

    Checked: labels and relationship types exist and are not abstract; relationship
    ends are allowed for the type; properties exist, provenance is not mapped by
    hand, ``split`` only targets multi-valued properties, required properties are
    mapped (unless ``partial``), templates are well formed, and the source format and
    reader options are known.  Messages start with ``mapping-file:line:``.
    """
    issues: list[str] = []
    fmt = spec.source.format
    try:
        reader = reader_for(fmt or detect_format(spec.source.paths[0]))
    except ReaderError as exc:
        issues.append(f"{spec.where('source')}: {exc.reason}")
    else:
        params = set(inspect.signature(reader).parameters) - {"path", "name", "rdf_format"}
        for option in spec.source.options:
            if option not in params:
                issues.append(
                    f"{spec.where('source', 'options', option)}: unknown reader option {option!r}"
                    f" (known: {', '.join(sorted(params)) or 'none'})"
                )
    if spec.provenance.retrieved is not None:
        try:
            parse_date(spec.provenance.retrieved)
        except ConversionError as exc:
            issues.append(f"{spec.where('provenance', 'retrieved')}: {exc}")
    if not spec.nodes and not spec.relationships:
        issues.append(f"{spec.file}: the mapping makes no nodes and no relationships")
    for i, block in enumerate(spec.nodes):
        where: tuple[str | int, ...] = ("nodes", i)
        if block.label not in schema.nodes:
            issues.append(
                f"{spec.where(*where, 'label')}: unknown node label {block.label!r}"
                f" (known: {', '.join(sorted(schema.nodes))})"
            )
            continue
        node = schema.nodes[block.label]
        if node.abstract:
            at = spec.where(*where, "label")
            issues.append(f"{at}: node type {block.label!r} is abstract; use a subtype")
        _check_value(spec, (*where, "key"), block.key, issues)
        if block.key.value is not None:
            _check_constant(spec.where(*where, "key"), block.key, key_converter(node, block.key), issues)
        for name, value in block.properties.items():
            _check_value(spec, (*where, "properties", name), value, issues)
        for name in block.merge:
            if name == node.key or name not in {p.name for p in node.properties} or name == "sources":
                issues.append(
                    f"{spec.where(*where, 'merge', name)}: merge policy for {name!r}, which is not a property"
                    f" of node type {block.label!r} that a load can set"
                )
        _check_props(
            spec,
            where,
            f"node type {block.label!r}",
            node.properties,
            block.properties,
            block.partial or block.existing_only,
            node.key,
            issues,
        )
    for j, rblock in enumerate(spec.relationships):
        where = ("relationships", j)
        if rblock.type not in schema.relationships:
            issues.append(
                f"{spec.where(*where, 'type')}: unknown relationship type {rblock.type!r}"
                f" (known: {', '.join(sorted(schema.relationships))})"
            )
            rel = None
        else:
            rel = schema.relationships[rblock.type]
        _check_endpoint(
            spec,
            schema,
            (*where, "start"),
            rblock.type,
            rblock.start,
            rel.sources if rel else None,
            "start at",
            issues,
        )
        _check_endpoint(
            spec,
            schema,
            (*where, "end"),
            rblock.type,
            rblock.end,
            rel.targets if rel else None,
            "end at",
            issues,
        )
        for name, value in rblock.properties.items():
            _check_value(spec, (*where, "properties", name), value, issues)
        if rel is not None:
            _check_props(
                spec,
                where,
                f"relationship {rblock.type}",
                rel.properties,
                rblock.properties,
                False,
                None,
                issues,
            )
    return issues


def key_converter(node: NodeType, override: ValueSpec) -> Converter:
    prop = find_prop(node.properties, node.key)
    return converter_for(prop, override.datatype, node.label)
