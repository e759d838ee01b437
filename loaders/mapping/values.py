"""Compiled values: templates, cell cleaning, conversion, conditions — the mapping's inner loop.

Everything here is built once per mapping (`compile_value`, `compile_condition`) and
then called once per row, so the common cases take short paths.

Examples
--------
>>> parse_template("ford:{code}")
[(False, 'ford:'), (True, 'code')]
>>> from loaders.mapping_model import ValueSpec
>>> from ontology.values import parse_string
>>> get = compile_value(ValueSpec(column="iso2", split="|"), parse_string, frozenset({""}), True).get
>>> get({"iso2": " NG|NE "})
['NG', 'NE']
>>> get({"iso2": ""}) is EMPTY
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from loaders.mapping_model import Condition, ValueSpec
from loaders.transforms import TRANSFORMS
from ontology.values import ConversionError, Converter, parse_string

__all__ = [
    "EMPTY",
    "CellError",
    "CompiledValue",
    "cell_text",
    "compile_condition",
    "compile_value",
    "condition_columns",
    "empty_column",
    "parse_template",
]

_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]+)\}")


class _Empty:
    __slots__ = ()

    def __repr__(self) -> str:
        return "EMPTY"


EMPTY: Any = _Empty()


class CellError(Exception):
    def __init__(self, column: str | None, reason: str) -> None:
        self.column = column
        self.reason = reason


# --------------------------------------------------------------------------- templates


def parse_template(text: str) -> list[tuple[bool, str]]:
    """Split a template into (is_field, text) parts; ``{{``/``}}`` are literal braces."""
    parts: list[tuple[bool, str]] = []
    pos = 0
    for match in _FIELD.finditer(text):
        if match.start() > pos:
            parts.append((False, text[pos : match.start()]))
        if match.group(1) is None:
            parts.append((False, match.group(0)[0]))
        else:
            parts.append((True, match.group(1).strip()))
        pos = match.end()
    if pos < len(text):
        parts.append((False, text[pos:]))
    merged: list[tuple[bool, str]] = []
    for part in parts:
        if merged and not part[0] and not merged[-1][0]:
            merged[-1] = (False, merged[-1][1] + part[1])
        else:
            merged.append(part)
    return merged


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if value.__class__ is str:
        return value.strip()
    return parse_string(value).strip()


# --------------------------------------------------------------------------- values


@dataclass(slots=True)
class CompiledValue:
    get: Callable[[dict[str, Any]], Any]
    columns: tuple[str, ...]
    label: str | None  # column named in errors


def compile_value(
    spec: ValueSpec, conv: Converter, nulls: frozenset[str], multiple: bool, *, is_key: bool = False
) -> CompiledValue:
    """Compile a value spec into ``get(row) -> EMPTY | value | list`` (keys: always a list)."""
    identity = conv is parse_string
    conv = _memo(conv)
    split = spec.split
    vmap = spec.map
    map_default = spec.map_default
    transform = TRANSFORMS[spec.transform] if spec.transform else None
    listy = multiple or is_key
    default = spec.default

    def one(value: Any) -> Any:
        if vmap is not None:
            text = value if value.__class__ is str else parse_string(value)
            if text in vmap:
                value = vmap[text]
                if value is None or value == "":
                    return EMPTY
                return conv(value)
            if map_default is not None:
                if map_default == "":
                    return EMPTY
                return conv(map_default)
        if transform is not None:
            value = transform(value)
        return conv(value)

    plain = vmap is None and transform is None

    def finish(raw: Any, label: str | None) -> Any:
        try:
            if raw.__class__ is str:
                raw = raw.strip()
                if raw in nulls:
                    raw = default
                    if raw is None:
                        return EMPTY
                elif split is None:
                    value = conv(raw) if plain else one(raw)
                    if value is EMPTY:
                        return EMPTY
                    return [value] if listy else value
            if raw is None:
                raw = default
                if raw is None:
                    return EMPTY
            if split is not None and raw.__class__ is str:
                if plain and listy:
                    out = []
                    for item in raw.split(split):
                        item = item.strip()
                        if item not in nulls:
                            value = conv(item)
                            if value not in out:
                                out.append(value)
                    return out or EMPTY
                items: list[Any] = [p.strip() for p in raw.split(split)]
            elif isinstance(raw, list | tuple):
                items = [p.strip() if p.__class__ is str else p for p in raw]
            else:
                value = one(raw)
                if value is EMPTY:
                    return EMPTY
                return [value] if listy else value
            out = []
            for item in items:
                if item is None or (item.__class__ is str and item in nulls):
                    continue
                value = one(item)
                if value is not EMPTY and value not in out:
                    out.append(value)
            if not out:
                return EMPTY
            if not listy and len(out) > 1:
                raise CellError(label, f"{len(out)} values given where one is expected")
            return out if listy else out[0]
        except ConversionError as exc:
            raise CellError(label, str(exc)) from None

    if spec.value is not None:
        try:
            constant = finish(spec.value, None)
        except CellError:
            constant = _MISS  # `check_mapping` reports it; never reached after a successful check

        def get_constant(row: dict[str, Any]) -> Any:
            if constant is _MISS:
                return finish(spec.value, None)
            return list(constant) if isinstance(constant, list) else constant

        return CompiledValue(get_constant, (), None)

    if spec.column is not None:
        column = spec.column
        if plain and split is not None and listy:
            getter = _split_getter(column, split, finish, conv, nulls)
        else:
            getter = _column_getter(column, finish, plain and split is None, identity, conv, nulls, listy)
        return CompiledValue(getter, (column,), column)

    parts = parse_template(spec.template or "")
    fields = tuple(text for is_field, text in parts if is_field)
    if len(fields) == 1 and split is None and len(parts) <= 3:
        # "{col}", "prefix{col}", "{col}suffix", "prefix{col}suffix": one column, fixed text around
        column = fields[0]
        index = [f for f, _ in parts].index(True)
        before = "".join(t for _, t in parts[:index])
        after = "".join(t for _, t in parts[index + 1 :])
        if not before and not after:
            getter = _column_getter(column, finish, plain, identity, conv, nulls, listy)
            return CompiledValue(getter, fields, column)

        def get_affixed(row: dict[str, Any]) -> Any:
            raw = row.get(column)
            if raw.__class__ is str:
                raw = raw.strip()
                if raw not in nulls:
                    if plain:
                        try:
                            value = conv(f"{before}{raw}{after}")
                        except ConversionError as exc:
                            raise CellError(column, str(exc)) from None
                        return [value] if listy else value
                    return finish(f"{before}{raw}{after}", column)
            elif raw is not None:
                text = cell_text(raw)
                if text not in nulls:
                    return finish(f"{before}{text}{after}", column)
            return finish(None, column)

        return CompiledValue(get_affixed, fields, column)

    if split is not None:
        # split the one field's value, then render the template once per item
        (column,) = fields
        before = "".join(t for f, t in parts[: [f for f, _ in parts].index(True)])
        after = "".join(t for f, t in parts[[f for f, _ in parts].index(True) + 1 :])
        inner = ValueSpec(column=column, split=split, null_values=None)
        inner_get = compile_value(inner, parse_string, nulls, True).get
        outer = spec.model_copy(update={"template": None, "column": "_", "split": None})
        outer_finish = compile_value(outer, conv, nulls, False)

        def get_split_template(row: dict[str, Any]) -> Any:
            items = inner_get(row)
            if items is EMPTY:
                return EMPTY
            out = []
            for item in items:
                value = outer_finish.get({"_": f"{before}{item}{after}"})
                if value is not EMPTY:
                    out.append(value)
            return out or EMPTY

        return CompiledValue(get_split_template, fields, column)

    def get_template(row: dict[str, Any]) -> Any:
        pieces = []
        for is_field, text in parts:
            if is_field:
                cell = cell_text(row.get(text))
                if cell in nulls:
                    return finish(None, text)
                pieces.append(cell)
            else:
                pieces.append(text)
        return finish("".join(pieces), fields[0] if len(fields) == 1 else spec.template)

    return CompiledValue(get_template, fields, fields[0] if len(fields) == 1 else None)


_MISS = object()


def _memo(conv: Converter, limit: int = 4096) -> Converter:
    """Cache a pure converter's results for text inputs (cells repeat: codes, dates, years)."""
    if conv is parse_string:
        return conv
    cache: dict[str, Any] = {}

    def memo(value: Any) -> Any:
        if value.__class__ is str:
            out = cache.get(value, _MISS)
            if out is _MISS:
                out = conv(value)
                if len(cache) < limit:
                    cache[value] = out
            return out
        return conv(value)

    return memo


def _column_getter(
    column: str,
    finish: Callable[[Any, str | None], Any],
    plain: bool,
    identity: bool,
    conv: Converter,
    nulls: frozenset[str],
    listy: bool,
) -> Callable[[dict[str, Any]], Any]:
    """A getter for one column; common cases (a text cell, no split/map/transform) skip `finish`."""
    if not plain:

        def get_column(row: dict[str, Any]) -> Any:
            return finish(row.get(column), column)

        return get_column
    if identity and not listy:

        def get_text(row: dict[str, Any]) -> Any:
            raw = row.get(column)
            if raw.__class__ is str:
                raw = raw.strip()
                if raw not in nulls:
                    return raw
            return finish(raw, column)

        return get_text

    def get_converted(row: dict[str, Any]) -> Any:
        raw = row.get(column)
        if raw.__class__ is str:
            raw = raw.strip()
            if raw not in nulls:
                try:
                    value = conv(raw)
                except ConversionError as exc:
                    raise CellError(column, str(exc)) from None
                return [value] if listy else value
        return finish(raw, column)

    return get_converted


def _split_getter(
    column: str,
    split: str,
    finish: Callable[[Any, str | None], Any],
    conv: Converter,
    nulls: frozenset[str],
) -> Callable[[dict[str, Any]], Any]:
    """A getter for a multi-valued text column split on `split` (no map/transform)."""

    def get_split(row: dict[str, Any]) -> Any:
        raw = row.get(column)
        if raw.__class__ is not str:
            return finish(raw, column)
        out: list[Any] = []
        try:
            for item in raw.split(split):
                item = item.strip()
                if item not in nulls:
                    value = conv(item)
                    if value not in out:
                        out.append(value)
        except ConversionError as exc:
            raise CellError(column, str(exc)) from None
        return out or EMPTY

    return get_split


def empty_column(value: CompiledValue, row: dict[str, Any], nulls: frozenset[str]) -> str | None:
    """The first referenced column that is empty in `row` (for 'missing key column' messages)."""
    for column in value.columns:
        if cell_text(row.get(column)) in nulls:
            return column
    return value.label


# --------------------------------------------------------------------------- conditions


def compile_condition(cond: Condition) -> Callable[[dict[str, Any]], bool]:
    column = cond.column
    tests: list[Callable[[str], bool]] = []
    if cond.equals is not None:
        target = parse_string(cond.equals)
        tests.append(lambda t: t == target)
    if cond.in_ is not None:
        allowed = frozenset(parse_string(v) for v in cond.in_)
        tests.append(lambda t: t in allowed)
    if cond.not_in is not None:
        refused = frozenset(parse_string(v) for v in cond.not_in)
        tests.append(lambda t: t not in refused)
    if cond.matches is not None:
        regex = re.compile(cond.matches)
        tests.append(lambda t: regex.search(t) is not None)
    if cond.not_matches is not None:
        anti = re.compile(cond.not_matches)
        tests.append(lambda t: anti.search(t) is None)
    if cond.empty is not None:
        want_empty = cond.empty
        tests.append(lambda t: (t == "") == want_empty)
    if cond.not_empty is not None:
        want_full = cond.not_empty
        tests.append(lambda t: (t != "") == want_full)

    def check(row: dict[str, Any]) -> bool:
        text = cell_text(row.get(column))
        return all(test(text) for test in tests)

    return check


def condition_columns(conds: Sequence[Condition]) -> tuple[str, ...]:
    return tuple(c.column for c in conds)
