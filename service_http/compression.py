"""Response compression for the WSGI services, negotiated by Accept-Encoding (service_http.codings).

Why not Django's GZipMiddleware: it knows gzip only, reads Accept-Encoding with a regular
expression that ignores q-values (`gzip;q=0` still gets gzip), compresses bodies of any size
above 200 bytes, and weakens the ETag (`W/"3"`) instead of giving the compressed representation
its own, so a client's If-Match could never be strong again. This one:

- compresses JSON and XML bodies of at least COMPRESSION_MIN_BYTES (read when the
  middleware is built) in br or gzip as the client prefers; smaller bodies go as they are, unless
  the client refused identity, and a coding that does not make the body smaller is not used;
- never compresses a path under COMPRESSION_EXCLUDED_PATHS (the token endpoints: a secret
  compressed next to attacker-chosen input leaks through its length, BREACH);
- adds `Vary: Accept-Encoding` to every response whose type it would compress, compressed or not;
- tags a compressed response `"<etag>-br"` / `"<etag>-gzip"`, and strips those suffixes from
  If-None-Match and If-Match before the view compares them, so a validator of any variant means
  the same content; a 304 answers with the validator the client holds.

Streaming responses and responses already carrying Content-Encoding pass through untouched.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from service_http import codings

_CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH")


class CompressionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.min_bytes = settings.COMPRESSION_MIN_BYTES
        self.excluded_paths = tuple(getattr(settings, "COMPRESSION_EXCLUDED_PATHS", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        held = _strip_coded_validators(request)
        response = self.get_response(request)
        if request.path_info.startswith(self.excluded_paths):
            return response
        if response.status_code == 304:
            _answer_with_held_validator(response, held)
            return response
        if response.streaming or not codings.compressible(response.get("Content-Type")):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        self._compress(request, response)
        return response

    def _compress(self, request: HttpRequest, response: HttpResponse) -> None:
        if response.has_header("Content-Encoding") or response.status_code == 206:
            return
        accept = request.META.get("HTTP_ACCEPT_ENCODING")
        body = response.content
        coding = codings.response_coding(accept, len(body), self.min_bytes)
        if coding is None:
            return
        compressed = codings.compress(body, coding)
        if len(compressed) >= len(body):
            return
        response.content = compressed
        response["Content-Length"] = str(len(compressed))
        response["Content-Encoding"] = coding
        if response.has_header("ETag"):
            response["ETag"] = codings.coded_etag(response["ETag"], coding)


def _strip_coded_validators(request: HttpRequest) -> list[str]:
    """Rewrite If-None-Match / If-Match to identity tags; the If-None-Match tags as sent."""
    held: list[str] = []
    for key in _CONDITIONAL_HEADERS:
        value = request.META.get(key)
        if not value or value.strip() == "*":
            continue
        tags = parse_etags(value)
        if key == "HTTP_IF_NONE_MATCH":
            held = tags
        request.META[key] = ", ".join(codings.without_coding(tag) for tag in tags)
        # `headers` is a cached_property an outer middleware may have read: built again from
        # META, only when META changed (building it walks every header, twice a request else).
        request.__dict__.pop("headers", None)
    return held


def _answer_with_held_validator(response: HttpResponse, held: list[str]) -> None:
    """A 304 names the representation the client holds (RFC 9111 4.3.4 uses it to pick the
    stored response to freshen): the tag of the coded variant the client holds, if it named
    one, as the 200 would have carried it (strong)."""
    if not response.has_header("ETag"):
        return
    patch_vary_headers(response, ("Accept-Encoding",))
    current = response["ETag"]
    for tag in (tag.removeprefix("W/") for tag in held):
        if tag != current and codings.without_coding(tag) == current:
            response["ETag"] = tag
            return
