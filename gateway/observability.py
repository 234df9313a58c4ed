"""What lets an operator follow one request: its id, its trace context, where its time went,
and one JSON line in the access log.

- X-Request-ID: the client's if it is a sane token (letters, digits, `._:-`, at most 128),
  generated otherwise; sent upstream and returned to the client.
- traceparent (W3C Trace Context): a valid incoming one keeps its trace id and flags and gets
  the gateway's own span id as parent id (the gateway is a hop of the trace); without one, a new
  trace starts. tracestate passes through untouched.
- Server-Timing: `gateway;dur=<ms>, upstream;dur=<ms>`, the upstream part being the time until
  the upstream's response headers arrived.
- Access log: one line per request through logging (`gateway.access`), so it has the format of
  every other line of the three services: JSON in production, readable on a laptop.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from typing import Any, TextIO

from config.logging import JsonLineFormatter
from telemetry.log_context import RequestIdsFilter

_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._:\-]{1,128}$")
_TRACEPARENT = re.compile(rb"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_ZERO_TRACE = b"0" * 32
_ZERO_SPAN = b"0" * 16


def request_id(offered: bytes | None) -> bytes:
    if offered is not None and _REQUEST_ID.match(offered):
        return offered
    return uuid.uuid4().hex.encode()


def traceparent(offered: bytes | None) -> bytes:
    """The traceparent to send upstream, with the gateway's span as the parent."""
    span = os.urandom(8).hex().encode()
    match = _TRACEPARENT.match(offered.strip()) if offered else None
    valid = match and match.group(1) != b"ff" and match.group(2) != _ZERO_TRACE
    if match and valid and match.group(3) != _ZERO_SPAN:
        return b"00-" + match.group(2) + b"-" + span + b"-" + match.group(4)
    return b"00-" + os.urandom(16).hex().encode() + b"-" + span + b"-00"


def server_timing(total_seconds: float, upstream_seconds: float | None) -> bytes:
    if upstream_seconds is None:
        return b"gateway;dur=%.2f" % (total_seconds * 1000)
    gateway_ms = max(0.0, total_seconds - upstream_seconds) * 1000
    return b"gateway;dur=%.2f, upstream;dur=%.2f" % (gateway_ms, upstream_seconds * 1000)


class AccessLog:
    """One line per request; `enabled=False` writes nothing (benchmarks of the bare path).

    Lines go to the `gateway.access` logger, or, given a `stream` (tests read it), as JSON to
    that stream alone.
    """

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.logger = logging.getLogger("gateway.access") if stream is None else _own(stream)

    def write(self, entry: dict[str, Any]) -> None:
        if not self.enabled:
            return
        self.logger.info("%s %s %s", entry["method"], entry["path"], entry["status"], extra=entry)


def _own(stream: TextIO) -> logging.Logger:
    """A logger of its own (not in logging's registry) writing JSON lines to `stream`."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(RequestIdsFilter())
    logger = logging.Logger("gateway.access", logging.INFO)
    logger.addHandler(handler)
    return logger
