"""A page of books costs the same few queries whatever its size: no N+1 in any list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared_models.models import Book
from tests.factories import make_author, make_book, make_genre, make_publisher
from tests.soap.conftest import envelope, post_envelope

pytestmark = pytest.mark.django_db


def queries_for(client, body: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = post_envelope(client, envelope(body))
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.fixture
def catalog():
    authors = [make_author(f"Author {i}") for i in range(3)]
    genres = [make_genre("fantasy"), make_genre("poetry")]
    publisher = make_publisher()
    for i in range(120):
        make_book(title=f"Book {i:03d}", authors=authors, genres=genres, publisher=publisher)


def test_list_books_costs_two_queries_for_5_or_100_books(client, catalog):
    small = queries_for(client, "<t:ListBooks><t:page_size>5</t:page_size></t:ListBooks>")
    large = queries_for(client, "<t:ListBooks><t:page_size>100</t:page_size></t:ListBooks>")
    assert small == large == 2  # books with publishers; their authors and genres


def test_a_filtered_ordered_later_page_costs_the_same(client, catalog):
    body = (
        "<t:ListBooks><t:filter><t:genre>fantasy</t:genre><t:search>Book</t:search>"
        "<t:ordering>-title</t:ordering></t:filter><t:page_size>50</t:page_size></t:ListBooks>"
    )
    assert queries_for(client, body) == 2


@pytest.mark.parametrize("operation", ["ListAuthors", "ListPublishers", "ListGenres"])
def test_reference_lists_cost_one_query(client, catalog, operation):
    assert (
        queries_for(client, f"<t:{operation}><t:page_size>100</t:page_size></t:{operation}>") == 1
    )


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_get_book_costs_one_query(client, catalog, version, django_assert_num_queries):
    book_id = Book.objects.values_list("id", flat=True).first()
    body = envelope(f"<t:GetBook><t:id>{book_id}</t:id></t:GetBook>", version=version)
    with django_assert_num_queries(1):  # the book with its publisher, its authors and genres
        response = post_envelope(client, body, version)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("count", [1, 100])
def test_get_books_costs_two_queries_whatever_its_size(client, catalog, count):
    ids = Book.objects.order_by("-id").values_list("id", flat=True)[:count]
    body = "".join(f"<t:id>{book_id}</t:id>" for book_id in ids)
    assert queries_for(client, f"<t:GetBooks><t:ids>{body}</t:ids></t:GetBooks>") == 2
