"""Conversion of raw values to the datatypes of the schema, with plain-language errors.

Every converter takes a raw value (usually a stripped, non-empty string; Excel,
JSON, YAML and RDF readers may also give numbers, booleans, dates) and returns the
value to store, or raises `ConversionError` whose message is meant for the person
who made the spreadsheet.

Examples
--------
>>> parse_date("2014-06")
'2014-06'
>>> parse_date("2015-13-40")
Traceback (most recent call last):
...
ontology.values.ConversionError: '2015-13-40' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)
>>> from ontology.schema import PropertySpec
>>> iso2 = PropertySpec("iso2", "urn:x:iso2", pattern="^[A-Z]{2}$", label_en="ISO 3166 alpha-2 code")
>>> converter_for(iso2)("XXX")
Traceback (most recent call last):
...
ontology.values.ConversionError: 'XXX' is not an ISO 3166 alpha-2 code (expected to match ^[A-Z]{2}$)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from ontology.schema import Datatype, PropertySpec

__all__ = [
    "INT64_MAX",
    "INT64_MIN",
    "ConversionError",
    "Converter",
    "converter_for",
    "parse_boolean",
    "parse_date",
    "parse_datetime",
    "parse_float",
    "parse_integer",
    "parse_string",
    "parse_uri",
]

Converter = Callable[[Any], Any]

#: The integers Neo4j and FalkorDB keep (signed 64 bits).
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class ConversionError(ValueError):
    """A value cannot be converted; the message says why in plain language."""


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def parse_string(value: Any) -> str:
    """Return `value` as text (numbers from Excel or JSON are written out)."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_integer(value: Any) -> int:
    """Parse an integer; ``"12"``, ``12`` and ``12.0`` are accepted, ``"1.5"`` and booleans are not,
    nor a number beyond 64 bits: both graph stores keep 64-bit integers, and FalkorDB clamps a
    larger one to the largest it has without a word (2**63 is stored as 2**63 - 1).

    >>> parse_integer(" 12 "), parse_integer(12.0)
    (12, 12)
    >>> parse_integer("9223372036854775808")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ontology.values.ConversionError: '9223372036854775808' is beyond the 64-bit integers a graph ...
    """
    if isinstance(value, bool):
        raise ConversionError(f"'{value}' is not a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ConversionError(f"'{value}' is not a whole number")
        number = int(value)
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ConversionError(f"'{value}' is not a whole number") from None
    if not INT64_MIN <= number <= INT64_MAX:
        raise ConversionError(
            f"'{value}' is beyond the 64-bit integers a graph store keeps ({INT64_MIN} to {INT64_MAX})"
        )
    return number


def parse_float(value: Any) -> float:
    """Parse a decimal number (``"3.5"``, ``"1e3"``).

    ``"nan"``, ``"inf"`` and a number too large for a double (``"1e400"``) are refused: no
    graph store keeps them.

    >>> parse_float("1e3")
    1000.0
    >>> parse_float("1e400")
    Traceback (most recent call last):
    ontology.values.ConversionError: '1e400' is not a finite number
    """
    if isinstance(value, bool):
        raise ConversionError(f"'{value}' is not a number")
    try:
        number = float(value) if isinstance(value, int | float) else float(str(value).strip())
    except OverflowError:  # an integer beyond the doubles
        raise ConversionError(f"'{value}' is not a finite number") from None
    except ValueError:
        raise ConversionError(f"'{value}' is not a number") from None
    if not math.isfinite(number):
        raise ConversionError(f"'{value}' is not a finite number")
    return number


def parse_boolean(value: Any) -> bool:
    """Parse true/false, yes/no, y/n, t/f, 1/0 (any case).

    >>> parse_boolean("Yes"), parse_boolean(0)
    (True, False)
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConversionError(f"'{value}' is not a yes/no value (expected true/false, yes/no or 1/0)")


def parse_date(value: Any) -> str:
    """Validate an ISO-8601 date, possibly partial, and return it as text.

    ``YYYY``, ``YYYY-MM`` and ``YYYY-MM-DD`` are accepted and checked against the
    calendar; a `datetime.date` becomes ``YYYY-MM-DD``; an integer year ``YYYY``.

    >>> parse_date("2014"), parse_date(2018), parse_date(dt.date(2014, 6, 6))
    ('2014', '2018', '2014-06-06')
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return str(value)
    text = str(value).strip()
    match = _DATE.match(text)
    if match:
        year, month, day = match.groups()
        try:
            dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            pass
        else:
            return text
    raise ConversionError(f"'{value}' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")


def parse_datetime(value: Any) -> str:
    """Validate an ISO-8601 date-time (``2026-11-23T10:00:00+00:00``) and return it as text.

    >>> parse_datetime("2026-11-23 10:00")
    '2026-11-23T10:00:00'
    """
    if isinstance(value, dt.datetime):
        return value.isoformat()
    try:
        return dt.datetime.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ConversionError(f"'{value}' is not a date-time (expected e.g. 2026-11-23T10:00:00)") from None


def parse_uri(value: Any) -> str:
    """Check that `value` looks like an absolute IRI (a scheme, no spaces).

    >>> parse_uri("https://en.casttc.org/node/aboutus.html")
    'https://en.casttc.org/node/aboutus.html'
    """
    text = str(value).strip()
    if _URI.match(text):
        return text
    raise ConversionError(f"'{value}' is not a URI (expected e.g. https://example.org/page)")


_PARSERS: dict[Datatype, Converter] = {
    Datatype.STRING: parse_string,
    Datatype.INTEGER: parse_integer,
    Datatype.FLOAT: parse_float,
    Datatype.BOOLEAN: parse_boolean,
    Datatype.DATE: parse_date,
    Datatype.DATETIME: parse_datetime,
    Datatype.URI: parse_uri,
}


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def converter_for(
    spec: PropertySpec | None, datatype: Datatype | None = None, owner: str | None = None
) -> Converter:
    """Build the converter for a property: datatype parsing, then ``allowed`` and ``pattern`` checks.

    Parameters
    ----------
    spec : PropertySpec or None
        The property; None means a plain string (or `datatype`) without checks.
    datatype : Datatype, optional
        Overrides ``spec.datatype``.
    owner : str, optional
        Node label or relationship type, named in messages when the property's label
        is generic (``'XX' is not a valid Country identifier``).

    Examples
    --------
    >>> from ontology.schema import PropertySpec
    >>> level = PropertySpec("level", "urn:x:level", allowed=("section", "class"))
    >>> converter_for(level)("group")
    Traceback (most recent call last):
    ...
    ontology.values.ConversionError: 'group' is not an allowed value of 'level' (allowed: section, class)
    >>> key = PropertySpec("id", "urn:x:id", allowed=("CN", "GR"), label_en="identifier")
    >>> converter_for(key, owner="Country")("XX")
    Traceback (most recent call last):
    ...
    ontology.values.ConversionError: 'XX' is not a valid Country identifier (allowed: CN, GR)
    >>> from ontology.schema import Datatype
    >>> trl = PropertySpec("readinessLevel", "urn:x:trl", Datatype.INTEGER, minimum=1, maximum=9,
    ...                    label_en="readiness level")
    >>> converter_for(trl)("12")
    Traceback (most recent call last):
    ...
    ontology.values.ConversionError: 12 is out of range for readiness level (1 to 9)
    >>> founded = PropertySpec("established", "urn:x:est", Datatype.DATE, not_in_future=True)
    >>> converter_for(founded)("2013-05")
    '2013-05'
    >>> converter_for(founded)("9999")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ontology.values.ConversionError: '9999' lies in the future, but established records something ...
    """
    parse = _PARSERS[datatype or (spec.datatype if spec else Datatype.STRING)]
    bounded = spec is not None and (spec.minimum is not None or spec.maximum is not None)
    if spec is None or not (spec.allowed or spec.pattern or spec.not_in_future or bounded):
        return parse
    what = spec.label_en.strip()
    if owner and what.lower() in {"", "identifier", "id", "key", "code", spec.name.lower()}:
        what = f"valid {owner} {what or spec.name}"
    allowed = frozenset(spec.allowed)
    pattern = re.compile(spec.pattern) if spec.pattern else None
    base = f"is not {_article(what)} {what}" if what else f"is not an allowed value of {spec.name!r}"
    listed = ", ".join(spec.allowed[:10]) + (" …" if len(spec.allowed) > 10 else "")
    low, high = spec.minimum, spec.maximum
    bounds = _bounds_text(low, high)
    # sh:minInclusive / sh:maxInclusive and tn:notInFuture, compiled here so that every
    # record gets them, not only loads small enough for pyshacl (ontology/data/shapes.ttl)
    today = dt.date.today().isoformat() if spec.not_in_future else ""
    named = spec.label_en.strip() or spec.name

    def check(value: Any) -> Any:
        out = parse(value)
        if allowed and str(out) not in allowed:
            raise ConversionError(f"'{out}' {base} (allowed: {listed})")
        if pattern is not None and not pattern.search(str(out)):
            raise ConversionError(f"'{out}' {base} (expected to match {pattern.pattern})")
        if (low is not None and out < low) or (high is not None and out > high):
            raise ConversionError(f"{out!r} is out of range for {named} ({bounds})")
        if today and str(out) > today[: len(str(out))]:
            raise ConversionError(
                f"'{out}' lies in the future, but {named} records something that has already happened"
            )
        return out

    return check


def _bounds_text(low: float | None, high: float | None) -> str:
    """``"1 to 9"``, ``"at least 0"``, ``"at most 1"`` (whole numbers without ``.0``)."""

    def num(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else str(x)

    if low is not None and high is not None:
        return f"{num(low)} to {num(high)}"
    if low is not None:
        return f"at least {num(low)}"
    return f"at most {num(high)}" if high is not None else ""
