"""What every service's Prometheus metrics share: bound label children, the registry to read
(one process, or every gunicorn worker's files in multiprocess mode), and `/metrics` itself,
which is not public: with METRICS_TOKEN set it wants `Authorization: Bearer <token>`, without
it only a client on loopback gets an answer (see docs/observability.md).
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from config.env import env_str

_bound: dict[tuple[Any, ...], Any] = {}


def bound(metric: Any, *labels: str) -> Any:
    """The metric's child for these label values, made once: `.labels()` costs ~3.5 us a call,
    a bound child's inc()/observe() ~1 us."""
    key = (metric, *labels)
    child = _bound.get(key)
    if child is None:
        child = _bound[key] = metric.labels(*labels)
    return child


def registry() -> CollectorRegistry:
    """Under gunicorn's workers (PROMETHEUS_MULTIPROC_DIR set) the sum of every worker's files;
    otherwise this process's own metrics."""
    directory = env_str("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return REGISTRY
    collected = CollectorRegistry()
    MultiProcessCollector(collected, path=directory)  # type: ignore[no-untyped-call]  # prometheus_client: unannotated
    return collected


def may_read_metrics(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        offered = request.headers.get("Authorization", "")
        return hmac.compare_digest(offered.encode(), f"Bearer {token}".encode())
    return client_on_loopback(request)


def client_on_loopback(request: HttpRequest) -> bool:
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def metrics_view(request: HttpRequest) -> HttpResponse:
    """GET /metrics: the Prometheus text format, or 403 for whoever may not read it."""
    if not may_read_metrics(request):
        return HttpResponse(
            "Metrics are served to loopback clients, or with METRICS_TOKEN as a bearer token.\n",
            status=403,
            content_type="text/plain",
        )
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
