"""Mutated envelopes for every operation, SOAP 1.1 and 1.2, with and without a token: elements
reordered, duplicated, dropped or renamespaced, attributes added, envelopes of mixed versions,
huge text and extreme values in typed fields. Every answer is a SOAP envelope of the endpoint's
version holding a result or a Client fault: never a Server fault, an HTML page or a traceback.

In-process (Django's test client), Hypothesis-driven (tests/fuzzing.py: a bounded, seeded slice
in the normal suite, a time budget under `make fuzz`)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import tokens
from tests.factories import make_book, make_genre, valid_isbn
from tests.fuzzing import examples
from tests.soap.conftest import CONTENT_TYPES, ENDPOINTS
from tests.soap.faults import assert_result_or_client_fault
from tests.soap.mutations import Tree, build, envelopes

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]


def operations(ids: dict[str, Any]) -> dict[str, Tree]:
    """A valid request of every operation, naming rows that exist."""
    book = [
        ("isbn", valid_isbn(7)),
        ("title", "Tehanu"),
        ("subtitle", "The Last Book of Earthsea"),
        ("author_ids", [("id", str(ids["author"]))]),
        ("publisher_id", str(ids["publisher"])),
        ("genre_slugs", [("slug", "fantasy")]),
        ("published_date", "1990-02-01"),
        ("language", "en"),
        ("pages", "252"),
        ("price", [("amount", "8.99"), ("currency", "EUR")]),
        ("description", "Tenar."),
    ]
    book_filter = [
        ("author_id", str(ids["author"])),
        ("publisher_id", str(ids["publisher"])),
        ("genre", "fantasy"),
        ("language", "en"),
        ("min_price", "1.00"),
        ("max_price", "100.00"),
        ("published_after", "1900-01-01"),
        ("published_before", "2020-01-01"),
        ("search", "earthsea"),
        ("ordering", "-price"),
    ]
    page = [("cursor", ids["cursor"]), ("page_size", "2")]
    book_id, version = ("id", str(ids["book"])), ("version", str(ids["version"]))
    return {
        "GetBook": ("GetBook", [book_id]),
        "GetBookByIsbn": ("GetBookByIsbn", [("isbn", ids["isbn"])]),
        "GetBooks": ("GetBooks", [("ids", [("id", str(ids["book"])), ("id", "987654321")])]),
        "ListBooks": ("ListBooks", [("filter", book_filter), ("page_size", "5")]),
        "CreateBook": ("CreateBook", [("book", book)]),
        "UpdateBook": ("UpdateBook", [book_id, version, ("book", book)]),
        "DeleteBook": ("DeleteBook", [book_id, version]),
        "GetAuthor": ("GetAuthor", [("id", str(ids["author"]))]),
        "ListAuthors": ("ListAuthors", page),
        "CreateAuthor": ("CreateAuthor", [("author", [("name", "Tenar"),
                                                      ("birth_date", "1950-01-01")])]),
        "GetPublisher": ("GetPublisher", [("id", str(ids["publisher"]))]),
        "ListPublishers": ("ListPublishers", page),
        "CreatePublisher": ("CreatePublisher", [("publisher", [("name", "Atheneum"),
                                                               ("country", "US")])]),
        "GetGenre": ("GetGenre", [("slug", "fantasy")]),
        "ListGenres": ("ListGenres", page),
        "CreateGenre": ("CreateGenre", [("genre", [("slug", "sea-stories"),
                                                   ("name", "Sea stories")])]),
    }  # fmt: skip


@pytest.fixture
def catalog_ids(client) -> dict[str, Any]:
    genre = make_genre("fantasy")
    book = make_book(genres=[genre], isbn=valid_isbn(3))
    make_book(genres=[genre], isbn=valid_isbn(4), publisher=book.publisher)
    author = book.author_links.get().author
    return {
        "book": book.pk,
        "version": book.version,
        "isbn": book.isbn,
        "author": author.pk,
        "publisher": book.publisher_id,
        "cursor": "",
    }


OPERATION_NAMES = sorted(operations(dict.fromkeys(("author", "publisher", "book", "version",
                                                   "isbn", "cursor"), "1")))  # fmt: skip


def editor() -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.mint(scope='catalog:read catalog:write')}"}


@pytest.mark.parametrize("operation", OPERATION_NAMES)
@settings(
    max_examples=examples(ci=12),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), version=st.sampled_from(["1.1", "1.2"]), token=st.booleans())
def test_every_mutated_envelope_is_answered_with_a_result_or_a_client_fault(
    client, catalog_ids, operation, data, version, token
):
    body = build(operations(catalog_ids)[operation])
    request = data.draw(envelopes(body, version))
    response = client.post(
        ENDPOINTS[version],
        data=request,
        content_type=CONTENT_TYPES[version],
        **(editor() if token else {}),
    )
    assert_result_or_client_fault(response, version)
