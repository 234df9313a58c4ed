"""gateway.breaker: one circuit per upstream opens, fails fast, half-opens and closes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from gateway.breaker import BreakerPolicy, BreakerTransport, Circuit, CircuitState
from gateway.errors import CircuitOpen
from tests.gateway.fakes import FakeTime, ScriptedUpstream, run

URL = "http://upstream.test/api/v2/books/1/"
HUNG = httpx.ReadTimeout("no answer before the deadline")


def circuit(time: FakeTime, **policy: float) -> Circuit:
    settings = {"failure_threshold": 3, "cooldown": 10.0, "half_open_probes": 1, **policy}
    return Circuit("rest", BreakerPolicy(**settings), clock=time.clock)


async def call(breaker: BreakerTransport, times: int = 1) -> list[int | str]:
    """Status of each call, or the name of the exception it raised."""
    outcomes: list[int | str] = []
    async with httpx.AsyncClient(transport=breaker) as client:
        for _ in range(times):
            try:
                outcomes.append((await client.get(URL)).status_code)
            except (httpx.TransportError, CircuitOpen) as exc:
                outcomes.append(type(exc).__name__)
    return outcomes


def taking(
    time: FakeTime, seconds: float, outcome: int | Exception
) -> Callable[[httpx.Request], Awaitable[httpx.Response]]:
    """An upstream answer (a status, or an error raised) that arrives `seconds` later."""

    async def answer(request: httpx.Request) -> httpx.Response:
        time.advance(seconds)
        if isinstance(outcome, Exception):
            raise outcome
        return httpx.Response(outcome)

    return answer


def opened(time: FakeTime, upstream: ScriptedUpstream, **policy: float) -> BreakerTransport:
    """A breaker whose circuit the upstream's first three answers have opened."""
    breaker = BreakerTransport(upstream.transport(), circuit(time, **policy))
    run(call(breaker, 3))
    assert breaker.circuit.state is CircuitState.OPEN
    return breaker


def test_a_run_of_failures_opens_the_circuit() -> None:
    time = FakeTime()
    upstream = ScriptedUpstream(503, httpx.ConnectError("refused"), 502)
    breaker = BreakerTransport(upstream.transport(), circuit(time))
    assert run(call(breaker, 3)) == [503, "ConnectError", 502]
    assert breaker.circuit.state is CircuitState.OPEN


def test_an_open_circuit_fails_fast_without_calling_the_upstream() -> None:
    time, upstream = FakeTime(), ScriptedUpstream(then=503)
    breaker = opened(time, upstream)
    time.advance(4)
    with pytest.raises(CircuitOpen) as refused:
        run(breaker.handle_async_request(httpx.Request("GET", URL)))
    assert refused.value.retry_after == pytest.approx(6.0)
    assert upstream.calls == 3


def test_failures_scattered_among_successes_keep_the_circuit_closed() -> None:
    """Random faults that retries absorb are not an outage: 3 of 7 calls is below 80 %."""
    time = FakeTime()
    upstream = ScriptedUpstream(200, 503, 200, 503, 200, 503, 200)
    breaker = BreakerTransport(upstream.transport(), circuit(time))
    run(call(breaker, 7))
    assert breaker.circuit.state is CircuitState.CLOSED
    assert breaker.circuit.snapshot()["recent_failures"] == 3


def test_a_run_of_bad_luck_under_random_faults_does_not_open_the_circuit() -> None:
    """Five failures in a row among twenty calls are 25 %, not the 80 % of an outage."""
    time = FakeTime()
    outcomes = [200] * 15 + [503] * 5
    breaker = BreakerTransport(
        ScriptedUpstream(*outcomes).transport(), circuit(time, failure_threshold=5)
    )
    run(call(breaker, 20))
    assert breaker.circuit.state is CircuitState.CLOSED


def test_an_outage_after_busy_traffic_opens_once_failures_dominate_the_window() -> None:
    time = FakeTime()
    outcomes = [200] * 20 + [503] * 16
    breaker = BreakerTransport(ScriptedUpstream(*outcomes).transport(), circuit(time))
    run(call(breaker, 35))
    assert breaker.circuit.state is CircuitState.CLOSED
    run(call(breaker, 1))
    assert breaker.circuit.state is CircuitState.OPEN


def test_old_successes_age_out_so_an_outage_after_a_quiet_spell_opens_quickly() -> None:
    time = FakeTime()
    upstream = ScriptedUpstream(*([200] * 10), then=503)
    breaker = BreakerTransport(upstream.transport(), circuit(time))
    run(call(breaker, 10))
    time.advance(31)
    run(call(breaker, 3))
    assert breaker.circuit.state is CircuitState.OPEN


@pytest.mark.parametrize("status", [400, 404, 412, 429, 500])
def test_client_errors_and_plain_500s_do_not_count_as_failures(status: int) -> None:
    time, upstream = FakeTime(), ScriptedUpstream(then=status)
    breaker = BreakerTransport(upstream.transport(), circuit(time))
    run(call(breaker, 5))
    assert breaker.circuit.state is CircuitState.CLOSED


def test_read_timeouts_count_as_failures() -> None:
    time, upstream = FakeTime(), ScriptedUpstream(then=httpx.ReadTimeout("slow"))
    breaker = BreakerTransport(upstream.transport(), circuit(time))
    run(call(breaker, 3))
    assert breaker.circuit.state is CircuitState.OPEN


def test_a_hung_upstream_opens_the_circuit_after_five_calls_however_long_each_waited() -> None:
    """One client calling a frozen upstream: each call waits out a 10 s deadline, so the 30 s
    window never holds five failures, and busy traffic before it filled the window."""
    time = FakeTime()
    upstream = ScriptedUpstream(*([200] * 15), then=taking(time, 10, HUNG))
    breaker = BreakerTransport(upstream.transport(), circuit(time, failure_threshold=5))
    run(call(breaker, 15))
    assert run(call(breaker, 4)) == ["ReadTimeout"] * 4
    assert breaker.circuit.state is CircuitState.CLOSED
    assert run(call(breaker, 3)) == ["ReadTimeout", "CircuitOpen", "CircuitOpen"]
    assert upstream.calls == 20


def test_a_timeout_is_a_slow_failure_even_when_it_came_quickly() -> None:
    """The deadline cut it short: the upstream took all the time it was given."""
    time = FakeTime()
    upstream = ScriptedUpstream(*([200] * 15), then=HUNG)
    breaker = BreakerTransport(upstream.transport(), circuit(time, failure_threshold=5))
    run(call(breaker, 20))
    assert breaker.circuit.state is CircuitState.OPEN


def test_slow_gateway_timeouts_from_a_proxy_in_front_count_as_a_hung_upstream() -> None:
    time = FakeTime()
    upstream = ScriptedUpstream(*([200] * 15), then=taking(time, 9, 504))
    breaker = BreakerTransport(upstream.transport(), circuit(time, failure_threshold=5))
    run(call(breaker, 20))
    assert breaker.circuit.state is CircuitState.OPEN


def test_an_answer_between_slow_failures_starts_the_run_again() -> None:
    time = FakeTime()
    hung = [taking(time, 10, HUNG)] * 4
    upstream = ScriptedUpstream(*hung, 200, *hung)
    breaker = BreakerTransport(upstream.transport(), circuit(time, failure_threshold=5))
    run(call(breaker, 9))
    assert breaker.circuit.state is CircuitState.CLOSED
    assert breaker.circuit.snapshot()["slow_failures_in_a_row"] == 4


def test_slow_answers_dominating_the_recent_calls_open_the_circuit() -> None:
    time = FakeTime()
    upstream = ScriptedUpstream(then=taking(time, 2, 200))
    breaker = BreakerTransport(
        upstream.transport(), circuit(time, failure_threshold=5, slow_call_seconds=1.5)
    )
    assert run(call(breaker, 6)) == [200] * 5 + ["CircuitOpen"]
    assert breaker.circuit.snapshot()["recent_slow_calls"] == 5


def test_slow_answers_scattered_among_quick_ones_keep_the_circuit_closed() -> None:
    time = FakeTime()
    upstream = ScriptedUpstream(*([200, 200, taking(time, 2, 200)] * 5))
    breaker = BreakerTransport(
        upstream.transport(), circuit(time, failure_threshold=5, slow_call_seconds=1.5)
    )
    run(call(breaker, 15))
    assert breaker.circuit.state is CircuitState.CLOSED
    assert breaker.circuit.snapshot()["recent_slow_calls"] == 5


def test_a_slow_probe_reopens_the_circuit_though_it_answered() -> None:
    time = FakeTime()
    upstream = ScriptedUpstream(503, 503, 503, then=taking(time, 2, 200))
    breaker = opened(time, upstream, slow_call_seconds=1.5)
    time.advance(10)
    assert run(call(breaker, 2)) == [200, "CircuitOpen"]
    assert breaker.circuit.state is CircuitState.OPEN


def test_a_hung_upstream_that_recovers_is_let_back_in_by_a_probe() -> None:
    time = FakeTime()
    upstream = ScriptedUpstream(*([taking(time, 10, HUNG)] * 5), then=200)
    breaker = BreakerTransport(upstream.transport(), circuit(time, failure_threshold=5))
    run(call(breaker, 5))
    assert run(call(breaker)) == ["CircuitOpen"]
    time.advance(10)
    assert run(call(breaker, 2)) == [200, 200]
    assert breaker.circuit.state is CircuitState.CLOSED


def test_after_the_cooldown_the_circuit_half_opens() -> None:
    time = FakeTime()
    breaker = opened(time, ScriptedUpstream(then=503))
    time.advance(10)
    assert breaker.circuit.state is CircuitState.HALF_OPEN


def test_a_successful_probe_closes_the_circuit() -> None:
    time = FakeTime()
    upstream = ScriptedUpstream(503, 503, 503, then=200)
    breaker = opened(time, upstream)
    time.advance(10)
    assert run(call(breaker, 2)) == [200, 200]
    assert breaker.circuit.state is CircuitState.CLOSED
    assert upstream.calls == 5


def test_a_failed_probe_reopens_the_circuit_for_a_new_cooldown() -> None:
    time = FakeTime()
    upstream = ScriptedUpstream(then=503)
    breaker = opened(time, upstream)
    time.advance(10)
    assert run(call(breaker, 2)) == [503, "CircuitOpen"]
    assert breaker.circuit.snapshot() == {
        "state": "open",
        "recent_calls": 3,
        "recent_failures": 3,
        "recent_slow_calls": 0,
        "slow_failures_in_a_row": 0,
        "retry_after": 10.0,
    }


def test_half_open_lets_only_the_allowed_number_of_probes_through_at_once() -> None:
    time = FakeTime()
    release = asyncio.Event()

    async def slow_success(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200)

    upstream = ScriptedUpstream(503, 503, 503, then=slow_success)
    breaker = opened(time, upstream, half_open_probes=2)
    time.advance(10)

    async def three_at_once() -> list[list[int | str]]:
        calls = [asyncio.create_task(call(breaker)) for _ in range(3)]
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        release.set()
        return await asyncio.gather(*calls)

    assert sorted(run(three_at_once()), key=str) == [["CircuitOpen"], [200], [200]]
    assert upstream.calls == 5


def test_a_cancelled_probe_gives_its_slot_back() -> None:
    time = FakeTime()

    async def never(request: httpx.Request) -> httpx.Response:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    upstream = ScriptedUpstream(503, 503, 503, never, then=200)
    breaker = opened(time, upstream)
    time.advance(10)

    async def cancel_a_probe_then_call() -> list[int | str]:
        probe = asyncio.create_task(call(breaker))
        await asyncio.sleep(0.01)
        probe.cancel()
        await asyncio.gather(probe, return_exceptions=True)
        return await call(breaker)

    assert run(cancel_a_probe_then_call()) == [200]
    assert breaker.circuit.state is CircuitState.CLOSED


def test_listeners_hear_every_state_change() -> None:
    time = FakeTime()
    upstream = ScriptedUpstream(503, 503, 503, then=200)
    breaker = BreakerTransport(upstream.transport(), circuit(time))
    heard: list[tuple[str, str, str]] = []
    breaker.circuit.add_listener(lambda name, old, new: heard.append((name, old, new)))
    run(call(breaker, 3))
    time.advance(10)
    run(call(breaker))
    assert heard == [
        ("rest", "closed", "open"),
        ("rest", "open", "half_open"),
        ("rest", "half_open", "closed"),
    ]


def test_the_policy_is_read_from_the_settings_when_asked(settings: Any) -> None:
    settings.GATEWAY_BREAKER_FAILURE_THRESHOLD = 7
    settings.GATEWAY_BREAKER_COOLDOWN_SECONDS = 2.5
    settings.GATEWAY_BREAKER_HALF_OPEN_PROBES = 3
    settings.GATEWAY_BREAKER_FAILURE_RATE = 0.6
    settings.GATEWAY_BREAKER_SLOW_CALL_SECONDS = 1.5
    settings.GATEWAY_BREAKER_SLOW_CALL_RATE = 0.5
    settings.GATEWAY_BREAKER_WINDOW = 50
    settings.GATEWAY_BREAKER_WINDOW_SECONDS = 5
    assert BreakerPolicy.from_settings() == BreakerPolicy(
        failure_threshold=7,
        cooldown=2.5,
        half_open_probes=3,
        failure_rate=0.6,
        slow_call_seconds=1.5,
        slow_call_rate=0.5,
        window=50,
        window_seconds=5.0,
    )


def test_rates_in_the_settings_are_clamped_to_shares(settings: Any) -> None:
    settings.GATEWAY_BREAKER_FAILURE_RATE = 1.5
    settings.GATEWAY_BREAKER_SLOW_CALL_RATE = -0.2
    policy = BreakerPolicy.from_settings()
    assert (policy.failure_rate, policy.slow_call_rate) == (1.0, 0.0)
