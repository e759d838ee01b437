"""Identifiers and values for Cypher text: safe names, stable node ids, plain parameter values.

Labels, relationship types and property names are spliced into Cypher only through
`ident` and `labels_clause`, after a check against the `~ontology.schema.GraphSchema`;
every value travels as a parameter, made plain by `plain_value`.

Examples
--------
>>> ident("Country")
'`Country`'
>>> ident("Country`) DETACH DELETE (n")
Traceback (most recent call last):
...
ontology.schema.SchemaError: not a safe Cypher identifier: 'Country`) DETACH DELETE (n'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ontology.schema import SchemaError

__all__ = ["SCALARS", "ident", "labels_clause", "leaves", "plain_value", "stable_id"]

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def ident(name: str) -> str:
    """Backtick-quote a schema-checked identifier; refuse anything that is not one.

    Examples
    --------
    >>> ident("key")
    '`key`'
    """
    if not isinstance(name, str) or not _IDENT.match(name):
        raise SchemaError(f"not a safe Cypher identifier: {name!r}")
    return f"`{name}`"


def labels_clause(labels: Iterable[str]) -> str:
    """``:`A`:`B``` for a node pattern or ``SET n:...``.

    Examples
    --------
    >>> labels_clause(["Institution", "TransferCentre"])
    ':`Institution`:`TransferCentre`'
    """
    return "".join(":" + ident(label) for label in labels)


def stable_id(label: str, key: Any) -> str:
    """The stable node id used outside the store: ``"KeyLabel:key"``.

    Examples
    --------
    >>> stable_id("Country", "CN")
    'Country:CN'
    """
    return f"{label}:{key}"


#: Types a value of which is stored as it is (no conversion).
SCALARS = (str, int, float, bool, type(None))


def leaves(value: Any) -> Iterator[Any]:
    """The values inside a query result cell: lists and map values opened, everything else as is.

    Examples
    --------
    >>> list(leaves([1, {"a": [2, "x"]}, (3,)]))
    [1, 2, 'x', 3]
    """
    if isinstance(value, list | tuple):
        for item in value:
            yield from leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    else:
        yield value


def plain_value(value: Any) -> Any:
    """Turn a record value into a parameter both backends store the same way.

    Dates and datetimes become ISO-8601 text (the schema's convention), tuples and
    sets become lists, nested mappings are converted recursively.

    Examples
    --------
    >>> plain_value(dt.date(2020, 5, 1))
    '2020-05-01'
    >>> plain_value(("a", 1))
    ['a', 1]
    """
    if type(value) in SCALARS:
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(plain_value(v) for v in value)
    if isinstance(value, Mapping):
        return {str(k): plain_value(v) for k, v in value.items()}
    return value
