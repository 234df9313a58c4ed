"""Every cleaner, given any JSON value (or typed SOAP value), returns a cleaned value that obeys
its rule or raises FieldError; nothing else ever escapes (Hypothesis, see tests/fuzzing.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from shared_models.errors import ValidationError
from shared_models.pagination import MAX_PAGE_SIZE, clean_page_size
from shared_models.validation import (
    MAX_PAGES,
    Cleaner,
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
    clean_price_bound,
    clean_slug,
    id_list,
    isbn13_check_digit,
    past_or_today,
    slug_list,
    text,
)
from tests.fuzzing import NUMBER_SPELLINGS, any_text, json_values, number_strings

pytestmark = pytest.mark.fuzz

TODAY = date(2026, 6, 15)
ID_BOUND = 2**63
_REFUSED = object()


def cleaned(cleaner: Cleaner, value: Any) -> Any:
    """The cleaned value, or _REFUSED for a FieldError; any other exception fails the test."""
    try:
        return cleaner(value)
    except FieldError as exc:
        assert str(exc), "a refusal names its reason"
        return _REFUSED


def isbn_like() -> st.SearchStrategy[str]:
    digits = st.from_regex(r"97[89][0-9]{10}", fullmatch=True)
    return st.one_of(digits, digits.map(lambda d: f"{d[:3]}-{d[3:]}"), any_text(), number_strings())


@given(json_values(st.one_of(isbn_like(), st.integers(), st.none())))
def test_an_isbn_is_thirteen_ascii_digits_with_a_valid_check_digit_or_refused(value):
    isbn = cleaned(clean_isbn, value)
    if isbn is not _REFUSED:
        assert len(isbn) == 13 and isbn.isascii() and isbn.isdigit()
        assert int(isbn[12]) == isbn13_check_digit(isbn[:12])


@pytest.mark.parametrize("required", [True, False])
@given(value=json_values())
def test_text_is_a_bounded_stripped_xml_safe_string_or_refused(required, value):
    result = cleaned(text(max_length=30, required=required), value)
    if result is not _REFUSED:
        assert isinstance(result, str) and len(result) <= 30 and result == result.strip()
        assert required is False or result
        result.encode("utf-8")  # no lone surrogate survives


@pytest.mark.parametrize("cleaner", [clean_id, clean_positive_int, clean_pages])
@given(value=json_values())
@example(value="1" * 5000)
@example(value=float("inf"))
@example(value=Decimal("sNaN"))
def test_an_id_is_an_integer_within_64_bits_or_refused(cleaner, value):
    number = cleaned(cleaner, value)
    if number is not _REFUSED:
        assert type(number) is int and -ID_BOUND <= number < ID_BOUND
        if cleaner is clean_pages:
            assert 0 < number <= MAX_PAGES


@given(value=json_values(st.one_of(number_strings(), st.decimals(), st.floats())))
@example(value="1e400")
@example(value="1E+30")
@example(value=Decimal("sNaN"))
def test_a_price_is_a_non_negative_two_place_decimal_of_ten_digits_or_refused(value):
    price = cleaned(clean_price, value)
    if price is not _REFUSED:
        assert isinstance(price, Decimal) and price.is_finite() and price >= 0
        assert price.as_tuple().exponent == -2 and len(price.as_tuple().digits) <= 10


@given(value=json_values(st.one_of(number_strings(), st.decimals(), st.floats())))
@example(value="-99999999.99")
@example(value=Decimal("-1E+400"))
def test_a_price_bound_is_a_two_place_decimal_of_twelve_digits_or_refused(value):
    bound = cleaned(clean_price_bound, value)
    if bound is not _REFUSED:
        assert isinstance(bound, Decimal) and bound.is_finite()
        assert bound.as_tuple().exponent == -2 and len(bound.as_tuple().digits) <= 12


@pytest.mark.parametrize("required", [True, False])
@given(value=json_values())
def test_a_date_is_a_day_not_after_today_or_refused(required, value):
    day = cleaned(past_or_today(today=lambda: TODAY, required=required), value)
    if day is not _REFUSED:
        assert (day is None and not required) or (type(day) is date and day <= TODAY)


@pytest.mark.parametrize(
    ("cleaner", "length"), [(clean_language, 2), (clean_currency, 3), (clean_country, 2)]
)
@given(value=json_values(st.one_of(st.from_regex(r"[A-Za-z]{2,3}", fullmatch=True), any_text())))
def test_a_code_is_a_listed_iso_code_or_refused(cleaner, length, value):
    code = cleaned(cleaner, value)
    if code is not _REFUSED:
        assert isinstance(code, str) and len(code) == length and code.isascii()


@given(value=json_values(st.one_of(st.from_regex(r"[a-z0-9-]{1,60}", fullmatch=True), any_text())))
def test_a_slug_is_lowercase_words_joined_by_hyphens_or_refused(value):
    slug = cleaned(clean_slug, value)
    if slug is not _REFUSED:
        assert 0 < len(slug) <= 50 and slug.isascii() and slug == slug.lower()


@pytest.mark.parametrize("required", [True, False])
@given(value=json_values())
def test_a_list_of_ids_or_slugs_is_distinct_and_in_order_or_refused(required, value):
    for cleaner in (id_list(required=required), slug_list(required=required)):
        items = cleaned(cleaner, value)
        if items is not _REFUSED:
            assert isinstance(items, list) and len(set(items)) == len(items)
            assert items or not required


@given(
    data=st.dictionaries(
        st.one_of(st.sampled_from(["a", "b", "c"]), any_text()), json_values(), max_size=5
    )
)
def test_clean_fields_cleans_every_field_or_names_each_broken_one(data):
    cleaners = {"a": clean_id, "b": clean_price, "c": text(max_length=5, required=False)}
    try:
        result = clean_fields(data, cleaners, required=("a",), defaults={"c": ""})
    except ValidationError as exc:
        assert exc.errors and all(exc.errors.values())
        assert set(exc.errors) <= set(data) | {"a"}
    else:
        assert set(result) <= set(cleaners) and "a" in result


@given(value=json_values(st.one_of(st.sampled_from(NUMBER_SPELLINGS), st.integers())))
@example(value=float("inf"))
@example(value=Decimal("Infinity"))
@example(value="1" * 5000)
def test_a_page_size_is_from_one_to_the_cap_or_refused(value):
    try:
        size = clean_page_size(value)
    except ValidationError as exc:
        assert list(exc.errors) == ["page_size"]
    else:
        assert type(size) is int and 1 <= size <= MAX_PAGE_SIZE
