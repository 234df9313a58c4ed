"""The v2 book as a JSON-ready dict: what REST v2 answers, what SOAP's `Book` mirrors and what an
export writes, one line per book. Money travels as a string ("12.50") so no client ever reads a
price through a binary float.
"""

from __future__ import annotations

from typing import Any

from shared_models.records import BookRecord


def book_v2(book: BookRecord) -> dict[str, Any]:
    return {
        "id": book.id,
        "isbn": book.isbn,
        "title": book.title,
        "subtitle": book.subtitle,
        "authors": [{"id": author.id, "name": author.name} for author in book.authors],
        "publisher": {"id": book.publisher.id, "name": book.publisher.name},
        "genres": [{"slug": genre.slug, "name": genre.name} for genre in book.genres],
        "published_date": book.published_date,
        "language": book.language,
        "pages": book.pages,
        "price": {"amount": str(book.price), "currency": book.currency},
        "description": book.description,
        "version": book.version,
        "created_at": book.created_at,
        "updated_at": book.updated_at,
    }
