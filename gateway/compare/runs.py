"""One catalog operation performed both ways, REST v2 and SOAP 1.1, through the gateway itself.

The page is a client of its own gateway: it sends the exact requests `catalog compare` and the
benchmark send (catalog_client.operations, captured by catalog_client.exchanges) over HTTP to
the gateway's address, so authentication, rate limits, Server-Timing and the upstreams all act as
they do for anyone. REST goes first, then SOAP, never both at once (neither slows the other),
each on a fresh connection.

A create runs as the demo `editor` the way each protocol's client would: REST asks for a token
(POST /api/token/) and sends it as a bearer token; SOAP carries a WS-Security UsernameToken in
its envelope. Each create is followed by the delete of the book it made, so the catalog stays as
it was and one ISBN serves both protocols.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from catalog_client import exchanges
from catalog_client.exchanges import Exchange
from catalog_client.operations import (
    ACCEPT_ENCODING,
    DEMO_EDITOR,
    BookDraft,
    Context,
    Target,
    protocol_target,
    token_request,
)
from catalog_client.wire import WireError, fetch

KINDS = ("get_book", "list", "search", "create")


def _past_the_cache(target: Target) -> Target:
    """The page shows what each service does for the request (its timing, its trace), so reads
    ask the gateway's response cache for a fresh answer (`fwd=request`); the benchmark's
    optimisation ladder is where a cache hit is measured."""
    return replace(target, headers=(*target.headers, ("Cache-Control", "no-cache")))


@dataclass(frozen=True)
class Operation:
    """What the page's form asked for."""

    kind: str  # one of KINDS
    book_id: int = 1
    page_size: int = 100
    search: dict[str, str] = field(default_factory=dict)
    draft: BookDraft | None = None

    @property
    def scenario(self) -> str:
        """The benchmark scenario that performs it (catalog_client.operations)."""
        return {
            "get_book": "get_book",
            "list": f"list_{self.page_size}",
            "search": "search",
            "create": "create_delete",
        }[self.kind]

    def context(self) -> Context:
        return Context(book_id=self.book_id, author_id=0, publisher_id=0, token="",
                       search=dict(self.search), draft=self.draft)  # fmt: skip


@dataclass(frozen=True)
class Step:
    role: str  # "token" (before), "operation" (the one compared), "clean-up" (after)
    exchange: Exchange


@dataclass(frozen=True)
class Side:
    protocol: str  # "rest" or "soap"
    steps: tuple[Step, ...] = ()
    failure: str | None = None
    """Why there is no complete answer: the gateway could not be reached or did not answer."""
    secrets: frozenset[str] = frozenset()
    """Tokens this side was given, to be masked."""

    @property
    def main(self) -> Exchange | None:
        return next((step.exchange for step in self.steps if step.role == "operation"), None)


@dataclass(frozen=True)
class Comparison:
    operation: Operation
    rest: Side
    soap: Side
    secrets: frozenset[str]
    """Every secret the run handled (the password, the tokens): never shown."""


async def compare(
    operation: Operation,
    host: str,
    port: int,
    *,
    timeout: float,
    credentials: tuple[str, str] = DEMO_EDITOR,
) -> Comparison:
    rest_target, soap_target = (
        _past_the_cache(protocol_target(name, host, port, ACCEPT_ENCODING))
        for name in ("rest", "soap")
    )
    rest = await _side(_rest_steps(operation, rest_target, credentials), "rest", timeout)
    soap = await _side(_soap_steps(operation, soap_target, credentials), "soap", timeout)
    secrets = frozenset({credentials[1], *rest.secrets, *soap.secrets})
    return Comparison(operation, rest, soap, secrets)


async def _side(steps: Coroutine[Any, Any, Side], protocol: str, timeout: float) -> Side:
    try:
        async with asyncio.timeout(timeout):
            return await steps
    except TimeoutError:
        return Side(protocol, failure=f"no complete answer within {timeout:g} s")
    except (OSError, WireError) as exc:
        return Side(protocol, failure=f"the gateway could not be reached ({exc})")


async def _rest_steps(operation: Operation, target: Target, credentials: tuple[str, str]) -> Side:
    ctx, steps, secrets = operation.context(), [], frozenset[str]()
    if operation.kind == "create":
        request = token_request(*credentials)
        answer = await fetch(target.host, target.port, request)
        steps.append(Step("token", exchanges.exchange_of(request, answer, target.authority)))
        if answer.status != 200:
            return Side("rest", tuple(steps))
        tokens = orjson.loads(answer.body)
        secrets = frozenset(value for value in tokens.values() if isinstance(value, str))
        ctx.token = tokens["access"]
    steps.extend(await _operation_steps(operation, target, ctx))
    return Side("rest", tuple(steps), secrets=secrets)


async def _soap_steps(operation: Operation, target: Target, credentials: tuple[str, str]) -> Side:
    ctx = operation.context()
    if operation.kind == "create":
        ctx.ws_security = credentials
    return Side("soap", tuple(await _operation_steps(operation, target, ctx)))


async def _operation_steps(operation: Operation, target: Target, ctx: Context) -> list[Step]:
    captured = await exchanges.exchanges(operation.scenario, target, ctx)
    roles = ("operation", "clean-up")
    return [Step(role, exchange) for role, exchange in zip(roles, captured, strict=False)]
