"""OpenTelemetry for the three services, configured by the standard variables.

Tracing is on when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) names a
collector, whose spans then go out over OTLP/HTTP, or when CATALOG_TRACE_STORE keeps recent
spans on this machine (telemetry.trace_store; `catalog run` turns it on), and
OTEL_SDK_DISABLED is not true. The service's name is OTEL_SERVICE_NAME, or catalog-<service>.

Which requests are traced is the edge's decision: the gateway samples every request (or as
OTEL_TRACES_SAMPLER, ..._ARG tell it), and REST and SOAP trace a request when its traceparent
says its caller did, starting no trace of their own (`sampler_for`): a request sent straight to a
service without a sampled traceparent is not traced, as a service behind the gateway expects.
OTEL_TRACES_SAMPLER set for a service is the SDK's, as given.

Off, nothing is installed: no provider, no instrumentation, and `span()` hands back one shared
null context, so the request path pays a function call. On, the maintained instrumentations
do the rest: Django's (a span per request, named for the route; SOAP's renamed for the
operation), psycopg's and sqlite3's (a span per SQL statement), Redis's, and aiohttp's client
(the gateway's upstream calls, one span per attempt, carrying the traceparent).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opentelemetry import trace
from opentelemetry.propagate import extract

from config.env import env_bool, env_str, var_dir

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.sampling import Sampler

_NULL = nullcontext()
_enabled = False


def exporter_endpoint() -> str:
    return env_str("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env_str("OTEL_EXPORTER_OTLP_ENDPOINT")


def trace_store_enabled() -> bool:
    """CATALOG_TRACE_STORE: recent spans kept in files under var/traces (off unless asked;
    `catalog run` asks)."""
    return env_bool("CATALOG_TRACE_STORE", False) and not env_bool("OTEL_SDK_DISABLED", False)


def tracing_wanted() -> bool:
    if env_bool("OTEL_SDK_DISABLED", False):
        return False
    return bool(exporter_endpoint()) or trace_store_enabled()


def setup_tracing(service: str) -> bool:
    """Install the provider, exporters and instrumentations for `service` ("gateway", "rest",
    "soap") if tracing is wanted; call once, before the server's first request."""
    global _enabled
    if _enabled or not tracing_wanted():
        return _enabled
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    name = env_str("OTEL_SERVICE_NAME", f"catalog-{service}")
    provider = TracerProvider(
        resource=Resource.create({SERVICE_NAME: name}), sampler=sampler_for(service)
    )
    if exporter_endpoint():
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    if trace_store_enabled():
        from telemetry.trace_store import SpanFileExporter

        exporter = SpanFileExporter(trace_directory(), name)
        provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=200))
    trace.set_tracer_provider(provider)
    _instrument(service)
    _enabled = True
    return True


def sampler_for(service: str) -> Sampler | None:
    """None for the SDK's own choice (OTEL_TRACES_SAMPLER, or every request and every sampled
    caller): the gateway's, and any service's told one. Otherwise REST and SOAP follow their
    caller's sampled flag and start no trace: tracing a read costs it more than its /healthz
    floor (docs/performance.md), which a request nobody asked to trace should not pay."""
    if service == "gateway" or env_str("OTEL_TRACES_SAMPLER"):
        return None
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased

    return ParentBased(ALWAYS_OFF)


def trace_directory() -> Path:
    return var_dir() / "traces"


def _instrument(service: str) -> None:
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    RedisInstrumentor().instrument()
    if service == "gateway":
        from opentelemetry.instrumentation.aiohttp_client import AioHttpClientInstrumentor

        AioHttpClientInstrumentor().instrument()
        return
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor

    DjangoInstrumentor().instrument(excluded_urls="healthz,metrics", response_hook=_name_span)
    PsycopgInstrumentor().instrument(enable_commenter=False)
    SQLite3Instrumentor().instrument()


def _name_span(span: Any, request: Any, response: Any) -> None:
    """The service's request span, named for what it served: the SOAP operation, or the REST
    method and URL name with its version (`GET book-detail v2`), as the metrics count it."""
    from telemetry.service_metrics import route_of

    route, version = route_of(request)
    if getattr(request, "metrics_route", None) is not None:  # a SOAP operation
        span.update_name(route)
    elif route != "unmatched":
        span.update_name(" ".join(part for part in (request.method, route, version) if part != "-"))


def span(name: str, **attributes: Any) -> AbstractContextManager[Any]:
    """A child span of the current one while tracing is on; a shared null context otherwise."""
    if not _enabled:
        return _NULL
    return trace.get_tracer("catalog").start_as_current_span(name, attributes=attributes)


@contextlib.contextmanager
def _server_span(name: str, traceparent: bytes | None) -> Iterator[Any]:
    carrier = {"traceparent": traceparent.decode("latin-1")} if traceparent else {}
    tracer = trace.get_tracer("catalog")
    with tracer.start_as_current_span(
        name, context=extract(carrier), kind=trace.SpanKind.SERVER
    ) as current:
        yield current


def server_span(name: str, traceparent: bytes | None) -> AbstractContextManager[Any]:
    """The gateway's span for a request, continuing the client's trace if it sent one."""
    if not _enabled:
        return _NULL
    return _server_span(name, traceparent)


def event(name: str, **attributes: Any) -> None:
    """An event on the current span (a breaker's refusal), when tracing is on."""
    if _enabled:
        trace.get_current_span().add_event(name, attributes=attributes)


def annotate(key: str, value: str) -> None:
    """An attribute on the current span, when tracing is on."""
    if _enabled:
        trace.get_current_span().set_attribute(key, value)


def rename_current_span(name: str) -> None:
    if _enabled:
        trace.get_current_span().update_name(name)


def current_traceparent() -> bytes | None:
    """The W3C traceparent naming the current span, or None when tracing is off."""
    if not _enabled:
        return None
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    flags = int(context.trace_flags)
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{flags:02x}".encode()
