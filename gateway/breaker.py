"""One circuit breaker per upstream, as a transport wrapper (httpx's transport seam).

    RetryTransport(BreakerTransport(base, circuit), policy)

Every attempt asks the circuit first, so while the upstream is down the gateway answers at once
(CircuitOpen -> 503 + Retry-After) instead of queueing requests behind connect timeouts, and an
open circuit stops a retry loop at its next attempt.

    closed ──(of the last `window` calls within `window_seconds`, at least
              failure_threshold and at least failure_rate of them failed)──> open
    open ──(cooldown elapsed)──> half-open: up to half_open_probes requests at a time go through
    half-open ──(a probe succeeds)──> closed (the window starts afresh)
    half-open ──(a probe fails)──> open (a new cool-down)

Why a rate over recent calls and a minimum count, not a run of consecutive failures: a run
trips on bad luck. With 30 % of connections failing at random (a flaky network the retries
absorb), five consecutive failed attempts come every few hundred calls, and the breaker then
refuses traffic the upstream could serve. An upstream that is really down fails everything: the
default (5 failures and 80 % of the last 20 calls of the last 30 s) opens after five failed calls
when traffic is light, and after at most sixteen when it is heavy, while random faults at 30 %
almost never reach 80 % of 20 calls. A failure
is what says the upstream cannot serve: a transport error (refused, reset, timed out, malformed
response) or a 502/503/504. Every other status (4xx, and 500, which is one request's bug) is a
success. Retries see each attempt, so the breaker counts attempts, not requests.

Transitions happen under a lock and without awaiting, so the circuit is safe across tasks of
one event loop and across threads. Each transition calls the listeners registered with
`add_listener(callback(name, old_state, new_state))` (metrics); `snapshot()` is the read API
(/readyz). Time comes from an injected monotonic `clock`.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx
from django.conf import settings

from gateway.errors import CircuitOpen

FAILURE_STATUSES = frozenset({502, 503, 504})
# Retry-After while half-open and every probe slot is taken: the probes answer within a second
# or two, or fail and re-open the circuit.
BUSY_PROBING_RETRY_AFTER = 1.0


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


StateListener = Callable[[str, CircuitState, CircuitState], None]


@dataclass(frozen=True)
class BreakerPolicy:
    failure_threshold: int = 5
    cooldown: float = 10.0
    half_open_probes: int = 1
    failure_rate: float = 0.8
    window: int = 20
    window_seconds: float = 30.0

    @classmethod
    def from_settings(cls) -> BreakerPolicy:
        """The policy the gateway's settings describe now (read per call, never at import)."""
        return cls(
            failure_threshold=max(1, settings.GATEWAY_BREAKER_FAILURE_THRESHOLD),
            failure_rate=min(1.0, max(0.0, settings.GATEWAY_BREAKER_FAILURE_RATE)),
            window=max(1, settings.GATEWAY_BREAKER_WINDOW),
            window_seconds=max(0.001, settings.GATEWAY_BREAKER_WINDOW_SECONDS),
            cooldown=max(0.0, settings.GATEWAY_BREAKER_COOLDOWN_SECONDS),
            half_open_probes=max(1, settings.GATEWAY_BREAKER_HALF_OPEN_PROBES),
        )


class Circuit:
    """The state of one upstream. `admit()` before a call; then exactly one of
    `record_success`, `record_failure` or `release` with the ticket it returned.

    A ticket is None for an ordinary call and the half-open period's number for a probe, so a
    probe that outlives its half-open period (the circuit re-opened meanwhile) decides nothing.
    """

    def __init__(
        self,
        name: str,
        policy: BreakerPolicy,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.policy = policy
        self._clock = clock
        self._lock = threading.RLock()  # listeners may read the state
        self._listeners: list[StateListener] = []
        self._state = CircuitState.CLOSED
        # (when, failed) of the latest calls while closed, at most policy.window of them
        self._recent: deque[tuple[float, bool]] = deque(maxlen=policy.window)
        self._opened_at = 0.0
        self._probes_in_flight = 0
        self._half_open_period = 0

    def add_listener(self, listener: StateListener) -> None:
        self._listeners.append(listener)

    @property
    def state(self) -> CircuitState:
        with self._lock:
            return self._current_state()

    def snapshot(self) -> dict[str, Any]:
        """What /readyz shows: the state, recent calls and failures, seconds until a probe."""
        with self._lock:
            state = self._current_state()
            return {
                "state": state.value,
                "recent_calls": len(self._recent),
                "recent_failures": self._recent_failures(),
                "retry_after": self._retry_after() if state is CircuitState.OPEN else 0.0,
            }

    def admit(self) -> int | None:
        """Let a call go ahead and return its ticket; raises CircuitOpen while open, or
        half-open with every probe slot taken."""
        with self._lock:
            state = self._current_state()
            if state is CircuitState.CLOSED:
                return None
            if state is CircuitState.OPEN:
                raise CircuitOpen(self._retry_after())
            if self._probes_in_flight >= self.policy.half_open_probes:
                raise CircuitOpen(BUSY_PROBING_RETRY_AFTER)
            self._probes_in_flight += 1
            return self._half_open_period

    def record_success(self, ticket: int | None) -> None:
        with self._lock:
            probe = self._end_probe(ticket)
            state = self._current_state()
            if state is CircuitState.CLOSED:
                self._remember(failed=False)
            elif state is CircuitState.HALF_OPEN and probe:
                self._recent.clear()
                self._move_to(CircuitState.CLOSED)

    def record_failure(self, ticket: int | None) -> None:
        with self._lock:
            probe = self._end_probe(ticket)
            state = self._current_state()
            if state is CircuitState.CLOSED:
                self._remember(failed=True)
                if self._too_many_failures():
                    self._open()
            elif state is CircuitState.HALF_OPEN and probe:
                self._open()

    def release(self, ticket: int | None) -> None:
        """The call ended without telling anything about the upstream (e.g. it was cancelled)."""
        with self._lock:
            self._end_probe(ticket)

    # -- under the lock ---------------------------------------------------------------------

    def _current_state(self) -> CircuitState:
        if (
            self._state is CircuitState.OPEN
            and self._clock() >= self._opened_at + self.policy.cooldown
        ):
            self._probes_in_flight = 0
            self._half_open_period += 1
            self._move_to(CircuitState.HALF_OPEN)
        return self._state

    def _remember(self, *, failed: bool) -> None:
        now = self._clock()
        while self._recent and self._recent[0][0] < now - self.policy.window_seconds:
            self._recent.popleft()
        self._recent.append((now, failed))

    def _recent_failures(self) -> int:
        return sum(failed for _, failed in self._recent)

    def _too_many_failures(self) -> bool:
        failures = self._recent_failures()
        return (
            failures >= self.policy.failure_threshold
            and failures >= self.policy.failure_rate * len(self._recent)
        )

    def _retry_after(self) -> float:
        return max(0.0, self._opened_at + self.policy.cooldown - self._clock())

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._move_to(CircuitState.OPEN)

    def _end_probe(self, ticket: int | None) -> bool:
        """Whether `ticket` is a probe of the current half-open period (freeing its slot)."""
        if ticket is None or ticket != self._half_open_period:
            return False
        if self._state is CircuitState.HALF_OPEN:
            self._probes_in_flight -= 1
        return True

    def _move_to(self, new: CircuitState) -> None:
        old, self._state = self._state, new
        for listener in self._listeners:
            listener(self.name, old, new)


def is_failure(response: httpx.Response) -> bool:
    return response.status_code in FAILURE_STATUSES


class BreakerTransport(httpx.AsyncBaseTransport):
    """Calls `inner` only when `circuit` admits it, and tells the circuit how it went."""

    def __init__(self, inner: httpx.AsyncBaseTransport, circuit: Circuit) -> None:
        self.inner = inner
        self.circuit = circuit

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        ticket = self.circuit.admit()
        try:
            response = await self.inner.handle_async_request(request)
        except httpx.TransportError:
            self.circuit.record_failure(ticket)
            raise
        except BaseException:
            self.circuit.release(ticket)
            raise
        if is_failure(response):
            self.circuit.record_failure(ticket)
        else:
            self.circuit.record_success(ticket)
        return response

    def status(self) -> dict[str, Any]:
        """For /readyz: the circuit's state."""
        return {"breaker": self.circuit.snapshot()}

    async def aclose(self) -> None:
        await self.inner.aclose()
