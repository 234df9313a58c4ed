"""What the selectors return: plain, slotted dataclasses, not model instances.

Both protocols serialise these directly (orjson handles dataclasses; Spyne reads attributes), so a
page of books never pays for per-field ModelSerializer work or lazy relation loading.

A BookRecord is not `frozen`: a frozen dataclass's __init__ sets each field through
object.__setattr__, which made one cost 2.8 us to build instead of 0.4 us (a 100-book page builds
100 of them). Nothing changes a record after a selector returns it. The refs are frozen values:
the selectors build each distinct one once and share it between records (see selectors.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AuthorRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class PublisherRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class GenreRef:
    slug: str
    name: str


@dataclass(slots=True)
class BookRecord:
    id: int
    isbn: str
    title: str
    subtitle: str
    authors: list[AuthorRef]
    publisher: PublisherRef
    genres: list[GenreRef]
    published_date: date
    language: str
    pages: int
    price: Decimal
    currency: str
    description: str
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class AuthorRecord:
    id: int
    name: str
    birth_date: date | None


@dataclass(slots=True)
class PublisherRecord:
    id: int
    name: str
    country: str


@dataclass(slots=True)
class GenreRecord:
    id: int
    slug: str
    name: str


@dataclass(slots=True)
class Page(Generic[T]):
    """One page of a keyset-paginated list; cursors are opaque strings or None at either end."""

    items: list[T]
    next_cursor: str | None
    previous_cursor: str | None
