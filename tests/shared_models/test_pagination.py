"""Page sizes and cursors from outside: every bad one is a ValidationError naming the parameter
(cases found by fuzzing, tests/shared_models/test_service_properties.py)."""

import base64
import json
from decimal import Decimal

import pytest

from shared_models.errors import ValidationError
from shared_models.pagination import clean_page_size, decode_cursor, parse_ordering
from shared_models.selectors import BOOK_ORDERINGS


def _forged(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.parametrize(
    "size", [float("inf"), float("-inf"), Decimal("Infinity"), float("nan"), "1" * 5000, 1.5]
)
def test_a_page_size_of_infinity_or_no_integer_is_a_validation_error(size):
    """float("inf") raised OverflowError from int()."""
    with pytest.raises(ValidationError) as caught:
        clean_page_size(size)
    assert list(caught.value.errors) == ["page_size"]


def test_a_page_size_beyond_the_cap_is_capped():
    assert clean_page_size("5000") == 1000


@pytest.mark.parametrize(
    ("ordering", "value"),
    [("price", "1e999999999"), ("-price", "NaN"), ("title", "\x00"), ("title", ["a"])],
)
def test_a_cursor_carrying_a_value_no_column_holds_is_invalid(ordering, value):
    """A price key of 1e999999999 or a title key with a NUL reached PostgreSQL, which refused
    them with errors of its own (500)."""
    order = parse_ordering(ordering, BOOK_ORDERINGS, "id")
    cursor = _forged({"o": ordering, "v": value, "i": 1, "b": 0})
    with pytest.raises(ValidationError) as caught:
        decode_cursor(cursor, order)
    assert caught.value.errors == {"cursor": ["Invalid cursor."]}


@pytest.mark.parametrize("ordering", ["id", "-id", "price"])
def test_a_cursor_naming_a_row_id_beyond_64_bits_is_invalid(ordering):
    """Found by fuzzing: the unfiltered catalog's compiled page query passed 2**64 to SQLite
    (OverflowError, a 500)."""
    order = parse_ordering(ordering, BOOK_ORDERINGS, "id")
    cursor = _forged({"o": ordering, "v": "1.00", "i": 2**64, "b": 0})
    with pytest.raises(ValidationError) as caught:
        decode_cursor(cursor, order)
    assert caught.value.errors == {"cursor": ["Invalid cursor."]}
