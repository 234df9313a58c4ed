"""`catalog compare get-book 42`: one operation as REST and as SOAP, side by side, byte for byte.

Sends the same requests the benchmark sends to running services (by default the REST and SOAP
services of `make run`, or the gateway with --via-gateway) and prints both exchanges exactly as
they crossed the wire, with their sizes raw and gzip-compressed.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from dataclasses import dataclass

from lxml import etree
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from benchmarks.operations import SCENARIO_BY_NAME, Context, Target
from benchmarks.runner import sample_exchanges
from benchmarks.wire import WireRequest, WireResponse

MAX_SHOWN_BODY = 6000


@dataclass(frozen=True)
class Exchange:
    request_head: bytes
    request_body: bytes
    response_head: bytes
    response_body: bytes
    status: int

    @property
    def total(self) -> int:
        return sum(map(len, (self.request_head, self.request_body, self.response_head,
                             self.response_body)))  # fmt: skip

    @property
    def total_gzip(self) -> int:
        bodies = (self.request_body, self.response_body)
        heads = len(self.request_head) + len(self.response_head)
        return heads + sum(len(gzip.compress(body, 6)) for body in bodies if body)


def capture(scenario: str, target: Target, ctx: Context) -> Exchange:
    """The first exchange of `scenario` against `target`, exactly as sent and received."""
    pairs = asyncio.run(sample_exchanges(SCENARIO_BY_NAME[scenario], target, ctx))
    request, response = pairs[0]
    return _exchange(request, response, target)


def _exchange(request: WireRequest, response: WireResponse, target: Target) -> Exchange:
    return Exchange(request.head(target.authority), request.body, response.head, response.body,
                    response.status)  # fmt: skip


def _pretty(body: bytes) -> str:
    try:
        if body.lstrip().startswith(b"<"):
            return etree.tostring(etree.fromstring(body), pretty_print=True).decode()
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (ValueError, etree.XMLSyntaxError):
        return body.decode(errors="replace")


def _shown(body: bytes, pretty: bool) -> str:
    text = _pretty(body) if pretty else body.decode(errors="replace")
    if len(text) > MAX_SHOWN_BODY:
        return text[:MAX_SHOWN_BODY] + f"\n… ({len(text) - MAX_SHOWN_BODY:,} more characters)"
    return text


def _panel(title: str, exchange: Exchange, pretty: bool) -> Panel:
    text = Text()
    sections = (
        ("request head", exchange.request_head, False),
        ("request body", exchange.request_body, pretty),
        ("response head", exchange.response_head, False),
        ("response body", exchange.response_body, pretty),
    )
    for label, data, pretty_body in sections:
        text.append(f"── {label}: {len(data):,} bytes ──\n", style="bold")
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
