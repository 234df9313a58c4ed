"""Exchanges exactly as they crossed the wire: every request and response of one operation,
head and body apart, with their sizes as sent (in the content coding the server chose from the
client's Accept-Encoding) and with the response body in identity, and bodies made readable.

`catalog compare` prints them side by side; the gateway's /compare/ page shows them; the
benchmark counts the same bytes.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

from lxml import etree

from catalog_client.operations import SAMPLE_SEQUENCE, Context, Scenario, Target, scenario_named
from catalog_client.wire import Connection, WireRequest, WireResponse

MAX_SHOWN_BODY = 6000
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)


@dataclass(frozen=True)
class Exchange:
    request_head: bytes
    request_body: bytes
    response_head: bytes
    response_body: bytes
    """The body as the client reads it: decoded from its content coding."""
    response_body_wire: int
    """The body's bytes on the wire, as sent: compressed when `coding` says so, plus chunk
    framing when that carried it."""
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    """The response's headers, names in lower case."""
    seconds: float = 0.0
    """Round trip as the client measured it (see WireResponse.seconds)."""
    coding: str = "identity"
    """The response body's content coding on the wire (identity, gzip or br)."""

    @property
    def request_bytes(self) -> int:
        return len(self.request_head) + len(self.request_body)

    @property
    def response_bytes(self) -> int:
        return len(self.response_head) + self.response_body_wire

    @property
    def total(self) -> int:
        return self.request_bytes + self.response_bytes

    @property
    def response_identity_bytes(self) -> int:
        """The response with its body in identity (the head as sent): what it would have
        weighed had the client not asked for compression."""
        return len(self.response_head) + len(self.response_body)

    @property
    def total_identity(self) -> int:
        return self.request_bytes + self.response_identity_bytes


async def sample_exchanges(
    scenario: Scenario, target: Target, ctx: Context
) -> list[tuple[WireRequest, WireResponse]]:
    """One operation's exact requests and responses, on a fresh connection."""
    connection = Connection(target.host, target.port)
    try:
        return await scenario.exchanges(target, ctx, connection, sequence=SAMPLE_SEQUENCE)
    finally:
        await connection.close()


async def exchanges(scenario: str, target: Target, ctx: Context) -> list[Exchange]:
    """Every exchange of `scenario` against `target` (one, or create then delete), exactly as
    sent and received, on a fresh connection."""
    pairs = await sample_exchanges(scenario_named(scenario), target, ctx)
    return [exchange_of(request, response, target.authority) for request, response in pairs]


def capture(scenario: str, target: Target, ctx: Context) -> Exchange:
    """The first exchange of `scenario` against `target`, exactly as sent and received."""
    return asyncio.run(exchanges(scenario, target, ctx))[0]


def exchange_of(request: WireRequest, response: WireResponse, authority: str) -> Exchange:
    return Exchange(request.head(authority), request.body, response.head,
                    response.identity_body(), response.body_wire_bytes, response.status,
                    response.headers, response.seconds, response.coding)  # fmt: skip


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
