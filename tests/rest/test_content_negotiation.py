"""What a REST read answers as, by its Accept header and `?format=`: JSON whether or not a
media type is named, a 406 for one the API cannot answer, a 404 for a format it does not have."""

from __future__ import annotations

import pytest

from tests.factories import make_book

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/*"])
def test_a_book_is_json_whatever_json_compatible_accept_is_sent(anonymous, accept):
    book = make_book(title="Negotiated")
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    response = anonymous.get(f"/api/v2/books/{book.pk}/", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["title"] == "Negotiated"


def test_a_page_without_accept_is_the_same_json_as_with_accept_json(anonymous):
    make_book(title="One")
    bare = anonymous.get("/api/v1/books/")
    named = anonymous.get("/api/v1/books/", HTTP_ACCEPT="application/json")
    assert (bare.status_code, bare["Content-Type"]) == (200, "application/json")
    assert bare.content == named.content


def test_a_media_type_the_api_cannot_answer_is_406(anonymous):
    book = make_book()
    response = anonymous.get(f"/api/v2/books/{book.pk}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406


def test_a_format_the_api_does_not_have_is_404_even_without_accept(anonymous):
    book = make_book()
    response = anonymous.get(f"/api/v2/books/{book.pk}/?format=xml")
    assert response.status_code == 404


def test_format_json_is_answered_as_json(anonymous):
    book = make_book(title="Formatted")
    response = anonymous.get(f"/api/v2/books/{book.pk}/?format=json")
    assert (response.status_code, response.json()["title"]) == (200, "Formatted")
