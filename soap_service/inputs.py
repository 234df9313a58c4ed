"""SOAP arguments as the service layer's input, and its errors back in the client's names.

The service layer validates every value; this module only moves them. Absent optional elements
stay absent, so the service's defaults apply (and a missing required one is reported as such).
Every service field remembers the element path it came from, so a ValidationError names what
the client sent: `book.price.amount`, `filter.isbn`, `author.name`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from spyne import ComplexModel

from shared_models.errors import ValidationError
from shared_models.selectors import BookFilter as Criteria

T = TypeVar("T")

_BOOK_FIELDS = (
    "isbn", "title", "subtitle", "author_ids", "publisher_id", "genre_slugs", "published_date",
    "language", "pages", "description",
)  # fmt: skip
_CRITERIA_FIELDS = tuple(Criteria.__dataclass_fields__)


@contextmanager
def client_names(names: Mapping[str, str]) -> Iterator[None]:
    """Re-raise the service's ValidationError with its fields renamed by `names`."""
    try:
        yield
    except ValidationError as exc:
        renamed = {names.get(name, name): messages for name, messages in exc.errors.items()}
        raise ValidationError(renamed, detail=exc.detail) from None


@dataclass(frozen=True)
class ServiceInput:
    data: dict[str, Any]
    client_names: dict[str, str] = field(default_factory=dict)  # service field -> element path

    def apply(self, operation: Callable[..., T], **arguments: Any) -> T:
        with client_names(self.client_names):
            return operation(data=self.data, **arguments)


def _present(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def plain_input(argument: str, value: ComplexModel) -> ServiceInput:
    """An input type whose element names are the service's field names (authors, publishers,
    genres)."""
    names = list(type(value)._type_info)
    return ServiceInput(
        _present({name: getattr(value, name) for name in names}),
        {name: f"{argument}.{name}" for name in names},
    )


def book_input(book: ComplexModel) -> ServiceInput:
    """BookInput, whose price nests: Money {amount, currency} -> the service's price, currency."""
    values = {name: getattr(book, name) for name in _BOOK_FIELDS}
    names = {name: f"book.{name}" for name in _BOOK_FIELDS}
    if book.price is not None:
        values.update(price=book.price.amount, currency=book.price.currency)
    names.update(price="book.price.amount", currency="book.price.currency")
    return ServiceInput(_present(values), names)


def book_criteria(book_filter: ComplexModel | None) -> Criteria:
    if book_filter is None:
        return Criteria()
    return Criteria(**{name: getattr(book_filter, name) for name in _CRITERIA_FIELDS})


LIST_BOOKS_NAMES = {
    **{name: f"filter.{name}" for name in _CRITERIA_FIELDS},
    "ordering": "filter.ordering",
}
