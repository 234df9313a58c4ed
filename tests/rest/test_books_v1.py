"""Books in v1, the deprecated flat shape: every endpoint, and the deprecation headers on every
v1 response (errors included)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils.http import parse_http_date

from shared_models.models import Book
from tests.factories import book_data, make_book, make_genre
from tests.rest.problems import assert_problem

pytestmark = pytest.mark.django_db


def test_a_book_is_read_in_the_flat_shape(anonymous):
    book = make_book(genres=[make_genre("fantasy")], price=Decimal("12.50"))
    body = anonymous.get(f"/api/v1/books/{book.pk}/").json()
    author = book.authors.get()
    assert {
        k: body[k] for k in ("author_ids", "publisher_id", "genre_slugs", "price", "currency")
    } == {
        "author_ids": [author.pk],
        "publisher_id": book.publisher_id,
        "genre_slugs": ["fantasy"],
        "price": "12.50",
        "currency": "EUR",
    }
    assert "authors" not in body and "publisher" not in body


def test_v1_responses_announce_deprecation_sunset_and_successor(anonymous, settings):
    settings.REST_V1_DEPRECATED_AT = datetime(2026, 11, 1, tzinfo=UTC)
    settings.REST_V1_SUNSET_AT = datetime(2027, 6, 30, tzinfo=UTC)
    book = make_book()
    response = anonymous.get(f"/api/v1/books/{book.pk}/")
    assert response["Deprecation"] == f"@{int(datetime(2026, 11, 1, tzinfo=UTC).timestamp())}"
    assert response["Sunset"] == "Wed, 30 Jun 2027 00:00:00 GMT"
    assert response["Link"] == (
        f'<http://testserver/api/v2/books/{book.pk}/>; rel="successor-version"'
    )


def test_the_sunset_is_not_earlier_than_the_deprecation(anonymous):
    response = anonymous.get("/api/v1/books/")
    deprecated_at = int(response["Deprecation"].removeprefix("@"))
    assert parse_http_date(response["Sunset"]) >= deprecated_at


def test_the_successor_link_keeps_the_query(anonymous):
    response = anonymous.get("/api/v1/books/?language=en&page_size=5")
    assert response["Link"].startswith("<http://testserver/api/v2/books/?language=en&page_size=5>")


def test_v1_errors_carry_the_deprecation_headers_too(anonymous):
    response = anonymous.get("/api/v1/books/999999/")
    assert_problem(response, 404, "not-found")
    assert response["Deprecation"].startswith("@")


def test_create_takes_the_flat_shape(editor):
    response = editor.post("/api/v1/books/", book_data(title="Flat"), format="json")
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"http://testserver/api/v1/books/{body['id']}/"
    assert (body["title"], body["price"], body["currency"]) == ("Flat", "12.50", "EUR")
    assert response["Deprecation"].startswith("@")


def test_a_fetched_v1_body_can_be_put_back(editor):
    book = make_book()
    fetched = editor.get(f"/api/v1/books/{book.pk}/")
    response = editor.put(
        f"/api/v1/books/{book.pk}/", fetched.json(), format="json", HTTP_IF_MATCH=fetched["ETag"]
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_patch_and_delete_work_in_v1(editor):
    book = make_book(title="Before")
    patched = editor.patch(
        f"/api/v1/books/{book.pk}/", {"title": "After"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert (patched.status_code, patched.json()["title"]) == (200, "After")
    deleted = editor.delete(f"/api/v1/books/{book.pk}/", HTTP_IF_MATCH='"2"')
    assert deleted.status_code == 204
    assert not Book.objects.exists()


def test_v1_errors_use_the_flat_field_names(editor):
    response = editor.post("/api/v1/books/", book_data(author_ids=[], price="1.234"), format="json")
    assert set(assert_problem(response, 400, "invalid")["errors"]) == {"author_ids", "price"}


def test_v1_lists_are_flat(anonymous):
    make_book(title="One")
    results = anonymous.get("/api/v1/books/").json()["results"]
    assert results[0]["title"] == "One" and "author_ids" in results[0]
