"""Type conversion and plain-language messages."""

from __future__ import annotations

import datetime as dt

import pytest

from loaders.transforms import TRANSFORMS
from ontology.schema import Datatype, PropertySpec
from ontology.values import (
    ConversionError,
    converter_for,
    parse_boolean,
    parse_date,
    parse_datetime,
    parse_float,
    parse_integer,
    parse_uri,
)


@pytest.mark.parametrize("text", ["2013", "2014-06", "2014-06-06", "2024-02-29"])
def test_partial_dates_accepted(text: str) -> None:
    # centers.csv writes "2013" (CATTC) and "2014-06-06" (CSATTC)
    assert parse_date(text) == text


@pytest.mark.parametrize("text", ["2015-13-40", "2023-02-29", "2014-6", "14", "2014/06/06", "n.d."])
def test_bad_dates_rejected_with_expected_forms(text: str) -> None:
    with pytest.raises(ConversionError) as info:
        parse_date(text)
    assert str(info.value) == f"'{text}' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"


def test_dates_from_excel_and_yaml_values() -> None:
    assert parse_date(dt.datetime(2013, 1, 1, 0, 0)) == "2013-01-01"
    assert parse_date(2018) == "2018"
    assert parse_datetime(dt.datetime(2026, 11, 23, 4, 0)) == "2026-11-23T04:00:00"
    with pytest.raises(ConversionError, match="not a date-time"):
        parse_datetime("yesterday")


def test_numbers_and_booleans() -> None:
    assert parse_integer("42") == 42
    assert parse_integer(7.0) == 7
    for bad in ("1.5", "ten", True):
        with pytest.raises(ConversionError, match="not a whole number"):
            parse_integer(bad)
    assert parse_float("2.5") == 2.5
    with pytest.raises(ConversionError, match="not a number"):
        parse_float("n/a")
    assert [parse_boolean(v) for v in ("yes", "N", "TRUE", "0", 1)] == [True, False, True, False, True]
    with pytest.raises(ConversionError, match="not a yes/no value"):
        parse_boolean("maybe")


def test_uri() -> None:
    assert parse_uri("urn:ipc:A01") == "urn:ipc:A01"
    # bilateral_centers.csv row 31 has a note instead of a URL
    with pytest.raises(ConversionError, match="is not a URI"):
        parse_uri("(no page URL recorded; site clttc.dgut.edu.cn)")


def test_allowed_values_message_uses_the_property_label() -> None:
    iso2 = PropertySpec("iso2", "urn:x:iso2", allowed=("CN", "GR"), label_en="ISO 3166 alpha-2 code")
    conv = converter_for(iso2)
    assert conv("GR") == "GR"
    with pytest.raises(ConversionError) as info:
        conv("XX")
    assert str(info.value).startswith("'XX' is not an ISO 3166 alpha-2 code (allowed: CN, GR")
    unnamed = converter_for(PropertySpec("level", "urn:x:level", allowed=("a",)))
    with pytest.raises(ConversionError, match="'b' is not an allowed value of 'level'"):
        unnamed("b")


def test_pattern_and_datatype_together() -> None:
    year = PropertySpec("year", "urn:x:year", Datatype.INTEGER, pattern="^(19|20)")
    conv = converter_for(year)
    assert conv("2015") == 2015
    with pytest.raises(ConversionError, match="expected to match"):
        conv("1850")
    assert converter_for(None, Datatype.BOOLEAN)("yes") is True


def test_transforms() -> None:
    assert TRANSFORMS["iso3_to_iso2"]("grc") == "GR"
    with pytest.raises(ConversionError, match="'XKX' is not an ISO 3166 alpha-3"):
        TRANSFORMS["iso3_to_iso2"]("XKX")
    assert TRANSFORMS["collapse_whitespace"]("  a \n b ") == "a b"
    assert TRANSFORMS["upper"]("gr") == "GR"
