"""The fault proxy does what it is told, and nothing when told nothing: it is the instrument
every fault scenario reads, so it is tested on its own against a recording upstream."""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.faultproxy import FaultProxy, fault_proxy
from tests.recording_upstream import recording_upstream

BROKEN = (httpx.ReadError, httpx.RemoteProtocolError, httpx.ConnectError, httpx.WriteError)


@pytest.fixture
def upstream():
    with recording_upstream() as upstream:
        yield upstream


@pytest.fixture
def proxy(upstream, tmp_path):
    with fault_proxy(upstream.port, tmp_path / "proxy.log", seed=7) as proxy:
        upstream.requests.clear()  # the start-up health probe
        yield proxy


def _get(proxy, path: str = "/api/v2/books/", timeout: float = 10.0) -> httpx.Response:
    with httpx.Client(base_url=proxy.url, timeout=timeout) as client:
        return client.get(path)


def test_with_no_faults_requests_and_answers_pass_unchanged(proxy, upstream):
    response = httpx.post(f"{proxy.url}/api/v2/books/?x=1", content=b'{"a": 1}', timeout=10)

    assert response.status_code == 200
    assert response.json() == {"path": "/api/v2/books/?x=1", "method": "POST"}
    (seen,) = upstream.requests
    assert (seen.method, seen.body) == ("POST", b'{"a": 1}')


def test_keep_alive_requests_are_counted_one_by_one(proxy):
    before = proxy.counters()["requests"]
    with httpx.Client(base_url=proxy.url, timeout=10) as client:
        statuses = [client.get(f"/n/{n}").status_code for n in range(5)]

    assert statuses == [200] * 5
    counters = proxy.counters()
    assert counters["requests"] - before == 5


def test_latency_holds_each_request_back_until_healed(proxy, upstream):
    proxy.set(latency=3.0)
    with pytest.raises(httpx.ReadTimeout):
        _get(proxy, timeout=0.5)

    proxy.heal()
    assert _get(proxy).status_code == 200


def test_a_reset_before_forwarding_never_reaches_the_upstream(proxy, upstream):
    proxy.set(reset_fraction=1.0)

    with pytest.raises(BROKEN):
        _get(proxy)

    assert upstream.requests == []
    assert proxy.counters()["resets"] == 1


def test_a_reset_after_forwarding_reaches_the_upstream_but_never_answers(proxy, upstream):
    proxy.set(reset_fraction=1.0, reset_after_forwarding=True)

    with pytest.raises(BROKEN):
        httpx.post(f"{proxy.url}/api/v2/books/", content=b"{}", timeout=10)

    assert [seen.method for seen in upstream.requests] == ["POST"]


def test_a_fraction_of_requests_is_reset_and_the_rest_pass(proxy, upstream):
    proxy.set(reset_fraction=0.3)
    outcomes = []
    for n in range(200):
        try:
            outcomes.append(_get(proxy, f"/n/{n}").status_code)
        except BROKEN:
            outcomes.append("reset")

    resets = outcomes.count("reset")
    assert resets == proxy.counters()["resets"]
    assert 40 <= resets <= 80, resets
    assert outcomes.count(200) == len(upstream.requests) == 200 - resets


def test_a_blackhole_swallows_requests_silently_until_healed(proxy, upstream):
    proxy.set(blackhole=True)
    with pytest.raises(httpx.ReadTimeout):
        _get(proxy, timeout=0.5)
    assert upstream.requests == []

    proxy.heal()
    assert _get(proxy).status_code == 200


def test_drop_resets_connections_in_flight(proxy):
    proxy.set(latency=30.0)
    with httpx.Client(base_url=proxy.url, timeout=60) as client:
        threading.Timer(0.5, proxy.drop).start()
        with pytest.raises(BROKEN):
            client.get("/slow")


def test_an_upstream_that_is_gone_is_a_reset_not_a_hang(tmp_path):
    with recording_upstream() as upstream:
        proxy = FaultProxy(upstream.port, tmp_path / "proxy.log")
        proxy.start()
    try:
        with pytest.raises(BROKEN):
            _get(proxy)
        assert proxy.counters()["upstream_unreachable"] == 1
    finally:
        proxy.stop()


def test_unknown_or_mistyped_faults_are_refused(proxy):
    with pytest.raises(ValueError, match="unknown faults: jitter"):
        proxy.set(jitter=1)
    with pytest.raises(ValueError, match="blackhole takes a bool"):
        proxy.set(blackhole=0.5)
