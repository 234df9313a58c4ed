"""Prometheus metrics, served at /metrics.

    gateway_requests_total{route, status, upstream}                 counter
    gateway_request_duration_seconds{route, status, upstream}       histogram (whole request)
    gateway_upstream_duration_seconds{upstream}                     histogram (until headers)
    gateway_upstream_attempts_total{upstream}                       counter (1 per send)
    gateway_upstream_retries_total{upstream}                        counter (resends only)
    gateway_breaker_state{upstream}                                 gauge: 0 closed, 1 half-open,
                                                                    2 open
    gateway_ratelimit_rejections_total{policy}                      counter
    gateway_ratelimit_redis_failures_total                          counter
    gateway_tokens_rejected_total{reason}                           counter
    gateway_jwks_refreshes_total{outcome}                           counter
    gateway_cache_requests_total{outcome}                           counter: hit, miss,
                                                                    collapsed, request (the
                                                                    client's no-cache), bypass
    gateway_cache_stores_total                                      counter (answers stored)
    gateway_cache_errors_total{operation}                           counter (store failures)

Label children are bound once per label combination (telemetry.prometheus.bound); /metrics is
telemetry.prometheus.metrics_view (loopback or METRICS_TOKEN only). One process per replica
(GATEWAY_WORKERS=1): each replica is scraped on its own; several granian workers would each
count their own requests.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from telemetry.prometheus import bound as _child

_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter("gateway_requests", "Requests answered", ["route", "status", "upstream"])
REQUEST_DURATION = Histogram(
    "gateway_request_duration_seconds",
    "Time from request to the last response byte",
    ["route", "status", "upstream"],
    buckets=_BUCKETS,
)
UPSTREAM_DURATION = Histogram(
    "gateway_upstream_duration_seconds",
    "Time until the upstream's response headers arrived",
    ["upstream"],
    buckets=_BUCKETS,
)
UPSTREAM_ATTEMPTS = Counter("gateway_upstream_attempts", "Requests sent upstream", ["upstream"])
UPSTREAM_RETRIES = Counter("gateway_upstream_retries", "Requests sent again", ["upstream"])
BREAKER_STATE = Gauge(
    "gateway_breaker_state", "Circuit state: 0 closed, 1 half-open, 2 open", ["upstream"]
)
RATELIMIT_REJECTIONS = Counter(
    "gateway_ratelimit_rejections", "Requests refused with 429", ["policy"]
)
RATELIMIT_REDIS_FAILURES = Counter(
    "gateway_ratelimit_redis_failures", "Rate-limit checks that could not reach Redis"
)
TOKENS_REJECTED = Counter("gateway_tokens_rejected", "Bearer tokens refused", ["reason"])
JWKS_REFRESHES = Counter("gateway_jwks_refreshes", "JWKS fetches", ["outcome"])

CACHE_REQUESTS = Counter(
    "gateway_cache_requests", "Reads on cached routes, by what the cache did", ["outcome"]
)
CACHE_STORES = Counter("gateway_cache_stores", "Answers stored in the response cache")
CACHE_ERRORS = Counter(
    "gateway_cache_errors", "Response cache store failures (the cache goes off)", ["operation"]
)

BREAKER_STATES = {"closed": 0, "half_open": 1, "open": 2}


def observe_request(route: str, status: int, upstream: str, seconds: float) -> None:
    status_label = str(status)
    _child(REQUESTS, route, status_label, upstream).inc()
    _child(REQUEST_DURATION, route, status_label, upstream).observe(seconds)


def observe_upstream(upstream: str, seconds: float, attempts: int) -> None:
    _child(UPSTREAM_DURATION, upstream).observe(seconds)
    _child(UPSTREAM_ATTEMPTS, upstream).inc(attempts)
    if attempts > 1:
        _child(UPSTREAM_RETRIES, upstream).inc(attempts - 1)


def set_breaker_state(upstream: str, state: str) -> None:
    """For the breaker: 'closed', 'half_open' or 'open'."""
    _child(BREAKER_STATE, upstream).set(BREAKER_STATES[state])


def count_ratelimit_rejection(policy: str) -> None:
    _child(RATELIMIT_REJECTIONS, policy).inc()


def count_redis_failure() -> None:
    RATELIMIT_REDIS_FAILURES.inc()


def count_token_rejection(reason: str) -> None:
    _child(TOKENS_REJECTED, reason).inc()


def count_jwks_refresh(outcome: str) -> None:
    _child(JWKS_REFRESHES, outcome).inc()


def count_cache_lookup(outcome: str) -> None:
    """'hit', 'miss', 'collapsed' (answered by a concurrent miss), 'request' (the client asked
    for a fresh answer) or 'bypass'."""
    _child(CACHE_REQUESTS, outcome).inc()


def count_cache_store() -> None:
    CACHE_STORES.inc()


def count_cache_error(operation: str) -> None:
    _child(CACHE_ERRORS, operation).inc()
