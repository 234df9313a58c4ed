"""Retries and the circuit breaker on real processes: the gateway (`catalog serve gateway`) in
front of a small upstream the tests control (tests/gateway/flaky_upstream.py), made to fail N
times, to drop connections, to answer slowly, or stopped and started again."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from credentials import keys
from tests import tokens
from tests.processes import CATALOG, ServerProcess, base_env, free_port

GATEWAY_ENV = {
    "REDIS_URL": "",
    "GATEWAY_CACHE_ENABLED": "false",  # every read must reach the upstream under test
    "GATEWAY_RATELIMIT_ANONYMOUS": "10000/minute",
    "GATEWAY_RATELIMIT_USER": "10000/minute",
    "GATEWAY_RATELIMIT_WRITES": "10000/minute",
    "GATEWAY_REQUEST_DEADLINE_SECONDS": "2",
    "GATEWAY_RETRY_MAX_ATTEMPTS": "3",
    "GATEWAY_RETRY_BASE_DELAY_SECONDS": "0.01",
    "GATEWAY_RETRY_MAX_DELAY_SECONDS": "0.05",
    "GATEWAY_BREAKER_FAILURE_THRESHOLD": "3",
    "GATEWAY_BREAKER_COOLDOWN_SECONDS": "1",
}
BOOKS = "/api/v2/books/"
FLAKY_UPSTREAM = [sys.executable, "-m", "tests.gateway.flaky_upstream"]


def jwks_document() -> bytes:
    jwk = keys.public_jwk(keys.public_key_pem())
    key = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": jwk.kid, "n": jwk.n, "e": jwk.e}
    return orjson.dumps({"keys": [key]})


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("flaky")
    jwks = folder / "jwks.json"
    jwks.write_bytes(jwks_document())
    port = free_port()
    server = ServerProcess(
        name="flaky",
        command=[*FLAKY_UPSTREAM, "--port", str(port), "--jwks", str(jwks)],
        env=base_env(folder, "sqlite:///unused"),
        log_path=folder / "flaky.log",
        port=port,
    )
    server.start(timeout=20)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def gateway(upstream: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("gateway")
    port = free_port()
    env = base_env(folder, "sqlite:///unused", **GATEWAY_ENV)
    env.update(
        GATEWAY_REST_URL=upstream.base_url,
        GATEWAY_SOAP_URL=upstream.base_url,
        GATEWAY_JWKS_URL=upstream.base_url + "/.well-known/jwks.json",
    )
    server = ServerProcess(
        name="gateway",
        command=[*CATALOG, "serve", "gateway", "--port", str(port)],
        env=env,
        log_path=folder / "gateway.log",
        port=port,
    )
    server.start()
    yield server.base_url
    server.stop()


def control(upstream: ServerProcess, **behaviour: Any) -> list[list[Any]]:
    """Set the upstream's behaviour (and reset its counts); returns what it was sent so far."""
    url = upstream.base_url + "/_control"
    if behaviour:
        return httpx.post(url, json=behaviour).json()["requests"]
    return httpx.get(url).json()["requests"]


def until(check: Any, seconds: float = 10.0) -> Any:
    """Poll `check()` until it returns something truthy (bounded); the last value otherwise."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


@pytest.fixture
def healthy(upstream: ServerProcess, gateway: str) -> ServerProcess:
    """The upstream answering normally and the gateway's circuit closed again."""
    if upstream.process is None or upstream.process.poll() is not None:
        upstream.start(timeout=20)
    control(upstream, fail=0)
    assert until(lambda: httpx.get(gateway + BOOKS).status_code == 200)
    control(upstream, fail=0)
    return upstream


def editor_headers(**extra: str) -> dict[str, str]:
    token = tokens.mint(scope="catalog:read catalog:write")
    return {"Authorization": f"Bearer {token}", **extra}


def test_an_idempotent_get_is_retried_until_the_upstream_recovers(
    healthy: ServerProcess, gateway: str
) -> None:
    control(healthy, fail=2, status=503)
    response = httpx.get(gateway + BOOKS)
    assert response.status_code == 200
    assert len(control(healthy)) == 3


def test_a_post_without_idempotency_key_reaches_the_upstream_once(
    healthy: ServerProcess, gateway: str
) -> None:
    control(healthy, fail=2, status=503)
    response = httpx.post(gateway + BOOKS, json={"title": "x"}, headers=editor_headers())
    assert response.status_code == 503
    assert control(healthy) == [["POST", BOOKS, None]]


def test_a_post_with_an_idempotency_key_is_sent_again_with_the_same_key(
    healthy: ServerProcess, gateway: str
) -> None:
    control(healthy, fail=1, status=502)
    headers = editor_headers(**{"Idempotency-Key": "k-42"})
    response = httpx.post(gateway + BOOKS, json={"title": "x"}, headers=headers)
    assert response.status_code == 201
    assert control(healthy) == [["POST", BOOKS, "k-42"], ["POST", BOOKS, "k-42"]]


def test_a_dropped_connection_is_retried_for_a_get(healthy: ServerProcess, gateway: str) -> None:
    control(healthy, drop=1)
    assert httpx.get(gateway + BOOKS).status_code == 200
    assert len(control(healthy)) == 2


def test_a_dropped_connection_is_not_retried_for_a_post_without_key(
    healthy: ServerProcess, gateway: str
) -> None:
    control(healthy, drop=1)
    response = httpx.post(gateway + BOOKS, json={"title": "x"}, headers=editor_headers())
    assert response.status_code == 502
    assert len(control(healthy)) == 1


def test_retry_after_longer_than_the_deadline_is_passed_back_at_once(
    healthy: ServerProcess, gateway: str
) -> None:
    control(healthy, fail=1, status=503, retry_after="30")
    response = httpx.get(gateway + BOOKS)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert len(control(healthy)) == 1


def test_a_slow_upstream_is_cut_at_the_deadline_and_not_sent_again(
    healthy: ServerProcess, gateway: str
) -> None:
    control(healthy, delay=4)
    response = httpx.get(gateway + BOOKS, timeout=10)
    assert response.status_code == 504
    assert len(control(healthy)) == 1


def test_a_stopped_upstream_opens_the_circuit_then_a_probe_closes_it(
    healthy: ServerProcess, gateway: str
) -> None:
    healthy.stop()
    # Refused attempts are failures; once they are most of the recent calls the circuit opens
    # (successes from earlier tests are in the window, so it takes a few requests).
    statuses = [httpx.get(gateway + BOOKS).status_code for _ in range(8)]
    assert statuses[0] == 502
    assert 503 in statuses and set(statuses) == {502, 503}
    refused = httpx.get(gateway + BOOKS)
    assert refused.status_code == 503
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["type"].endswith("/service-unavailable")
    ready = httpx.get(gateway + "/readyz").json()
    assert ready["upstreams"]["rest"]["breaker"]["state"] == "open"
    healthy.start(timeout=20)
    assert until(lambda: httpx.get(gateway + BOOKS).status_code == 200, seconds=5)
    ready = httpx.get(gateway + "/readyz").json()
    assert ready["upstreams"]["rest"]["breaker"]["state"] == "closed"


def test_breaker_state_and_retries_show_in_the_metrics(
    healthy: ServerProcess, gateway: str
) -> None:
    control(healthy, fail=1, status=503)
    httpx.get(gateway + BOOKS)
    metrics = httpx.get(gateway + "/metrics").text
    assert 'gateway_breaker_state{upstream="rest"} 0.0' in metrics
    assert 'gateway_upstream_retries_total{upstream="rest"}' in metrics
