"""The gateway decides which requests are traced; REST and SOAP follow the traceparent it sends
and start no trace of their own, unless OTEL_TRACES_SAMPLER tells them otherwise."""

from __future__ import annotations

import os

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.sampling import Decision

from telemetry.tracing import sampler_for

TRACE_ID = int.from_bytes(os.urandom(16), "big")


def decision(service: str, *, parent_sampled: bool | None) -> Decision:
    """What the service's sampler decides for a request span: without a parent (None), or under
    a remote parent that was or was not sampled."""
    sampler = sampler_for(service)
    assert sampler is not None
    parent = None
    if parent_sampled is not None:
        flags = trace.TraceFlags(trace.TraceFlags.SAMPLED if parent_sampled else 0)
        span = trace.NonRecordingSpan(
            trace.SpanContext(TRACE_ID, 0x1234, is_remote=True, trace_flags=flags)
        )
        parent = trace.set_span_in_context(span)
    return sampler.should_sample(parent, TRACE_ID, "GET book-detail v2").decision


@pytest.fixture
def no_sampler_set(monkeypatch):
    monkeypatch.delenv("OTEL_TRACES_SAMPLER", raising=False)


@pytest.mark.parametrize("service", ["rest", "soap"])
def test_a_service_traces_what_the_gateway_sampled(no_sampler_set, service):
    assert decision(service, parent_sampled=True) == Decision.RECORD_AND_SAMPLE


@pytest.mark.parametrize("service", ["rest", "soap"])
def test_a_service_starts_no_trace_of_its_own(no_sampler_set, service):
    assert decision(service, parent_sampled=None) == Decision.DROP
    assert decision(service, parent_sampled=False) == Decision.DROP


def test_the_gateway_keeps_the_sdks_sampler(no_sampler_set):
    assert sampler_for("gateway") is None  # the SDK's default: every request, or the caller's


def test_a_sampler_named_for_a_service_is_the_sdks(monkeypatch):
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_on")
    assert sampler_for("rest") is None
