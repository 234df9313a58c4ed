"""REST v2 and SOAP over the same live catalog: the same scenarios give the same values (ids,
strings, decimals, dates, author order, pagination sequences), and the same invalid inputs are
refused by both with corresponding errors (REST problem <-> SOAP fault, same fields).

SOAP values are read through zeep, REST values through plain JSON; both are normalised to typed
Python values (zeep reads an empty string element as None, so None is read as "")."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from zeep.exceptions import Fault as ZeepFault
from zeep.helpers import serialize_object

from catalog_contract import fields
from catalog_contract.ids import MAX_BATCH_IDS
from tests import tokens
from tests.factories import valid_isbn
from tests.soap.conftest import TNS, zeep_client

T = f"{{{TNS}}}"
_numbers = itertools.count(876_543_000)


@pytest.fixture(scope="module")
def rest(stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url("rest"), timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def soap(stack):
    return zeep_client(stack, "1.1", bearer=tokens.mint(exp=2**31 - 1))


def rest_editor() -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.mint()}"}


# -- normalisation ----------------------------------------------------------------------------


def from_rest(body: dict[str, Any]) -> dict[str, Any]:
    return {
        **body,
        "price": {
            "amount": Decimal(body["price"]["amount"]),
            "currency": body["price"]["currency"],
        },
        "published_date": date.fromisoformat(body["published_date"]),
        "created_at": datetime.fromisoformat(body["created_at"]),
        "updated_at": datetime.fromisoformat(body["updated_at"]),
    }


def from_soap(book: Any) -> dict[str, Any]:
    value = serialize_object(book, dict)
    return {
        **{k: ("" if v is None else v) for k, v in value.items()},
        "authors": [dict(a) for a in (value["authors"] or {}).get("author") or []],
        "publisher": dict(value["publisher"]),
        "genres": [dict(g) for g in (value["genres"] or {}).get("genre") or []],
        "price": dict(value["price"]),
    }


def rest_pages(rest: httpx.Client, query: str) -> list[list[int]]:
    pages, url = [], f"/api/v2/books/?{query}"
    while url:
        body = rest.get(url).json()
        pages.append([book["id"] for book in body["results"]])
        url = body["next"]
    return pages


def soap_pages(soap, book_filter: dict, page_size: int) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        page = soap.service.ListBooks(filter=book_filter, cursor=cursor, page_size=page_size)
        pages.append([book.id for book in (page.books.book if page.books else [])])
        if not (cursor := page.next_cursor):
            return pages


# -- the same values ----------------------------------------------------------------------------


@pytest.mark.parametrize("book_id", [1, 2, 17, 60])
def test_a_book_has_the_same_values_in_both(rest, soap, book_id):
    expected = from_rest(rest.get(f"/api/v2/books/{book_id}/").json())
    assert from_soap(soap.service.GetBook(book_id)) == expected
    assert from_soap(soap.service.GetBookByIsbn(expected["isbn"])) == expected


@pytest.mark.parametrize(
    ("query", "book_filter"),
    [
        ("", {}),
        ("ordering=-price", {"ordering": "-price"}),
        ("ordering=title&language=en", {"ordering": "title", "language": "en"}),
        ("ordering=-published_date&min_price=10&max_price=30",
         {"ordering": "-published_date", "min_price": Decimal(10), "max_price": Decimal(30)}),
        ("published_after=1990-01-01&published_before=2010-12-31",
         {"published_after": date(1990, 1, 1), "published_before": date(2010, 12, 31)}),
        ("author=3", {"author_id": 3}),
        ("publisher=2&ordering=price", {"publisher_id": 2, "ordering": "price"}),
        ("genre=fiction", {"genre": "fiction"}),
        ("search=the", {"search": "the"}),
    ],
)  # fmt: skip
def test_lists_page_through_the_same_books_in_the_same_pages(rest, soap, query, book_filter):
    expected = rest_pages(rest, f"{query}&page_size=7")
    assert soap_pages(soap, book_filter, 7) == expected
    assert sum(map(len, expected)) > 0 or query.startswith("genre")


def test_a_page_of_books_has_the_same_values_in_both(rest, soap):
    expected = [from_rest(b) for b in rest.get("/api/v2/books/?page_size=25").json()["results"]]
    assert [from_soap(b) for b in soap.service.ListBooks(page_size=25).books.book] == expected


@pytest.mark.parametrize("ids", [[3, 1, 2], [60, 987_654_321, 17, 60, 1], [987_654_321]])
def test_a_batch_read_has_the_same_books_in_the_same_order_in_both(rest, soap, ids):
    query = ",".join(map(str, ids))
    expected = [from_rest(b) for b in rest.get(f"/api/v2/books/?ids={query}").json()["results"]]
    books = soap.service.GetBooks(ids={"id": ids})  # zeep answers GetBooksResult's `books`
    assert [from_soap(b) for b in (books.book if books is not None else [])] == expected


@pytest.mark.parametrize(
    "selection", ["id,title,price", "price", "authors,genres,publisher", "version,id"]
)
def test_rest_fields_are_the_projection_of_the_full_record_in_both(rest, soap, selection):
    selected = [key for key in fields.BOOK_V2_KEYS if key in selection.split(",")]
    full = from_soap(soap.service.GetBook(17))
    sparse = rest.get(f"/api/v2/books/17/?fields={selection}").json()
    page = rest.get(f"/api/v2/books/?ids=17&fields={selection}").json()["results"]
    assert list(sparse) == selected
    # the sparse values laid over the full REST book: still the full SOAP record
    assert from_rest({**rest.get("/api/v2/books/17/").json(), **sparse}) == full
    assert page == [sparse]


@pytest.mark.parametrize(
    ("path", "operation", "argument"),
    [("authors/4", "GetAuthor", 4), ("publishers/3", "GetPublisher", 3)],
)
def test_authors_and_publishers_have_the_same_values(rest, soap, path, operation, argument):
    expected = rest.get(f"/api/v2/{path}/").json()
    value = serialize_object(getattr(soap.service, operation)(argument), dict)
    if expected.get("birth_date"):
        expected["birth_date"] = date.fromisoformat(expected["birth_date"])
    assert value == expected


@pytest.mark.parametrize("kind", ["authors", "publishers", "genres"])
def test_reference_lists_page_the_same(rest, soap, kind):
    expected, url = [], f"/api/v2/{kind}/?page_size=4"
    while url:
        body = rest.get(url).json()
        expected.append([r.get("id", r.get("slug")) for r in body["results"]])
        url = body["next"]
    operation = getattr(soap.service, f"List{kind.title()}")
    pages, cursor = [], None
    while True:
        page = operation(cursor=cursor, page_size=4)
        items = getattr(page, kind)[kind[:-1]]
        pages.append([getattr(r, "id", None) or r.slug for r in items])
        if not (cursor := page.next_cursor):
            break
    assert pages == expected


def test_a_book_written_through_one_reads_the_same_through_the_other(rest, soap):
    isbn = valid_isbn(next(_numbers))
    created = soap.service.CreateBook(
        {
            "isbn": isbn, "title": "Parable of the Sower", "subtitle": "A novel",
            "author_ids": {"id": [5, 2]}, "publisher_id": 4,
            "genre_slugs": {"slug": ["science-fiction", "fiction"]},
            "published_date": date(1993, 10, 1), "language": "EN", "pages": 345,
            "price": {"amount": Decimal("15.00"), "currency": "usd"}, "description": "Earthseed.",
        }
    )  # fmt: skip
    assert from_soap(created) == from_rest(rest.get(f"/api/v2/books/{created.id}/").json())
    body = rest.post(
        "/api/v2/books/",
        json={
            "isbn": valid_isbn(next(_numbers)), "title": "Kindred", "authors": [{"id": 2}],
            "publisher": {"id": 1}, "genres": [], "published_date": "1979-06-01",
            "language": "en", "pages": 264, "price": {"amount": "8.99"},
        },
        headers=rest_editor(),
    ).json()  # fmt: skip
    assert from_soap(soap.service.GetBook(body["id"])) == from_rest(body)


# -- the same refusals ------------------------------------------------------------------------


def soap_fault(call) -> tuple[str, str, dict[str, list[str]], Any]:
    with pytest.raises(ZeepFault) as caught:
        call()
    detail = caught.value.detail.find(f"{T}CatalogFault")
    errors: dict[str, list[str]] = {}
    for error in detail.iterfind(f"{T}errors/{T}error"):
        errors.setdefault(error.findtext(f"{T}field"), []).append(error.findtext(f"{T}message"))
    return caught.value.code.split(":", 1)[1], detail.findtext(f"{T}code"), errors, detail


# REST v2 field -> SOAP element path, for the same input
SOAP_FIELD = {
    "isbn": "book.isbn", "authors": "book.author_ids", "publisher": "book.publisher_id",
    "genres": "book.genre_slugs", "published_date": "book.published_date",
    "language": "book.language", "price.amount": "book.price.amount",
    "price.currency": "book.price.currency", "title": "book.title",
}  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        {"isbn": "9780306406158"},  # check digit
        {"published_date": "2999-01-01"},
        {"language": "zz"},
        {"currency": "QQQ"},
        {"authors": [999_999]},
        {"publisher": 999_999},
        {"genres": ["no-such-genre"]},
        {"title": "   "},
        {"authors": [2, 2]},
    ],
)
def test_invalid_books_are_refused_by_both_naming_the_same_fields(rest, soap, change):
    rest_body = {
        "isbn": valid_isbn(next(_numbers)), "title": "Dawn", "authors": [2], "publisher": 1,
        "genres": [], "published_date": "1987-05-01", "language": "en", "pages": 248,
        "price": {"amount": "9.50", "currency": "EUR"},
    }  # fmt: skip
    if "currency" in change:
        rest_body["price"]["currency"] = change["currency"]
    else:
        rest_body.update(change)
    response = rest.post("/api/v2/books/", json=rest_body, headers=rest_editor())
    assert response.status_code == 400
    rest_errors = response.json()["errors"]

    soap_body = {
        "isbn": rest_body["isbn"], "title": rest_body["title"],
        "author_ids": {"id": rest_body["authors"]}, "publisher_id": rest_body["publisher"],
        "genre_slugs": {"slug": rest_body["genres"]},
        "published_date": date.fromisoformat(rest_body["published_date"]),
        "language": rest_body["language"], "pages": rest_body["pages"],
        "price": {"amount": Decimal(rest_body["price"]["amount"]),
                  "currency": rest_body["price"]["currency"]},
    }  # fmt: skip
    code, machine_code, soap_errors, _ = soap_fault(lambda: soap.service.CreateBook(soap_body))
    assert (code, machine_code) == ("Client.ValidationError", "invalid")
    assert soap_errors == {SOAP_FIELD[field]: messages for field, messages in rest_errors.items()}


@pytest.mark.parametrize(
    ("query", "book_filter", "rest_field", "soap_field"),
    [
        ("isbn=9780306406158", {"isbn": "9780306406158"}, "isbn", "filter.isbn"),
        ("ordering=pages", {"ordering": "pages"}, "ordering", "filter.ordering"),
    ],
)
def test_invalid_list_arguments_are_refused_by_both(rest, soap, query, book_filter, rest_field,
                                                    soap_field):  # fmt: skip
    response = rest.get(f"/api/v2/books/?{query}")
    assert response.status_code == 400
    _, _, soap_errors, _ = soap_fault(lambda: soap.service.ListBooks(filter=book_filter))
    assert soap_errors == {soap_field: response.json()["errors"][rest_field]}


@pytest.mark.parametrize("ids", [[], list(range(1, MAX_BATCH_IDS + 2)), [1] * (MAX_BATCH_IDS + 1)])
def test_a_bad_batch_is_refused_by_both_with_the_same_words(rest, soap, ids):
    response = rest.get("/api/v2/books/", params={"ids": ",".join(map(str, ids))})
    code, machine_code, soap_errors, _ = soap_fault(lambda: soap.service.GetBooks(ids={"id": ids}))
    assert response.status_code == 400
    assert (code, machine_code) == ("Client.ValidationError", "invalid")
    assert soap_errors == response.json()["errors"]


def test_a_tampered_cursor_is_refused_by_both(rest, soap):
    response = rest.get("/api/v2/books/?cursor=bm90LWEtY3Vyc29y")
    _, _, soap_errors, _ = soap_fault(lambda: soap.service.ListBooks(cursor="bm90LWEtY3Vyc29y"))
    assert response.status_code == 400 and soap_errors == response.json()["errors"]


def test_a_missing_book_is_not_found_in_both(rest, soap):
    assert rest.get("/api/v2/books/987654321/").status_code == 404
    code, machine_code, _, _ = soap_fault(lambda: soap.service.GetBook(987_654_321))
    assert (code, machine_code) == ("Client.NotFound", "not_found")


def test_a_stale_version_is_refused_by_both_naming_the_current_one(rest, soap):
    book = rest.get("/api/v2/books/30/").json()
    stale = book["version"] + 1
    rest_answer = rest.put(
        "/api/v2/books/30/", json=book, headers={**rest_editor(), "If-Match": f'"{stale}"'}
    )
    assert rest_answer.status_code == 412
    soap_input = {
        "isbn": book["isbn"], "title": book["title"],
        "author_ids": {"id": [a["id"] for a in book["authors"]]},
        "publisher_id": book["publisher"]["id"],
        "published_date": date.fromisoformat(book["published_date"]),
        "language": book["language"], "pages": book["pages"],
        "price": {"amount": Decimal(book["price"]["amount"]), "currency": "EUR"},
    }  # fmt: skip
    code, machine_code, _, detail = soap_fault(
        lambda: soap.service.UpdateBook(30, stale, soap_input)
    )
    assert (code, machine_code) == ("Client.Conflict", "stale_version")
    assert int(detail.findtext(f"{T}current_version")) == rest_answer.json()["current_version"]


@pytest.mark.parametrize(
    ("token", "status", "faultcode"),
    [
        (None, 401, "Client.AuthenticationFailed"),
        ("reader", 403, "Client.PermissionDenied"),
        ("expired", 401, "Client.AuthenticationFailed"),
    ],
)
def test_writes_without_the_right_credentials_are_refused_by_both(stack, rest, token, status,
                                                                   faultcode):  # fmt: skip
    bearer = {
        None: None,
        "reader": tokens.mint(scope="catalog:read"),
        "expired": tokens.mint(exp=1, iat=0),
    }[token]
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    assert rest.post("/api/v2/authors/", json={"name": "X"}, headers=headers).status_code == status
    code, _, _, _ = soap_fault(
        lambda: zeep_client(stack, "1.1", bearer=bearer).service.CreateAuthor({"name": "X"})
    )
    assert code == faultcode
