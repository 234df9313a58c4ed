"""Every REST read costs a fixed number of queries, whatever the version and the page size."""

from __future__ import annotations

import pytest

from tests.factories import make_author, make_book, make_genre, make_publisher

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    authors = [make_author(f"Author {i}") for i in range(3)]
    genres = [make_genre("fantasy"), make_genre("poetry")]
    publisher = make_publisher()
    return [
        make_book(title=f"Book {i:03d}", authors=authors, genres=genres, publisher=publisher)
        for i in range(120)
    ]


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_a_book_costs_one_query(anonymous, books, version, django_assert_num_queries):
    with django_assert_num_queries(1):  # the book with its publisher, its authors and genres
        response = anonymous.get(f"/api/{version}/books/{books[0].pk}/")
    assert response.status_code == 200


def test_a_missing_book_costs_one_query(anonymous, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = anonymous.get("/api/v2/books/987654/")
    assert response.status_code == 404


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("size", [5, 100])
def test_a_page_costs_two_queries_whatever_its_size(
    anonymous, books, version, size, django_assert_num_queries
):
    with django_assert_num_queries(2):
        response = anonymous.get(f"/api/{version}/books/", {"page_size": size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("count", [1, 100])
def test_a_batch_costs_two_queries_whatever_its_size(
    anonymous, books, version, count, django_assert_num_queries
):
    ids = ",".join(str(book.pk) for book in reversed(books[:count]))
    with django_assert_num_queries(2):  # the books with their publisher; their authors and genres
        response = anonymous.get(f"/api/{version}/books/", {"ids": ids})
    assert len(response.json()["results"]) == count


def test_sparse_fields_cost_no_more_queries(anonymous, books, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = anonymous.get("/api/v2/books/", {"page_size": 100, "fields": "id,title"})
    assert len(response.json()["results"]) == 100
