"""Metrics, live: each service's /metrics parses and counts every request once, summed over
gunicorn's workers (Prometheus multiprocess mode), and every metric the Grafana dashboard
queries is one the services expose."""

from __future__ import annotations

import httpx

from tests.processes import live_stack
from tests.soap.conftest import CONTENT_TYPES, envelope
from tests.soap.wsse import security_header
from tests.telemetry import dashboard
from tests.telemetry.dashboard import exposed_names, metric_names
from tests.telemetry.metrics import samples, value

SOAP_GET_BOOK = envelope("<t:GetBook><t:id>1</t:id></t:GetBook>")


def test_every_service_counts_each_request_once_across_its_workers(tmp_path):
    no_cache = {"GATEWAY_CACHE_ENABLED": "false"}  # every read reaches the service it counts
    with live_stack(tmp_path, books=3, env=no_cache) as stack:
        for _ in range(6):
            assert httpx.get(stack.url("gateway", "/api/v2/books/1/")).status_code == 200
        for _ in range(4):
            answer = httpx.post(
                stack.url("gateway", "/soap/catalog/"),
                content=SOAP_GET_BOOK,
                headers={"Content-Type": CONTENT_TYPES["1.1"]},
            )
            assert answer.status_code == 200
        _a_fault_and_a_refused_username_token(stack)
        scraped = {name: httpx.get(stack.url(name, "/metrics")).text for name in stack.servers}
    rest = {"service": "rest", "route": "book-detail", "version": "v2", "status": "200"}
    soap = {"service": "soap", "route": "GetBook", "version": "1.1", "status": "200"}
    assert value(scraped["rest"], "catalog_requests_total", **rest) == 6
    assert value(scraped["soap"], "catalog_requests_total", **soap) == 4
    assert value(scraped["gateway"], "gateway_requests_total", route="read", status="200") == 6
    assert value(scraped["gateway"], "gateway_requests_total", route="soap", status="200") == 4
    for name in ("rest", "soap"):
        assert value(scraped[name], "catalog_db_queries_total", service=name) >= 5
        assert "catalog_request_duration_seconds_bucket" in samples(scraped[name])
    exposed = set().union(*(exposed_names(text) for text in scraped.values()))
    assert metric_names(dashboard.load()) - exposed == set()


def _a_fault_and_a_refused_username_token(stack) -> None:
    """What the SOAP series only show once they have happened."""
    for header in ("", security_header("nobody", "wrong")):
        answer = httpx.post(
            stack.url("soap", "/soap/catalog/"),
            content=envelope("<t:GetBook><t:id>999999</t:id></t:GetBook>", header),
            headers={"Content-Type": CONTENT_TYPES["1.1"]},
        )
        assert answer.status_code == 500
