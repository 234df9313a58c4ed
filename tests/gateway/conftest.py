"""Gateway tests in this process: the pipeline built by the real Runtime, with the upstreams and
the issuer's JWKS replaced by httpx.MockTransport, and requests sent as raw ASGI calls (so the
raw path, client address and repeated headers are exactly what a test says)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import pytest

from credentials import keys
from gateway.runtime import Runtime
from tests.gateway.fakes import unread

Handler = Callable[[httpx.Request], httpx.Response]


def jwks_document() -> dict[str, Any]:
    return {"keys": [keys.public_jwk(keys.public_key_pem()).as_dict()]}


@dataclass
class FakeUpstream:
    """An upstream that records what reached it and answers with `handler`."""

    handler: Handler = field(default=lambda request: httpx.Response(200, json={"ok": True}))
    requests: list[httpx.Request] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return unread(self.handler(request))

        return httpx.MockTransport(handle)


@dataclass
class FakeIssuer:
    """The JWKS endpoint: counts fetches, can be made to fail."""

    document: dict[str, Any] = field(default_factory=jwks_document)
    fetches: int = 0
    failing: bool = False

    def transport(self) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            self.fetches += 1
            if self.failing:
                return httpx.Response(503)
            return httpx.Response(200, json=self.document)

        return httpx.MockTransport(handle)


@dataclass
class Reply:
    """An ASGI answer; header names compared without case (Django's own pages send them as
    `Content-Type`, proxied answers lowercased)."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    body_messages: int = 1  # the ASGI http.response.body messages it came in

    def header(self, name: str) -> str | None:
        wanted = name.lower().encode()
        return next((v.decode("latin-1") for k, v in self.headers if k.lower() == wanted), None)

    def header_values(self, name: str) -> list[str]:
        wanted = name.lower().encode()
        return [v.decode("latin-1") for k, v in self.headers if k.lower() == wanted]

    def json(self) -> Any:
        return orjson.loads(self.body)


async def asgi_request(
    app: Callable[..., Awaitable[None]],
    method: str,
    path: str,
    *,
    headers: Iterable[tuple[str, str]] = (),
    body: bytes = b"",
    raw_path: bytes | None = None,
    query: bytes = b"",
    client: tuple[str, int] = ("10.1.2.3", 50000),
    stay_connected: bool = False,
) -> Reply:
    """One request as raw ASGI; `stay_connected` keeps the client connected after its body (as
    a real one is while it waits), which Django's own ASGI handler needs to answer at all."""
    raw_headers = [(k.lower().encode(), v.encode("latin-1")) for k, v in headers]
    if not any(k == b"host" for k, _ in raw_headers):
        raw_headers.insert(0, (b"host", b"gateway.test:8000"))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": raw_path if raw_path is not None else path.encode(),
        "query_string": query,
        "headers": raw_headers,
        "client": client,
        "server": ("127.0.0.1", 8000),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        if stay_connected:
            await asyncio.Event().wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    parts = [m.get("body", b"") for m in sent if m["type"] == "http.response.body"]
    return Reply(start["status"], list(start["headers"]), b"".join(parts), len(parts))


@dataclass
class GatewayHarness:
    runtime: Runtime
    rest: FakeUpstream
    soap: FakeUpstream
    issuer: FakeIssuer
    log: io.StringIO

    async def request(self, method: str, path: str, **kwargs: Any) -> Reply:
        assert self.runtime.gateway is not None
        return await asgi_request(self.runtime.gateway, method, path, **kwargs)

    def log_lines(self) -> list[dict[str, Any]]:
        return [orjson.loads(line) for line in self.log.getvalue().splitlines()]


@pytest.fixture
def gateway_settings(settings):
    """Defaults for in-process gateway tests: no Redis, roomy limits, a fake issuer URL, and no
    response cache (the tests of other concerns count upstream calls; the cache's own tests,
    test_response_cache_*.py, turn it on)."""
    settings.REDIS_URL = ""
    settings.GATEWAY_CACHE_ENABLED = False
    settings.GATEWAY_JWKS_URL = "http://issuer.test/.well-known/jwks.json"
    settings.GATEWAY_REST_URL = "http://rest.test"
    settings.GATEWAY_SOAP_URL = "http://soap.test"
    settings.GATEWAY_RATELIMIT_NAMESPACE = "test-gw"
    return settings


@pytest.fixture
def harness_factory(gateway_settings):
    """run(scenario): builds a started gateway, awaits scenario(harness), stops the gateway."""

    def run(
        scenario: Callable[[GatewayHarness], Awaitable[Any]],
        *,
        rest: FakeUpstream | None = None,
        soap: FakeUpstream | None = None,
        issuer: FakeIssuer | None = None,
        real_rest_transport: bool = False,
    ) -> Any:
        async def main() -> Any:
            harness = GatewayHarness(
                runtime=None,  # type: ignore[arg-type]  # set just below, once the fakes exist
                rest=rest or FakeUpstream(),
                soap=soap or FakeUpstream(),
                issuer=issuer or FakeIssuer(),
                log=io.StringIO(),
            )
            transports = {"rest": harness.rest.transport(), "soap": harness.soap.transport()}
            if real_rest_transport:
                del transports["rest"]
            harness.runtime = Runtime(
                transports=transports,
                jwks_transport=harness.issuer.transport(),
                log_stream=harness.log,
            )
            await harness.runtime.start()
            try:
                return await scenario(harness)
            finally:
                await harness.runtime.stop()

        return asyncio.run(main())

    return run


@pytest.fixture
def cache_settings(gateway_settings, tmp_path, monkeypatch):
    """The response cache on, in this process, with a generation file of the test's own (the
    var folder is where the services announce changes when there is no Redis)."""
    monkeypatch.setenv("CATALOG_VAR_DIR", str(tmp_path / "var"))
    gateway_settings.GATEWAY_CACHE_ENABLED = True
    gateway_settings.GATEWAY_CACHE_TTL_SECONDS = 300.0
    gateway_settings.GATEWAY_CACHE_MAX_BODY_BYTES = 64 * 1024
    gateway_settings.GATEWAY_CACHE_MAX_ENTRIES = 100
    return gateway_settings


def catalog_answer(request: httpx.Request) -> httpx.Response:
    """A REST catalog read as the service answers it: JSON naming the path it was asked for,
    with an ETag and the Vary the service sends."""
    body = orjson.dumps({"path": request.url.path, "query": request.url.query.decode()})
    headers = {"content-type": "application/json", "etag": '"7"', "vary": "Accept, Accept-Encoding"}
    return httpx.Response(200, headers=headers, content=body)
