"""Content codings (RFC 9110 8.4, 12.5.3): which one a client accepts, compressing a body in it,
and decoding a request body without ever holding more than a limit of it.

Django-free and stateless, so the WSGI services' middleware (service_http.compression,
service_http.request_decoding) and the gateway (gateway.compression) share one implementation
of the rules:

- Accept-Encoding is read with its q-values: `br;q=0` refuses Brotli, `*` stands for every
  coding not named, `identity` is acceptable unless refused by `identity;q=0` (or `*;q=0`
  without an `identity` entry). No header means identity: a client that says nothing gets the
  body as it is. Equal q-values go to Brotli first: at quality 5 a 100-book page comes out
  8-11 % smaller than gzip level 6 for about the same CPU (measured, docs/gateway.md).
- A compressed representation has its own entity tag: the identity one's with `-gzip` or `-br`
  before the closing quote (as Apache's mod_deflate writes it), so a strong validator is never
  shared by two byte sequences (RFC 9110 8.8.3); `without_coding` gives back the identity tag
  a conditional request is compared with.
- Request bodies are decoded incrementally with `max_length`: the decoder stops producing as
  soon as the output passes the limit, so a small zip bomb costs at most limit + one chunk.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import brotli

GZIP = "gzip"
BR = "br"
IDENTITY = "identity"
RESPONSE_CODINGS = (BR, GZIP)  # server preference when q-values tie
REQUEST_CODINGS = frozenset({GZIP, "x-gzip"})  # x-gzip: RFC 9110 8.4.1.3 says treat as gzip

GZIP_LEVEL = 6  # zlib's default: the usual size/CPU balance for dynamic responses
BROTLI_QUALITY = 5  # dynamic content: quality 11 (the library default) costs ~100x the CPU
DECODE_CHUNK_BYTES = 64 * 1024
# identity, when neither it nor `*` is named: acceptable, but after any coding the client named
_UNNAMED_IDENTITY = 0.001

# JSON and XML (SOAP 1.1 is text/xml), plus plain text. Not HTML: the admin's and other pages
# carry CSRF tokens next to reflected input, what BREACH reads through compressed lengths.
_COMPRESSIBLE_TYPES = frozenset(
    {"application/json", "application/xml", "application/soap+xml", "text/xml", "text/plain"}
)


class BodyTooLarge(Exception):
    """The decoded body passed the limit; nothing past limit + one chunk was produced."""


class UnsupportedCoding(Exception):
    """A request body in a coding this server does not decode."""


class MalformedBody(Exception):
    """The body is not valid in the coding it claims."""


def accepted_codings(header: str | None) -> dict[str, float]:
    """Coding (lower case) -> q-value, for every well-formed entry of an Accept-Encoding value.
    An entry whose q-value is not a number between 0 and 1 is ignored, not guessed at."""
    accepted: dict[str, float] = {}
    for entry in (header or "").split(","):
        coding, *params = (part.strip() for part in entry.split(";"))
        if not coding:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                quality = _quality(value.strip())
        if quality >= 0:
            accepted[coding.lower()] = quality
    return accepted


def _quality(value: str) -> float:
    try:
        quality = float(value)
    except ValueError:
        return -1.0
    return quality if 0 <= quality <= 1 and len(value) <= 5 else -1.0


def choose_coding(header: str | None) -> str | None:
    """The coding to answer in: "br", "gzip", "identity", or None when the client refuses every
    one we can send (identity included); callers then send identity anyway (RFC 9110 12.5.3
    lets a server disregard the header rather than answer 406)."""
    if header is None:
        return IDENTITY
    accepted = accepted_codings(header)
    wildcard = accepted.get("*")
    best, best_quality = None, 0.0
    for coding in RESPONSE_CODINGS:
        quality = accepted.get(coding, wildcard or 0.0)
        if quality > best_quality:
            best, best_quality = coding, quality
    identity = accepted.get(IDENTITY, wildcard if wildcard is not None else _UNNAMED_IDENTITY)
    if best is not None and (IDENTITY not in accepted or best_quality >= identity):
        return best
    return IDENTITY if identity > 0 else best


def identity_refused(header: str | None) -> bool:
    """`identity;q=0`, or `*;q=0` with no identity entry: the body must be coded, however small."""
    accepted = accepted_codings(header)
    return accepted.get(IDENTITY, accepted.get("*", 1.0)) == 0


def response_coding(accept_encoding: str | None, size: int, min_bytes: int) -> str | None:
    """The coding to compress a body of `size` bytes in, or None to send it as it is: below
    `min_bytes` only when the client refused identity, else the client's preferred coding."""
    if size < min_bytes and not identity_refused(accept_encoding):
        return None
    coding = choose_coding(accept_encoding)
    return coding if coding in RESPONSE_CODINGS else None


def compressible(content_type: str | None) -> bool:
    """JSON and XML (problem+json and SOAP included): what the APIs answer with."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type in _COMPRESSIBLE_TYPES or media_type.endswith(("+json", "+xml"))


def compress(body: bytes, coding: str) -> bytes:
    if coding == BR:
        compressed: bytes = brotli.compress(body, quality=BROTLI_QUALITY)
        return compressed
    if coding == GZIP:
        return _gzip(body)
    raise ValueError(f"cannot compress in {coding!r}")


def _gzip(body: bytes) -> bytes:
    """gzip with mtime 0 (zlib's own header): equal input, equal bytes, as the strong `-gzip`
    ETag promises (Brotli's output is deterministic too)."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(body) + compressor.flush()


def coded_etag(etag: str, coding: str) -> str:
    """`"3"` -> `"3-gzip"`, `W/"3"` -> `W/"3-gzip"`: the compressed representation's own tag."""
    if len(etag) < 2 or not etag.endswith('"'):
        return etag
    return f'{etag[:-1]}-{coding}"'


def without_coding(tag: str) -> str:
    """The identity representation's tag for one of ours (`"3-br"` -> `"3"`); others unchanged."""
    for coding in RESPONSE_CODINGS:
        suffix = f'-{coding}"'
        if tag.endswith(suffix) and len(tag) > len(suffix) + 1:
            return tag[: -len(suffix)] + '"'
    return tag


def request_coding(header: str | None) -> str | None:
    """The coding of a request body from its Content-Encoding: None for identity (or no header);
    UnsupportedCoding for anything but a single gzip."""
    codings = [part.strip().lower() for part in (header or "").split(",") if part.strip()]
    codings = [coding for coding in codings if coding != IDENTITY]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in REQUEST_CODINGS:
        return GZIP
    raise UnsupportedCoding(f"Content-Encoding {header!r} is not accepted; send gzip or nothing.")


class BoundedGzipDecoder:
    """gzip decoding that refuses to produce more than `limit` bytes: each call to zlib asks for
    at most what is left of the limit plus one byte (max_length), the rest of the input waiting
    in zlib's unconsumed tail."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.produced = 0
        self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def decode(self, data: bytes, max_output: int = DECODE_CHUNK_BYTES) -> bytes:
        """At most `max_output` bytes of what `data` (and input held back before) decodes to."""
        data = self._zlib.unconsumed_tail + data
        room = min(max_output, self.limit - self.produced + 1)
        try:
            output = self._zlib.decompress(data, room)
        except zlib.error as exc:
            raise MalformedBody(f"The body is not valid gzip: {exc}") from None
        self.produced += len(output)
        if self.produced > self.limit:
            raise BodyTooLarge(f"The decoded body is larger than {self.limit} bytes.")
        return output

    @property
    def pending(self) -> bool:
        """Input already given that has not been decoded yet."""
        return bool(self._zlib.unconsumed_tail)

    def finish(self) -> None:
        if not self._zlib.eof:
            raise MalformedBody("The gzip body is truncated.")


def decode_all(chunks: Iterable[bytes], limit: int) -> bytes:
    """A whole gzip body, decoded chunk by chunk; BodyTooLarge past `limit` decoded bytes."""
    decoder = BoundedGzipDecoder(limit)
    parts: list[bytes] = []
    for chunk in chunks:
        parts.append(decoder.decode(chunk))
        while decoder.pending:
            parts.append(decoder.decode(b""))
    decoder.finish()
    return b"".join(parts)
