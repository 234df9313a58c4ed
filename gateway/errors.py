"""Errors the gateway answers itself, and the one place upstream failures become them.

Each error carries its HTTP status, a stable `code` (the problem type's last segment, as the REST
service names its own) and the SOAP faultcode a SOAP client gets instead:

    GatewayError
    ├── RequestRefused            400 invalid             Client.SoapError
    ├── NotAuthenticated          401 not-authenticated   Client.AuthenticationFailed
    ├── InvalidToken              401 invalid-token       Client.AuthenticationFailed
    ├── InsufficientScope         403 insufficient-scope  Client.PermissionDenied
    ├── RouteNotFound             404 not-found           Client.NotFound
    ├── PayloadTooLarge           413 payload-too-large   Client.RequestTooLong
    ├── UnsupportedMediaType      415 unsupported-media-type Client.UnsupportedMediaType
    ├── HeadersTooLarge           431 headers-too-large   Client.RequestTooLong
    ├── QuotaExceeded             429 quota-exceeded      Client.RateLimited
    └── UpstreamUnavailable       502 bad-gateway         Server.Unavailable
        ├── UpstreamTimeout       504 gateway-timeout     Server.Unavailable
        ├── CircuitOpen           503 service-unavailable Server.Unavailable (+ Retry-After)
        └── RateLimiterDown       503 service-unavailable Server.Unavailable (fail-closed)

`map_upstream_errors()` wraps every upstream call: httpx timeouts become UpstreamTimeout,
any other transport error UpstreamUnavailable, and CircuitOpen (raised by the breaker transport)
passes through unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx


class GatewayError(Exception):
    status_code = 500
    code = "server_error"
    soap_faultcode = "Server"
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


class RequestRefused(GatewayError):
    status_code = 400
    code = "invalid"
    soap_faultcode = "Client.SoapError"
    default_detail = "The request was refused as malformed or unsafe."


class NotAuthenticated(GatewayError):
    status_code = 401
    code = "not_authenticated"
    soap_faultcode = "Client.AuthenticationFailed"
    default_detail = "This needs a bearer token (POST /auth/token/ to get one)."


class InvalidToken(GatewayError):
    status_code = 401
    code = "invalid_token"
    soap_faultcode = "Client.AuthenticationFailed"
    default_detail = "The bearer token was refused."


class InsufficientScope(GatewayError):
    status_code = 403
    code = "insufficient_scope"
    soap_faultcode = "Client.PermissionDenied"
    default_detail = "The token does not allow this."


class RouteNotFound(GatewayError):
    status_code = 404
    code = "not_found"
    soap_faultcode = "Client.NotFound"
    default_detail = "Nothing is served here."


class PayloadTooLarge(GatewayError):
    status_code = 413
    code = "payload_too_large"
    soap_faultcode = "Client.RequestTooLong"
    default_detail = "The request body is too large."


class UnsupportedMediaType(GatewayError):
    status_code = 415
    code = "unsupported_media_type"
    soap_faultcode = "Client.UnsupportedMediaType"
    default_detail = "The request body is in a form the gateway does not accept."


class HeadersTooLarge(GatewayError):
    status_code = 431
    code = "headers_too_large"
    soap_faultcode = "Client.RequestTooLong"
    default_detail = "The request headers are too large."


class QuotaExceeded(GatewayError):
    status_code = 429
    code = "quota_exceeded"
    soap_faultcode = "Client.RateLimited"
    default_detail = "Too many requests."


class UpstreamUnavailable(GatewayError):
    status_code = 502
    code = "bad_gateway"
    soap_faultcode = "Server.Unavailable"
    default_detail = "The service behind the gateway could not be reached."


class UpstreamTimeout(UpstreamUnavailable):
    status_code = 504
    code = "gateway_timeout"
    default_detail = "The service behind the gateway did not answer in time."


class CircuitOpen(UpstreamUnavailable):
    """Raised by the breaker while an upstream's circuit is open: answered at once with 503."""

    status_code = 503
    code = "service_unavailable"
    default_detail = "The service behind the gateway is failing; try again later."

    def __init__(self, retry_after: float, detail: str | None = None) -> None:
        self.retry_after = retry_after
        seconds = str(max(1, int(retry_after + 0.999)))
        super().__init__(detail, headers={"Retry-After": seconds})


class RateLimiterDown(UpstreamUnavailable):
    status_code = 503
    code = "service_unavailable"
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
