"""A started gateway in front of a real service's WSGI handler, all in this process, for the
fuzz tests that send generated requests through the gateway to the service behind it."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from django.core.handlers.wsgi import WSGIHandler
from django.db import DEFAULT_DB_ALIAS, connections

from gateway.runtime import Runtime
from tests.gateway.conftest import FakeIssuer, FakeUpstream

ANSWER_WITHIN = 30  # seconds: a request still unanswered then is a hang, reported with its input
URLCONFS = {"rest": "rest_service.urls", "soap": "soap_service.urls"}
Send = Callable[..., httpx.Response]


class InProcessService(httpx.AsyncBaseTransport):
    """A service's WSGI handler as the gateway's upstream, called in this thread on the test's
    own database connection (Django gives an async context a connection of its own, which would
    not see the test's transaction)."""

    def __init__(self) -> None:
        self.wsgi = httpx.WSGITransport(app=_path_as_wsgi_servers_pass_it(WSGIHandler()))
        self.connection = connections[DEFAULT_DB_ALIAS]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        connections[DEFAULT_DB_ALIAS] = self.connection
        request.read()
        response = self.wsgi.handle_request(request)
        raw = b"".join(response.stream)  # as sent: still compressed, as a socket delivers it
        return httpx.Response(
            response.status_code, headers=response.headers, stream=httpx.ByteStream(raw)
        )


def _path_as_wsgi_servers_pass_it(app: Callable) -> Callable:
    """httpx's WSGI transport passes PATH_INFO decoded as UTF-8; PEP 3333 servers (gunicorn)
    pass the bytes as latin-1, which is what Django reads."""

    def call(environ: dict, start_response: Callable) -> object:
        environ["PATH_INFO"] = environ["PATH_INFO"].encode("utf-8").decode("latin-1")
        return app(environ, start_response)

    return call


@contextmanager
def gateway_in_front(service: str, settings: Any, monkeypatch: Any) -> Iterator[Send]:
    """send(**httpx request kwargs) through a started gateway whose `service` upstream ("rest"
    or "soap") is the real service; the other upstream is a fake. Limits are out of the way."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM, called from the loop
    settings.ROOT_URLCONF = URLCONFS[service]
    settings.JWT_LOGIN_RATE = "1000000/minute"
    for policy in ("ANONYMOUS", "USER", "WRITES"):
        setattr(settings, f"GATEWAY_RATELIMIT_{policy}", "1000000/minute")
    transports: dict[str, httpx.AsyncBaseTransport] = {
        name: FakeUpstream().transport() for name in URLCONFS
    }
    transports[service] = InProcessService()
    runtime = Runtime(
        transports=transports, jwks_transport=FakeIssuer().transport(), log_stream=io.BytesIO()
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
