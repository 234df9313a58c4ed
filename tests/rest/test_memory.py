"""A served page is freed by reference counting the moment it is sent: no reference cycle keeps
its books' dicts alive for the garbage collector to walk later (that walk cost a page of 100
books about a tenth of its time)."""

from __future__ import annotations

import gc

import orjson
import pytest
from django.test.client import ClientHandler, RequestFactory

from tests.factories import make_book

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved_garbage():
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    yield gc.garbage
    gc.set_debug(0)
    gc.garbage.clear()


def served(path: str) -> bytes:
    """The body as a WSGI server gets it (the test client adds references of its own)."""
    response = ClientHandler()(RequestFactory().get(path).environ)
    body = b"".join(response)
    response.close()
    return body


@pytest.mark.parametrize("path", ["/api/v2/books/", "/api/v1/books/"])
def test_a_served_page_leaves_no_book_in_a_reference_cycle(saved_garbage, path):
    for number in range(3):
        make_book(title=f"Book {number}")
    assert len(orjson.loads(served(path))["results"]) == 3
    gc.collect()
    assert [o for o in saved_garbage if isinstance(o, dict) and "isbn" in o] == []
