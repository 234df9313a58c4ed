"""Mediation parity on live processes: the same REST v2 book request answered by the REST service
and by the SOAP service through gateway.mediation gives the same status and the same JSON."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from gateway import mediation
from tests.processes import Stack, live_stack

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("soap_service.service") is None,
    reason="the SOAP service has not landed yet",
)

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


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with live_stack(tmp_path_factory.mktemp("mediation"), services=("rest", "soap")) as stack:
        yield stack


@pytest.fixture(scope="module")
def editor(stack: Stack) -> dict[str, str]:
    credentials = {"username": "editor", "password": "editor-pass"}
    token = httpx.post(stack.url("rest", "/api/token/"), json=credentials).json()["access"]
    return {"authorization": f"Bearer {token}"}


def through_rest(
    stack: Stack, method: str, path: str, query: str = "", body: Any = None, **headers: str
) -> tuple[int, dict[str, str], Any]:
    url = stack.url("rest", path) + (f"?{query}" if query else "")
    content = orjson.dumps(body) if body is not None else None
    if content is not None:
        headers["content-type"] = "application/json"
    response = httpx.request(method, url, content=content, headers=headers)
    return response.status_code, dict(response.headers), response.json()


def through_soap(
    stack: Stack, method: str, path: str, query: str = "", body: Any = None, **headers: str
) -> tuple[int, dict[str, str], Any]:
    """Mediated; links are built from the REST service's URL, as the REST answer's are."""
    url = stack.url("rest", path) + (f"?{query}" if query else "")
    content = orjson.dumps(body) if body is not None else b""
    request = mediation.RestRequest(method, path, query, headers, content, url)

    async def go() -> mediation.MediatedAnswer:
        async with httpx.AsyncClient(base_url=stack.url("soap")) as client:
            return await mediation.mediate(client, request)

    answer = asyncio.run(go())
    answer_headers = {name.decode(): value.decode() for name, value in answer.headers}
    return answer.status, answer_headers, orjson.loads(answer.body)


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
    rest = through_rest(stack, "GET", "/api/v2/books/", query)
    soap = through_soap(stack, "GET", "/api/v2/books/", query)
    assert soap[0] == rest[0] == 200
    assert soap[2] == rest[2]


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
    assert soap[1]["location"] == stack.url("rest", book_path)
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
    body = {k: v for k, v in {**NEW_BOOK, "isbn": "9780262033848", **change}.items()}
    rest = through_rest(stack, "POST", "/api/v2/books/", body=body, **editor)
    soap = through_soap(stack, "POST", "/api/v2/books/", body=body, **editor)
    assert soap[0] == rest[0] == 400
    assert soap[2]["type"] == rest[2]["type"]
    assert soap[2]["errors"].keys() == rest[2]["errors"].keys()
