"""Data integrity when writers race on the live REST service (gunicorn, several workers and
threads; PostgreSQL when the suite runs on it, else SQLite in WAL mode): optimistic concurrency
lets exactly one writer through per version, and a delete is final.

Duplicate creates racing with one Idempotency-Key (one row) are proven on the same kind of
stack in tests/rest/test_live_service.py."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.factories import valid_isbn

WRITERS = 20
RACES = 10


def _create_book(client: httpx.Client, title: str) -> int:
    template = client.get("/api/v2/books/", params={"page_size": 1}).json()["results"][0]
    created = client.post("/api/v2/books/", json={**template, "isbn": valid_isbn(), "title": title})
    assert created.status_code == 201, created.text
    return created.json()["id"]


def _all_at_once(calls: list[Callable[[httpx.Client], httpx.Response]], client: httpx.Client):
    """Run every call from its own thread and connection, released together by a barrier."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[httpx.Client], httpx.Response]) -> httpx.Response:
        with httpx.Client(base_url=client.base_url, headers=client.headers, timeout=60) as own:
            start.wait(timeout=30)
            return call(own)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _patch_title(book_id: int, title: str, version: str = '"1"'):
    return lambda c: c.patch(f"/api/v2/books/{book_id}/", json={"title": title},
                             headers={"If-Match": version})  # fmt: skip


def _delete(book_id: int, version: str = '"1"'):
    return lambda c: c.delete(f"/api/v2/books/{book_id}/", headers={"If-Match": version})


def test_twenty_updates_with_one_if_match_let_exactly_one_win(editor_client):
    book_id = _create_book(editor_client, "Before the race")
    titles = [f"Writer {n}" for n in range(WRITERS)]

    responses = _all_at_once([_patch_title(book_id, t) for t in titles], editor_client)

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [412] * (WRITERS - 1), statuses
    (winner,) = [r for r in responses if r.status_code == 200]
    assert all(r.json()["current_version"] == 2 for r in responses if r.status_code == 412)
    final = editor_client.get(f"/api/v2/books/{book_id}/")
    assert final.json()["title"] == winner.json()["title"]
    assert final.json()["version"] == 2
    assert final.headers["ETag"] == '"2"'


@pytest.mark.parametrize("delete_version", ['"1"', "*"], ids=["if-match-1", "if-match-any"])
def test_a_delete_racing_an_update_is_never_undone_and_never_a_500(editor_client, delete_version):
    books = [_create_book(editor_client, f"Race {n}") for n in range(RACES)]
    calls = [
        call
        for book_id in books
        for call in (_patch_title(book_id, "Updated"), _delete(book_id, delete_version))
    ]

    responses = _all_at_once(calls, editor_client)

    for book_id, patched, deleted in zip(books, responses[::2], responses[1::2], strict=True):
        outcome = (patched.status_code, deleted.status_code)
        assert outcome in {(200, 412), (200, 204), (404, 204), (412, 204)}, outcome
        if delete_version == '"1"':
            assert outcome != (200, 204), "both writes claimed version 1"
        else:
            assert deleted.status_code == 204, "If-Match: * matches whatever version is current"
        after = editor_client.get(f"/api/v2/books/{book_id}/")
        if deleted.status_code == 204:
            assert after.status_code == 404, "a deleted book came back"
        else:
            assert (after.json()["title"], after.json()["version"]) == ("Updated", 2)


def test_deleting_an_author_while_books_naming_them_are_created_is_never_a_500(editor_client):
    author_id = editor_client.post("/api/v2/authors/", json={"name": "Contested"}).json()["id"]
    template = editor_client.get("/api/v2/books/", params={"page_size": 1}).json()["results"][0]

    def create(client: httpx.Client) -> httpx.Response:
        body = {**template, "isbn": valid_isbn(), "authors": [author_id]}
        return client.post("/api/v2/books/", json=body)

    def delete(client: httpx.Client) -> httpx.Response:
        return client.delete(f"/api/v2/authors/{author_id}/")

    responses = _all_at_once([create] * 5 + [delete] + [create] * 5, editor_client)

    deleted = responses[5].status_code
    created = [r.status_code for r in responses[:5] + responses[6:]]
    assert deleted in (204, 409), deleted
    assert set(created) <= {201, 400}, created
    books = editor_client.get("/api/v2/books/", params={"author": author_id}).json()["results"]
    if deleted == 204:
        assert books == [] and created.count(201) == 0
    else:
        assert len(books) == created.count(201) > 0
