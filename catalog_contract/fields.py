"""Book fields as the service layer names them, and how REST v2 names them.

The service layer (and SOAP's BookInput) use flat names: `author_ids`, `publisher_id`,
`genre_slugs`, `price` and `currency`. REST v2 nests: `authors: [{id, name}]`,
`publisher: {id, name}`, `genres: [{slug, name}]`, `price: {amount, currency}`, and takes bare
ids and slugs too, so a body fetched with GET can be sent back with PUT.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

BOOK_REQUIRED: Final = (
    "isbn", "title", "author_ids", "publisher_id", "published_date", "language", "pages", "price",
)  # fmt: skip
"""What creating a book (or replacing one) needs, in the service's (and BookInput's) names."""

BOOK_READ_ONLY_KEYS: Final = frozenset({"id", "version", "created_at", "updated_at"})
"""Keys of a REST book (v1 and v2) that a client may echo back and that are ignored on input."""

V2_REFERENCES: Final = MappingProxyType(
    {
        "authors": ("author_ids", "id"),
        "publisher": ("publisher_id", "id"),
        "genres": ("genre_slugs", "slug"),
    }
)
"""REST v2 key -> (service field, the key identifying a referenced object)."""

V2_REFERENCE_LISTS: Final = frozenset({"authors", "genres"})
"""The REST v2 references that are lists."""

V2_NAMES: Final = MappingProxyType(
    {
        "author_ids": "authors",
        "publisher_id": "publisher",
        "genre_slugs": "genres",
        "currency": "price.currency",
    }
)
"""Service field -> what REST v2 calls it; a REST v2 body must not use the service's names."""

V2_FILTER_PARAMETERS: Final = MappingProxyType(
    {
        "author": "author_id",
        "publisher": "publisher_id",
        "genre": "genre",
        "language": "language",
        "isbn": "isbn",
        "min_price": "min_price",
        "max_price": "max_price",
        "published_after": "published_after",
        "published_before": "published_before",
        "search": "search",
        "ordering": "ordering",
    }
)
"""REST v2 book list parameter -> BookFilter field (and the selectors' criterion)."""
