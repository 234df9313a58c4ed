"""Books in v2, the nested shape: every endpoint through HTTP, input as objects or bare ids."""

from datetime import date
from decimal import Decimal

import pytest

from shared_models.models import Book
from tests.factories import book_body_v2, make_author, make_book, make_genre, make_publisher
from tests.rest.problems import assert_problem

pytestmark = pytest.mark.django_db


def test_a_book_is_read_in_the_nested_shape(anonymous):
    fantasy = make_genre("fantasy")
    book = make_book(
        title="A Wizard of Earthsea", genres=[fantasy], price=Decimal("9.90"), currency="GBP"
    )
    response = anonymous.get(f"/api/v2/books/{book.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    author = book.authors.get()
    assert body == {
        "id": book.pk,
        "isbn": book.isbn,
        "title": "A Wizard of Earthsea",
        "subtitle": "",
        "authors": [{"id": author.pk, "name": author.name}],
        "publisher": {"id": book.publisher_id, "name": book.publisher.name},
        "genres": [{"slug": "fantasy", "name": "Fantasy"}],
        "published_date": "1968-11-01",
        "language": "en",
        "pages": 183,
        "price": {"amount": "9.90", "currency": "GBP"},
        "description": "",
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert body["created_at"].startswith(str(date.today().year)[:2])
    assert "Deprecation" not in response


def test_the_list_is_a_page_of_nested_books(anonymous):
    make_book(title="First")
    make_book(title="Second")
    response = anonymous.get("/api/v2/books/")
    assert response.status_code == 200
    body = response.json()
    assert [book["title"] for book in body["results"]] == ["First", "Second"]
    assert body["next"] is None and body["previous"] is None
    assert body["results"][0]["publisher"]["name"] == "Ace Books"


def test_create_with_nested_references_answers_201_with_location_and_etag(editor):
    response = editor.post("/api/v2/books/", book_body_v2(title="Created"), format="json")
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"http://testserver/api/v2/books/{body['id']}/"
    assert response["ETag"] == '"1"'
    assert body["title"] == "Created" and body["version"] == 1
    assert body["price"] == {"amount": "12.50", "currency": "EUR"}
    assert Book.objects.get(pk=body["id"]).title == "Created"


def test_create_accepts_bare_ids_slugs_and_a_bare_amount(editor):
    author, publisher, genre = make_author(), make_publisher(), make_genre("poetry")
    body = book_body_v2(
        authors=[author.pk], publisher=publisher.pk, genres=["poetry"], price="7.00"
    )
    response = editor.post("/api/v2/books/", body, format="json")
    assert response.status_code == 201
    created = response.json()
    assert created["authors"] == [{"id": author.pk, "name": author.name}]
    assert created["publisher"]["id"] == publisher.pk
    assert created["genres"] == [{"slug": genre.slug, "name": genre.name}]
    assert created["price"] == {"amount": "7.00", "currency": "EUR"}


def test_a_fetched_body_can_be_put_back_unchanged(editor):
    book = make_book(genres=[make_genre("fantasy")])
    fetched = editor.get(f"/api/v2/books/{book.pk}/")
    response = editor.put(
        f"/api/v2/books/{book.pk}/", fetched.json(), format="json", HTTP_IF_MATCH=fetched["ETag"]
    )
    assert response.status_code == 200
    updated = response.json()
    assert updated["version"] == 2
    assert {k: v for k, v in updated.items() if k not in ("version", "updated_at")} == {
        k: v for k, v in fetched.json().items() if k not in ("version", "updated_at")
    }


def test_put_replaces_the_book_and_bumps_the_version(editor):
    book = make_book(title="Old", subtitle="Old subtitle")
    body = book_body_v2(title="New")
    del body["subtitle"]
    response = editor.put(f"/api/v2/books/{book.pk}/", body, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert (response.json()["title"], response.json()["subtitle"]) == ("New", "")
    assert Book.objects.get(pk=book.pk).version == 2


def test_patch_changes_only_the_fields_sent(editor):
    book = make_book(title="Kept", price=Decimal("5.00"))
    response = editor.patch(
        f"/api/v2/books/{book.pk}/",
        {"price": {"currency": "USD"}},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Kept"
    assert response.json()["price"] == {"amount": "5.00", "currency": "USD"}


def test_delete_removes_the_book(editor):
    book = make_book()
    response = editor.delete(f"/api/v2/books/{book.pk}/", HTTP_IF_MATCH='"1"')
    assert response.status_code == 204
    assert response.content == b""
    assert not Book.objects.filter(pk=book.pk).exists()


def test_errors_are_named_as_the_v2_client_sent_them(editor):
    body = book_body_v2(authors=["x"], price={"amount": "-1", "currency": "XXY"})
    response = editor.post("/api/v2/books/", body, format="json")
    problem = assert_problem(response, 400, "invalid")
    assert set(problem["errors"]) == {"authors", "price.amount", "price.currency"}
    assert not Book.objects.exists()


def test_unknown_references_are_named_as_the_client_sent_them(editor):
    body = book_body_v2(authors=[{"id": 999_999}], publisher={"id": 888_888})
    response = editor.post("/api/v2/books/", body, format="json")
    assert assert_problem(response, 400, "invalid")["errors"] == {
        "authors": ["Unknown author id(s): 999999."],
        "publisher": ["Unknown publisher id: 888888."],
    }


def test_a_bare_price_error_is_named_price(editor):
    response = editor.post("/api/v2/books/", book_body_v2(price="free"), format="json")
    assert assert_problem(response, 400, "invalid")["errors"] == {
        "price": ["Must be a decimal number."]
    }


def test_a_missing_amount_is_reported_on_price_amount(editor):
    response = editor.post("/api/v2/books/", book_body_v2(price={"currency": "EUR"}), format="json")
    assert assert_problem(response, 400, "invalid")["errors"] == {
        "price.amount": ["This field is required."]
    }


def test_v1_field_names_are_refused_in_v2_with_the_v2_name(editor):
    body = book_body_v2(author_ids=[1], currency="EUR")
    response = editor.post("/api/v2/books/", body, format="json")
    assert assert_problem(response, 400, "invalid")["errors"] == {
        "author_ids": ["Not a v2 field; v2 calls it 'authors'."],
        "currency": ["Not a v2 field; v2 calls it 'price.currency'."],
    }


def test_missing_required_fields_are_named_in_v2_terms(editor):
    response = editor.post("/api/v2/books/", {"title": "Only a title"}, format="json")
    errors = assert_problem(response, 400, "invalid")["errors"]
    assert {"authors", "publisher", "price", "isbn"} <= set(errors)
    assert not {"author_ids", "publisher_id"} & set(errors)


def test_unknown_fields_are_refused(editor):
    response = editor.post("/api/v2/books/", book_body_v2(colour="red"), format="json")
    assert assert_problem(response, 400, "invalid")["errors"] == {"colour": ["Unknown field."]}


def test_a_body_that_is_not_an_object_is_refused(editor):
    response = editor.post("/api/v2/books/", [1, 2], format="json")
    assert "non_field_errors" in assert_problem(response, 400, "invalid")["errors"]


def test_a_missing_book_is_a_404_problem(anonymous):
    response = anonymous.get("/api/v2/books/424242/")
    assert "424242" in assert_problem(response, 404, "not-found")["detail"]


def test_a_non_numeric_id_is_a_404_problem(anonymous):
    assert_problem(anonymous.get("/api/v2/books/abc/"), 404, "not-found")


def test_get_by_isbn_is_a_filtered_list(anonymous):
    book = make_book(isbn="9780306406157")
    make_book()
    response = anonymous.get("/api/v2/books/", {"isbn": "978-0-306-40615-7"})
    assert [b["id"] for b in response.json()["results"]] == [book.pk]
