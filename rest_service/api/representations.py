"""Records (shared_models.records) as JSON-ready dicts, one plain function per shape.

These are the hot path of every list: no serializer fields, no per-field hooks, just dict
literals that orjson renders (dates and datetimes natively, ISO 8601). Money travels as a string
("12.50") so no client ever reads a price through a binary float.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared_models.book_shapes import book_v2
from shared_models.records import AuthorRecord, BookRecord, GenreRecord, PublisherRecord

__all__ = ["author", "book_v1", "book_v2", "genre", "publisher"]

Representation = Callable[[Any], dict[str, Any]]


def book_v1(book: BookRecord) -> dict[str, Any]:
    return {
        "id": book.id,
        "isbn": book.isbn,
        "title": book.title,
        "subtitle": book.subtitle,
        "author_ids": [author.id for author in book.authors],
        "publisher_id": book.publisher.id,
        "genre_slugs": [genre.slug for genre in book.genres],
        "published_date": book.published_date,
        "language": book.language,
        "pages": book.pages,
        "price": str(book.price),
        "currency": book.currency,
        "description": book.description,
        "version": book.version,
        "created_at": book.created_at,
        "updated_at": book.updated_at,
    }


def author(record: AuthorRecord) -> dict[str, Any]:
    return {"id": record.id, "name": record.name, "birth_date": record.birth_date}


def publisher(record: PublisherRecord) -> dict[str, Any]:
    return {"id": record.id, "name": record.name, "country": record.country}


def genre(record: GenreRecord) -> dict[str, Any]:
    """A genre's public key is its slug (its URL); the row id stays inside."""
    return {"slug": record.slug, "name": record.name}
