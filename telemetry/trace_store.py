"""Recent spans kept on this machine, so a person sees traces without a tracing backend
(`make run`): each process appends its finished spans, one JSON object a line, to a file of its
own under var/traces; a file past MAX_BYTES is rotated once (<file>.1 replaced), so the store
keeps roughly the last 2 x MAX_BYTES per process. Readers (the gateway's /traces/<id> and the
compare page) collect one trace's spans from every file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse, JsonResponse
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from telemetry.prometheus import client_on_loopback
from telemetry.tracing import trace_directory

MAX_BYTES = 4 * 1024 * 1024
REQUEST_ID_ATTRIBUTE = "catalog.request_id"


class SpanFileExporter(SpanExporter):
    def __init__(self, directory: Path, service: str, max_bytes: int = MAX_BYTES) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{service}-{os.getpid()}.jsonl"
        self.service = service
        self.max_bytes = max_bytes

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = b"".join(orjson.dumps(_as_dict(span, self.service)) + b"\n" for span in spans)
        try:
            if self.path.exists() and self.path.stat().st_size + len(lines) > self.max_bytes:
                self.path.replace(self.path.with_suffix(".jsonl.1"))
            with self.path.open("ab") as stream:
                stream.write(lines)
        except OSError:
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS


def _as_dict(span: ReadableSpan, service: str) -> dict[str, Any]:
    context = span.get_span_context()
    assert context is not None, "a recorded span has a context"
    parent = span.parent
    return {
        "trace_id": f"{context.trace_id:032x}",
        "span_id": f"{context.span_id:016x}",
        "parent_id": f"{parent.span_id:016x}" if parent is not None else None,
        "name": span.name,
        "service": service,
        "kind": span.kind.name.lower(),
        "start_ns": span.start_time,
        "end_ns": span.end_time,
        "status": span.status.status_code.name.lower(),
        "attributes": {key: _plain(value) for key, value in (span.attributes or {}).items()},
    }


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def read_trace(directory: Path, trace_id: str) -> list[dict[str, Any]]:
    """Every stored span of one trace, earliest first."""
    needle = f'"trace_id":"{trace_id}"'.encode()
    spans: list[dict[str, Any]] = []
    for path in sorted(directory.glob("*.jsonl*")):
        try:
            content = path.read_bytes()
        except OSError:
            continue
        spans.extend(orjson.loads(line) for line in content.splitlines() if needle in line)
    return sorted(spans, key=lambda span: span["start_ns"])


def find_trace_id(directory: Path, request_id: str) -> str | None:
    """The trace whose gateway span recorded this X-Request-ID (REQUEST_ID_ATTRIBUTE)."""
    needle = orjson.dumps({REQUEST_ID_ATTRIBUTE: request_id})[1:-1]
    for path in sorted(directory.glob("*.jsonl*")):
        try:
            content = path.read_bytes()
        except OSError:
            continue
        for line in content.splitlines():
            if needle in line:
                trace_id: str = orjson.loads(line)["trace_id"]
                return trace_id
    return None


def trace_view(request: HttpRequest, trace_id: str) -> HttpResponse:
    """GET /traces/<trace id> (the gateway's, loopback clients only): the stored spans as JSON."""
    if not client_on_loopback(request):
        return HttpResponse("Traces are served to loopback clients only.\n", status=403)
    spans = read_trace(trace_directory(), trace_id.lower())
    return JsonResponse({"trace_id": trace_id.lower(), "spans": spans})
