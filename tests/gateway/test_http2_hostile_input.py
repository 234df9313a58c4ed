"""Hostile HTTP/2 at the real gateway, frames crafted with the `h2` library: rapid reset
(CVE-2023-44487), more concurrent streams than advertised, an oversized header list, and the
HTTP/1.1 smuggling cases translated to HTTP/2 (RFC 9113 8.1.1, 8.2.2). Each must be refused or
survived: never a 500, never a request at the upstream for what is refused, and the gateway
keeps serving other clients. A recording upstream stands in for REST and SOAP."""

from __future__ import annotations

from collections.abc import Iterator

import h2.errors
import h2.events
import httpx
import pytest

from tests import tokens
from tests.gateway.h2_wire import H2Wire, request_headers
from tests.processes import gateway_in_front_of
from tests.recording_upstream import JWKS_PATH, RecordingUpstream

MAX_STREAMS = 20


@pytest.fixture(scope="module")
def gateway(recording_issuer, tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("gateway-h2-hostile")
    env = {"GATEWAY_HTTP2_MAX_STREAMS": str(MAX_STREAMS)}
    with gateway_in_front_of(recording_issuer.url, folder, **env) as address:
        yield address


def proxied(upstream: RecordingUpstream) -> list[str]:
    return [path for path in upstream.paths() if path != JWKS_PATH]


def still_serves(gateway: str) -> bool:
    """Another client, on a connection of its own, gets a book list."""
    with httpx.Client(http1=False, http2=True, timeout=10) as client:
        response = client.get(f"http://{gateway}/api/v2/books/")
    assert response.status_code == 200, response.text
    return True


def write_headers(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    bearer = ("authorization", f"Bearer {tokens.mint()}")
    return request_headers("POST", "/api/v2/authors/", bearer, *extra)


def test_rapid_reset_ends_in_goaway_and_others_are_still_served(gateway, upstream):
    with H2Wire(gateway) as wire:
        wire.read(1)
        for _ in range(1000):
            if wire.closed:
                break
            stream_id = wire.send(request_headers("GET", "/api/v2/books/"))
            wire.conn.reset_stream(stream_id, h2.errors.ErrorCodes.CANCEL)
            wire.flush()
        wire.read()

        codes = [event.error_code for event in wire.of(h2.events.ConnectionTerminated)]
    # The server ends the connection with GOAWAY ENHANCE_YOUR_CALM; when its reset of the
    # connection (our unread resets still in flight) reaches us first, the GOAWAY is lost with it.
    assert codes == [h2.errors.ErrorCodes.ENHANCE_YOUR_CALM] or (codes == [] and wire.reset)
    assert len(proxied(upstream)) < 100  # most were never served
    assert still_serves(gateway)


def test_the_concurrent_stream_limit_is_advertised(gateway):
    with H2Wire(gateway) as wire:
        wire.read(1)
        settings = wire.conn.remote_settings

    assert settings.max_concurrent_streams == MAX_STREAMS


def test_streams_past_the_limit_are_refused_and_never_forwarded(gateway, upstream):
    with H2Wire(gateway) as wire:
        wire.read(1)
        wire.ignore_stream_limit()
        headers = write_headers(("content-type", "application/json"), ("content-length", "2"))
        opened = [wire.send(headers, end=False) for _ in range(MAX_STREAMS + 5)]
        wire.read(2)

        resets = {event.stream_id: event.error_code for event in wire.of(h2.events.StreamReset)}
    assert resets == dict.fromkeys(opened[MAX_STREAMS:], h2.errors.ErrorCodes.REFUSED_STREAM)
    assert wire.statuses() == {}  # the streams within the limit still wait for their bodies
    assert proxied(upstream) == []  # no body was sent: nothing may have been forwarded
    assert still_serves(gateway)


@pytest.mark.parametrize("size", [20_000, 100_000])
def test_an_oversized_header_list_is_refused_before_any_upstream(gateway, upstream, size):
    with H2Wire(gateway) as wire:
        stream_id = wire.send(request_headers("GET", "/api/v2/books/", ("x-big", "a" * size)))
        wire.read()

        status = wire.statuses().get(stream_id)
    assert status in (None, 400, 413, 431), status
    assert proxied(upstream) == []
    assert still_serves(gateway)


def test_many_small_headers_past_the_list_size_are_refused(gateway, upstream):
    many = [(f"x-h{n}", "v" * 100) for n in range(1000)]
    with H2Wire(gateway) as wire:
        stream_id = wire.send(request_headers("GET", "/api/v2/books/", *many))
        wire.read()

        status = wire.statuses().get(stream_id)
    assert status in (None, 400, 431), status
    assert proxied(upstream) == []


BODY = b'{"name": "A"}'
SMUGGLING: dict[str, tuple[list[tuple[str, str]], bytes]] = {
    "Content-Length shorter than the DATA": (
        write_headers(("content-length", "2")), BODY + b"GET /admin/ HTTP/1.1\r\nHost: c\r\n\r\n"),
    "Content-Length longer than the DATA": (write_headers(("content-length", "500")), BODY),
    "two Content-Lengths": (
        write_headers(("content-length", str(len(BODY))), ("content-length", "0")), BODY),
    "Transfer-Encoding chunked": (
        write_headers(("transfer-encoding", "chunked")), b"0\r\n\r\nGET /admin/ HTTP/1.1\r\n\r\n"),
    "Connection header": (write_headers(("connection", "keep-alive")), BODY),
    "Upgrade header": (write_headers(("upgrade", "h2c")), BODY),
    "uppercase header name": (write_headers(("Content-Length", str(len(BODY)))), BODY),
    "CRLF in a header value": (
        write_headers(("x-a", "1\r\ntransfer-encoding: chunked")), BODY),
    "space in :path": (
        [(":method", "POST"), (":path", "/api/v2/authors/ HTTP/1.1\r\nHost: c\r\n\r\nGET /admin/"),
         (":scheme", "http"), (":authority", "c")], BODY),
}  # fmt: skip


@pytest.mark.parametrize("case", SMUGGLING)
def test_smuggling_over_h2_is_refused_and_never_reaches_the_upstream(gateway, upstream, case):
    headers, body = SMUGGLING[case]
    with H2Wire(gateway) as wire:
        stream_id = wire.send(headers, body)
        wire.read()

        status = wire.statuses().get(stream_id)
    assert status is None or 400 <= status < 500, status
    assert proxied(upstream) == []
    assert still_serves(gateway)


def test_a_well_formed_h2_write_passes_where_its_forgeries_failed(gateway, upstream):
    headers = write_headers(("content-type", "application/json"), ("content-length", "13"))
    with H2Wire(gateway) as wire:
        stream_id = wire.send(headers, BODY)
        wire.read(2)

        status = wire.statuses().get(stream_id)
    assert status == 200
    assert proxied(upstream) == ["/api/v2/authors/"]
