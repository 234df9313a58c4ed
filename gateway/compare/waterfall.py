"""The trace of a request the page just made, as a waterfall: every span of the gateway, the
upstream service and its SQL, placed on one time axis (the local trace store, CATALOG_TRACE_STORE).

The page finds the trace by the answer's X-Request-ID, which the gateway records on its span.
Spans reach the store in batches a fraction of a second after the request ends, so the page
waits up to WAIT_SECONDS for the service's spans to appear.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from telemetry.trace_store import find_trace_id, read_trace
from telemetry.tracing import trace_directory

WAIT_SECONDS = 2.0
_POLL_SECONDS = 0.1
_SETTLE_SECONDS = 0.3  # after the service's spans show up, for the last batch of any process


@dataclass(frozen=True)
class Bar:
    name: str
    service: str
    kind: str  # "gateway", "upstream" (the service's own spans) or "sql"
    depth: int
    offset_pct: float
    width_pct: float
    duration_ms: float


@dataclass(frozen=True)
class Waterfall:
    trace_id: str
    total_ms: float
    bars: list[Bar]
    sql_ms: float
    """Time in SQL statements, summed."""
    service_ms: float
    """The service's own request span: its view, serialisation and SQL."""

    @property
    def outside_sql_ms(self) -> float:
        """The service's time not in SQL: its view logic and the serialisation."""
        return max(0.0, self.service_ms - self.sql_ms)


async def of_request(request_id: str | None) -> Waterfall | None:
    """The waterfall of the trace the gateway recorded for `request_id`, or None."""
    if not request_id:
        return None
    directory = trace_directory()
    deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
    spans: list[dict[str, Any]] = []
    while asyncio.get_running_loop().time() < deadline:
        trace_id = await asyncio.to_thread(find_trace_id, directory, request_id)
        if trace_id is not None:
            spans = await asyncio.to_thread(read_trace, directory, trace_id)
            if _has_service_spans(spans):
                await asyncio.sleep(_SETTLE_SECONDS)
                return build(await asyncio.to_thread(read_trace, directory, trace_id))
        await asyncio.sleep(_POLL_SECONDS)
    return build(spans) if spans else None


def _has_service_spans(spans: list[dict[str, Any]]) -> bool:
    return any(span["kind"] == "server" and not _from_gateway(span) for span in spans)


def _from_gateway(span: dict[str, Any]) -> bool:
    service: str = span["service"]
    return service.endswith("gateway")


def _is_sql(span: dict[str, Any]) -> bool:
    return any(key.startswith("db.") for key in span["attributes"])


def build(spans: list[dict[str, Any]]) -> Waterfall:
    """Bars in start order, each indented under its parent."""
    start = min(span["start_ns"] for span in spans)
    end = max(span["end_ns"] for span in spans)
    total = max(end - start, 1)
    parents = {span["span_id"]: span["parent_id"] for span in spans}
    bars = [
        Bar(
            name=span["name"],
            service=span["service"],
            kind="sql" if _is_sql(span) else "gateway" if _from_gateway(span) else "upstream",
            depth=_depth(span["span_id"], parents),
            offset_pct=round((span["start_ns"] - start) * 100 / total, 2),
            width_pct=round(max((span["end_ns"] - span["start_ns"]) * 100 / total, 0.3), 2),
            duration_ms=(span["end_ns"] - span["start_ns"]) / 1e6,
        )
        for span in spans
    ]
    service = [s for s in spans if s["kind"] == "server" and not _from_gateway(s)]
    return Waterfall(
        trace_id=spans[0]["trace_id"],
        total_ms=total / 1e6,
        bars=bars,
        sql_ms=sum(bar.duration_ms for bar in bars if bar.kind == "sql"),
        service_ms=sum((s["end_ns"] - s["start_ns"]) / 1e6 for s in service),
    )


def _depth(span_id: str, parents: dict[str, str | None]) -> int:
    depth, parent = 0, parents.get(span_id)
    while parent in parents and depth < 32:
        depth, parent = depth + 1, parents[parent]
    return depth
