"""A started gateway in front of a real service's WSGI handler, all in this process, for the
fuzz tests that send generated requests through the gateway to the service behind it."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote_to_bytes

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
    not see the test's transaction).

    The WSGI environ is built here as PEP 3333 servers (gunicorn) build it: the path and every
    header value as latin-1 text of the bytes received. httpx's WSGI transport decodes them as
    UTF-8 and ASCII, and fails on a header byte above 127 that a real server passes on."""

    def __init__(self) -> None:
        self.app = WSGIHandler()
        self.connection = connections[DEFAULT_DB_ALIAS]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        connections[DEFAULT_DB_ALIAS] = self.connection
        body = await request.aread()
        started: list[Any] = []

        def start_response(status: str, headers: list, exc_info: Any = None) -> None:
            started[:] = [status, headers]

        chunks = self.app(_environ(request, body), start_response)
        raw = b"".join(chunks)  # as sent: still compressed, as a socket delivers it
        getattr(chunks, "close", lambda: None)()
        status, headers = started
        return httpx.Response(int(status.split()[0]), headers=headers, stream=httpx.ByteStream(raw))


def _environ(request: httpx.Request, body: bytes) -> dict[str, Any]:
    url = request.url
    environ: dict[str, Any] = {
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(url.raw_path.split(b"?")[0]).decode("latin-1"),
        "QUERY_STRING": url.query.decode("latin-1"),
        "SERVER_NAME": url.host,
        "SERVER_PORT": str(url.port or 80),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    for name, value in request.headers.raw:
        key = name.decode("latin-1").upper().replace("-", "_")
        key = key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"
        text = value.decode("latin-1")
        environ[key] = f"{environ[key]},{text}" if key in environ else text
    return environ


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
