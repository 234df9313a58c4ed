"""`catalog compare get-book 42`: one operation as REST and as SOAP, side by side, byte for byte.

Sends the same requests the benchmark sends to running services (by default the REST and SOAP
services of `make run`, or the gateway with --via-gateway) and prints both exchanges exactly as
they crossed the wire, with their sizes raw and gzip-compressed. The gateway's /compare/ page
(gateway/compare) captures and pretty-prints its exchanges with the same functions.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from benchmarks.operations import Context, Target, scenario_named
from benchmarks.runner import sample_exchanges
from benchmarks.wire import WireRequest, WireResponse

MAX_SHOWN_BODY = 6000
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)


@dataclass(frozen=True)
class Exchange:
    request_head: bytes
    request_body: bytes
    response_head: bytes
    response_body: bytes
    response_body_wire: int
    """The body's bytes on the wire: more than the body when chunk framing carried it."""
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    """The response's headers, names in lower case."""
    seconds: float = 0.0
    """Round trip as the client measured it (see WireResponse.seconds)."""

    @property
    def request_bytes(self) -> int:
        return len(self.request_head) + len(self.request_body)

    @property
    def response_bytes(self) -> int:
        return len(self.response_head) + self.response_body_wire

    @property
    def total(self) -> int:
        return self.request_bytes + self.response_bytes

    @cached_property
    def gzip_sizes(self) -> tuple[int, int]:
        """Request and response bytes with the bodies gzip-compressed (level 6), heads as sent."""
        return (
            len(self.request_head) + _gzip_size(self.request_body),
            len(self.response_head) + _gzip_size(self.response_body),
        )

    @property
    def total_gzip(self) -> int:
        return sum(self.gzip_sizes)


def _gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, 6)) if body else 0


async def exchanges(scenario: str, target: Target, ctx: Context) -> list[Exchange]:
    """Every exchange of `scenario` against `target` (one, or create then delete), exactly as
    sent and received, on a fresh connection."""
    pairs = await sample_exchanges(scenario_named(scenario), target, ctx)
    return [exchange_of(request, response, target.authority) for request, response in pairs]


def capture(scenario: str, target: Target, ctx: Context) -> Exchange:
    """The first exchange of `scenario` against `target`, exactly as sent and received."""
    return asyncio.run(exchanges(scenario, target, ctx))[0]


def exchange_of(request: WireRequest, response: WireResponse, authority: str) -> Exchange:
    return Exchange(request.head(authority), request.body, response.head, response.body,
                    response.body_wire_bytes, response.status, response.headers,
                    response.seconds)  # fmt: skip


def pretty(body: bytes) -> str:
    """JSON indented, XML pretty-printed; anything else (or a broken body) as it came."""
    try:
        if body.lstrip().startswith(b"<"):
            return etree.tostring(etree.fromstring(body, _PARSER), pretty_print=True).decode()
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (ValueError, etree.XMLSyntaxError):
        return body.decode(errors="replace")


def truncated(text: str, limit: int = MAX_SHOWN_BODY) -> str:
    if len(text) > limit:
        return text[:limit] + f"\n… ({len(text) - limit:,} more characters)"
    return text


def _shown(body: bytes, pretty_body: bool) -> str:
    return truncated(pretty(body) if pretty_body else body.decode(errors="replace"))


def _panel(title: str, exchange: Exchange, pretty: bool) -> Panel:
    text = Text()
    sections = (
        ("request head", exchange.request_head, len(exchange.request_head), False),
        ("request body", exchange.request_body, len(exchange.request_body), pretty),
        ("response head", exchange.response_head, len(exchange.response_head), False),
        ("response body", exchange.response_body, exchange.response_body_wire, pretty),
    )
    for label, data, size, pretty_body in sections:
        text.append(f"── {label}: {size:,} bytes ──\n", style="bold")
        text.append(_shown(data, pretty_body) + "\n" if data else "(empty)\n")
    return Panel(text, title=title)


def render(rest: Exchange, soap: Exchange, *, pretty: bool, console: Console) -> None:
    table = Table.grid(expand=True, padding=(0, 1))
    table.add_column(ratio=1)
    table.add_column(ratio=1)
    table.add_row(_panel("REST v2 (JSON)", rest, pretty), _panel("SOAP 1.1 (XML)", soap, pretty))
    console.print(table)
    sizes = Table("", "REST", "SOAP", "SOAP/REST", title="Bytes on the wire")
    sizes.add_row(
        "total, raw", f"{rest.total:,}", f"{soap.total:,}", f"{soap.total / rest.total:.2f}x"
    )
    sizes.add_row("total, bodies gzip", f"{rest.total_gzip:,}", f"{soap.total_gzip:,}",
                  f"{soap.total_gzip / rest.total_gzip:.2f}x")  # fmt: skip
    sizes.add_row("status", str(rest.status), str(soap.status), "")
    console.print(sizes)
