"""The request id, trace id and span id every log line carries.

The request's own code sets them once (`bind`): the services' request-id middleware, the
gateway's pipeline. A log record then takes them from the active OpenTelemetry span when tracing
is on, or from the ids bound for the request (the trace id of its `traceparent`) when it is off,
so a line written with tracing off still names the trace the gateway started.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar, Token
from typing import NamedTuple

from opentelemetry import trace


class RequestIds(NamedTuple):
    request_id: str | None = None
    trace_id: str | None = None
    span_id: str | None = None


_NONE = RequestIds()
_current: ContextVar[RequestIds] = ContextVar("catalog_request_ids", default=_NONE)


def bind(request_id: str, traceparent: str | None = None) -> Token[RequestIds]:
    """Ids for everything logged until `unbind`; the trace id comes from a W3C traceparent."""
    return _current.set(RequestIds(request_id, *_trace_and_parent(traceparent)))


def unbind(token: Token[RequestIds]) -> None:
    _current.reset(token)


def current() -> RequestIds:
    """The bound ids, with the active span's trace and span id when tracing is on."""
    bound = _current.get()
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        return RequestIds(
            bound.request_id,
            trace.format_trace_id(context.trace_id),
            trace.format_span_id(context.span_id),
        )
    return bound


def _trace_and_parent(traceparent: str | None) -> tuple[str | None, str | None]:
    parts = traceparent.split("-") if traceparent else ()
    if len(parts) == 4 and len(parts[1]) == 32 and len(parts[2]) == 16:
        return parts[1], parts[2]
    return None, None


class RequestIdsFilter(logging.Filter):
    """Adds `request_id`, `trace_id` and `span_id` to every record; a record that already has
    a request id (an access line quoting it) keeps its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = current()
        if getattr(record, "request_id", None) is None:
            record.request_id = ids.request_id
        record.trace_id = ids.trace_id
        record.span_id = ids.span_id
        return True
