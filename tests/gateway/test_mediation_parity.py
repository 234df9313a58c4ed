"""Mediation parity on live processes (rest, soap and the gateway, as `make run` serves them):
the same REST v2 book request through the gateway, answered by the REST service and, with
`X-Backend: soap`, by the SOAP service through gateway.mediation, gives the same status, the same
JSON (key order included) and the same ETag and Location."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from tests.processes import Stack, live_stack

NEW_BOOK = {
    "title": "Mediated Parity",
    "subtitle": "",
    "authors": [1, 2],
    "publisher": 1,
    "genres": [],
    "published_date": "2001-02-03",
    "language": "en",
    "pages": 123,
    "price": {"amount": "19.90", "currency": "EUR"},
    "description": "Written twice.",
}
GENEROUS_LIMITS = {
    "REDIS_URL": "",
    "GATEWAY_RATELIMIT_ANONYMOUS": "10000/minute",
    "GATEWAY_RATELIMIT_USER": "10000/minute",
    "GATEWAY_RATELIMIT_WRITES": "10000/minute",
}
Exchange = tuple[int, dict[str, str], Any]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("mediation")
    with live_stack(folder, books=40, env=GENEROUS_LIMITS) as stack:
        yield stack


@pytest.fixture(scope="module")
def editor(stack: Stack) -> dict[str, str]:
    credentials = {"username": "editor", "password": "editor-pass"}
    token = httpx.post(stack.url("gateway", "/auth/token/"), json=credentials).json()["access"]
    return {"authorization": f"Bearer {token}"}


def through_gateway(
    stack: Stack, method: str, path: str, query: str = "", body: Any = None, **headers: str
) -> Exchange:
    url = stack.url("gateway", path) + (f"?{query}" if query else "")
    content = orjson.dumps(body) if body is not None else None
    sent = {name.replace("_", "-"): value for name, value in headers.items()}
    if content is not None:
        sent["content-type"] = "application/json"
    response = httpx.request(method, url, content=content, headers=sent, timeout=30)
    return response.status_code, dict(response.headers), response.json()


def through_rest(stack: Stack, method: str, path: str, query: str = "", **kw: Any) -> Exchange:
    return through_gateway(stack, method, path, query, **kw)


def through_soap(stack: Stack, method: str, path: str, query: str = "", **kw: Any) -> Exchange:
    """Asserts that the SOAP service did answer (mediation names itself in X-Backend)."""
    exchange = through_gateway(stack, method, path, query, x_backend="soap", **kw)
    assert exchange[1].get("x-backend") == "soap"
    return exchange


def answered_alike(stack: Stack, path: str, query: str, status: int) -> tuple[Exchange, Exchange]:
    """The same GET through REST and through mediation: the same status and the same JSON."""
    rest = through_rest(stack, "GET", path, query)
    soap = through_soap(stack, "GET", path, query)
    assert soap[0] == rest[0] == status
    assert soap[2] == rest[2]
    return rest, soap


def test_a_book_is_the_same_json_with_the_same_etag(stack: Stack) -> None:
    rest = through_rest(stack, "GET", "/api/v2/books/3/")
    soap = through_soap(stack, "GET", "/api/v2/books/3/")
    assert soap[0] == rest[0] == 200
    assert soap[2] == rest[2]
    assert list(soap[2]) == list(rest[2])
    assert soap[1]["etag"] == rest[1]["etag"]


def test_a_missing_book_is_the_same_problem(stack: Stack) -> None:
    rest = through_rest(stack, "GET", "/api/v2/books/999999/")
    soap = through_soap(stack, "GET", "/api/v2/books/999999/")
    assert soap[0] == rest[0] == 404
    assert soap[2] == rest[2]
    assert soap[1]["content-type"] == rest[1]["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "page_size=5&ordering=-price",
        "page_size=3&language=en&min_price=5&ordering=title",
        "publisher=1&published_after=1950-01-01&page_size=4",
        "search=the&page_size=2",
    ],
)
def test_a_filtered_page_is_the_same_json_with_the_same_links(stack: Stack, query: str) -> None:
    answered_alike(stack, "/api/v2/books/", query, 200)


def test_following_next_then_previous_gives_the_same_pages(stack: Stack) -> None:
    first = through_rest(stack, "GET", "/api/v2/books/", "page_size=3&ordering=title")[2]
    second_query = first["next"].split("?", 1)[1]
    rest = through_rest(stack, "GET", "/api/v2/books/", second_query)
    soap = through_soap(stack, "GET", "/api/v2/books/", second_query)
    assert soap[2] == rest[2]
    assert soap[2]["previous"] is not None


@pytest.mark.parametrize(
    "query", ["ordering=shoe-size", "cursor=not-a-cursor", "author=abc", "page_size=0"]
)
def test_an_invalid_list_request_is_refused_naming_the_same_parameter(
    stack: Stack, query: str
) -> None:
    rest = through_rest(stack, "GET", "/api/v2/books/", query)
    soap = through_soap(stack, "GET", "/api/v2/books/", query)
    assert soap[0] == rest[0] == 400
    assert soap[2]["type"] == rest[2]["type"]
    assert soap[2].keys() == rest[2].keys()
    assert soap[2]["errors"].keys() == rest[2]["errors"].keys()


@pytest.mark.parametrize(
    "query",
    [
        "ids=3,1,2",
        "ids=7,999999,7,5",
        "ids=999999",
        "ids=4,2&fields=title,id",
        "fields=price,id&page_size=3",
        "fields=authors&page_size=2&ordering=-title",
    ],
)
def test_a_batch_or_a_sparse_page_is_the_same_json(stack: Stack, query: str) -> None:
    rest, soap = answered_alike(stack, "/api/v2/books/", query, 200)
    assert [list(book) for book in soap[2]["results"]] == [
        list(book) for book in rest[2]["results"]
    ]


def test_a_sparse_book_is_the_same_json_with_the_same_etag(stack: Stack) -> None:
    rest, soap = answered_alike(stack, "/api/v2/books/3/", "fields=title,price,id", 200)
    assert list(soap[2].items()) == list(rest[2].items())
    assert (
        soap[1]["etag"]
        == rest[1]["etag"]
        != through_rest(stack, "GET", "/api/v2/books/3/")[1]["etag"]
    )


def test_the_sparse_etag_revalidates_through_mediation(stack: Stack) -> None:
    tag = through_rest(stack, "GET", "/api/v2/books/3/", "fields=title")[1]["etag"]
    url = stack.url("gateway", "/api/v2/books/3/")
    sparse = httpx.get(url + "?fields=title", headers={"x-backend": "soap", "if-none-match": tag})
    full = httpx.get(url, headers={"x-backend": "soap", "if-none-match": tag})
    assert (sparse.status_code, sparse.headers["etag"]) == (304, tag)
    assert full.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "ids=",
        "ids=1,,2",
        "ids=0,abc",
        "ids=" + ",".join(map(str, range(1, 102))),
        "ids=1&ids=2",
        "ids=1&author=2&page_size=3",
        "fields=",
        "fields=id,nope",
        "fields=id&fields=title",
        "ids=1&fields=price.amount",
    ],
)
def test_a_bad_batch_or_selection_is_the_same_problem(stack: Stack, query: str) -> None:
    answered_alike(stack, "/api/v2/books/", query, 400)


def test_a_bad_selection_of_one_book_is_the_same_problem(stack: Stack) -> None:
    answered_alike(stack, "/api/v2/books/3/", "fields=nope", 400)


def test_a_created_book_is_what_rest_creates_and_then_serves(
    stack: Stack, editor: dict[str, str]
) -> None:
    soap = through_soap(
        stack, "POST", "/api/v2/books/", body={**NEW_BOOK, "isbn": "9780306406157"}, **editor
    )
    rest = through_rest(
        stack, "POST", "/api/v2/books/", body={**NEW_BOOK, "isbn": "9781861972712"}, **editor
    )
    assert soap[0] == rest[0] == 201
    varying = {"id", "isbn", "created_at", "updated_at"}
    assert {k: v for k, v in soap[2].items() if k not in varying} == {
        k: v for k, v in rest[2].items() if k not in varying
    }
    assert list(soap[2]) == list(rest[2])
    book_path = f"/api/v2/books/{soap[2]['id']}/"
    assert soap[1]["location"] == stack.url("gateway", book_path)
    assert rest[1]["location"] == stack.url("gateway", f"/api/v2/books/{rest[2]['id']}/")
    assert through_rest(stack, "GET", book_path)[2] == soap[2]


@pytest.mark.parametrize(
    "change",
    [
        {"isbn": "9780306406158"},  # wrong check digit: the service layer refuses it
        {"authors": [999999]},
        {"author_ids": [1]},
        {"pages": 0},
        {"price": "-1.00"},
        {"title": None, "language": None},
    ],
)
def test_an_invalid_create_is_refused_naming_the_same_fields(
    stack: Stack, editor: dict[str, str], change: dict[str, Any]
) -> None:
    body = {**NEW_BOOK, "isbn": "9780262033848", **change}
    rest = through_rest(stack, "POST", "/api/v2/books/", body=body, **editor)
    soap = through_soap(stack, "POST", "/api/v2/books/", body=body, **editor)
    assert soap[0] == rest[0] == 400
    assert soap[2]["type"] == rest[2]["type"]
    assert soap[2]["errors"].keys() == rest[2]["errors"].keys()
