"""Stand-ins for time and upstreams in the gateway's unit tests: no test sleeps for real."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import httpx
from django.test import Client, override_settings

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


class FakeTime:
    """A monotonic clock that moves only when slept on or advanced."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


class HighestDraw:
    """An rng whose uniform(a, b) always draws b: the full-jitter ceiling, made visible."""

    def uniform(self, low: float, high: float) -> float:
        return high


class _Body(httpx.AsyncByteStream):
    def __init__(self, body: bytes) -> None:
        self.body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.body


def unread(response: httpx.Response) -> httpx.Response:
    """The response as a socket delivers it, body not yet read: httpx reads a Response built
    from bytes at once, and the gateway, which streams bodies, would then find it consumed."""
    if not response.is_stream_consumed:
        return response
    return httpx.Response(
        response.status_code, headers=response.headers, stream=_Body(response.content)
    )


Outcome = int | httpx.Response | Exception | Callable[[httpx.Request], Awaitable[httpx.Response]]


class ScriptedUpstream:
    """An httpx.MockTransport handler answering from a script (statuses, responses, errors to
    raise), then `then` for ever; it keeps every request it was sent, and the timeouts each
    attempt carried (a retried request is the same object, its timeouts change)."""

    def __init__(self, *script: Outcome, then: Outcome = 200) -> None:
        self.script = list(script)
        self.then = then
        self.requests: list[httpx.Request] = []
        self.timeouts: list[dict[str, float]] = []

    @property
    def calls(self) -> int:
        return len(self.requests)

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.timeouts.append(dict(request.extensions.get("timeout") or {}))
        outcome = self.script.pop(0) if self.script else self.then
        if isinstance(outcome, Exception):
            raise outcome
        if isinstance(outcome, httpx.Response):
            return unread(outcome)
        if isinstance(outcome, int):
            return unread(httpx.Response(outcome))
        return unread(await outcome(request))

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def served_by(urlconf: str) -> Callable[[httpx.Request], httpx.Response]:
    """An upstream handler answered by Django in this process with `urlconf`, through Django's
    test client: a service's own views and middleware behind the gateway, with no network."""

    def handle(request: httpx.Request) -> httpx.Response:
        with override_settings(ROOT_URLCONF=urlconf):
            answer = Client().generic(
                request.method,
                request.url.raw_path.decode("ascii"),
                data=request.content,
                content_type=request.headers.get("content-type", ""),
            )
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        answer.close()
        return httpx.Response(answer.status_code, headers=list(answer.items()), content=body)

    return handle
