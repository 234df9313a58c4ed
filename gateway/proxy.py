"""Forwarding a request upstream and its response back, in raw ASGI.

Request: the client's headers minus hop-by-hop ones (RFC 9110 7.6.1: the fixed list plus every
header the Connection header names), minus what the gateway itself decides (Host, Content-Length,
X-Forwarded-*, Forwarded, X-Request-ID, traceparent), plus the gateway's. The body is read
whole, up to GATEWAY_MAX_BODY_BYTES (a retry must be able to send it again; 413 beyond).

Response: streamed chunk by chunk as the upstream sends it (memory stays bounded for large
lists), minus hop-by-hop headers and minus Date and Server, which the ASGI server sets itself
(they would otherwise appear twice).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpx

from gateway.errors import PayloadTooLarge, RequestRefused

Headers = list[tuple[bytes, bytes]]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"transfer-encoding",
        b"te",
        b"trailer",
        b"upgrade",
        b"proxy-authorization",
        b"proxy-authenticate",
    }
)
_SET_BY_GATEWAY = frozenset(
    {
        b"host",
        b"content-length",
        b"expect",
        b"x-forwarded-for",
        b"x-forwarded-proto",
        b"x-forwarded-host",
        b"x-forwarded-port",
        b"forwarded",
        b"x-request-id",
        b"traceparent",
    }
)
REQUEST_DROP = HOP_BY_HOP | _SET_BY_GATEWAY
RESPONSE_DROP = HOP_BY_HOP | {b"date", b"server", b"x-request-id"}


def connection_named(headers: Iterable[tuple[bytes, bytes]]) -> frozenset[bytes]:
    """Headers named in Connection are hop-by-hop too."""
    named = [
        token.strip().lower()
        for key, value in headers
        if key.lower() == b"connection"
        for token in value.split(b",")
    ]
    return frozenset(token for token in named if token)


def request_headers(
    headers: Headers,
    *,
    drop: frozenset[bytes] = frozenset(),
    add: Iterable[tuple[bytes, bytes]] = (),
) -> Headers:
    """What goes upstream: the client's end-to-end headers and the gateway's own."""
    excluded = REQUEST_DROP | drop | connection_named(headers)
    return [(key, value) for key, value in headers if key not in excluded] + list(add)


def response_headers(raw: Iterable[tuple[bytes, bytes]]) -> Headers:
    pairs = [(key.lower(), value) for key, value in raw]
    excluded = RESPONSE_DROP | connection_named(pairs)
    return [(key, value) for key, value in pairs if key not in excluded]


def header_bytes(headers: Headers) -> int:
    return sum(len(key) + len(value) + 4 for key, value in headers)


async def read_body(receive: Receive, limit: int, content_length: bytes | None) -> bytes:
    """The whole request body, refused with 413 as soon as it is known to exceed `limit`."""
    if content_length is not None:
        try:
            declared = int(content_length)
        except ValueError:
            raise RequestRefused("Content-Length is not a number.") from None
        if declared > limit:
            raise PayloadTooLarge(f"The request body may have at most {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise RequestRefused("The client went away while sending the body.")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The request body may have at most {limit} bytes.")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


# An answer declared this small is read whole before its head is passed on, so an upstream dying
# between its head and its body is the gateway's 502, not a head the server then turns into a bare
# 500; the wait is one upstream write on loopback (no faster or slower: docs/performance.md).
WHOLE_ANSWER_BYTES = 64 * 1024


def sent_whole(method: str, status: int, content_length: str | None) -> bool:
    """Whether an answer is read whole before it is passed on: one with a body (not to a HEAD,
    not a 204 or 304, whose Content-Length describes a body never sent) declared small."""
    return (
        method != "HEAD"
        and status not in (204, 304)
        and content_length is not None
        and content_length.isdigit()
        and int(content_length) <= WHOLE_ANSWER_BYTES
    )


async def stream_response(
    send: Send, status: int, headers: Headers, response: httpx.Response
) -> int:
    """Send status and headers at once, then the body as it arrives; returns the body size."""
    await send({"type": "http.response.start", "status": status, "headers": headers})
    sent = 0
    async for chunk in response.aiter_raw():
        if chunk:
            sent += len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b"", "more_body": False})
    return sent


async def send_whole(send: Send, status: int, headers: Headers, body: bytes) -> int:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
    return len(body)
