"""Reading log output as the shared JSON schema (config.logging.JsonLineFormatter)."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson

from config.logging import JsonLineFormatter
from telemetry.log_context import RequestIdsFilter

RFC3339_UTC_MILLIS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
SCHEMA_KEYS = {"time", "level", "logger", "message", "request_id", "trace_id", "span_id"}
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE}-00f067aa0ba902b7-01"


def parsed_lines(text: str) -> list[dict[str, Any]]:
    """Every line as JSON in the shared schema; fails naming the first line that is not."""
    entries = []
    for line in text.splitlines():
        entry = orjson.loads(line)
        missing = SCHEMA_KEYS - entry.keys()
        assert not missing, f"{sorted(missing)} missing from {line}"
        assert RFC3339_UTC_MILLIS.fullmatch(entry["time"]), line
        entries.append(entry)
    return entries


@contextmanager
def json_log() -> Iterator[io.StringIO]:
    """Everything logged at INFO and above inside the block, as the services' JSON lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(RequestIdsFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
