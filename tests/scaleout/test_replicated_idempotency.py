"""An idempotent POST retried on the other gateway replica creates one book: the retry gets the
first answer back, and a burst of the same request to both replicas at once still makes one row
(the Idempotency-Key record lives in the shared database, behind every replica)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.scaleout.conftest import books_with_isbn, new_book_body


def _post(url: str, body: dict, token: str, key: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    return httpx.post(f"{url}/api/v2/books/", json=body, headers=headers, timeout=30)


def test_a_post_retried_on_the_other_replica_is_replayed_not_repeated(replicas):
    token, body = replicas.token(), new_book_body(replicas, 1)
    first = _post(replicas.urls[0], body, token, "retry-across-replicas")
    retried = _post(replicas.urls[1], body, token, "retry-across-replicas")
    assert (first.status_code, retried.status_code) == (201, 201)
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert retried.json() == first.json()
    assert [book["id"] for book in books_with_isbn(replicas, body["isbn"])] == [first.json()["id"]]


def test_the_same_post_sent_to_both_replicas_at_once_creates_one_book(replicas):
    token, body = replicas.token(), new_book_body(replicas, 2)
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(
            pool.map(lambda n: _post(replicas.urls[n % 2], body, token, "burst"), range(16))
        )
    statuses = [response.status_code for response in responses]
    assert set(statuses) <= {201, 409} and 201 in statuses  # 409: the first is still running
    (book,) = books_with_isbn(replicas, body["isbn"])
    assert {r.json()["id"] for r in responses if r.status_code == 201} == {book["id"]}
