"""Book fields as the service layer names them, and how REST v2 names them.

The service layer (and SOAP's BookInput) use flat names: `author_ids`, `publisher_id`,
`genre_slugs`, `price` and `currency`. REST v2 nests: `authors: [{id, name}]`,
`publisher: {id, name}`, `genres: [{slug, name}]`, `price: {amount, currency}`, and takes bare
ids and slugs too, so a body fetched with GET can be sent back with PUT.

Every REST resource's keys are listed here too, in the order it writes them: `fields=` (sparse
fieldsets) selects among them, and the gateway's mediation projects with the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from catalog_contract import elements

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

NOT_WITH_IDS: Final = (*V2_FILTER_PARAMETERS, "cursor", "page_size")
"""Book list parameters a batch read (`ids=`) cannot be combined with: the ids name the books
exactly, in their order, on one page."""
NOT_WITH_IDS_MESSAGE: Final = "Cannot be combined with ids."
GIVE_ONCE: Final = "Give {} once, separated by commas."
"""What a list parameter (`fields`, `ids`) sent more than once is told."""

# -- sparse fieldsets (`fields=`) -------------------------------------------------------------

BOOK_V1_KEYS: Final = (
    "id", "isbn", "title", "subtitle", "author_ids", "publisher_id", "genre_slugs",
    "published_date", "language", "pages", "price", "currency", "description", "version",
    "created_at", "updated_at",
)  # fmt: skip
"""A REST v1 book's keys, in the order it writes them."""
BOOK_V2_KEYS: Final = elements.BOOK
"""A REST v2 book's keys: the SOAP Book's elements, in the same order."""
AUTHOR_KEYS: Final = ("id", "name", "birth_date")
PUBLISHER_KEYS: Final = ("id", "name", "country")
GENRE_KEYS: Final = ("slug", "name")


class BadFields(ValueError):
    """A `fields` selection that cannot be served; `messages` say why, for the client."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("; ".join(messages))


def selected_keys(value: str, keys: tuple[str, ...]) -> tuple[str, ...]:
    """The keys `fields=value` selects, in the resource's order (not the order asked for).

    Names are a resource's top-level keys, comma-separated: a nested object comes whole
    (`price` is `{amount, currency}` in v2), and `price.amount` is an unknown name. A name
    asked for twice is served once. Empty names (`fields=`, `id,,title`) and unknown ones are
    refused, every unknown one named.
    """
    asked = value.split(",")
    if not value or "" in asked:
        raise BadFields(["Give one or more field names, separated by commas."])
    unknown = [name for name in dict.fromkeys(asked) if name not in keys]
    if unknown:
        shown = ", ".join(repr(name[:40]) for name in unknown[:10])
        raise BadFields([f"Unknown field(s): {shown}; choose from {', '.join(keys)}."])
    return tuple(key for key in keys if key in asked)


def project(document: Mapping[str, Any], selected: tuple[str, ...]) -> dict[str, Any]:
    """Only the `selected` keys of a representation, in `selected`'s order."""
    return {key: document[key] for key in selected}


def selection_tag(selected: tuple[str, ...], keys: tuple[str, ...]) -> str:
    """A short name for a selection, the same however the client spelled it (a bit per key of
    the resource, in hex): what tells a sparse representation's ETag from the full one's."""
    mask = sum(1 << position for position, key in enumerate(keys) if key in selected)
    return f"f{mask:x}"
