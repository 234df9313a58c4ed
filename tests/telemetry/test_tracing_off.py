"""With tracing off (no collector, no local store, or OTEL_SDK_DISABLED) nothing is installed:
no tracer provider, no instrumentation, and the request path's span helpers are one shared
null context."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.instrumentation.django import DjangoInstrumentor

from telemetry import tracing


@pytest.fixture
def tracing_env(monkeypatch):
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CATALOG_TRACE_STORE", raising=False)
    monkeypatch.delenv("OTEL_SDK_DISABLED", raising=False)
    return monkeypatch


def test_without_a_collector_or_store_nothing_is_installed(tracing_env):
    assert tracing.setup_tracing("rest") is False
    assert isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)
    assert not DjangoInstrumentor().is_instrumented_by_opentelemetry


def test_sdk_disabled_wins_over_a_collector(tracing_env):
    tracing_env.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    tracing_env.setenv("OTEL_SDK_DISABLED", "true")
    assert tracing.setup_tracing("gateway") is False
    assert isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)


def test_spans_are_one_shared_null_context_when_off(tracing_env):
    first, second = tracing.span("auth"), tracing.server_span("GET read", None)
    assert first is second
    with first as entered:
        assert entered is None
    assert tracing.current_traceparent() is None
