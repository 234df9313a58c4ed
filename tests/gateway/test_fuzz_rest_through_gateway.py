"""Schemathesis' requests for every REST operation, sent through the gateway to the real REST
service (its WSGI handler, in this process, behind the gateway's upstream transport): with and
without a token, schema-valid and schema-breaking, the answer is never a 5xx.

Bounded and seeded in the normal suite, a time budget under `make fuzz` (tests/fuzzing.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.transport.requests import REQUESTS_TRANSPORT

from shared_models.models import Book
from tests import tokens
from tests.fuzzing import examples
from tests.gateway.inprocess import Send, gateway_in_front
from tests.rest.openapi import cases, operation_labels

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.django_db,
    pytest.mark.usefixtures("wsgi_calls_keep_the_test_connection"),
]


@pytest.fixture
def through_gateway(gateway_settings, monkeypatch) -> Iterator[Send]:
    with gateway_in_front("rest", gateway_settings, monkeypatch) as send:
        yield send


@pytest.mark.parametrize("label", operation_labels())
@settings(
    max_examples=examples(ci=1),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
@given(data=st.data(), token=st.booleans())
def test_every_rest_operation_through_the_gateway_is_never_a_5xx(
    through_gateway, fantasy_book, label, data, token
):
    case = data.draw(cases(label))
    bearer = f"Bearer {tokens.mint(sub='102', scope='catalog:read catalog:write')}"
    request = REQUESTS_TRANSPORT.serialize_case(  # as requests would send it, not the WSGI app
        case, base_url="http://gateway.test", headers={"Authorization": bearer} if token else None
    )
    request.pop("cookies", None)
    request["headers"] = {  # as bytes, as a client puts them on the wire (httpx wants ASCII str)
        name.encode("utf-8"): value.encode("utf-8") for name, value in request["headers"].items()
    }
    if "data" in request and isinstance(request["data"], (bytes, str)):
        request["content"] = request.pop("data")
    response = through_gateway(**request)
    assert response.status_code < 500, (response.status_code, response.text[:500])


def test_a_header_byte_above_127_is_passed_on_and_answered_not_a_5xx(through_gateway, fantasy_book):
    """Found by the fuzz run: `PATCH /api/v1/books/{id}/` with an If-Match of UTF-8 bytes (0xc2
    first). The gateway passes the bytes on as a real server receives them (latin-1 text in
    WSGI), and the service answers the request."""
    book = Book.objects.get()
    response = through_gateway(
        method="PATCH",
        url=f"/api/v1/books/{book.pk}/",
        headers={
            b"Authorization": f"Bearer {tokens.mint(scope='catalog:read catalog:write')}".encode(),
            b"If-Match": '"\u00c2"'.encode(),
            b"Content-Type": b"application/json",
        },
        content=b'{"title": "Tehanu"}',
    )
    assert response.status_code == 412, response.text[:300]
    assert Book.objects.get().title != "Tehanu"
