"""One circuit breaker per upstream, as a transport wrapper (httpx's transport seam).

    RetryTransport(BreakerTransport(base, circuit), policy)

Every attempt asks the circuit first, so while the upstream is down the gateway answers at once
(CircuitOpen -> 503 + Retry-After) instead of queueing requests behind connect timeouts, and an
open circuit stops a retry loop at its next attempt.

    closed ──(a rule below holds)──> open
    open ──(cooldown elapsed)──> half-open: up to half_open_probes requests at a time go through
    half-open ──(a probe succeeds, and not slowly)──> closed (the window starts afresh)
    half-open ──(a probe fails or is slow)──> open (a new cool-down)

A call fails if it raises a transport error (refused, reset, timed out, malformed response) or
answers 502/503/504; every other status (4xx, and 500, which is one request's bug) is a
success. A call is slow if it took slow_call_seconds or more, or timed out (it took as long as
it was allowed to). Retries see each attempt, so the breaker counts attempts, not requests.
After each call, while closed, the circuit opens when

    failure rate     of the recent calls (the last `window`, none older than `window_seconds`),
                     at least failure_threshold failed, and at least failure_rate of them;
    slow-call rate   of the recent calls, at least failure_threshold were slow, and at least
                     slow_call_rate of them (resilience4j's rule: an upstream that still
                     answers, but late, is shed too);
    hung upstream    the last failure_threshold calls were all slow failures, however long
                     they took.

Why rates over recent calls and not a run of consecutive failures: a run trips on bad luck.
With 30 % of connections failing at random (a flaky network the retries absorb), five
consecutive failed attempts come every few hundred calls, and the breaker would then refuse
traffic the upstream could serve. An upstream that is really down fails everything: the
defaults open after five failed calls when traffic is light and after at most sixteen when it
is heavy, while random faults at 30 % almost never reach 80 % of 20 calls.

Why the hung-upstream rule as well: a frozen upstream makes each call wait out the request
deadline (10 s), so one client calling it again and again fits three calls in the 30 s window,
never five, and the rates alone would let every call wait the full deadline for ever. A run of
slow failures is not bad luck (random faults fail fast), so it opens the circuit after
failure_threshold of them, whatever their duration.

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
    failure_rate: float = 0.8
    slow_call_seconds: float = 5.0
    slow_call_rate: float = 0.8
    window: int = 20
    window_seconds: float = 30.0
    cooldown: float = 10.0
    half_open_probes: int = 1

    @classmethod
    def from_settings(cls) -> BreakerPolicy:
        """The policy the gateway's settings describe now (read per call, never at import)."""
        return cls(
            failure_threshold=max(1, settings.GATEWAY_BREAKER_FAILURE_THRESHOLD),
            failure_rate=_share(settings.GATEWAY_BREAKER_FAILURE_RATE),
            slow_call_seconds=max(0.001, settings.GATEWAY_BREAKER_SLOW_CALL_SECONDS),
            slow_call_rate=_share(settings.GATEWAY_BREAKER_SLOW_CALL_RATE),
            window=max(1, settings.GATEWAY_BREAKER_WINDOW),
            window_seconds=max(0.001, settings.GATEWAY_BREAKER_WINDOW_SECONDS),
            cooldown=max(0.0, settings.GATEWAY_BREAKER_COOLDOWN_SECONDS),
            half_open_probes=max(1, settings.GATEWAY_BREAKER_HALF_OPEN_PROBES),
        )


def _share(value: float) -> float:
    return min(1.0, max(0.0, value))


@dataclass(frozen=True, slots=True)
class Call:
    """A call the circuit let through: when it started, and, for a probe, the half-open period
    it probes (a probe that outlives its period, the circuit having re-opened, decides nothing)."""

    started: float
    probe: int | None = None


@dataclass(frozen=True, slots=True)
class _Outcome:
    ended: float
    failed: bool
    slow: bool


class Circuit:
    """The state of one upstream. `admit()` before a call; then exactly one of `record(call,
    failed=...)` or `release(call)` with the Call it returned."""

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
        # the latest calls while closed, at most policy.window of them
        self._recent: deque[_Outcome] = deque(maxlen=policy.window)
        self._slow_failures_in_a_row = 0
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
        """What /readyz shows: the state, recent calls, failures and slow calls, seconds until
        a probe."""
        with self._lock:
            state = self._current_state()
            self._forget_old()
            return {
                "state": state.value,
                "recent_calls": len(self._recent),
                "recent_failures": sum(outcome.failed for outcome in self._recent),
                "recent_slow_calls": sum(outcome.slow for outcome in self._recent),
                "slow_failures_in_a_row": self._slow_failures_in_a_row,
                "retry_after": self._retry_after() if state is CircuitState.OPEN else 0.0,
            }

    def admit(self) -> Call:
        """Let a call go ahead; raises CircuitOpen while open, or half-open with every probe
        slot taken."""
        with self._lock:
            state = self._current_state()
            now = self._clock()
            if state is CircuitState.CLOSED:
                return Call(now)
            if state is CircuitState.OPEN:
                raise CircuitOpen(self._retry_after())
            if self._probes_in_flight >= self.policy.half_open_probes:
                raise CircuitOpen(BUSY_PROBING_RETRY_AFTER)
            self._probes_in_flight += 1
            return Call(now, probe=self._half_open_period)

    def record(self, call: Call, *, failed: bool, timed_out: bool = False) -> None:
        """How the call went: `failed` as the module docstring defines it; a timed-out call is
        slow whatever its measured duration."""
        with self._lock:
            now = self._clock()
            slow = timed_out or now - call.started >= self.policy.slow_call_seconds
            probe = self._end_probe(call)
            state = self._current_state()
            if state is CircuitState.CLOSED:
                self._remember(_Outcome(now, failed, slow))
                if self._must_open():
                    self._open()
            elif state is CircuitState.HALF_OPEN and probe:
                if failed or slow:
                    self._open()
                else:
                    self._recent.clear()
                    self._slow_failures_in_a_row = 0
                    self._move_to(CircuitState.CLOSED)

    def release(self, call: Call) -> None:
        """The call ended without telling anything about the upstream (e.g. it was cancelled)."""
        with self._lock:
            self._end_probe(call)

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

    def _remember(self, outcome: _Outcome) -> None:
        self._recent.append(outcome)
        self._forget_old()
        if outcome.failed and outcome.slow:
            self._slow_failures_in_a_row += 1
        else:
            self._slow_failures_in_a_row = 0

    def _forget_old(self) -> None:
        oldest = self._clock() - self.policy.window_seconds
        while self._recent and self._recent[0].ended < oldest:
            self._recent.popleft()

    def _must_open(self) -> bool:
        policy = self.policy
        calls = len(self._recent)
        failures = sum(outcome.failed for outcome in self._recent)
        slow = sum(outcome.slow for outcome in self._recent)
        return (
            (failures >= policy.failure_threshold and failures >= policy.failure_rate * calls)
            or (slow >= policy.failure_threshold and slow >= policy.slow_call_rate * calls)
            or self._slow_failures_in_a_row >= policy.failure_threshold
        )

    def _retry_after(self) -> float:
        return max(0.0, self._opened_at + self.policy.cooldown - self._clock())

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._slow_failures_in_a_row = 0
        self._move_to(CircuitState.OPEN)

    def _end_probe(self, call: Call) -> bool:
        """Whether `call` probes the current half-open period (freeing its slot)."""
        if call.probe is None or call.probe != self._half_open_period:
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
        call = self.circuit.admit()
        try:
            response = await self.inner.handle_async_request(request)
        except httpx.TransportError as exc:
            self.circuit.record(
                call, failed=True, timed_out=isinstance(exc, httpx.TimeoutException)
            )
            raise
        except BaseException:
            self.circuit.release(call)
            raise
        self.circuit.record(call, failed=is_failure(response))
        return response

    def status(self) -> dict[str, Any]:
        """For /readyz: the circuit's state."""
        return {"breaker": self.circuit.snapshot()}

    async def aclose(self) -> None:
        await self.inner.aclose()
