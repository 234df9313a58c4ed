"""`catalog compare`'s terminal view: two exchanges side by side in panels, then their sizes as
sent (in the coding each server negotiated) and with the response bodies in identity."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from catalog_client.exchanges import Exchange, pretty, truncated


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
        coded = f", {exchange.coding}" if label == "response body" else ""
        text.append(f"── {label}: {size:,} bytes{coded} ──\n", style="bold")
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
        "total, as sent", f"{rest.total:,}", f"{soap.total:,}", f"{soap.total / rest.total:.2f}x"
    )
    sizes.add_row("response coding", rest.coding, soap.coding, "")
    sizes.add_row("total, identity bodies", f"{rest.total_identity:,}",
                  f"{soap.total_identity:,}",
                  f"{soap.total_identity / rest.total_identity:.2f}x")  # fmt: skip
    sizes.add_row("status", str(rest.status), str(soap.status), "")
    console.print(sizes)
