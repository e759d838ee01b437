"""JSON values the store cannot hold, and JSON types that do not match a property's datatype.

Python's JSON parser accepts what a graph value cannot be: a lone surrogate (``"\\ud800"``
is not Unicode, so it cannot be sent to the store as UTF-8), ``NaN`` and ``Infinity``,
and integers of any size (the store holds 64-bit ones and would clamp the rest).  And an
API client that sends ``123`` for a text property made a mistake worth telling, not
``"123"`` to store.  Both checks name where the value is and why it is refused; the
request models and the entity writes turn them into 422 problem details.

Examples
--------
>>> for problem in value_problems({"name": "\\ud800", "n": [1, float("nan")], "big": 10**30}):
...     print(problem)
name: text is not valid Unicode (a lone surrogate '\\ud800')
n[1]: NaN is not a number the store can hold
big: 1000000000000000000000000000000 is outside the 64-bit integer range the store holds
>>> from ontology.schema import Datatype
>>> type_problem(Datatype.STRING, 123), type_problem(Datatype.INTEGER, True), type_problem(Datatype.FLOAT, 2)
('a text value is expected, not a number (123)', 'an integer is expected, not a boolean (True)', None)
"""

from __future__ import annotations

import math
import re
from typing import Any

from ontology.schema import Datatype, PropertySpec
from ontology.values import INT64_MAX, INT64_MIN

__all__ = [
    "json_type_problems",
    "refuse_unstorable",
    "type_problem",
    "value_problems",
]

_SURROGATE = re.compile("[\ud800-\udfff]")
_TEXT = frozenset({Datatype.STRING, Datatype.DATE, Datatype.DATETIME, Datatype.URI})


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else type(value).__name__


#: Deepest nesting of lists and objects in a value (deeper ones are refused, not walked).
MAX_DEPTH = 32


def value_problems(value: Any, where: str = "", depth: int = 0) -> list[str]:
    """Why `value` (nested lists and objects too) cannot be stored, one ``where: reason`` each.

    Examples
    --------
    >>> value_problems([[1]]), value_problems(float("nan"), "x")
    ([], ['x: NaN is not a number the store can hold'])
    >>> nested: list = []
    >>> for _ in range(1000):
    ...     nested = [nested]
    >>> value_problems(nested)[0].endswith("lists and objects nested over 32 levels")
    True
    """
    label = where or "value"
    if depth > MAX_DEPTH:
        return [f"{label}: lists and objects nested over {MAX_DEPTH} levels"]
    if isinstance(value, str):
        bad = _SURROGATE.search(value)
        if bad is not None:
            return [f"{label}: text is not valid Unicode (a lone surrogate {bad.group()!r})"]
        return []
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            return [f"{label}: {value} is outside the 64-bit integer range the store holds"]
        return []
    if isinstance(value, float):
        if not math.isfinite(value):
            name = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
            return [f"{label}: {name} is not a number the store can hold"]
        return []
    out: list[str] = []
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            out += value_problems(item, f"{where}[{i}]", depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            out += value_problems(key, f"{where} (a name)" if where else "a name", depth + 1)
            out += value_problems(item, f"{where}.{key}" if where else str(key), depth + 1)
    return out


def refuse_unstorable(value: Any, where: str = "") -> Any:
    """`value` unchanged, or ValueError naming every unstorable part (for pydantic validators)."""
    problems = value_problems(value, where)
    if problems:
        raise ValueError("; ".join(problems))
    return value


def type_problem(datatype: Datatype, value: Any) -> str | None:
    """Why the JSON `value` does not fit a property of `datatype` (None when it does).

    Text datatypes (string, date, datetime, URI) take JSON strings, integer an integer,
    float any finite number, boolean ``true``/``false``: nothing is coerced.
    """
    if datatype in _TEXT:
        ok = isinstance(value, str)
        expected = "a text value"
    elif datatype is Datatype.INTEGER:
        ok = isinstance(value, int) and not isinstance(value, bool)
        expected = "an integer"
    elif datatype is Datatype.FLOAT:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        expected = "a number"
    elif datatype is Datatype.BOOLEAN:
        ok = isinstance(value, bool)
        expected = "true or false"
    else:
        return None
    if ok:
        return None
    return f"{expected} is expected, not {_kind(value)} ({value!r})"


def json_type_problems(spec: PropertySpec, value: Any) -> str | None:
    """`type_problem` for a property's value, each item of a multi-valued one (None: all fit).

    Examples
    --------
    >>> from ontology.schema import PropertySpec
    >>> json_type_problems(PropertySpec("keywords", "urn:x:k", multiple=True), ["a", 1])
    'item 2: a text value is expected, not a number (1)'
    """
    items = value if spec.multiple and isinstance(value, list) else [value]
    for i, item in enumerate(items):
        problem = type_problem(spec.datatype, item)
        if problem is not None:
            return f"item {i + 1}: {problem}" if items is value else problem
    return None
