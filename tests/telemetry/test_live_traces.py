"""Traces, live (issue 17, section 1): a request with a known traceparent through the gateway
is one trace: the gateway's spans, the service's span named for the REST route or the SOAP
operation, and the SQL beneath it, sent over OTLP/HTTP to a collector and kept in the local
trace store that the gateway serves at /traces/<id>."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.test import Client

from gateway import settings as gateway_settings
from tests.gateway.compare.pages import run
from tests.processes import Stack, live_stack
from tests.soap.conftest import CONTENT_TYPES, envelope
from tests.telemetry.otlp_receiver import Receiver, otlp_receiver


@pytest.fixture(scope="module")
def traced(tmp_path_factory) -> Iterator[tuple[Stack, Receiver]]:
    with otlp_receiver() as receiver:
        env = {
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
            "OTEL_BSP_SCHEDULE_DELAY": "100",
            "CATALOG_TRACE_STORE": "true",
        }
        with live_stack(tmp_path_factory.mktemp("traced"), books=3, env=env) as stack:
            yield stack, receiver


def new_trace() -> tuple[str, dict[str, str]]:
    trace_id = os.urandom(16).hex()
    return trace_id, {"traceparent": f"00-{trace_id}-{os.urandom(8).hex()}-01"}


def wait_for(spans: Callable[[], list[dict[str, Any]]], services: set[str]) -> list[dict]:
    """The trace's spans once every service's server span and some SQL have arrived.

    A server span ends after its children, so once it is here they are too; a service's first
    batch alone (its auth and rate-limit spans) may come before its request has ended."""
    deadline = time.monotonic() + 15
    while True:
        found = spans()
        names = {span["service"] for span in found if span["kind"] == "server"}
        if names >= services and any(is_sql(span) for span in found):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"spans from {sorted(names)} only: {found}")
        time.sleep(0.2)


def is_sql(span: dict[str, Any]) -> bool:
    return any(key.startswith("db.") for key in span["attributes"])


def ancestors(span: dict[str, Any], spans: list[dict[str, Any]]) -> list[str]:
    """Names of the span's ancestors, nearest first."""
    by_id = {s["span_id"]: s for s in spans}
    names = []
    while span["parent_id"] in by_id:
        span = by_id[span["parent_id"]]
        names.append(span["name"])
    return names


def test_a_rest_request_is_one_trace_from_the_gateway_to_its_sql(traced):
    stack, receiver = traced
    trace_id, headers = new_trace()
    response = httpx.get(stack.url("gateway", "/api/v2/books/1/"), headers=headers)
    assert response.status_code == 200
    spans = wait_for(lambda: receiver.trace(trace_id), {"catalog-gateway", "catalog-rest"})
    gateway = {s["name"] for s in spans if s["service"] == "catalog-gateway"}
    assert {"GET read", "auth", "rate limit", "upstream attempt"} <= gateway
    (service,) = [s for s in spans if s["service"] == "catalog-rest" and s["kind"] == "server"]
    assert service["name"] == "GET book-detail v2"
    assert "upstream attempt" in ancestors(service, spans)
    sql = [s for s in spans if is_sql(s) and s["service"] == "catalog-rest"]
    assert sql and all(service["name"] in ancestors(s, spans) for s in sql)


def test_a_soap_request_is_one_trace_named_for_its_operation(traced):
    stack, receiver = traced
    trace_id, headers = new_trace()
    response = httpx.post(
        stack.url("gateway", "/soap/catalog/"),
        content=envelope("<t:GetBook><t:id>1</t:id></t:GetBook>"),
        headers={**headers, "Content-Type": CONTENT_TYPES["1.1"]},
    )
    assert response.status_code == 200
    spans = wait_for(lambda: receiver.trace(trace_id), {"catalog-gateway", "catalog-soap"})
    (operation,) = [s for s in spans if s["service"] == "catalog-soap" and s["name"] == "GetBook"]
    assert "POST soap" in ancestors(operation, spans)
    sql = [s for s in spans if is_sql(s) and s["service"] == "catalog-soap"]
    assert sql and all("GetBook" in ancestors(s, spans) for s in sql)


def test_the_gateway_serves_a_trace_from_the_local_store_to_loopback(traced):
    stack, _ = traced
    trace_id, headers = new_trace()
    assert httpx.get(stack.url("gateway", "/api/v2/books/2/"), headers=headers).status_code == 200

    def stored() -> list[dict[str, Any]]:
        return httpx.get(stack.url("gateway", f"/traces/{trace_id}")).json()["spans"]

    spans = wait_for(stored, {"catalog-gateway", "catalog-rest"})
    assert all(span["trace_id"] == trace_id for span in spans)
    assert [s["end_ns"] >= s["start_ns"] for s in spans] == [True] * len(spans)


def test_the_compare_page_draws_each_sides_trace_down_to_its_sql(traced, settings, tmp_path):
    stack, _ = traced
    settings.ROOT_URLCONF = "gateway.urls"
    settings.MIDDLEWARE = []
    settings.TEMPLATES = gateway_settings.TEMPLATES
    settings.GATEWAY_COMPARE_PAGE = True
    settings.GATEWAY_COMPARE_TRACES = True
    settings.GATEWAY_COMPARE_URL = stack.url("gateway")
    settings.GATEWAY_COMPARE_REPORT_DIR = str(tmp_path / "no-report")
    result = run(Client(), operation="get_book", book_id=1)
    assert result.status == 200
    for protocol in ("rest", "soap"):
        column = result.column(protocol)
        kinds = re.findall(r'data-kind="(\w+)"', column)
        assert {"gateway", "upstream", "sql"} <= set(kinds), (protocol, kinds)
        assert re.search(r'data-trace="[0-9a-f]{32}"', column)
    assert ">GetBook <small>catalog-soap" in result.column("soap")
