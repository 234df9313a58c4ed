"""Query parameters of the lists, parsed and type-checked by django-filter.

A value of the wrong type (a price that is not a number, a date that is not a date) is a 400
problem naming the parameter. What a valid value means is the selectors' business: the cleaned
values become a shared_models.selectors.BookFilter, and `ordering`, `cursor` and `page_size`
go to the selector untouched, which validates them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_filters
from django import forms

from catalog_contract import fields
from catalog_contract.ids import MAX_ID, MIN_ID
from shared_models.errors import ValidationError
from shared_models.models import Author, Book
from shared_models.selectors import BookFilter


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=MIN_ID, max_value=MAX_ID, **kwargs)


def _text(help_text: str, max_length: int = 100) -> django_filters.CharFilter:
    return django_filters.CharFilter(max_length=max_length, help_text=help_text)


def _price(help_text: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(max_digits=12, decimal_places=2, help_text=help_text)


class BookFilterSet(django_filters.FilterSet):
    author = IdFilter(help_text="Books credited to this author id.")
    publisher = IdFilter(help_text="Books from this publisher id.")
    genre = _text("Books in this genre (its slug).")
    language = _text("ISO 639-1 language code, e.g. `en`.", max_length=10)
    isbn = _text("ISBN-13, hyphens allowed.", max_length=30)
    min_price = _price("Price at least this amount.")
    max_price = _price("Price at most this amount.")
    published_after = django_filters.DateFilter(help_text="Published on or after (YYYY-MM-DD).")
    published_before = django_filters.DateFilter(help_text="Published on or before (YYYY-MM-DD).")
    search = _text("Words that must each appear in the title or an author's name.", 200)

    class Meta:
        model = Book
        fields: list[str] = []


class AuthorFilterSet(django_filters.FilterSet):
    search = _text("Part of the author's name.", 200)

    class Meta:
        model = Author
        fields: list[str] = []


def cleaned(filterset_class: type[django_filters.FilterSet], params: Mapping) -> dict[str, Any]:
    filterset = filterset_class(params, queryset=filterset_class._meta.model.objects.none())
    if not filterset.is_valid():
        raise ValidationError({name: list(msgs) for name, msgs in filterset.errors.items()})
    return filterset.form.cleaned_data


def book_filter(params: Mapping) -> BookFilter:
    if not params.keys() & BookFilterSet.base_filters.keys():
        return BookFilter()  # the plain first page: no form to build and validate
    values = cleaned(BookFilterSet, params)
    criteria = fields.V2_FILTER_PARAMETERS
    return BookFilter(
        **{criteria[name]: None if value == "" else value for name, value in values.items()}
    )
