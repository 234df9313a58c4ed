"""gateway.retry: which upstream outcomes are retried, how long it waits, and what limits it."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.breaker import BreakerPolicy, BreakerTransport, Circuit
from gateway.errors import CircuitOpen
from gateway.retry import DeadlineExceeded, RetryPolicy, RetryTransport
from tests.gateway.fakes import FakeTime, HighestDraw, ScriptedUpstream, run

URL = "http://upstream.test/api/v2/books/"
GENEROUS_BUDGET = {"budget_min_retries": 1000}


def transport(
    upstream: ScriptedUpstream,
    time: FakeTime,
    *,
    rng: Any = None,
    wall_clock: Any = None,
    on_retry: Any = None,
    **policy: Any,
) -> RetryTransport:
    return RetryTransport(
        upstream.transport(),
        RetryPolicy(**{**GENEROUS_BUDGET, **policy}),
        clock=time.clock,
        sleep=time.sleep,
        rng=rng or random.Random(7),
        wall_clock=wall_clock or (lambda: 0.0),
        on_retry=on_retry,
    )


async def send(
    retry: httpx.AsyncBaseTransport,
    method: str = "GET",
    *,
    idempotent: bool = True,
    deadline: float | None = None,
    content: Any = None,
    timeout: float = 5.0,
) -> httpx.Response:
    extensions: dict[str, Any] = {"gateway.idempotent": idempotent, "gateway.upstream": "rest"}
    if deadline is not None:
        extensions["gateway.deadline"] = deadline
    async with httpx.AsyncClient(transport=retry, timeout=timeout) as client:
        return await client.request(method, URL, content=content, extensions=extensions)


def test_an_idempotent_get_is_retried_through_503s_until_it_succeeds() -> None:
    upstream, time = ScriptedUpstream(503, 503), FakeTime()
    response = run(send(transport(upstream, time)))
    assert response.status_code == 200
    assert upstream.calls == 3
    assert response.extensions["gateway.attempts"] == 3


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_failure_statuses_are_retried(status: int) -> None:
    upstream, time = ScriptedUpstream(status), FakeTime()
    assert run(send(transport(upstream, time))).status_code == 200
    assert upstream.calls == 2


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("no answer to SYN"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset by peer"),
        httpx.WriteError("broken pipe"),
    ],
)
def test_connect_errors_and_dropped_connections_are_retried(error: Exception) -> None:
    upstream, time = ScriptedUpstream(error), FakeTime()
    assert run(send(transport(upstream, time))).status_code == 200
    assert upstream.calls == 2


@pytest.mark.parametrize("outcome", [500, 400, 404, 429, httpx.ReadTimeout("slow")])
def test_other_outcomes_are_not_retried(outcome: Any) -> None:
    upstream, time = ScriptedUpstream(outcome), FakeTime()
    if isinstance(outcome, Exception):
        with pytest.raises(httpx.ReadTimeout):
            run(send(transport(upstream, time)))
    else:
        assert run(send(transport(upstream, time))).status_code == outcome
    assert upstream.calls == 1


def test_a_post_without_idempotency_reaches_the_upstream_once_even_on_503() -> None:
    upstream, time = ScriptedUpstream(then=503), FakeTime()
    response = run(send(transport(upstream, time), "POST", idempotent=False, content=b"{}"))
    assert response.status_code == 503
    assert upstream.calls == 1
    assert response.extensions["gateway.attempts"] == 1
    assert time.sleeps == []


def test_a_post_without_idempotency_is_not_resent_after_a_connect_error() -> None:
    upstream, time = ScriptedUpstream(then=httpx.ConnectError("refused")), FakeTime()
    with pytest.raises(httpx.ConnectError):
        run(send(transport(upstream, time), "POST", idempotent=False, content=b"{}"))
    assert upstream.calls == 1


def test_a_request_without_the_idempotent_extension_is_not_retried() -> None:
    upstream, time = ScriptedUpstream(then=503), FakeTime()

    async def plain_get() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport(upstream, time)) as client:
            return await client.get(URL)

    assert run(plain_get()).status_code == 503
    assert upstream.calls == 1


def test_an_idempotent_post_is_resent_with_the_same_body() -> None:
    upstream, time = ScriptedUpstream(503), FakeTime()
    response = run(send(transport(upstream, time), "POST", content=b'{"title": "Dune"}'))
    assert response.status_code == 200
    assert [request.content for request in upstream.requests] == [b'{"title": "Dune"}'] * 2


def test_a_streamed_body_that_cannot_be_replayed_is_sent_once() -> None:
    upstream, time = ScriptedUpstream(then=503), FakeTime()

    async def body() -> AsyncIterator[bytes]:
        yield b'{"title": "Dune"}'

    response = run(send(transport(upstream, time), "PUT", content=body()))
    assert response.status_code == 503
    assert upstream.calls == 1


def test_waits_are_full_jitter_under_an_exponential_ceiling() -> None:
    upstream, time = ScriptedUpstream(then=503), FakeTime()
    retry = transport(upstream, time, rng=HighestDraw(), max_attempts=5, base_delay=0.1)
    run(send(retry, deadline=time.now + 60))
    assert time.sleeps == pytest.approx([0.1, 0.2, 0.4, 0.8])


def test_waits_never_exceed_the_ceiling_with_a_real_random_draw() -> None:
    upstream, time = ScriptedUpstream(then=503), FakeTime()
    retry = transport(upstream, time, max_attempts=6, base_delay=0.1, max_delay=0.5)
    run(send(retry, deadline=time.now + 60))
    ceilings = [0.1, 0.2, 0.4, 0.5, 0.5]
    assert len(time.sleeps) == 5
    assert all(0 <= wait <= ceiling for wait, ceiling in zip(time.sleeps, ceilings, strict=True))


def test_no_wait_ends_past_the_deadline_and_the_last_answer_is_returned() -> None:
    upstream, time = ScriptedUpstream(then=503), FakeTime()
    retry = transport(
        upstream, time, rng=HighestDraw(), max_attempts=10, base_delay=1.0, max_delay=60
    )
    start = time.now
    response = run(send(retry, deadline=start + 2.5))
    assert response.status_code == 503
    assert time.sleeps == [1.0]  # the next wait (2 s) would end past the deadline
    assert upstream.calls == 2
    assert time.now <= start + 2.5


def test_each_attempt_timeout_is_capped_by_the_time_left() -> None:
    time = FakeTime()
    upstream = ScriptedUpstream(503)
    retry = transport(upstream, time, rng=HighestDraw(), base_delay=0.5)
    run(send(retry, deadline=time.now + 2.0, timeout=5.0))
    first, second = upstream.timeouts
    assert first == {"connect": 2.0, "read": 2.0, "write": 2.0, "pool": 2.0}
    assert second == {"connect": 1.5, "read": 1.5, "write": 1.5, "pool": 1.5}


def test_short_client_timeouts_are_kept_when_the_deadline_is_further() -> None:
    time, upstream = FakeTime(), ScriptedUpstream()
    run(send(transport(upstream, time), deadline=time.now + 30.0, timeout=5.0))
    assert upstream.timeouts[0]["read"] == 5.0


def test_without_a_deadline_extension_the_policy_deadline_applies() -> None:
    time, upstream = FakeTime(), ScriptedUpstream()
    run(send(transport(upstream, time, deadline=3.0), timeout=5.0))
    assert upstream.timeouts[0]["read"] == 3.0


def test_a_deadline_already_past_fails_without_calling_the_upstream() -> None:
    time, upstream = FakeTime(), ScriptedUpstream()
    with pytest.raises(DeadlineExceeded):
        run(send(transport(upstream, time), deadline=time.now - 0.1))
    assert upstream.calls == 0


def test_retry_after_in_seconds_is_waited_for() -> None:
    time = FakeTime()
    upstream = ScriptedUpstream(httpx.Response(503, headers={"Retry-After": "2"}))
    response = run(send(transport(upstream, time), deadline=time.now + 10))
    assert response.status_code == 200
    assert time.sleeps == [2.0]


def test_retry_after_as_an_http_date_is_waited_for() -> None:
    time = FakeTime()
    upstream = ScriptedUpstream(
        httpx.Response(503, headers={"Retry-After": "Sun, 06 Nov 1994 08:49:40 GMT"})
    )
    retry = transport(upstream, time, wall_clock=lambda: 784111777.0)  # 3 s before that date
    assert run(send(retry, deadline=time.now + 10)).status_code == 200
    assert time.sleeps == [3.0]


def test_retry_after_beyond_the_deadline_returns_the_answer_at_once() -> None:
    time = FakeTime()
    upstream = ScriptedUpstream(httpx.Response(503, headers={"Retry-After": "30"}))
    response = run(send(transport(upstream, time), deadline=time.now + 10))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert upstream.calls == 1
    assert time.sleeps == []


def test_the_budget_caps_retries_across_requests() -> None:
    upstream, time = ScriptedUpstream(then=503), FakeTime()
    retry = transport(
        upstream, time, max_attempts=3, budget_ratio=0.2, budget_min_retries=2, budget_window=10
    )
    for _ in range(10):
        run(send(retry, deadline=time.now + 10))
    retries = upstream.calls - 10
    assert retries == 4  # 2 + 20 % of 10 requests, not 10 x 2


def test_the_budget_refills_once_old_retries_leave_the_window() -> None:
    upstream, time = ScriptedUpstream(then=503), FakeTime()
    retry = transport(upstream, time, max_attempts=2, budget_ratio=0, budget_min_retries=1)
    run(send(retry))
    run(send(retry))
    assert upstream.calls == 3  # one retry, then the budget is spent
    time.advance(11)
    run(send(retry))
    assert upstream.calls == 5


def test_an_open_circuit_stops_the_retries_at_once() -> None:
    upstream, time = ScriptedUpstream(then=503), FakeTime()
    circuit = Circuit("rest", BreakerPolicy(failure_threshold=1, cooldown=30), clock=time.clock)
    retry = RetryTransport(
        BreakerTransport(upstream.transport(), circuit),
        RetryPolicy(max_attempts=5),
        clock=time.clock,
        sleep=time.sleep,
        rng=random.Random(1),
    )
    with pytest.raises(CircuitOpen):
        run(send(retry, deadline=time.now + 10))
    assert upstream.calls == 1


def test_every_retry_is_reported_with_its_upstream_and_reason() -> None:
    upstream, time = ScriptedUpstream(503, httpx.ConnectError("refused")), FakeTime()
    heard: list[tuple[str, str]] = []
    retry = transport(upstream, time, on_retry=lambda name, why: heard.append((name, why)))
    run(send(retry))
    assert heard == [("rest", "status_503"), ("rest", "ConnectError")]


def test_the_policy_is_read_from_the_settings_when_asked(settings: Any) -> None:
    settings.GATEWAY_RETRY_MAX_ATTEMPTS = 4
    settings.GATEWAY_REQUEST_DEADLINE_SECONDS = 2.5
    settings.GATEWAY_RETRY_BUDGET_RATIO = 0.1
    policy = RetryPolicy.from_settings()
    assert (policy.max_attempts, policy.deadline, policy.budget_ratio) == (4, 2.5, 0.1)
    assert policy.base_delay == RetryPolicy().base_delay


def test_settings_out_of_range_are_clamped_to_a_working_policy(settings: Any) -> None:
    settings.GATEWAY_RETRY_MAX_ATTEMPTS = 0
    settings.GATEWAY_RETRY_BASE_DELAY_SECONDS = -1.0
    settings.GATEWAY_RETRY_BUDGET_WINDOW_SECONDS = 0.0
    policy = RetryPolicy.from_settings()
    assert (policy.max_attempts, policy.base_delay, policy.budget_window) == (1, 0.0, 1.0)
