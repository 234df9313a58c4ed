"""The response cache end to end: two gateway replicas (`catalog serve gateway`) in front of the
real REST and SOAP services, sharing Redis when REDIS_URL is set and otherwise each caching in
its own memory with the generations in the var folder. Whatever the protocol and whichever way
a write goes (through either replica, or straight to the SOAP service), the next read through
any replica shows it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest
import requests
from zeep import Client as ZeepClient
from zeep.transports import Transport

from tests import tokens
from tests.processes import Stack, live_stack, second_process

EDITOR = {"username": "editor", "password": "editor-pass"}
ROOMY = "100000/minute"
GET_BOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><e:Envelope '
    'xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="urn:bookcatalog:soap:v1">'
    "<e:Body><t:GetBook><t:id>{}</t:id></t:GetBook></e:Body></e:Envelope>"
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("cache-live")
    env = {
        "GATEWAY_RATELIMIT_NAMESPACE": f"cache-live-{uuid.uuid4().hex[:8]}",
        "GATEWAY_RATELIMIT_ANONYMOUS": ROOMY,
        "GATEWAY_RATELIMIT_USER": ROOMY,
        "GATEWAY_RATELIMIT_WRITES": ROOMY,
    }
    with live_stack(folder, services=("rest", "soap", "gateway"), books=20, env=env) as stack:
        yield stack


@pytest.fixture(scope="module")
def replicas(stack, tmp_path_factory) -> Iterator[list[httpx.Client]]:
    """Both gateway replicas, each as a client."""
    second = second_process(stack, "gateway", tmp_path_factory.mktemp("cache-live-second"))
    second.start()
    try:
        with (
            httpx.Client(base_url=stack.url("gateway"), timeout=30) as one,
            httpx.Client(base_url=second.base_url, timeout=30) as two,
        ):
            yield [one, two]
    finally:
        second.stop()


@pytest.fixture(scope="module")
def editor(replicas) -> dict[str, str]:
    response = replicas[0].post("/auth/token/", json=EDITOR)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access']}"}


def read(client: httpx.Client, book_id: int) -> httpx.Response:
    response = client.get(f"/api/v2/books/{book_id}/")
    assert response.status_code == 200, response.text
    return response


def cached(client: httpx.Client, book_id: int) -> httpx.Response:
    """Read twice: the second read is a hit (the answer is in the cache)."""
    read(client, book_id)
    response = read(client, book_id)
    assert response.headers["Cache-Status"].startswith("catalog-gw; hit"), response.headers
    return response


def rename(client: httpx.Client, book_id: int, title: str, editor: dict[str, str]) -> None:
    current = read(client, book_id)
    response = client.patch(
        f"/api/v2/books/{book_id}/",
        json={"title": title},
        headers={**editor, "If-Match": current.headers["ETag"]},
    )
    assert response.status_code == 200, response.text


def test_a_cached_answer_says_so_and_carries_its_age(replicas):
    hit = cached(replicas[0], 1)
    assert int(hit.headers["Age"]) >= 0
    again = replicas[0].get("/api/v2/books/1/", headers={"If-None-Match": hit.headers["ETag"]})
    assert again.status_code == 304 and again.headers["Cache-Status"].startswith("catalog-gw; hit")


def test_a_compressed_page_is_stored_as_the_service_coded_it(replicas):
    pages = [
        replicas[0].get(
            "/api/v2/books/", params={"page_size": 20}, headers={"Accept-Encoding": "gzip"}
        )
        for _ in range(2)
    ]
    assert pages[1].headers["Cache-Status"].startswith("catalog-gw; hit")
    assert pages[1].headers["Content-Encoding"] == pages[0].headers["Content-Encoding"] == "gzip"
    assert pages[1].json() == pages[0].json() and len(pages[1].json()["results"]) == 20


def test_a_rest_write_is_read_at_once_through_the_same_replica(replicas, editor):
    cached(replicas[0], 2)
    rename(replicas[0], 2, "Renamed through one replica", editor)
    response = read(replicas[0], 2)
    assert response.json()["title"] == "Renamed through one replica"
    assert response.headers["Cache-Status"].startswith("catalog-gw; fwd=miss")


def test_a_write_through_one_replica_is_never_read_stale_through_the_other(replicas, editor):
    for round_ in range(4):
        writer, reader = replicas[round_ % 2], replicas[(round_ + 1) % 2]
        cached(reader, 3)
        rename(writer, 3, f"Round {round_}", editor)
        assert read(reader, 3).json()["title"] == f"Round {round_}"


def test_a_soap_write_straight_to_the_soap_service_is_read_at_once_through_the_gateway(
    stack, replicas
):
    before = cached(replicas[1], 4).json()
    soap = ZeepClient(
        stack.url("soap", "/soap/catalog/?wsdl"),
        transport=Transport(session=_bearer_session(tokens.mint())),
    )
    updated = soap.service.UpdateBook(4, before["version"], _book_input(before, "Renamed by SOAP"))
    assert updated.title == "Renamed by SOAP"
    for replica in replicas:
        assert read(replica, 4).json()["title"] == "Renamed by SOAP"


def test_a_soap_read_through_the_gateway_is_cached_and_follows_a_rest_write(replicas, editor):
    def get_book() -> httpx.Response:
        response = replicas[0].post(
            "/soap/catalog/",
            content=GET_BOOK.format(5).encode(),
            headers={"Content-Type": "text/xml; charset=utf-8"},
        )
        assert response.status_code == 200, response.text
        return response

    get_book()
    assert get_book().headers["Cache-Status"].startswith("catalog-gw; hit")
    rename(replicas[1], 5, "Renamed over REST", editor)
    after = get_book()
    assert after.headers["Cache-Status"].startswith("catalog-gw; fwd=miss")
    assert b"Renamed over REST" in after.content


def _bearer_session(token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def _book_input(book: dict, title: str) -> dict:
    """A v2 book as SOAP's BookInput, with a new title."""
    return {
        "isbn": book["isbn"],
        "title": title,
        "subtitle": book["subtitle"],
        "author_ids": {"id": [author["id"] for author in book["authors"]]},
        "publisher_id": book["publisher"]["id"],
        "genre_slugs": {"slug": [genre["slug"] for genre in book["genres"]]},
        "published_date": book["published_date"],
        "language": book["language"],
        "pages": book["pages"],
        "price": {
            "amount": Decimal(book["price"]["amount"]),
            "currency": book["price"]["currency"],
        },
        "description": book["description"],
    }
