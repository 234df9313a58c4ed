"""Schemathesis' requests for every REST operation, sent through the gateway to the real REST
service (its WSGI handler, in this process, behind the gateway's upstream transport): with and
without a token, schema-valid and schema-breaking, the answer is never a 5xx.

Bounded and seeded in the normal suite, a time budget under `make fuzz` (tests/fuzzing.py)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterator

import httpx
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import DEFAULT_DB_ALIAS, connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.transport.requests import REQUESTS_TRANSPORT

from gateway.runtime import Runtime
from tests import tokens
from tests.factories import make_book, make_genre, valid_isbn
from tests.fuzzing import examples
from tests.gateway.conftest import FakeIssuer, FakeUpstream
from tests.gateway.fakes import unread
from tests.rest.openapi import cases, operation_labels

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.django_db,
    pytest.mark.usefixtures("wsgi_calls_keep_the_test_connection"),
]

ANSWER_WITHIN = 30  # seconds: a request still unanswered then is a hang, reported with its input


class InProcessRest(httpx.AsyncBaseTransport):
    """The REST service's WSGI handler as the gateway's upstream, called in this thread on the
    test's own database connection (Django gives an async context a connection of its own,
    which would not see the test's transaction)."""

    def __init__(self) -> None:
        self.wsgi = httpx.WSGITransport(app=_path_as_wsgi_servers_pass_it(WSGIHandler()))
        self.connection = connections[DEFAULT_DB_ALIAS]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        connections[DEFAULT_DB_ALIAS] = self.connection
        request.read()
        response = self.wsgi.handle_request(request)
        response.read()
        answer = httpx.Response(
            response.status_code, headers=response.headers, content=response.content
        )
        return unread(answer)


def _path_as_wsgi_servers_pass_it(app: Callable) -> Callable:
    """httpx's WSGI transport passes PATH_INFO decoded as UTF-8; PEP 3333 servers (gunicorn)
    pass the bytes as latin-1, which is what Django reads."""

    def call(environ: dict, start_response: Callable) -> object:
        environ["PATH_INFO"] = environ["PATH_INFO"].encode("utf-8").decode("latin-1")
        return app(environ, start_response)

    return call


@pytest.fixture
def through_gateway(gateway_settings, monkeypatch) -> Iterator[Callable[..., httpx.Response]]:
    """send(**request kwargs) through a started gateway whose REST upstream is the service."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM, called from the loop
    gateway_settings.ROOT_URLCONF = "rest_service.urls"
    gateway_settings.JWT_LOGIN_RATE = "1000000/minute"
    for policy in ("ANONYMOUS", "USER", "WRITES"):
        setattr(gateway_settings, f"GATEWAY_RATELIMIT_{policy}", "1000000/minute")
    runtime = Runtime(
        transports={"rest": InProcessRest(), "soap": FakeUpstream().transport()},
        jwks_transport=FakeIssuer().transport(),
        log_stream=io.BytesIO(),
    )
    loop = asyncio.new_event_loop()
    loop.run_until_complete(runtime.start())
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=runtime.gateway), base_url="http://gateway.test"
    )

    def send(**request: object) -> httpx.Response:
        return loop.run_until_complete(asyncio.wait_for(client.request(**request), ANSWER_WITHIN))

    try:
        yield send
    finally:
        loop.run_until_complete(client.aclose())
        loop.run_until_complete(runtime.stop())
        loop.close()


@pytest.fixture
def catalog(db) -> None:
    genre = make_genre("fantasy")
    make_book(genres=[genre], isbn=valid_isbn(1))


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
    through_gateway, catalog, label, data, token
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
