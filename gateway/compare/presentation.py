"""The two columns the page shows, built from a comparison: every text masked, pretty-printed,
cut to a readable length and highlighted; the figures of the compared exchange beside it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from catalog_client.exchanges import Exchange, pretty, truncated
from gateway.compare import summary
from gateway.compare.highlight import body_html, http_head_html
from gateway.compare.masking import Secrets
from gateway.compare.runs import Comparison, Side
from gateway.compare.waterfall import Waterfall

MAX_SHOWN_CHARACTERS = 12_000
TITLES = {"rest": "REST v2 (JSON)", "soap": "SOAP 1.1 (XML)"}
STEP_TITLES = {
    "token": "Before: the token request (not counted)",
    "operation": "The operation",
    "clean-up": "After: deleting the book again (not counted)",
}


@dataclass(frozen=True)
class Message:
    head: SafeString
    body: SafeString | None


@dataclass(frozen=True)
class StepView:
    title: str
    counted: bool
    request: Message
    request_size: int  # bytes on the wire, head and body
    response: Message
    response_size: int


@dataclass(frozen=True)
class Sizes:
    """Bytes of the compared exchange: as sent (the response in the coding the server
    negotiated), and with the response body in identity."""

    request: int
    response: int
    total: int
    response_identity: int
    total_identity: int
    coding: str

    @classmethod
    def of(cls, exchange: Exchange) -> Sizes:
        return cls(exchange.request_bytes, exchange.response_bytes, exchange.total,
                   exchange.response_identity_bytes, exchange.total_identity,
                   exchange.coding)  # fmt: skip


@dataclass(frozen=True)
class Column:
    protocol: str
    title: str
    steps: list[StepView]
    failure: str | None = None  # there is no answer
    status: str | None = None
    error: str | None = None  # the answer is an error: as the client's format states it
    sizes: Sizes | None = None
    round_trip_ms: float | None = None
    server_timing: dict[str, float] = field(default_factory=dict)
    rate_limit: list[tuple[str, str]] = field(default_factory=list)
    request_id: str | None = None
    waterfall: Waterfall | None = None  # the compared request's trace, when traces are kept


def columns(comparison: Comparison) -> list[Column]:
    secrets = Secrets(comparison.secrets)
    return [_column(side, secrets) for side in (comparison.rest, comparison.soap)]


def _column(side: Side, secrets: Secrets) -> Column:
    steps = [_step(step.role, step.exchange, secrets) for step in side.steps]
    main = side.main or (side.steps[-1].exchange if side.steps else None)
    if main is None:
        return Column(side.protocol, TITLES[side.protocol], steps, failure=side.failure)
    error = summary.error(main)
    return Column(
        protocol=side.protocol,
        title=TITLES[side.protocol],
        steps=steps,
        failure=side.failure,
        status=summary.status_line(main),
        error=secrets.mask(error) if error else None,
        sizes=Sizes.of(main),
        round_trip_ms=main.seconds * 1000,
        server_timing=summary.server_timing(main),
        rate_limit=summary.rate_limit(main),
        request_id=main.headers.get("x-request-id"),
    )


def _step(role: str, exchange: Exchange, secrets: Secrets) -> StepView:
    return StepView(
        title=STEP_TITLES[role],
        counted=role == "operation",
        request=_message(exchange.request_head, exchange.request_body, secrets),
        request_size=exchange.request_bytes,
        response=_message(exchange.response_head, exchange.response_body, secrets),
        response_size=exchange.response_bytes,
    )


def _message(head: bytes, body: bytes, secrets: Secrets) -> Message:
    head_text = head.decode("latin-1").replace("\r\n", "\n").rstrip("\n")
    body_text = truncated(secrets.mask(pretty(body)), MAX_SHOWN_CHARACTERS) if body else None
    return Message(
        head=http_head_html(secrets.mask(head_text)),
        body=body_html(body_text) if body_text is not None else None,
    )
