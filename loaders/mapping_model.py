"""The mapping file format as pydantic models, and loading it from YAML with line numbers.

A mapping file describes one source (one or more files of the same layout) and the
nodes and relationships each row makes; see ``docs/mapping.md``.  This module only
checks the *shape* of the file; `loaders.mapping` checks it against a `GraphSchema`
and runs it.

Shorthand: wherever a value is expected (a key, a property), a bare string is a
column name — unless it contains ``{placeholders}``, then it is a template.

Examples
--------
>>> m = parse_mapping('''
... source: {path: countries.csv}
... nodes:
...   - label: Country
...     key: iso2
...     properties: {name: "{name_en}"}
... ''', name="countries.yaml")
>>> m.nodes[0].key.column, m.nodes[0].properties["name"].template
('iso2', '{name_en}')
>>> parse_mapping("source: {path: x.csv}\\nnodes:\\n  - {label: Country, key: iso2, colour: red}\\n",
...               name="bad.yaml")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
loaders.errors.MappingError: invalid mapping:
  bad.yaml:3: nodes[0].colour: unknown option (allowed: label, key, properties, when, for_each, once, ...)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from loaders.errors import MappingError
from loaders.transforms import TRANSFORMS
from ontology.records import MergePolicy
from ontology.schema import Datatype

__all__ = [
    "Condition",
    "EndpointSpec",
    "ForEach",
    "MappingSpec",
    "NodeBlock",
    "ProvenanceSpec",
    "RelationshipBlock",
    "ResolveSpec",
    "SourceSpec",
    "ValueSpec",
    "load_mapping",
    "parse_mapping",
]

_PLACEHOLDER = re.compile(r"(?<!\{)\{(?!\{)")


def _shorthand(value: Any) -> Any:
    """A bare string is a column name, or a template when it holds ``{...}``."""
    if isinstance(value, str):
        return {"template": value} if _PLACEHOLDER.search(value) else {"column": value}
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ValueSpec(_Model):
    """Where a value comes from and how it is cleaned.

    Exactly one of ``column``, ``template`` or ``value`` (a constant) is given.
    Cleaning order: strip, empty check (``null_values``; ``default`` fills an empty
    cell), ``split`` into several values, then for each value ``map`` (a value found
    in the map is replaced and used as is), else ``map_default`` if given, else
    ``transform``; finally conversion to the property's datatype.
    """

    column: str | None = None
    template: str | None = None
    value: Any = None
    split: str | None = None
    map: dict[str, Any] | None = None
    map_default: Any = None
    transform: str | None = None
    default: Any = None
    null_values: list[str] | None = None
    datatype: Datatype | None = None

    @model_validator(mode="before")
    @classmethod
    def _coerce(cls, data: Any) -> Any:
        data = _shorthand(data)
        if isinstance(data, dict) and isinstance(data.get("map"), dict):
            data = {**data, "map": {str(k): v for k, v in data["map"].items()}}
        return data

    @model_validator(mode="after")
    def _one_source(self) -> ValueSpec:
        given = [n for n in ("column", "template") if getattr(self, n) is not None]
        if self.value is not None:
            given.append("value")
        if len(given) != 1:
            raise ValueError("give exactly one of column, template or value")
        return self

    @field_validator("transform")
    @classmethod
    def _known_transform(cls, value: str | None) -> str | None:
        if value is not None and value not in TRANSFORMS:
            raise ValueError(f"unknown transform {value!r} (known: {', '.join(sorted(TRANSFORMS))})")
        return value


Value = Annotated[ValueSpec, BeforeValidator(_shorthand)]


class Condition(_Model):
    """A row filter on one column; all given tests must hold.

    ``equals``/``in``/``not_in`` compare the stripped cell text; ``matches`` /
    ``not_matches`` are regular expressions searched in it; ``empty``/``not_empty``
    test for a blank cell.
    """

    column: str
    equals: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")
    not_in: list[Any] | None = None
    matches: str | None = None
    not_matches: str | None = None
    empty: bool | None = None
    not_empty: bool | None = None

    @field_validator("matches", "not_matches")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression: {exc}") from None
        return value


class ForEach(_Model):
    """Run a block once per item of a multi-valued cell, the column holding one item each time.

    Unlike ``split`` on a key (start keys × end keys), every template and value of
    the block sees the same item, so ``"{parent}-{iso2}"`` and ``iso2`` stay paired.
    """

    column: str
    separator: str = "|"


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


Conditions = Annotated[list[Condition], BeforeValidator(_as_list)]


class SourceSpec(_Model):
    """The file(s) to read: a path (or list of paths, ``*`` globs allowed) and reader options."""

    path: str | list[str]
    format: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    null_values: list[str] = Field(default_factory=lambda: [""])

    @property
    def paths(self) -> list[str]:
        """The path patterns as a list."""
        return [self.path] if isinstance(self.path, str) else list(self.path)


class ProvenanceSpec(_Model):
    """Provenance added to every record.

    ``sources`` of a record = ``file:row`` (when ``row_reference``), the values of
    ``source_columns`` (each split on ``separator``), then the constant ``sources``.
    """

    row_reference: bool = True
    source_columns: list[str] = Field(default_factory=list)
    separator: str | None = " | "
    sources: list[str] = Field(default_factory=list)
    retrieved: str | None = None
    synthetic: bool = False
    seed: int | None = None

    @field_validator("retrieved", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        return value.isoformat() if hasattr(value, "isoformat") else value


class ResolveSpec(_Model):
    """Resolve the row's institution against the stored graph before creating a node.

    The row's node is compared with the stored institutions: by the external identifiers
    it maps (``rorId``, ``pic``…), then by its names (name, Chinese name, alternative
    names, acronym; any script) among the institutions of its ``country`` (and city,
    when mapped).  A match scoring ``link`` or more (0-1) links the row to the stored
    node: no new node, the row's names join the node's ``altName``, its values only fill
    properties the node lacks, and the evidence (row, rule, score, name) is kept in the
    node's ``resolvedFrom`` and the load report.  Candidates from ``review`` up to
    ``link`` are listed in the load report and the row makes a node of its own: nothing
    is merged silently.  See `graph.resolution.matcher` for the rules.
    """

    country: Value | None = None
    link: float = Field(default=0.9, ge=0.0, le=1.0)
    review: float = Field(default=0.6, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _ordered(self) -> ResolveSpec:
        if self.review > self.link:
            raise ValueError("resolve: review must not exceed link")
        return self


class NodeBlock(_Model):
    """One node per row (or per key, when the key is split).

    ``once`` emits each key only for the first row that has it (a constant node
    such as an initiative, or the group table repeated in a membership list: later
    rows' values and sources for that key are ignored); ``partial`` allows leaving
    required properties unmapped (the block adds properties to nodes another source
    creates); ``existing_only`` (implies ``partial``) only updates nodes that exist when
    the load is written (stored, or made by another block of the same load): rows whose
    key names no such node are skipped and counted, never created (a table of all 35,000
    H2020 projects adds call topics to the few hundred loaded ones).  ``merge`` gives
    properties a policy against the stored value (`MergePolicy`: ``prefer_new``, the
    default, ``keep_existing`` or ``keep_longer``); under every policy a stored value is
    never replaced by an empty cell or a placeholder.  ``resolve`` (institutions only,
    `ResolveSpec`) links a row to the stored node it names under another key.
    """

    label: str
    key: Value
    properties: dict[str, Value] = Field(default_factory=dict)
    when: Conditions = Field(default_factory=list)
    for_each: ForEach | None = None
    once: bool = False
    partial: bool = False
    existing_only: bool = False
    merge: dict[str, MergePolicy] = Field(default_factory=dict)
    resolve: ResolveSpec | None = None


class EndpointSpec(_Model):
    """A relationship end: node label and key; ``optional`` skips the relationship when the key is empty."""

    label: str
    key: Value
    optional: bool = False


class RelationshipBlock(_Model):
    """One relationship per row, or several when a key is split (start keys × end keys)."""

    type: str
    start: EndpointSpec
    end: EndpointSpec
    properties: dict[str, Value] = Field(default_factory=dict)
    when: Conditions = Field(default_factory=list)
    for_each: ForEach | None = None


class MappingSpec(_Model):
    """A whole mapping file."""

    version: int = 1
    name: str | None = None
    description: str | None = None
    source: SourceSpec
    provenance: ProvenanceSpec = Field(default_factory=ProvenanceSpec)
    nodes: list[NodeBlock] = Field(default_factory=list)
    relationships: list[RelationshipBlock] = Field(default_factory=list)

    _file: str = PrivateAttr(default="<mapping>")
    _dir: Path | None = PrivateAttr(default=None)
    _lines: dict[tuple[str | int, ...], int] = PrivateAttr(default_factory=dict)

    @field_validator("version")
    @classmethod
    def _version(cls, value: int) -> int:
        if value != 1:
            raise ValueError("only version 1 is supported")
        return value

    @property
    def file(self) -> str:
        """Name of the mapping file (for messages)."""
        return self._file

    @property
    def directory(self) -> Path | None:
        """Directory of the mapping file, if it was loaded from one."""
        return self._dir

    def line(self, *path: str | int) -> int | None:
        """Line (1-based) of the YAML element at `path`, or of its nearest ancestor."""
        for end in range(len(path), -1, -1):
            line = self._lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def where(self, *path: str | int) -> str:
        """``file:line`` prefix for a message about the element at `path`."""
        line = self.line(*path)
        return f"{self._file}:{line}" if line else self._file


def _line_map(node: yaml.Node, path: tuple[str | int, ...], out: dict[tuple[str | int, ...], int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key)
            out[(*path, name)] = key.start_mark.line + 1
            _line_map(value, (*path, name), out)
            out[(*path, name)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, (*path, i), out)


def _dotted(loc: tuple[str | int, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown option"
    if kind == "missing":
        return "required option is missing"
    msg = str(err["msg"])
    if "ValueSpec" in msg:
        return "expected a column name, a '{column}' template, or a mapping with column, template or value"
    return msg.removeprefix("Value error, ")


_ALLOWED: dict[str, tuple[str, ...]] = {
    "nodes": tuple(NodeBlock.model_fields),
    "relationships": tuple(RelationshipBlock.model_fields),
    "source": tuple(SourceSpec.model_fields),
    "provenance": tuple(ProvenanceSpec.model_fields),
}


def parse_mapping(text: str, *, name: str = "<mapping>", directory: Path | None = None) -> MappingSpec:
    """Parse and validate mapping YAML text.

    Raises
    ------
    MappingError
        Listing every problem, each as ``name:line: where: what``.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        raise MappingError([f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    if not isinstance(data, dict):
        raise MappingError([f"{name}: a mapping file must be a YAML mapping (source, nodes, relationships)"])
    if "mappings" in data and "source" not in data:
        folder = Path(name).parent
        raise MappingError(
            [f"{name}: this is a bundle (a list of mappings), not a mapping: load it with --bundle {folder}"]
        )
    lines: dict[tuple[str | int, ...], int] = {}
    if node is not None:
        _line_map(node, (), lines)
    try:
        spec = MappingSpec.model_validate(data)
    except ValidationError as exc:
        issues = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            line = next((lines[loc[:i]] for i in range(len(loc), -1, -1) if loc[:i] in lines), None)
            where = f"{name}:{line}" if line else name
            msg = _message(err)
            if err["type"] == "extra_forbidden" and len(loc) >= 2:
                block = next((str(p) for p in reversed(loc[:-1]) if isinstance(p, str)), "")
                if block in _ALLOWED:
                    msg += f" (allowed: {', '.join(_ALLOWED[block])})"
            issues.append(f"{where}: {_dotted(loc)}: {msg}")
        raise MappingError(issues) from None
    spec._file = name
    spec._dir = directory
    spec._lines = lines
    return spec


def load_mapping(path: str | Path) -> MappingSpec:
    """Load and validate a mapping file (shape only; see `loaders.mapping.compile_mapping`).

    Relative source paths are later resolved against the mapping file's directory
    unless the caller gives another ``data_dir``.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise MappingError([f"{p}: cannot read mapping file: {exc.strerror}"]) from None
    return parse_mapping(text, name=str(path), directory=p.resolve().parent)
