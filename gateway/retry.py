"""Retries of idempotent upstream requests, as a transport wrapper (httpx's transport seam).

    RetryTransport(BreakerTransport(base, circuit), policy)

Per request, from the extensions the gateway's pipeline sets:
    gateway.idempotent  True for GET/HEAD/OPTIONS/PUT/DELETE, POST with Idempotency-Key and safe
                        SOAP operations; absent means not idempotent: exactly one attempt.
    gateway.deadline    time.monotonic() instant by which the whole exchange must be over;
                        absent means now + policy.deadline (GATEWAY_REQUEST_DEADLINE_SECONDS).
    gateway.upstream    the upstream's name, for the retry listener (metrics, logs).
and after it, `gateway.attempts` (how many attempts were made) in the request's extensions and
in the response's.

What is retried, and only for an idempotent request whose body can be sent again:
    httpx.ConnectError, httpx.ConnectTimeout   the request never reached the upstream
    httpx.RemoteProtocolError                  the upstream closed a kept-alive connection or
                                               answered something that is not HTTP
    httpx.ReadError, httpx.WriteError          the connection was reset before the response
                                               head arrived (the request is idempotent, so
                                               whether the upstream saw it does not matter)
    502, 503, 504 responses                    the upstream (or a proxy before it) cannot serve
Nothing else: not a read timeout (the upstream may still be working on it), not a 500 (a bug
answers the same twice), not CircuitOpen (the circuit already knows the upstream is down).

The wait before retry n is full jitter, uniform(0, min(max_delay, base_delay * 2**(n-1))), or
the upstream's Retry-After if that is longer. No wait ends past the deadline: a retry that
could not start before it is not made, and the last answer goes back as it is. Each attempt's
connect/read/write/pool timeouts are capped by the time left. Retries are also limited by a
budget shared by all requests to the upstream (at most `budget_ratio` of the requests of the
last `budget_window` seconds, plus `budget_min_retries`), as Finagle's RetryBudget does, so a
struggling upstream sees at most ~20 % more load from retries, not 3x.

A small loop rather than tenacity: the wait depends on the outcome (Retry-After) and on the
request's own deadline, each attempt's timeouts are recomputed from that deadline, the decision
to retry draws on a budget shared across requests, a retried response must be closed first, and
tests need the clock, the sleep and the randomness injected. Tenacity's hooks could be bent to
each of these, but its jitter draws on the `random` module and its stop-after-delay on its own
clock, and the loop it would replace is shorter than the adapters.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx
from django.conf import settings

from telemetry import tracing

IDEMPOTENT = "gateway.idempotent"
DEADLINE = "gateway.deadline"
UPSTREAM = "gateway.upstream"
ATTEMPTS = "gateway.attempts"

RETRIED_STATUSES = frozenset({502, 503, 504})
RETRIED_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.RemoteProtocolError,
    httpx.ReadError,
    httpx.WriteError,
)

RetryListener = Callable[[str, str], None]  # (upstream, reason): a retry is about to be made


class DeadlineExceeded(httpx.TimeoutException):
    """The request's deadline passed before an attempt could start (mapped like any timeout)."""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    base_delay: float = 0.05
    max_delay: float = 1.0
    deadline: float = 10.0
    budget_ratio: float = 0.2
    budget_min_retries: int = 10
    budget_window: float = 10.0

    @classmethod
    def from_settings(cls) -> RetryPolicy:
        """The policy the gateway's settings describe now (read per call, never at import)."""
        return cls(
            max_attempts=max(1, settings.GATEWAY_RETRY_MAX_ATTEMPTS),
            base_delay=max(0.0, settings.GATEWAY_RETRY_BASE_DELAY_SECONDS),
            max_delay=max(0.0, settings.GATEWAY_RETRY_MAX_DELAY_SECONDS),
            deadline=max(0.001, settings.GATEWAY_REQUEST_DEADLINE_SECONDS),
            budget_ratio=max(0.0, settings.GATEWAY_RETRY_BUDGET_RATIO),
            budget_min_retries=max(0, settings.GATEWAY_RETRY_BUDGET_MIN_RETRIES),
            budget_window=max(1.0, settings.GATEWAY_RETRY_BUDGET_WINDOW_SECONDS),
        )

    def backoff_ceiling(self, retry: int) -> float:
        """The upper bound of the full-jitter wait before retry number `retry` (1, 2, ...)."""
        return min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))


class RetryBudget:
    """Retries allowed over a sliding window: min_retries + ratio * requests, counted in
    `slots` buckets so old traffic leaves the window a bucket at a time."""

    def __init__(
        self,
        *,
        ratio: float,
        min_retries: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        slots: int = 10,
    ) -> None:
        self.ratio = ratio
        self.min_retries = min_retries
        self._clock = clock
        self._slot_length = window / slots
        self._requests = [0] * slots
        self._retries = [0] * slots
        self._stamps = [-1] * slots

    def record_request(self) -> None:
        self._requests[self._slot()] += 1

    def try_spend(self) -> bool:
        """Take one retry from the budget if there is one left."""
        current = self._slot()
        allowed = self.min_retries + self.ratio * self._in_window(self._requests)
        if self._in_window(self._retries) >= allowed:
            return False
        self._retries[current] += 1
        return True

    def _slot(self) -> int:
        """The bucket of now, emptied first if it last counted an older period."""
        stamp = int(self._clock() // self._slot_length)
        index = stamp % len(self._stamps)
        if self._stamps[index] != stamp:
            self._stamps[index] = stamp
            self._requests[index] = self._retries[index] = 0
        return index

    def _in_window(self, counts: list[int]) -> int:
        oldest = int(self._clock() // self._slot_length) - len(self._stamps)
        return sum(n for n, stamp in zip(counts, self._stamps, strict=True) if stamp > oldest)


def retry_reason(outcome: httpx.Response | Exception) -> str | None:
    """Why this outcome may be retried ("status_503", "ConnectError"), or None if it may not."""
    if isinstance(outcome, httpx.Response):
        code = outcome.status_code
        return f"status_{code}" if code in RETRIED_STATUSES else None
    if isinstance(outcome, RETRIED_ERRORS):
        return type(outcome).__name__
    return None


def retry_after_seconds(
    response: httpx.Response, *, wall_clock: Callable[[], float] = time.time
) -> float | None:
    """Retry-After as seconds from now (delta-seconds or an HTTP-date), None if absent or bad."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        instant = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if instant.tzinfo is None:
        return None
    return max(0.0, instant.timestamp() - wall_clock())


def can_resend(request: httpx.Request) -> bool:
    """A body already in memory can be sent again; a stream read once cannot."""
    try:
        request.content  # noqa: B018 (raises RequestNotRead for a stream)
    except httpx.RequestNotRead:
        return False
    return True


class RetryTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        wall_clock: Callable[[], float] = time.time,
        on_retry: RetryListener | None = None,
    ) -> None:
        self.inner = inner
        self.policy = policy
        self.budget = RetryBudget(
            ratio=policy.budget_ratio,
            min_retries=policy.budget_min_retries,
            window=policy.budget_window,
            clock=clock,
        )
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._wall_clock = wall_clock
        self._on_retry = on_retry

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        deadline = request.extensions.get(DEADLINE)
        if deadline is None:
            deadline = request.extensions[DEADLINE] = self._clock() + self.policy.deadline
        retryable = bool(request.extensions.get(IDEMPOTENT)) and can_resend(request)
        base_timeouts = dict(request.extensions.get("timeout") or {})
        self.budget.record_request()
        attempt = 0
        while True:
            attempt += 1
            request.extensions[ATTEMPTS] = attempt
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise DeadlineExceeded("the request's deadline passed before the upstream answered")
            request.extensions["timeout"] = _capped(base_timeouts, remaining)
            try:
                with tracing.span("upstream attempt", **{"gateway.attempt": attempt}):
                    outcome: httpx.Response | Exception = await self.inner.handle_async_request(
                        request
                    )
            except httpx.TransportError as exc:
                outcome = exc
            wait = (
                self._wait_before_retry(request, outcome, attempt, deadline) if retryable else None
            )
            if wait is None:
                if isinstance(outcome, Exception):
                    raise outcome
                outcome.extensions[ATTEMPTS] = attempt
                return outcome
            if isinstance(outcome, httpx.Response):
                await outcome.aclose()
            await self._sleep(wait)

    def _wait_before_retry(
        self,
        request: httpx.Request,
        outcome: httpx.Response | Exception,
        attempt: int,
        deadline: float,
    ) -> float | None:
        """Seconds to wait before the next attempt, or None when there is to be none."""
        reason = retry_reason(outcome)
        if reason is None or attempt >= self.policy.max_attempts:
            return None
        wait = self._rng.uniform(0.0, self.policy.backoff_ceiling(attempt))
        if isinstance(outcome, httpx.Response):
            asked = retry_after_seconds(outcome, wall_clock=self._wall_clock)
            wait = max(wait, asked or 0.0)
        if self._clock() + wait >= deadline or not self.budget.try_spend():
            return None
        if self._on_retry is not None:
            self._on_retry(request.extensions.get(UPSTREAM, ""), reason)
        return wait

    async def aclose(self) -> None:
        await self.inner.aclose()


def _capped(timeouts: dict[str, float | None], remaining: float) -> dict[str, float]:
    phases = ("connect", "read", "write", "pool")
    return {
        phase: remaining if (timeout := timeouts.get(phase)) is None else min(timeout, remaining)
        for phase in phases
    }
