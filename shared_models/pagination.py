"""Keyset (cursor) pagination shared by every list, for both protocols.

A cursor names a position, the ordering key's value and the id of the row there, and a
direction. A page is the rows strictly after (or before) that position, read by walking the
(key, id) index from it: page 10,000 costs what page 1 does (no OFFSET), and rows inserted or
deleted elsewhere never shift or repeat a page. Cursors are opaque to clients (base64url JSON);
a tampered one is refused as invalid input, never a 500.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson
from django.db.models import Q, QuerySet

from shared_models.errors import ValidationError
from shared_models.validation import FieldError, clean_cursor_text, clean_id, clean_price_bound

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 1000

# How a key's value travels inside a cursor and comes back out.
# A value no column could hold (a NUL, a decimal of 10**999999999) is a tampered cursor: refused
# here as a ValueError, before the database refuses it with an error of its own.
_DECODERS: dict[type, Callable[[Any], Any]] = {
    int: int,
    str: clean_cursor_text,
    Decimal: clean_price_bound,
    date: date.fromisoformat,
}


@dataclass(frozen=True, slots=True)
class Ordering:
    name: str  # as the client writes it: "title", "-price"
    field: str  # model field; "id" alone needs no tie-breaker
    kind: type  # the key's Python type, to decode it from a cursor
    descending: bool

    @property
    def order_by(self) -> tuple[str, ...]:
        sign = "-" if self.descending else ""
        if self.field == "id":
            return (f"{sign}id",)
        return (f"{sign}{self.field}", f"{sign}id")


@dataclass(frozen=True, slots=True)
class Position:
    value: Any
    row_id: int
    before: bool


def parse_ordering(
    value: str | None, allowed: Mapping[str, tuple[str, type]], default: str
) -> Ordering:
    """`allowed` maps public names ("price") to (model field, key type); "-" means descending."""
    name = (value or default).strip()
    public = name.removeprefix("-")
    if public not in allowed:
        choices = ", ".join(sorted(allowed) + sorted(f"-{key}" for key in allowed))
        raise ValidationError({"ordering": [f"Unknown ordering {name!r}; use one of: {choices}."]})
    field, kind = allowed[public]
    return Ordering(name=name, field=field, kind=kind, descending=name.startswith("-"))


def clean_page_size(value: Any, *, default: int = DEFAULT_PAGE_SIZE) -> int:
    """A page size from 1 up; larger than MAX_PAGE_SIZE is capped, not refused (like DRF)."""
    if value is None or value == "":
        return default
    try:
        size = clean_id(value)  # the id rule: no bool, fraction, infinity or 5,000-digit string
    except FieldError as exc:
        raise ValidationError({"page_size": [str(exc)]}) from None
    if size < 1:
        raise ValidationError({"page_size": ["Must be at least 1."]})
    return min(size, MAX_PAGE_SIZE)


def encode_cursor(ordering: Ordering, value: Any, row_id: int, *, before: bool) -> str:
    payload = {"o": ordering.name, "v": _encodable(value), "i": row_id, "b": int(before)}
    return base64.urlsafe_b64encode(orjson.dumps(payload)).rstrip(b"=").decode()


def _encodable(value: Any) -> Any:
    if isinstance(value, (Decimal, date)):
        return str(value)
    return value


def decode_cursor(cursor: str, ordering: Ordering) -> Position:
    invalid = ValidationError({"cursor": ["Invalid cursor."]})
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = orjson.loads(raw)
        if payload["o"] != ordering.name:
            raise ValidationError(
                {"cursor": ["This cursor belongs to another ordering; start from the first page."]}
            )
        row_id = payload["i"]
        if not isinstance(row_id, int) or isinstance(row_id, bool):
            raise invalid
        clean_id(row_id)  # within 64 bits, or a FieldError (a ValueError): an invalid cursor
        value = row_id if ordering.field == "id" else _DECODERS[ordering.kind](payload["v"])
        return Position(value=value, row_id=row_id, before=bool(payload["b"]))
    except ValidationError:
        raise
    except (
        binascii.Error,
        orjson.JSONDecodeError,
        KeyError,
        TypeError,
        ValueError,
        InvalidOperation,
        UnicodeDecodeError,
    ):
        raise invalid from None


def _beyond(ordering: Ordering, position: Position, *, backwards: bool) -> Q:
    """Rows strictly past `position` in reading direction (or before it when `backwards`).

    Written as `key >= v AND (key > v OR id > i)` rather than the plain OR, so the database can
    range-scan the (key, id) index from v instead of scanning everything greater than v.
    """
    greater = ordering.descending == backwards
    cmp, cmp_eq = ("gt", "gte") if greater else ("lt", "lte")
    if ordering.field == "id":
        return Q(**{f"id__{cmp}": position.row_id})
    field, value = ordering.field, position.value
    return Q(**{f"{field}__{cmp_eq}": value}) & (
        Q(**{f"{field}__{cmp}": value}) | Q(**{f"id__{cmp}": position.row_id})
    )


def page_query(
    queryset: QuerySet[Any],
    *,
    columns: Sequence[str],
    ordering: Ordering,
    position: Position | None,
    page_size: int,
) -> QuerySet[Any]:
    """`queryset.values_list(*columns)` from `position` on: page_size + 1 rows, the extra row
    only telling whether another page exists."""
    backwards = bool(position and position.before)
    if position:
        queryset = queryset.filter(_beyond(ordering, position, backwards=backwards))
    order_by = ordering.order_by
    if backwards:
        order_by = tuple(key[1:] if key.startswith("-") else f"-{key}" for key in order_by)
    return queryset.order_by(*order_by).values_list(*columns)[: page_size + 1]


def paginate(
    queryset: QuerySet[Any],
    *,
    columns: Sequence[str],
    ordering: Ordering,
    cursor: str | None,
    page_size: int,
) -> tuple[list[tuple[Any, ...]], str | None, str | None]:
    """Fetch one page of `queryset.values_list(*columns)`: (rows, next_cursor, previous_cursor).

    `columns` must include "id" and the ordering field. One query.
    """
    position = decode_cursor(cursor, ordering) if cursor else None
    rows = page_query(
        queryset, columns=columns, ordering=ordering, position=position, page_size=page_size
    )
    return page_of(list(rows), columns=columns, ordering=ordering, position=position,
                   page_size=page_size)  # fmt: skip


def page_of(
    rows: list[tuple[Any, ...]],
    *,
    columns: Sequence[str],
    ordering: Ordering,
    position: Position | None,
    page_size: int,
) -> tuple[list[tuple[Any, ...]], str | None, str | None]:
    """The rows `page_query` fetched, in reading order, with the cursors on either side."""
    backwards = bool(position and position.before)
    more = len(rows) > page_size
    rows = rows[:page_size]
    if backwards:
        rows.reverse()
    if not rows:
        return rows, None, None
    key_index, id_index = columns.index(ordering.field), columns.index("id")

    def cursor_at(row: tuple[Any, ...], *, before: bool) -> str:
        return encode_cursor(ordering, row[key_index], row[id_index], before=before)

    has_next = more if not backwards else True
    has_previous = more if backwards else position is not None
    next_cursor = cursor_at(rows[-1], before=False) if has_next else None
    previous_cursor = cursor_at(rows[0], before=True) if has_previous else None
    return rows, next_cursor, previous_cursor
