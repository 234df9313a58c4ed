"""ETags from the book's version: 304 on If-None-Match, If-Match required on writes (428), and a
stale If-Match refused with 412 without writing anything."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared_models.models import Book
from tests.factories import book_body_v2, make_book
from tests.rest.problems import assert_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def book():
    return make_book(title="Original")


def _url(book, version="v2"):
    return f"/api/{version}/books/{book.pk}/"


def test_get_carries_a_strong_etag_of_the_version(anonymous, book):
    assert anonymous.get(_url(book))["ETag"] == '"1"'


def test_if_none_match_with_the_current_etag_is_304_without_a_body(anonymous, book):
    response = anonymous.get(_url(book), HTTP_IF_NONE_MATCH='"1"')
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == '"1"'


def test_a_304_reads_the_version_alone_in_one_query(anonymous, book):
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get(_url(book), HTTP_IF_NONE_MATCH='"1"')
    assert response.status_code == 304
    assert len(queries) == 1
    assert '"version"' in queries[0]["sql"] and '"title"' not in queries[0]["sql"]


def test_if_none_match_on_a_missing_book_is_404(anonymous, book):
    response = anonymous.get(f"/api/v2/books/{book.pk + 1000}/", HTTP_IF_NONE_MATCH='"1"')
    assert_problem(response, 404, "not-found")


def test_if_none_match_uses_the_weak_comparison(anonymous, book):
    assert anonymous.get(_url(book), HTTP_IF_NONE_MATCH='W/"1"').status_code == 304
    assert anonymous.get(_url(book), HTTP_IF_NONE_MATCH="*").status_code == 304


def test_if_none_match_with_an_old_etag_is_the_full_body(anonymous, book):
    response = anonymous.get(_url(book), HTTP_IF_NONE_MATCH='"0", "7"')
    assert response.status_code == 200 and response.json()["title"] == "Original"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_write_without_if_match_is_428_and_writes_nothing(editor, book, method):
    response = getattr(editor, method)(_url(book), {"title": "Changed"}, format="json")
    assert_problem(response, 428, "precondition-required")
    assert Book.objects.get(pk=book.pk).title == "Original"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_stale_if_match_is_412_and_writes_nothing(editor, book, method):
    Book.objects.filter(pk=book.pk).update(version=2)
    response = getattr(editor, method)(
        _url(book), book_body_v2(title="Changed"), format="json", HTTP_IF_MATCH='"1"'
    )
    problem = assert_problem(response, 412, "stale-version")
    assert problem["current_version"] == 2
    assert response["ETag"] == '"2"'
    assert Book.objects.filter(pk=book.pk, title="Original", version=2).exists()


def test_a_weak_or_foreign_if_match_never_matches(editor, book):
    for tag in ('W/"1"', '"abc"', "1"):
        response = editor.patch(_url(book), {"title": "X"}, format="json", HTTP_IF_MATCH=tag)
        assert_problem(response, 412, "stale-version")
    assert Book.objects.get(pk=book.pk).version == 1


def test_if_match_star_writes_whatever_the_version(editor, book):
    response = editor.patch(_url(book), {"title": "Any"}, format="json", HTTP_IF_MATCH="*")
    assert (response.status_code, response.json()["version"]) == (200, 2)


def test_if_match_listing_the_current_version_writes(editor, book):
    response = editor.patch(_url(book), {"title": "L"}, format="json", HTTP_IF_MATCH='"7", "1"')
    assert response.status_code == 200


def test_the_etag_from_a_write_allows_the_next_write(editor, book):
    first = editor.patch(_url(book), {"title": "One"}, format="json", HTTP_IF_MATCH='"1"')
    second = editor.patch(_url(book), {"title": "Two"}, format="json", HTTP_IF_MATCH=first["ETag"])
    assert (second.status_code, second["ETag"]) == (200, '"3"')


def test_two_writers_holding_the_same_etag_the_second_loses(editor, book):
    winner = editor.patch(_url(book), {"title": "A"}, format="json", HTTP_IF_MATCH='"1"')
    assert winner.status_code == 200
    loser = editor.patch(_url(book), {"title": "B"}, format="json", HTTP_IF_MATCH='"1"')
    assert_problem(loser, 412, "stale-version")
    assert Book.objects.get(pk=book.pk).title == "A"


def test_a_write_to_a_missing_book_is_404_not_428(editor):
    assert_problem(editor.put("/api/v2/books/999999/", {}, format="json"), 404, "not-found")


def test_v1_uses_the_same_etags(editor, book):
    assert editor.get(_url(book, "v1"))["ETag"] == '"1"'
    response = editor.delete(_url(book, "v1"), HTTP_IF_MATCH='"1"')
    assert response.status_code == 204
