"""The request pipeline for every proxied path, in raw ASGI (see asgi.py for why not Django):

    route -> version -> body -> token -> scope -> rate limit -> [response cache] ->
    upstream or mediation -> response

Each step is its own module (routing, versioning, proxy, auth, ratelimit, response_cache,
upstreams, mediation); this one orders them, answers what they refuse (problems.py: a problem,
or a SOAP fault for SOAP requests) and records one `Exchange` per request for metrics and the
access log. Catalog reads go through the response cache, which calls the upstream or mediation
only on a miss. Every response carries X-Request-ID, Server-Timing and, once the request has
been counted, the RateLimit headers; reads on cached routes Cache-Status.

Mediation hook: a REST v2 books request (`/api/v2/books/…`) carrying `X-Backend: soap` is handed
to `gateway.mediation.mediate(MediationRequest) -> Answer` instead of being proxied, when
GATEWAY_MEDIATION_ENABLED is true; otherwise the header passes through unnoticed. `mediate`
calls the SOAP upstream through `request.soap.send(httpx.Request)` (the same transport chain as
proxied calls: retries, breaker) or `request.soap.client`, sending
`request.upstream_headers` and `request.extensions` on every call, and returns the JSON answer
the REST service would give (status, headers, body). It raises GatewayError subclasses for what
it refuses; transport errors it lets through are mapped like any upstream call's.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

from catalog_contract import namespaces
from credentials.tokens import AccessClaims
from gateway import (
    compression,
    metrics,
    problems,
    proxy,
    response_cache,
    routing,
    soap,
    versioning,
)
from gateway.auth import Authenticator, authorize
from gateway.clientip import Origin, origin
from gateway.errors import GatewayError, HeadersTooLarge, RequestRefused, map_upstream_errors
from gateway.observability import AccessLog, request_id, server_timing, traceparent
from gateway.problems import Answer
from gateway.ratelimit import Decision, RateLimiter
from gateway.response_cache import ResponseCache
from gateway.routing import Route, RouteClass
from gateway.upstreams import ATTEMPTS, DEADLINE, IDEMPOTENT, UPSTREAM, Upstream
from telemetry import log_context, tracing

logger = logging.getLogger("gateway.pipeline")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_WS_SECURITY_NAMESPACE = namespaces.WSSE.encode()
_LOOKED_UP = frozenset(
    {
        b"authorization",
        b"cache-control",
        b"accept",
        b"accept-encoding",
        b"accept-version",
        b"content-encoding",
        b"content-length",
        b"idempotency-key",
        b"if-none-match",
        b"pragma",
        b"traceparent",
        b"x-backend",
        b"x-request-id",
    }
)


@dataclass(frozen=True, slots=True)
class MediationRequest:
    """What `gateway.mediation.mediate()` gets for a REST v2 books request to serve via SOAP."""

    method: str
    path: str  # the negotiated REST path, e.g. /api/v2/books/12/
    query: bytes
    headers: list[tuple[bytes, bytes]]  # the client's, hop-by-hop ones removed
    body: bytes
    soap: Upstream
    upstream_headers: list[tuple[bytes, bytes]]  # X-Request-ID, traceparent, X-Forwarded-*
    extensions: dict[str, Any]  # gateway.upstream / idempotent / deadline for each SOAP call


Mediate = Callable[[MediationRequest], Awaitable[Answer]]


@dataclass(slots=True)
class Exchange:
    """One request as the access log and metrics see it."""

    method: str
    path: str
    started: float
    deadline: float
    request_id: bytes
    traceparent: bytes
    origin: Origin
    route_class: str = "-"
    upstream: str = "-"
    status: int = 0
    attempts: int = 0
    upstream_seconds: float | None = None
    decision: Decision | None = None
    subject: str | None = None
    soap_version: str | None = None
    sent_bytes: int = 0
    error: str | None = None
    cache_status: bytes | None = None  # the Cache-Status of a read on a cached route

    def gateway_headers(self) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"x-request-id", self.request_id),
            (b"server-timing", server_timing(self.elapsed(), self.upstream_seconds)),
        ]
        if self.decision is not None:
            headers.extend(self.decision.headers())
        if self.cache_status is not None:
            headers.append((b"cache-status", self.cache_status))
        return headers

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def log_entry(self, duration: float) -> dict[str, Any]:
        upstream_ms = self.upstream_seconds * 1000 if self.upstream_seconds is not None else None
        decision = self.decision
        return {
            "request_id": self.request_id.decode("latin-1"),
            "method": self.method,
            "path": self.path,
            "route": self.route_class,
            "status": self.status,
            "upstream": self.upstream,
            "attempts": self.attempts,
            "duration_ms": round(duration * 1000, 3),
            "upstream_ms": round(upstream_ms, 3) if upstream_ms is not None else None,
            "ratelimit": decision.policy.name if decision else None,
            "ratelimit_decision": decision.outcome if decision else None,
            "ratelimit_remaining": decision.remaining if decision else None,
            "client": self.origin.client_ip,
            "subject": self.subject,
            "bytes": self.sent_bytes,
            "cache": self.cache_status.decode("latin-1") if self.cache_status else None,
            "error": self.error,
        }


class Gateway:
    """The raw-ASGI app for proxied paths; built once per process (runtime.py)."""

    def __init__(
        self,
        *,
        upstreams: dict[str, Upstream],
        authenticator: Authenticator,
        limiter: RateLimiter,
        cache: ResponseCache,
        access_log: AccessLog,
        mediate: Mediate | None = None,
    ) -> None:
        self.upstreams = upstreams
        self.authenticator = authenticator
        self.limiter = limiter
        self.cache = cache
        self.access_log = access_log
        self.mediate = mediate
        self.max_body_bytes = settings.GATEWAY_MAX_BODY_BYTES
        self.max_header_bytes = settings.GATEWAY_MAX_HEADER_BYTES
        self.deadline_seconds = settings.GATEWAY_REQUEST_DEADLINE_SECONDS
        self.connect_timeout = settings.GATEWAY_CONNECT_TIMEOUT_SECONDS
        self.trusted_proxies = settings.GATEWAY_TRUSTED_PROXIES

    async def __call__(
        self, scope: dict[str, Any], receive: proxy.Receive, send: proxy.Send
    ) -> None:
        found = _lookup(scope["headers"])
        exchange = Exchange(
            method=scope["method"],
            path=scope["path"],
            started=time.perf_counter(),
            deadline=time.monotonic() + self.deadline_seconds,
            request_id=request_id(found.get(b"x-request-id")),
            traceparent=traceparent(found.get(b"traceparent")),
            origin=origin(scope, self.trusted_proxies),
        )
        with tracing.server_span(f"{exchange.method} gateway", found.get(b"traceparent")):
            await self._traced(exchange, found, scope, receive, send)

    async def _traced(
        self,
        exchange: Exchange,
        found: dict[bytes, bytes],
        scope: dict[str, Any],
        receive: proxy.Receive,
        send: proxy.Send,
    ) -> None:
        exchange.traceparent = tracing.current_traceparent() or exchange.traceparent
        tracing.annotate("catalog.request_id", exchange.request_id.decode("latin-1"))
        bound = log_context.bind(
            exchange.request_id.decode("latin-1"), exchange.traceparent.decode("latin-1")
        )
        try:
            await self._handle(exchange, found, scope, receive, send)
        except GatewayError as error:
            exchange.error = error.code
            tracing.event("refused", code=error.code)
            await self._refuse(exchange, error, send)
        except Exception as exc:
            exchange.error = type(exc).__name__
            if exchange.status:  # the response has started: nothing more can be said
                logger.warning(
                    "response to %s %s broke off: %r", scope["method"], scope["path"], exc
                )
            else:
                logger.exception("gateway failure on %s %s", exchange.method, exchange.path)
                await self._refuse(exchange, GatewayError(), send)
        finally:
            self._record(exchange)
            log_context.unbind(bound)

    async def _handle(
        self,
        exchange: Exchange,
        found: dict[bytes, bytes],
        scope: dict[str, Any],
        receive: proxy.Receive,
        send: proxy.Send,
    ) -> None:
        method, path = exchange.method, exchange.path
        route = routing.resolve(method, path, scope.get("raw_path") or path.encode())
        exchange.route_class, exchange.upstream = route.route_class.value, route.upstream
        tracing.rename_current_span(f"{method} {exchange.route_class}")
        if route.route_class is RouteClass.SOAP:
            exchange.soap_version = soap.soap_version(path)
        if proxy.header_bytes(scope["headers"]) > self.max_header_bytes:
            raise HeadersTooLarge(f"The headers may have at most {self.max_header_bytes} bytes.")
        upstream_path, accept, version = route.path, None, None
        if route.negotiate_version:
            negotiated = versioning.negotiate(
                route.path, found.get(b"accept-version"), found.get(b"accept")
            )
            upstream_path, accept, version = negotiated.path, negotiated.accept, negotiated.version
        body = await proxy.read_body(receive, self.max_body_bytes, found.get(b"content-length"))
        if b"content-encoding" in found:
            body = compression.decoded_body(body, scope["headers"], self.max_body_bytes)
        call = soap.soap_call(path, method, body) if route.route_class is RouteClass.SOAP else None
        write = route.route_class is RouteClass.WRITE or (call is not None and not call.safe)
        changes_catalog = route.changes_catalog or (call is not None and call.changes_catalog)

        with tracing.span("auth"):
            claims = await self._authenticate(route, found, scope["headers"], write=changes_catalog)
        exchange.subject = claims.subject if claims else None
        policy, who = self.limiter.policy_for(
            write=write,
            subject=exchange.subject,
            client_ip=exchange.origin.client_ip,
            soap_credentials=call is not None and _WS_SECURITY_NAMESPACE in body,
            metadata=routing.is_metadata(method, path, scope.get("query_string") or b""),
        )
        with tracing.span("rate limit", policy=policy.name):
            exchange.decision = await self.limiter.check(policy, who)
        if not exchange.decision.allowed:
            raise exchange.decision.refusal()

        idempotent = call.safe if call is not None else _idempotent(method, found)
        extensions = {UPSTREAM: route.upstream, IDEMPOTENT: idempotent, DEADLINE: exchange.deadline}
        forwarded = self._forwarded_headers(exchange)
        mediated = self._mediates(version, upstream_path, found)
        variant = _cache_variant(exchange, route, upstream_path, scope, found, body, call, accept,
                                 mediated=mediated)  # fmt: skip
        lookup = await self._cache_lookup(exchange, variant) if variant is not None else None
        cached = lookup is not None and lookup.key is not None
        drop = {compression.CONTENT_ENCODING}  # the body was decoded above
        if cached:  # the gateway answers conditionals itself, from a whole answer
            drop |= response_cache.CONDITIONAL_HEADERS
        fetch: response_cache.Fetch
        if mediated:
            client_headers = proxy.request_headers(scope["headers"], drop=frozenset(drop))
            fetch = functools.partial(self._mediated, exchange, scope, upstream_path,
                                      client_headers, body, forwarded, extensions)  # fmt: skip
        else:
            if accept is not None:
                drop.add(b"accept")
            if route.route_class is RouteClass.TOKEN:  # secrets are never compressed (BREACH)
                drop.add(compression.ACCEPT_ENCODING)
            upstream_accept = [(b"accept", accept)] if accept is not None else []
            headers = proxy.request_headers(
                scope["headers"], drop=frozenset(drop), add=forwarded + upstream_accept
            )
            request = self._upstream_request(exchange, route, upstream_path, scope, headers,
                                             body, extensions)  # fmt: skip
            if not cached:
                await self._proxy(exchange, request, send)
                return
            fetch = functools.partial(self._fetch, exchange, request)
        if lookup is None or lookup.key is None:
            await self._send_answer(exchange, await fetch(), send)
            return
        await self._serve_cached(exchange, lookup, fetch, found.get(b"if-none-match"), send)

    async def _authenticate(
        self,
        route: Route,
        found: dict[bytes, bytes],
        scope_headers: list[tuple[bytes, bytes]],
        *,
        write: bool,
    ) -> AccessClaims | None:
        if route.route_class is RouteClass.TOKEN:
            return None
        authorization = found.get(b"authorization")
        if authorization is not None and _count(scope_headers, b"authorization") > 1:
            # the gateway would check one and the upstream might read another
            raise RequestRefused("Send one Authorization header, not several.")
        claims = await self.authenticator.authenticate(authorization)
        soap_route = route.route_class is RouteClass.SOAP
        authorize(claims, write=write, anonymous_allowed=soap_route or not write)
        return claims

    def _forwarded_headers(self, exchange: Exchange) -> list[tuple[bytes, bytes]]:
        where = exchange.origin
        headers = [
            (b"x-request-id", exchange.request_id),
            (b"traceparent", exchange.traceparent),
            (b"x-forwarded-for", where.client_ip.encode("latin-1")),
            (b"x-forwarded-proto", where.proto.encode("latin-1")),
        ]
        if where.host:  # links the services build (pages, WSDL) then name the gateway
            host = where.host.encode("latin-1")
            headers.extend(((b"host", host), (b"x-forwarded-host", host)))
        return headers

    def _timeout(self, deadline: float) -> dict[str, float]:
        remaining = max(0.001, deadline - time.monotonic())
        connect = min(self.connect_timeout, remaining)
        return {"connect": connect, "read": remaining, "write": remaining, "pool": remaining}

    async def _cache_lookup(
        self, exchange: Exchange, variant: response_cache.Variant
    ) -> response_cache.Lookup:
        """The read's cache key, or why it goes around the cache (then its Cache-Status)."""
        with tracing.span("cache lookup", kind=variant.kind):
            lookup = await self.cache.lookup(variant)
        if lookup.key is None:
            exchange.cache_status = lookup.status
            tracing.annotate("catalog.cache", lookup.status.decode("latin-1"))
        return lookup

    async def _serve_cached(
        self,
        exchange: Exchange,
        lookup: response_cache.Lookup,
        fetch: response_cache.Fetch,
        if_none_match: bytes | None,
        send: proxy.Send,
    ) -> None:
        served = await self.cache.serve(lookup, fetch)
        exchange.cache_status = served.status
        tracing.annotate("catalog.cache", served.status.decode("latin-1"))
        answer = response_cache.not_modified(served.answer, if_none_match)
        answer.headers.extend(response_cache.age_header(served.age))
        await self._send_answer(exchange, answer, send)

    async def _send_answer(self, exchange: Exchange, answer: Answer, send: proxy.Send) -> None:
        exchange.status = answer.status
        headers = [*answer.headers, *exchange.gateway_headers()]
        exchange.sent_bytes = await proxy.send_whole(send, answer.status, headers, answer.body)

    def _upstream_request(
        self,
        exchange: Exchange,
        route: Route,
        path: bytes,
        scope: dict[str, Any],
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        extensions: dict[str, Any],
    ) -> httpx.Request:
        query = scope.get("query_string") or b""
        target = path + b"?" + query if query else path
        return httpx.Request(
            exchange.method,
            self.upstreams[route.upstream].base_url + target.decode("latin-1"),
            headers=headers,
            content=body,
            extensions=dict(extensions),
        )

    async def _send_upstream(self, exchange: Exchange, request: httpx.Request) -> httpx.Response:
        """The upstream's response, its body not read yet; timings and attempts recorded."""
        name = request.extensions[UPSTREAM]
        request.extensions["timeout"] = self._timeout(exchange.deadline)
        sent_at = time.perf_counter()
        with map_upstream_errors(name):
            response = await self.upstreams[name].send(request)
        exchange.upstream_seconds = time.perf_counter() - sent_at
        exchange.attempts = response.extensions.get(ATTEMPTS, 1)
        return response

    async def _proxy(self, exchange: Exchange, request: httpx.Request, send: proxy.Send) -> None:
        """The upstream's answer passed on: a small one whole (proxy.sent_whole), so a failure
        while it is read is still a 502; a large or undeclared one as it arrives."""
        response = await self._send_upstream(exchange, request)
        try:
            length = response.headers.get("content-length")
            if proxy.sent_whole(exchange.method, response.status_code, length):
                answer = await self._whole(exchange, request, response)
                await self._send_answer(exchange, answer, send)
                return
            exchange.status = response.status_code
            response_headers = proxy.response_headers(response.headers.raw)
            response_headers.extend(exchange.gateway_headers())
            exchange.sent_bytes = await proxy.stream_response(
                send, response.status_code, response_headers, response
            )
        finally:
            await response.aclose()

    async def _fetch(self, exchange: Exchange, request: httpx.Request) -> Answer:
        """The upstream's whole answer, its body as sent (still in its content coding), for the
        cache: catalog reads are bounded by their page size."""
        response = await self._send_upstream(exchange, request)
        try:
            return await self._whole(exchange, request, response)
        finally:
            await response.aclose()

    async def _whole(
        self, exchange: Exchange, request: httpx.Request, response: httpx.Response
    ) -> Answer:
        with map_upstream_errors(request.extensions[UPSTREAM]):
            content = b"".join([chunk async for chunk in response.aiter_raw()])
        headers = [
            (name, value)
            for name, value in proxy.response_headers(response.headers.raw)
            if name != b"content-length"  # sent again with the body (proxy.send_whole)
        ]
        return Answer(response.status_code, headers, content, exchange.attempts)

    def _mediates(self, version: str | None, path: bytes, found: dict[bytes, bytes]) -> bool:
        return (
            self.mediate is not None
            and version == "v2"
            and path.startswith(b"/api/v2/books/")
            and found.get(b"x-backend", b"").strip().lower() == b"soap"
        )

    async def _mediated(
        self,
        exchange: Exchange,
        scope: dict[str, Any],
        path: bytes,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        forwarded: list[tuple[bytes, bytes]],
        extensions: dict[str, Any],
    ) -> Answer:
        """The mediated answer, compressed as the client accepts."""
        assert self.mediate is not None
        exchange.upstream = "soap"
        request = MediationRequest(
            method=exchange.method,
            path=path.decode("latin-1"),
            query=scope.get("query_string") or b"",
            headers=headers,
            body=body,
            soap=self.upstreams["soap"],
            upstream_headers=forwarded,
            extensions={**extensions, UPSTREAM: "soap"},
        )
        sent_at = time.perf_counter()
        with map_upstream_errors("soap"):
            answer = await self.mediate(request)
        exchange.upstream_seconds = time.perf_counter() - sent_at
        exchange.attempts = answer.attempts
        accept_encoding = _lookup(scope["headers"]).get(compression.ACCEPT_ENCODING)
        return compression.compressed_answer(answer, accept_encoding)

    async def _refuse(self, exchange: Exchange, error: GatewayError, send: proxy.Send) -> None:
        answer = problems.render(
            error,
            instance=exchange.path,
            request_id=exchange.request_id.decode("latin-1"),
            soap_version=exchange.soap_version,
        )
        await self._send_answer(exchange, answer, send)

    def _record(self, exchange: Exchange) -> None:
        duration = exchange.elapsed()
        upstream = exchange.upstream
        metrics.observe_request(exchange.route_class, exchange.status, upstream, duration)
        if exchange.upstream_seconds is not None:
            metrics.observe_upstream(upstream, exchange.upstream_seconds, exchange.attempts)
        self.access_log.write(exchange.log_entry(duration))


def _lookup(headers: list[tuple[bytes, bytes]]) -> dict[bytes, bytes]:
    """The first value of each header the pipeline reads."""
    found: dict[bytes, bytes] = {}
    for key, value in headers:
        if key in _LOOKED_UP:
            found.setdefault(key, value)
    return found


def _cache_variant(
    exchange: Exchange,
    route: Route,
    upstream_path: bytes,
    scope: dict[str, Any],
    found: dict[bytes, bytes],
    body: bytes,
    call: soap.SoapCall | None,
    accept: bytes | None,
    *,
    mediated: bool,
) -> response_cache.Variant | None:
    """What selects a cached route's representation; None for a route that is not cached."""
    where = exchange.origin
    # The services are the authority on credentials: a key retired from the issuer's JWKS is
    # refused by them at once, by this gateway only at its next key refresh. So a read that
    # carries a token is always answered by the service, never from the cache.
    credentials = b"authorization" in found
    accept_encoding = found.get(compression.ACCEPT_ENCODING)
    cache_control = found.get(b"cache-control", found.get(b"pragma"))
    if call is not None:
        return response_cache.soap_variant(
            upstream_path, call.operation, body, cache_control=cache_control,
            accept_encoding=accept_encoding,
            credentials=credentials or _WS_SECURITY_NAMESPACE in body,
            host=where.host or "", proto=where.proto,
        )  # fmt: skip
    if not route.negotiate_version:
        return None
    return response_cache.rest_variant(
        exchange.method, upstream_path, scope.get("query_string") or b"",
        cache_control=cache_control,
        accept=accept if accept is not None else found.get(b"accept"),
        accept_encoding=accept_encoding, host=where.host or "", proto=where.proto,
        backend="soap" if mediated else "rest", credentials=credentials,
    )  # fmt: skip


def _idempotent(method: str, found: dict[bytes, bytes]) -> bool:
    return method in IDEMPOTENT_METHODS or (method == "POST" and b"idempotency-key" in found)


def _count(headers: list[tuple[bytes, bytes]], name: bytes) -> int:
    return sum(1 for key, _ in headers if key == name)
