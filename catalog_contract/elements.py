"""The WSDL's element orders (xs:sequence): a message in another order is invalid, so clients
that write XML by hand take the order from here.
"""

from __future__ import annotations

from typing import Final

MONEY: Final = ("amount", "currency")
AUTHOR_REF: Final = ("id", "name")
PUBLISHER_REF: Final = ("id", "name")
GENRE_REF: Final = ("slug", "name")

BOOK: Final = (
    "id", "isbn", "title", "subtitle", "authors", "publisher", "genres", "published_date",
    "language", "pages", "price", "description", "version", "created_at", "updated_at",
)  # fmt: skip
BOOK_INPUT: Final = (
    "isbn", "title", "subtitle", "author_ids", "publisher_id", "genre_slugs", "published_date",
    "language", "pages", "price", "description",
)  # fmt: skip
BOOK_FILTER: Final = (
    "author_id", "publisher_id", "genre", "language", "isbn", "min_price", "max_price",
    "published_after", "published_before", "search", "ordering",
)  # fmt: skip
BOOK_PAGE: Final = ("books", "next_cursor", "previous_cursor")
BOOK_LIST: Final = ("books",)
"""GetBooks' answer: the books asked for, in the order asked."""

LIST_ITEMS: Final = {"author_ids": "id", "genre_slugs": "slug"}
"""BookInput's arrays of simple values: the element each item is written as."""
BATCH_ITEMS: Final = {"ids": "id"}
"""GetBooks' array of ids: the element each id is written as."""
