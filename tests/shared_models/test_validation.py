"""The input rules both protocols obey, checked one cleaner at a time (no database)."""

from datetime import date
from decimal import Decimal

import pytest

from shared_models.errors import ValidationError
from shared_models.validation import (
    FieldError,
    clean_country,
    clean_currency,
    clean_fields,
    clean_id,
    clean_isbn,
    clean_language,
    clean_pages,
    clean_positive_int,
    clean_price,
    id_list,
    past_or_today,
    text,
)


@pytest.mark.parametrize("isbn", ["9780306406157", "978-0-306-40615-7", "979 10 90636 07 1"])
def test_valid_isbn13_is_normalised_to_digits(isbn):
    assert clean_isbn(isbn) == isbn.replace("-", "").replace(" ", "")


@pytest.mark.parametrize(
    ("isbn", "message"),
    [
        ("9780306406158", "check digit"),
        ("978030640615", "13 digits"),
        ("0306406152", "13 digits"),
        ("1234567890128", "978 or 979"),
        ("97803064061a7", "13 digits"),
    ],
)
def test_invalid_isbn_is_refused_with_its_reason(isbn, message):
    with pytest.raises(FieldError, match=message):
        clean_isbn(isbn)


def test_isbn_must_be_a_string():
    with pytest.raises(FieldError):
        clean_isbn(9780306406157)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12.50", Decimal("12.50")), (0, Decimal("0.00")), (12.5, Decimal("12.50"))],
)
def test_price_is_read_as_a_two_place_decimal(value, expected):
    assert clean_price(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "negative"),
        ("1.001", "2 decimal places"),
        ("abc", "decimal number"),
        ("NaN", "finite"),
        (True, "decimal number"),
        ("123456789.00", "10 digits"),
    ],
)
def test_invalid_price_is_refused_with_its_reason(value, message):
    with pytest.raises(FieldError, match=message):
        clean_price(value)


def test_pages_must_be_a_positive_integer():
    assert clean_positive_int("300") == 300
    for bad in (0, -5, 1.5, "many", True):
        with pytest.raises(FieldError):
            clean_positive_int(bad)


def test_pages_are_bounded_by_what_a_book_can_have():
    assert clean_pages(100_000) == 100_000
    with pytest.raises(FieldError, match="at most 100000"):
        clean_pages(2**31)


def test_ids_refuse_booleans_and_fractions():
    assert clean_id(7) == 7
    for bad in (True, 1.5, "x", None):
        with pytest.raises(FieldError):
            clean_id(bad)


def test_date_today_is_allowed_and_tomorrow_is_not():
    clean = past_or_today(today=lambda: date(2026, 6, 15), required=True)
    assert clean("2026-06-15") == date(2026, 6, 15)
    with pytest.raises(FieldError, match="future"):
        clean("2026-06-16")
    with pytest.raises(FieldError, match="YYYY-MM-DD"):
        clean("15/06/2026")


def test_codes_are_checked_against_iso_lists_and_normalised():
    assert clean_language("EN") == "en"
    assert clean_currency("eur") == "EUR"
    assert clean_country("de") == "DE"
    for cleaner, bad in ((clean_language, "xx"), (clean_currency, "EUX"), (clean_country, "ZZ")):
        with pytest.raises(FieldError):
            cleaner(bad)


def test_id_lists_keep_order_and_refuse_repeats_and_emptiness():
    clean = id_list(required=True)
    assert clean([3, 1, 2]) == [3, 1, 2]
    for bad in ([], [1, 1], "1,2", [1, "x"]):
        with pytest.raises(FieldError):
            clean(bad)


def test_text_is_stripped_and_limited():
    clean = text(max_length=5, required=True)
    assert clean("  abc ") == "abc"
    for bad in ("   ", "abcdef", 5):
        with pytest.raises(FieldError):
            clean(bad)


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\ufffe"])
def test_text_refuses_characters_xml_cannot_carry(control):
    clean = text(max_length=50, required=True)
    assert clean("tab\tnew\nline") == "tab\tnew\nline"
    with pytest.raises(FieldError, match="control characters"):
        clean(f"bad{control}title")


def test_clean_fields_reports_every_broken_field_at_once():
    cleaners = {"a": clean_positive_int, "b": clean_positive_int, "c": clean_positive_int}
    with pytest.raises(ValidationError) as caught:
        clean_fields({"a": 0, "b": "x", "z": 1}, cleaners, required=("a", "b", "c"))
    assert set(caught.value.errors) == {"a", "b", "c", "z"}
    assert caught.value.errors["c"] == ["This field is required."]
    assert caught.value.errors["z"] == ["Unknown field."]


def test_clean_fields_partial_leaves_missing_fields_out():
    cleaners = {"a": clean_positive_int, "b": clean_positive_int}
    assert clean_fields({"a": 2}, cleaners, required=("a", "b"), partial=True) == {"a": 2}


def test_clean_fields_fills_defaults_for_missing_optional_fields():
    cleaners = {"a": clean_positive_int, "b": clean_positive_int}
    assert clean_fields({"a": 2}, cleaners, required=("a",), defaults={"b": 1}) == {"a": 2, "b": 1}


@pytest.mark.parametrize("amount", ["1e400", "1E+30", "1e999999999", 1e300, Decimal("1E+28")])
def test_price_of_huge_magnitude_is_refused_for_its_digits(amount):
    with pytest.raises(FieldError, match="10 digits"):
        clean_price(amount)


@pytest.mark.parametrize(
    "value",
    [float("inf"), float("nan"), Decimal("NaN"), Decimal("-Infinity"), "²", "1" * 5000, 1e300],
)
def test_id_of_no_integer_or_huge_magnitude_is_a_field_error(value):
    with pytest.raises(FieldError):
        clean_id(value)


def test_id_with_leading_zeros_is_read_as_its_number():
    assert clean_id("00000000000000000000000042") == 42
