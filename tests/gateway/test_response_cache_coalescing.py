"""Concurrent misses for one key in one gateway process make one upstream call; the others wait
for it and share its answer (as nginx's proxy_cache_lock does)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.gateway.conftest import catalog_answer
from tests.gateway.fakes import unread

pytestmark = pytest.mark.usefixtures("cache_settings")

CONCURRENT = 8


class GatedUpstream(httpx.AsyncBaseTransport):
    """Holds every request until the test opens the gate; counts what arrived."""

    def __init__(self, answer=catalog_answer) -> None:
        self.answer = answer
        self.arrived = 0
        self.gate = asyncio.Event()

    def transport(self) -> GatedUpstream:
        """As a harness upstream (tests.gateway.conftest.FakeUpstream's interface)."""
        return self

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.arrived += 1
        await self.gate.wait()
        return unread(self.answer(request))


async def burst(gw, upstream: GatedUpstream, path: str):
    """CONCURRENT reads of `path` at once; the gate opens once they are all under way."""
    tasks = [asyncio.ensure_future(gw.request("GET", path)) for _ in range(CONCURRENT)]
    while upstream.arrived == 0:
        await asyncio.sleep(0)
    for _ in range(100):  # let every other request reach the cache and wait there
        await asyncio.sleep(0)
    upstream.gate.set()
    return await asyncio.gather(*tasks)


def test_concurrent_misses_for_one_key_make_one_upstream_call(harness_factory):
    upstream = GatedUpstream()

    async def scenario(gw):
        return await burst(gw, upstream, "/api/v2/books/3/")

    replies = harness_factory(scenario, rest=upstream)
    assert upstream.arrived == 1
    assert all(reply.status == 200 and reply.body == replies[0].body for reply in replies)
    statuses = sorted(reply.header("cache-status") for reply in replies)
    assert statuses == sorted(
        ["catalog-gw; fwd=miss; fwd-status=200; stored"]
        + ["catalog-gw; fwd=miss; collapsed"] * (CONCURRENT - 1)
    )


def test_waiting_requests_go_upstream_themselves_when_the_answer_cannot_be_kept(
    harness_factory,
):
    upstream = GatedUpstream(lambda request: httpx.Response(404, json={}))

    async def scenario(gw):
        return await burst(gw, upstream, "/api/v2/books/3/")

    replies = harness_factory(scenario, rest=upstream)
    assert all(reply.status == 404 for reply in replies)
    assert upstream.arrived == CONCURRENT
