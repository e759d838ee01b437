"""Query parameters in FalkorDB's text form: the ``CYPHER name=value`` header of a query.

The falkordb client encodes parameters in Python (``stringify_param_value``); these
encoders write the same text several times faster, which matters for batched loads.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from graph.cypher.identifiers import plain_value
from graph.errors import StoreError
from ontology.values import INT64_MAX, INT64_MIN

__all__ = ["fast_literal", "literal", "query_header"]


def literal(value: Any) -> str:
    """A parameter value as FalkorDB ``CYPHER name=value`` header text.

    Same encoding as ``falkordb.helpers.stringify_param_value``, several times faster
    (it dominates the client side of batched loads).

    Examples
    --------
    >>> print(literal({"k": 'say "hi"', "p": {"n": 1, "x": [True, None, 1.5]}}))
    {`k`:"say \\"hi\\"",`p`:{`n`:1,`x`:[true,null,1.5]}}
    """
    t = type(value)
    if t is str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if t is bool:
        return "true" if value else "false"
    if t is int:
        if not INT64_MIN <= value <= INT64_MAX:  # the server would clamp it without a word
            raise StoreError(f"cannot store the integer {value}: beyond 64 bits")
        return str(value)
    if t is float:
        if not math.isfinite(value):
            raise StoreError(f"cannot store the float {value!r}")
        return repr(value)
    if value is None:
        return "null"
    if t is list or t is tuple:
        return "[" + ",".join([literal(v) for v in value]) + "]"
    if isinstance(value, Mapping):
        parts = []
        for k, v in value.items():
            key = str(k)
            if not key or "`" in key:
                raise StoreError(f"parameter map key {key!r} is not allowed")
            parts.append(f"`{key}`:{literal(v)}")
        return "{" + ",".join(parts) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return literal(int(value))
    if isinstance(value, float):
        return literal(float(value))
    if isinstance(value, str):
        return literal(str(value))
    converted = plain_value(value)
    if converted is value:
        raise StoreError(f"cannot store a value of type {t.__name__}")
    return literal(converted)


# in the standard library's JSON, a number whose whole part has 19 digits or more: an integer
# that may be beyond 64 bits (or digits in a string), which `literal` checks one by one (orjson
# is told to refuse integers beyond 53 bits instead; the digits after a decimal point do not
# count: orjson writes 1.27e-4 as 0.0001271294177472667)
_LONG_DIGITS = re.compile(r"(?<![.\d])\d{19}")
_JSON_KEY = re.compile(r'(?<!\\)"([^"\\`]*)":')


def fast_literal(value: Any, keys: Iterable[str] | None = None) -> str:
    """`literal` through a C JSON encoder: FalkorDB reads JSON string escapes (except
    ``\\uXXXX``, hence the fallback) and map keys only need backticks.

    With `keys` (every map key that can occur, all identifiers) the keys are
    rewritten by plain replacement: inside JSON text an unescaped ``"key":`` can only
    be a map key, since every quote within a string is escaped.

    Examples
    --------
    >>> print(fast_literal({"k": 'a "b": c', "p": {"n": 1}, "s": ["x"]}))
    {`k`:"a \\"b\\": c",`p`:{`n`:1},`s`:["x"]}
    >>> print(fast_literal([{"k": 1, "p": {"n": "k"}}], keys=["k", "p", "n"]))
    [{`k`:1,`p`:{`n`:"k"}}]
    >>> fast_literal([1.5, None, float("nan")])
    Traceback (most recent call last):
    graph.errors.StoreError: cannot store the float nan
    >>> fast_literal([1.271294177472667e-4, 9223372036854775807])
    '[0.0001271294177472667,9223372036854775807]'
    >>> fast_literal({"n": 2**63})
    Traceback (most recent call last):
    graph.errors.StoreError: cannot store the integer 9223372036854775808: beyond 64 bits
    """
    text = _orjson_text(value)
    if text is None:
        try:
            text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError):
            return literal(value)
        if _LONG_DIGITS.search(text):  # perhaps an integer beyond 64 bits
            return literal(value)
    if "\\u" in text:
        return literal(value)
    if keys is None:
        return _JSON_KEY.sub(r"`\1`:", text)
    for key in keys:
        text = text.replace(f'"{key}":', f"`{key}`:")
    return text


def _orjson_text(value: Any) -> str | None:
    """`value` as JSON by orjson (several times faster than the standard library's encoder on a
    batch of floats: 13 against 34 ms for 5,000 rows of 26 scores), or None where orjson
    cannot vouch for the text: a value it does not encode, or one it may have changed.

    orjson writes NaN and infinity as ``null``: a text with a ``null`` is read back and
    compared with `value`, which a NaN (or a tuple, read back as a list) fails.

    >>> _orjson_text([1e-05, None, "é"]), _orjson_text([float("inf")]), _orjson_text((None,))
    ('[0.00001,null,"é"]', None, None)
    >>> _orjson_text(2**53), _orjson_text({1: "a"})
    (None, None)
    """
    try:  # (without the option, orjson writes integers up to 2**64 - 1, which the server clamps)
        data = orjson.dumps(value, option=orjson.OPT_STRICT_INTEGER)
    except TypeError:  # an integer beyond 53 bits, a lone surrogate, a type orjson does not know
        return None
    if b"null" in data and orjson.loads(data) != value:
        return None
    return data.decode()


def query_header(params: Mapping[str, Any] | None, keys: Iterable[str] | None = None) -> str:
    """The ``CYPHER name=value ...`` prefix that carries `params` to the server ("" for none).

    Examples
    --------
    >>> query_header({"key": "CN", "limit": 5})
    'CYPHER `key`="CN" `limit`=5 '
    >>> query_header(None)
    ''
    """
    if not params:
        return ""
    parts = []
    for name, value in params.items():
        if not name or "`" in name:
            raise StoreError(f"parameter name {name!r} is not allowed")
        parts.append(f"`{name}`={fast_literal(value, keys)}")
    return "CYPHER " + " ".join(parts) + " "
