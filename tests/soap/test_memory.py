"""A SOAP answer is freed by reference counting once it is bytes: no reference cycle of Spyne's
contexts keeps the records it was made from alive for the garbage collector to walk later."""

from __future__ import annotations

import gc

import pytest
from django.test.client import ClientHandler, RequestFactory

from shared_models.records import BookRecord
from tests.factories import make_book
from tests.soap.conftest import CONTENT_TYPES, ENDPOINTS, envelope

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved_garbage():
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    yield gc.garbage
    gc.set_debug(0)
    gc.garbage.clear()


def served(body: bytes) -> bytes:
    """The answer as a WSGI server gets it (the test client adds references of its own)."""
    request = RequestFactory().post(ENDPOINTS["1.1"], body, content_type=CONTENT_TYPES["1.1"])
    response = ClientHandler()(request.environ)
    answer = b"".join(response)
    response.close()
    return answer


@pytest.mark.parametrize(
    "operation",
    [
        "<t:ListBooks><t:page_size>3</t:page_size></t:ListBooks>",
        "<t:GetBook><t:id>{id}</t:id></t:GetBook>",
    ],
    ids=["ListBooks", "GetBook"],
)
def test_an_answer_leaves_no_record_in_a_reference_cycle(saved_garbage, operation):
    books = [make_book(title=f"Book {number}") for number in range(3)]
    answer = served(envelope(operation.format(id=books[0].pk)))
    assert answer.count(b"<tns:title>Book ") >= 1
    gc.collect()
    assert [o for o in saved_garbage if isinstance(o, BookRecord)] == []
