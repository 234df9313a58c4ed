"""gzip request bodies (`Content-Encoding: gzip`, as Apache CXF and .NET SOAP stacks send them),
decoded where the body is read, never all at once.

The middleware swaps the request's input stream for a DecodingStream; each service reads the
body as it always does (DRF's parsers, Spyne through `request.body`) and gets the decoded bytes.
The limit is DATA_UPLOAD_MAX_MEMORY_SIZE, applied to the decoded size: past it the stream
raises DecodedBodyTooLarge (Django's RequestDataTooBig, so a 413 wherever the service maps that)
having produced at most limit + one chunk. A coding other than gzip raises
UnsupportedContentCoding when the body is read (415); a request whose body is never read is
not refused for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse

from service_http import codings

READ_CHUNK_BYTES = 64 * 1024


class DecodedBodyTooLarge(RequestDataTooBig):
    pass


class UnsupportedContentCoding(SuspiciousOperation):
    pass


class MalformedContentCoding(SuspiciousOperation):
    pass


class DecodingStream:
    """A read-only file over the decoded body of `raw` (the request's own input stream)."""

    def __init__(self, raw: IO[bytes], header: str, limit: int) -> None:
        self._raw = raw
        self._header = header  # checked when the body is read: see the module docstring
        self._decoder = codings.BoundedGzipDecoder(limit)
        self._buffer = b""
        self._done = False

    def read(self, size: int | None = -1) -> bytes:
        wanted = size if size is not None and size >= 0 else None
        parts = [self._buffer]
        have = len(self._buffer)
        while (wanted is None or have < wanted) and not self._done:
            chunk = self._next(READ_CHUNK_BYTES if wanted is None else wanted - have)
            parts.append(chunk)
            have += len(chunk)
        data = b"".join(parts)
        if wanted is None:
            self._buffer = b""
            return data
        self._buffer = data[wanted:]
        return data[:wanted]

    def _next(self, size: int) -> bytes:
        try:
            codings.request_coding(self._header)
            if self._decoder.pending:
                return self._decoder.decode(b"", size)
            raw = self._raw.read(READ_CHUNK_BYTES)
            if not raw:
                self._decoder.finish()
                self._done = True
                return b""
            return self._decoder.decode(raw, size)
        except codings.BodyTooLarge as exc:
            raise DecodedBodyTooLarge(str(exc)) from None
        except codings.UnsupportedCoding as exc:
            raise UnsupportedContentCoding(str(exc)) from None
        except codings.MalformedBody as exc:
            raise MalformedContentCoding(str(exc)) from None

    def close(self) -> None:
        self._raw.close()


class RequestDecodingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_CONTENT_ENCODING", "")
        if header.strip() and header.strip().lower() != codings.IDENTITY:
            request._stream = DecodingStream(  # type: ignore[assignment]  # read-only, not a BinaryIO
                request._stream, header, settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            )
            # Django checks a declared length against the limit; the decoded one is unknown.
            del request.META["HTTP_CONTENT_ENCODING"]
        return self.get_response(request)
