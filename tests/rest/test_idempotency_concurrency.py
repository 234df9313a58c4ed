"""Concurrent duplicates (a client retrying before its first POST answered) create exactly one
book: threads in this process, each with its own PostgreSQL connection. The same race across
real server processes, on SQLite as well, is in test_live_service.py."""

import os
import threading

import pytest
from django.db import connection

from shared_models.models import Book
from tests import tokens
from tests.factories import book_body_v2
from tests.rest.conftest import client_with

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="threads sharing SQLite's in-memory test database lock each other out",
    ),
]

DUPLICATES = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_exactly_one_book():
    body, token = book_body_v2(), tokens.mint(sub="7", scope="catalog:read catalog:write")
    start, statuses = threading.Barrier(DUPLICATES), []

    def post() -> None:
        try:
            client = client_with(token)
            start.wait(timeout=10)
            response = client.post("/api/v2/books/", body, format="json",
                                   HTTP_IDEMPOTENCY_KEY="retry-storm")  # fmt: skip
            statuses.append((response.status_code, response.get("Idempotent-Replayed")))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(DUPLICATES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert Book.objects.filter(isbn=body["isbn"]).count() == 1
    assert statuses.count((201, None)) == 1
    assert {status for status, _ in statuses} <= {201, 409}
    assert len(statuses) == DUPLICATES
