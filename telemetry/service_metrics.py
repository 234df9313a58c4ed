"""Prometheus metrics of the WSGI services (REST, SOAP), multiprocess-safe under gunicorn's
workers (PROMETHEUS_MULTIPROC_DIR; telemetry.gunicorn_hooks):

    catalog_requests_total{service, route, version, method, status}       counter
    catalog_request_duration_seconds{service, route, version}             histogram
    catalog_db_queries_total{service}                                     counter
    catalog_db_seconds_total{service}                                     counter
    catalog_soap_faults_total{code}                                       counter
    catalog_idempotency_replays_total                                     counter
    catalog_ws_security_total{outcome}                                    counter: accepted,
                                                                          refused
    catalog_change_feed_failures_total                                    counter: changes the
                                                                          response cache was
                                                                          not told of

`route` is the REST URL's name (book-detail, token-obtain …) or the SOAP operation (GetBook …),
`version` the API version (v1, v2) or the SOAP version (1.1, 1.2); errors are the requests with
a 5xx status (and, for SOAP, the faults by code). SQL per request is a ratio of counters,
rate(catalog_db_queries_total) / rate(catalog_requests_total), because two more histograms
cost each request ~10 us in multiprocess mode (measured in-process: ~30 us for the middleware
with them, ~20 us with the counters).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from prometheus_client import Counter, Histogram

from telemetry.prometheus import bound

_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "catalog_requests", "Requests answered", ["service", "route", "version", "method", "status"]
)
REQUEST_DURATION = Histogram(
    "catalog_request_duration_seconds",
    "Time from request to response, in the service",
    ["service", "route", "version"],
    buckets=_BUCKETS,
)
DB_QUERIES = Counter("catalog_db_queries", "SQL queries run for requests", ["service"])
DB_SECONDS = Counter("catalog_db_seconds", "Time in SQL queries of requests", ["service"])
SOAP_FAULTS = Counter("catalog_soap_faults", "SOAP faults answered", ["code"])
IDEMPOTENCY_REPLAYS = Counter(
    "catalog_idempotency_replays", "Idempotency-Key repeats answered from the stored response"
)
WS_SECURITY = Counter("catalog_ws_security", "WS-Security UsernameToken checks", ["outcome"])
CHANGE_FEED_FAILURES = Counter(
    "catalog_change_feed_failures", "Committed changes the gateway's response cache was not told of"
)


def count_soap_fault(code: str) -> None:
    bound(SOAP_FAULTS, code).inc()


def count_idempotency_replay() -> None:
    IDEMPOTENCY_REPLAYS.inc()


def count_ws_security(outcome: str) -> None:
    """'accepted' or 'refused'."""
    bound(WS_SECURITY, outcome).inc()


def count_change_feed_failure() -> None:
    CHANGE_FEED_FAILURES.inc()


def name_route(request: HttpRequest, route: str, version: str) -> None:
    """For a view whose URL does not name what it serves (the SOAP endpoint: the operation)."""
    request.metrics_route = (route, version)  # type: ignore[attr-defined]  # read back by getattr


class _QueryClock:
    """A database execute wrapper counting the request's queries and their time."""

    __slots__ = ("count", "seconds")

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.service = settings.SERVICE_NAME

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        queries = _QueryClock()
        with connection.execute_wrapper(queries):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        route, version = route_of(request)
        status = str(response.status_code)
        bound(REQUESTS, self.service, route, version, request.method or "-", status).inc()
        bound(REQUEST_DURATION, self.service, route, version).observe(elapsed)
        if queries.count:
            bound(DB_QUERIES, self.service).inc(queries.count)
            bound(DB_SECONDS, self.service).inc(queries.seconds)
        return response


def route_of(request: HttpRequest) -> tuple[str, str]:
    """(route, version) as the metrics label a request (and tracing names its span)."""
    named: tuple[str, str] | None = getattr(request, "metrics_route", None)
    if named is not None:
        return named
    match = request.resolver_match
    if match is None:
        return "unmatched", "-"
    return match.url_name or match.view_name or "-", match.kwargs.get("version", "-")
