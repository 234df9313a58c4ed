"""Test data in one place. Factories write through the ORM (fast, and able to build states the
service layer would refuse); `book_data` is valid service-layer input to start variations from."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from shared_models.models import Author, Book, BookAuthor, BookGenre, Genre, Publisher
from shared_models.validation import isbn13_check_digit

_sequence = itertools.count(1)


def valid_isbn(n: int | None = None) -> str:
    body = f"978{(n if n is not None else next(_sequence)) % 10**9:09d}"
    return body + str(isbn13_check_digit(body))


def make_author(name: str = "Ursula K. Le Guin", **fields: Any) -> Author:
    return Author.objects.create(name=name, **fields)


def make_publisher(name: str = "Ace Books", country: str = "US") -> Publisher:
    return Publisher.objects.create(name=name, country=country)


def make_genre(slug: str = "fantasy", name: str | None = None) -> Genre:
    return Genre.objects.create(slug=slug, name=name or slug.replace("-", " ").title())


def make_book(
    *,
    authors: list[Author] | None = None,
    genres: list[Genre] | None = None,
    publisher: Publisher | None = None,
    **fields: Any,
) -> Book:
    values: dict[str, Any] = {
        "isbn": valid_isbn(),
        "title": "A Wizard of Earthsea",
        "published_date": date(1968, 11, 1),
        "language": "en",
        "pages": 183,
        "price": Decimal("9.99"),
        "currency": "EUR",
    }
    values.update(fields)
    book = Book.objects.create(publisher=publisher or make_publisher(), **values)
    for position, author in enumerate(authors if authors is not None else [make_author()]):
        BookAuthor.objects.create(book=book, author=author, position=position)
    for genre in genres or []:
        BookGenre.objects.create(book=book, genre=genre)
    return book


def book_data(**overrides: Any) -> dict[str, Any]:
    """Valid input for services.book_create; creates the author and publisher it refers to."""
    data: dict[str, Any] = {
        "isbn": valid_isbn(),
        "title": "The Left Hand of Darkness",
        "subtitle": "",
        "author_ids": [make_author().pk],
        "publisher_id": make_publisher().pk,
        "genre_slugs": [],
        "published_date": "1969-03-01",
        "language": "en",
        "pages": 286,
        "price": "12.50",
        "currency": "EUR",
        "description": "Winter.",
    }
    data.update(overrides)
    return data


def book_body_v2(**overrides: Any) -> dict[str, Any]:
    """The same valid book as `book_data`, in REST v2's nested input shape."""
    flat = book_data()
    body: dict[str, Any] = {
        "isbn": flat["isbn"],
        "title": flat["title"],
        "subtitle": flat["subtitle"],
        "authors": [{"id": author_id} for author_id in flat["author_ids"]],
        "publisher": {"id": flat["publisher_id"]},
        "genres": [],
        "published_date": flat["published_date"],
        "language": flat["language"],
        "pages": flat["pages"],
        "price": {"amount": flat["price"], "currency": flat["currency"]},
        "description": flat["description"],
    }
    body.update(overrides)
    return body


def make_user(
    username: str = "editor",
    password: str = "editor-pass",
    *,
    staff: bool = True,
    active: bool = True,
    digest_secret: str | None = None,
):
    """A Django user (staff edit the catalog); `digest_secret` enables PasswordDigest."""
    from django.contrib.auth import get_user_model

    from shared_models.credentials import set_digest_secret

    user = get_user_model().objects.create_user(
        username=username, password=password, is_staff=staff, is_active=active
    )
    if digest_secret is not None:
        set_digest_secret(user, digest_secret)
    return user
