"""gateway.upstreams: the retry and breaker policies come from the gateway's settings, read when
the upstreams are built, so override_settings (and so a test, or a restart with a new
environment) changes them."""

from __future__ import annotations

import httpx
from django.test import override_settings

from gateway.breaker import BreakerTransport
from gateway.retry import RetryTransport
from gateway.upstreams import build_upstreams, close_upstreams
from tests.gateway.fakes import run


def built_policies() -> tuple[RetryTransport, BreakerTransport]:
    async def build() -> tuple[RetryTransport, BreakerTransport]:
        upstreams = build_upstreams()
        await close_upstreams(upstreams)
        retry = upstreams["soap"].transport
        assert isinstance(retry, RetryTransport) and isinstance(retry.inner, BreakerTransport)
        return retry, retry.inner

    return run(build())


@override_settings(
    GATEWAY_REQUEST_DEADLINE_SECONDS=1.5,
    GATEWAY_RETRY_MAX_ATTEMPTS=4,
    GATEWAY_BREAKER_FAILURE_THRESHOLD=2,
    GATEWAY_BREAKER_SLOW_CALL_SECONDS=0.5,
    GATEWAY_BREAKER_COOLDOWN_SECONDS=3.0,
)
def test_retry_and_breaker_policies_follow_override_settings() -> None:
    retry, breaker = built_policies()
    assert (retry.policy.deadline, retry.policy.max_attempts) == (1.5, 4)
    policy = breaker.circuit.policy
    assert (policy.failure_threshold, policy.slow_call_seconds, policy.cooldown) == (2, 0.5, 3.0)


def test_the_request_deadline_is_one_setting_for_the_client_and_the_retries(settings) -> None:
    settings.GATEWAY_REQUEST_DEADLINE_SECONDS = 2.5

    async def build() -> tuple[float, httpx.Timeout]:
        upstreams = build_upstreams()
        await close_upstreams(upstreams)
        retry = upstreams["rest"].transport
        assert isinstance(retry, RetryTransport)
        return retry.policy.deadline, upstreams["rest"].client.timeout

    deadline, timeout = run(build())
    assert deadline == timeout.read == 2.5
