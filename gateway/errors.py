"""Errors the gateway answers itself, and the one place upstream failures become them.

Each error is one kind of catalog_contract.errors' table, which gives its HTTP status, its
stable `code` (the problem type's last segment, as the REST service names its own) and the SOAP
faultcode a SOAP client gets instead:

    GatewayError                  500 server_error
    ├── RequestRefused            400 bad_request
    ├── NotAuthenticated          401 not_authenticated
    ├── InvalidToken              401 invalid_token
    ├── InsufficientScope         403 insufficient_scope
    ├── RouteNotFound             404 not_found
    ├── PayloadTooLarge           413 content_too_large
    ├── UnsupportedMediaType      415 unsupported_media_type
    ├── HeadersTooLarge           431 headers_too_large
    ├── QuotaExceeded             429 quota_exceeded
    └── UpstreamUnavailable       502 bad_gateway
        ├── UpstreamTimeout       504 gateway_timeout
        ├── CircuitOpen           503 service_unavailable (+ Retry-After)
        └── RateLimiterDown       503 service_unavailable (fail-closed)

`map_upstream_errors()` wraps every upstream call: httpx timeouts become UpstreamTimeout,
any other transport error UpstreamUnavailable, and CircuitOpen (raised by the breaker transport)
passes through unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import httpx

from catalog_contract import errors
from catalog_contract.errors import ErrorKind


class GatewayError(Exception):
    kind: ClassVar[ErrorKind] = errors.SERVER_ERROR
    default_detail = "The gateway failed."

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        self.detail = detail or self.default_detail
        self.headers = headers or {}
        self.extensions = extensions
        super().__init__(self.detail)

    @property
    def status_code(self) -> int:
        return self.kind.status

    @property
    def code(self) -> str:
        return self.kind.code

    @property
    def soap_faultcode(self) -> str:
        """Every gateway error has one: the table gives a faultcode to every kind used here."""
        return self.kind.faultcode or "Server"


class RequestRefused(GatewayError):
    kind = errors.BAD_REQUEST
    default_detail = "The request was refused as malformed or unsafe."


class NotAuthenticated(GatewayError):
    kind = errors.NOT_AUTHENTICATED
    default_detail = "This needs a bearer token (POST /auth/token/ to get one)."


class InvalidToken(GatewayError):
    kind = errors.INVALID_TOKEN
    default_detail = "The bearer token was refused."


class InsufficientScope(GatewayError):
    kind = errors.INSUFFICIENT_SCOPE
    default_detail = "The token does not allow this."


class RouteNotFound(GatewayError):
    kind = errors.NOT_FOUND
    default_detail = "Nothing is served here."


class PayloadTooLarge(GatewayError):
    kind = errors.CONTENT_TOO_LARGE
    default_detail = "The request body is too large."


class UnsupportedMediaType(GatewayError):
    kind = errors.UNSUPPORTED_MEDIA_TYPE
    default_detail = "The request body is in a form the gateway does not accept."


class HeadersTooLarge(GatewayError):
    kind = errors.HEADERS_TOO_LARGE
    default_detail = "The request headers are too large."


class QuotaExceeded(GatewayError):
    kind = errors.QUOTA_EXCEEDED
    default_detail = "Too many requests."


class UpstreamUnavailable(GatewayError):
    kind = errors.BAD_GATEWAY
    default_detail = "The service behind the gateway could not be reached."


class UpstreamTimeout(UpstreamUnavailable):
    kind = errors.GATEWAY_TIMEOUT
    default_detail = "The service behind the gateway did not answer in time."


class CircuitOpen(UpstreamUnavailable):
    """Raised by the breaker while an upstream's circuit is open: answered at once with 503."""

    kind = errors.SERVICE_UNAVAILABLE
    default_detail = "The service behind the gateway is failing; try again later."

    def __init__(self, retry_after: float, detail: str | None = None) -> None:
        self.retry_after = retry_after
        seconds = str(max(1, int(retry_after + 0.999)))
        super().__init__(detail, headers={"Retry-After": seconds})


class RateLimiterDown(UpstreamUnavailable):
    kind = errors.SERVICE_UNAVAILABLE
    default_detail = "Rate limits cannot be checked right now; try again shortly."


@contextmanager
def map_upstream_errors(upstream: str) -> Iterator[None]:
    """Turn what an upstream call raises into the GatewayError the client is answered with."""
    try:
        yield
    except GatewayError:
        raise
    except httpx.TimeoutException as exc:
        raise UpstreamTimeout(f"The {upstream} service did not answer in time.") from exc
    except httpx.TransportError as exc:
        raise UpstreamUnavailable(f"The {upstream} service could not be reached.") from exc
