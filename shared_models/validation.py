"""The catalog's input rules, written once for both protocols.

Cleaners take loosely typed values (JSON strings and numbers from REST, typed values from SOAP)
and return the typed value the database stores, or raise `FieldError` with a user-facing message.
`clean_fields` applies a table of cleaners and collects every field's errors into one
`ValidationError`, so a client learns everything wrong with its input in one round trip.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import pycountry

from catalog_contract.ids import MAX_ID
from shared_models.errors import ValidationError

Cleaner = Callable[[Any], Any]

MAX_PAGES = 100_000
MAX_PRICE_DIGITS = 10
MAX_PRICE_BOUND_DIGITS = 12
PRICE_DECIMAL_PLACES = 2
_ISBN_SEPARATORS = re.compile(r"[\s-]")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_INTEGER = re.compile(r"-?[0-9]+")
_ID_BOUND = MAX_ID + 1
# Characters XML 1.0 cannot carry (C0 controls other than tab/newline/return, lone surrogates,
# U+FFFE/U+FFFF): refused in every text field so each protocol can represent what the other stored.
_NOT_XML_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class FieldError(ValueError):
    """One rule broken by one field; the message is shown to the client as is."""


@cache
def _language_codes() -> frozenset[str]:
    return frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


@cache
def _currency_codes() -> frozenset[str]:
    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


def isbn13_check_digit(first_twelve: str) -> int:
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first_twelve))
    return (10 - total % 10) % 10


def clean_isbn(value: Any) -> str:
    """ISBN-13 with a valid check digit; hyphens and spaces are accepted and dropped."""
    if not isinstance(value, str):
        raise FieldError("Must be a string of 13 digits.")
    digits = _ISBN_SEPARATORS.sub("", value)
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        raise FieldError("Must be an ISBN-13: 13 digits, optionally separated by hyphens.")
    if not digits.startswith(("978", "979")):
        raise FieldError("An ISBN-13 starts with 978 or 979.")
    if isbn13_check_digit(digits[:12]) != int(digits[12]):
        raise FieldError("The ISBN-13 check digit is wrong.")
    return digits


def text(*, max_length: int, required: bool) -> Cleaner:
    def clean(value: Any) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            raise FieldError("Must be a string.")
        stripped = value.strip()
        if required and not stripped:
            raise FieldError("Must not be blank.")
        if _NOT_XML_CHARACTER.search(stripped):
            raise FieldError("Must not contain control characters.")
        if len(stripped) > max_length:
            raise FieldError(f"Must be at most {max_length} characters.")
        return stripped

    return clean


def clean_positive_int(value: Any) -> int:
    number = clean_id(value)
    if number <= 0:
        raise FieldError("Must be greater than 0.")
    return number


def clean_pages(value: Any) -> int:
    """Pages > 0, and no more than any printed book has (the column is a 32-bit integer)."""
    pages = clean_positive_int(value)
    if pages > MAX_PAGES:
        raise FieldError(f"Must be at most {MAX_PAGES}.")
    return pages


def clean_id(value: Any) -> int:
    """An integer given as a number or a string of digits; booleans and fractions are refused.

    Magnitude is checked before `int()` runs, so a 10,000-digit string or `1e400000` costs
    nothing, and infinities and NaN are refused instead of raising from `int()`.
    """
    if isinstance(value, bool):
        raise FieldError("Must be an integer.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = _bounded_int(value.strip())
    elif isinstance(value, (float, Decimal)) and _is_whole(value):
        number = int(value)
    else:
        raise FieldError("Must be an integer.")
    if not -_ID_BOUND <= number < _ID_BOUND:
        raise FieldError("Is out of range.")
    return number


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-").lstrip("0")) > len(str(_ID_BOUND)):
        raise FieldError("Is out of range.")
    return int(digits)


def _is_whole(value: float | Decimal) -> bool:
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite:
        return False
    if not -_ID_BOUND < value < _ID_BOUND:
        raise FieldError("Is out of range.")
    return value == int(value)


def clean_price(value: Any) -> Decimal:
    """A decimal amount >= 0 with at most two places; floats are read through their str()."""
    amount = _two_place_decimal(value, max_digits=MAX_PRICE_DIGITS)
    if amount < 0:
        raise FieldError("Must not be negative.")
    return amount


def clean_price_bound(value: Any) -> Decimal:
    """What a price may be compared with (a list's min_price / max_price, a cursor's key): either
    sign, two places, twelve digits as REST's filter has always allowed, so that no bound of
    10**999999999 reaches a database that cannot represent it."""
    return _two_place_decimal(value, max_digits=MAX_PRICE_BOUND_DIGITS)


def _two_place_decimal(value: Any, *, max_digits: int) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise FieldError("Must be a decimal number.")
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):  # ValueError: str() of an int of 4,300+ digits
        raise FieldError("Must be a decimal number.") from None
    if not amount.is_finite():
        raise FieldError("Must be a finite decimal number.")
    if amount.adjusted() >= max_digits - PRICE_DECIMAL_PLACES:
        raise FieldError(f"Must have at most {max_digits} digits.")
    if amount != amount.quantize(Decimal(1).scaleb(-PRICE_DECIMAL_PLACES)):
        raise FieldError(f"Must have at most {PRICE_DECIMAL_PLACES} decimal places.")
    amount = amount.quantize(Decimal(1).scaleb(-PRICE_DECIMAL_PLACES))
    if len(amount.as_tuple().digits) > max_digits:
        raise FieldError(f"Must have at most {max_digits} digits.")
    return amount


def past_or_today(*, today: Callable[[], date], required: bool) -> Cleaner:
    def clean(value: Any) -> date | None:
        if value is None and not required:
            return None
        if isinstance(value, date) and not hasattr(value, "hour"):
            day = value
        elif isinstance(value, str):
            try:
                day = date.fromisoformat(value.strip())
            except ValueError:
                raise FieldError("Must be a date in the form YYYY-MM-DD.") from None
        else:
            raise FieldError("Must be a date in the form YYYY-MM-DD.")
        if day > today():
            raise FieldError("Must not be in the future.")
        return day

    return clean


def code_from(codes: Callable[[], frozenset[str]], *, upper: bool, what: str) -> Cleaner:
    def clean(value: Any) -> str:
        if not isinstance(value, str):
            raise FieldError(f"Must be {what}.")
        code = value.strip().upper() if upper else value.strip().lower()
        if code not in codes():
            raise FieldError(f"{value!r} is not {what}.")
        return code

    return clean


clean_language = code_from(_language_codes, upper=False, what="an ISO 639-1 language code")
clean_currency = code_from(_currency_codes, upper=True, what="an ISO 4217 currency code")
clean_country = code_from(_country_codes, upper=True, what="an ISO 3166-1 alpha-2 country code")


def clean_slug(value: Any) -> str:
    if not isinstance(value, str) or not is_slug(value):
        raise FieldError("Must be a slug: lowercase letters, digits and single hyphens, max 50.")
    return value


def is_slug(value: Any) -> bool:
    """Whether any genre could have this slug: lookups by an impossible one need no query (and
    PostgreSQL refuses a NUL in a text parameter)."""
    return isinstance(value, str) and len(value) <= 50 and _SLUG.fullmatch(value) is not None


def clean_cursor_text(value: Any) -> str:
    """A text key read back from a cursor: any string a text column can hold."""
    if not isinstance(value, str) or _NOT_XML_CHARACTER.search(value):
        raise FieldError("Must be text without control characters.")
    return value


def id_list(*, required: bool) -> Cleaner:
    """A list of distinct ids in the caller's order (author credit order matters)."""

    def clean(value: Any) -> list[int]:
        return _distinct_list(value, clean_id, required=required, what="ids")

    return clean


def slug_list(*, required: bool) -> Cleaner:
    def clean(value: Any) -> list[str]:
        return _distinct_list(value, clean_slug, required=required, what="slugs")

    return clean


def _distinct_list(value: Any, item: Cleaner, *, required: bool, what: str) -> list[Any]:
    if value is None and not required:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise FieldError(f"Must be a list of {what}.")
    items = [item(entry) for entry in value]
    if required and not items:
        raise FieldError("Must not be empty.")
    if len(set(items)) != len(items):
        raise FieldError(f"Must not repeat {what}.")
    return items


def clean_fields(
    data: Mapping[str, Any],
    cleaners: Mapping[str, Cleaner],
    *,
    required: Iterable[str],
    defaults: Mapping[str, Any] | None = None,
    partial: bool = False,
) -> dict[str, Any]:
    """Clean `data` field by field; raise one ValidationError listing every broken rule.

    With `partial`, missing fields stay missing (PATCH); otherwise required fields must be present
    and optional ones take their defaults (create, PUT).
    """
    required = frozenset(required)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for field in data.keys() - cleaners.keys():
        errors[field] = ["Unknown field."]
    for field, cleaner in cleaners.items():
        if field in data:
            try:
                cleaned[field] = cleaner(data[field])
            except FieldError as exc:
                errors[field] = [str(exc)]
        elif partial:
            continue
        elif field in required:
            errors[field] = ["This field is required."]
        elif defaults and field in defaults:
            cleaned[field] = defaults[field]
    if errors:
        raise ValidationError(errors)
    return cleaned
