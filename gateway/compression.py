"""Content codings at the gateway: gzip request bodies in, compressed answers out, never twice.

Requests: a `Content-Encoding: gzip` body is decoded here (GATEWAY_MAX_BODY_BYTES applies to
the decoded size; past it a 413 after decoding at most the limit plus one chunk; another coding
is a 415), because the gateway reads the body itself (the SOAP operation decides retries and
limits) and the upstream then gets plain bytes and no Content-Encoding.

Responses: proxied responses are compressed by the upstream, not here. The client's
Accept-Encoding goes upstream unchanged, the service answers in a coding the client accepts (or
identity), and the gateway streams those bytes through as they are: one compression per
response, done by the WSGI worker that built it, and none in the gateway's event loop (measured
in docs/gateway.md: gzip of a 100-book page costs the gateway more CPU than proxying it). The
token routes ask upstream for identity (BREACH). What the gateway writes itself (mediated
answers) is compressed here with the same rules as the services (service_http.codings).
"""

from __future__ import annotations

from django.conf import settings

from gateway.errors import PayloadTooLarge, RequestRefused, UnsupportedMediaType
from gateway.problems import Answer
from service_http import codings

Headers = list[tuple[bytes, bytes]]
CONTENT_ENCODING = b"content-encoding"
ACCEPT_ENCODING = b"accept-encoding"


def decoded_body(body: bytes, headers: Headers, limit: int) -> bytes:
    """The request body without its content coding; `body` as it is when it has none. Every
    Content-Encoding line counts (two `gzip` lines are gzip twice, refused like `gzip, gzip`)."""
    header = ", ".join(
        value.decode("latin-1") for name, value in headers if name == CONTENT_ENCODING
    )
    try:
        if codings.request_coding(header) is None:
            return body
        return codings.decode_all([body], limit)
    except codings.UnsupportedCoding as exc:
        raise UnsupportedMediaType(str(exc)) from None
    except codings.BodyTooLarge:
        raise PayloadTooLarge(f"The decoded request body may have at most {limit} bytes.") from None
    except codings.MalformedBody as exc:
        raise RequestRefused(str(exc)) from None


def compressed_answer(answer: Answer, accept_encoding: bytes | None) -> Answer:
    """`answer` in the coding the client prefers, as the services compress (size threshold,
    `Vary`, the coding's own ETag); unchanged when not worth it or not acceptable."""
    headers = dict(answer.headers)
    if not codings.compressible(headers.get(b"content-type", b"").decode("latin-1")):
        return answer
    vary = [*answer.headers, (b"vary", b"Accept-Encoding")]
    accept = accept_encoding.decode("latin-1") if accept_encoding is not None else None
    coding = codings.response_coding(accept, len(answer.body), settings.COMPRESSION_MIN_BYTES)
    body = codings.compress(answer.body, coding) if coding is not None else answer.body
    if coding is None or len(body) >= len(answer.body):
        return Answer(answer.status, vary, answer.body, answer.attempts)
    coded = [
        (name, codings.coded_etag(value.decode("latin-1"), coding).encode("latin-1"))
        if name == b"etag"
        else (name, value)
        for name, value in vary
    ]
    coded.append((CONTENT_ENCODING, coding.encode()))
    return Answer(answer.status, coded, body, answer.attempts)
