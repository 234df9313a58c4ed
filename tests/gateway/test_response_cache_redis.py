"""The response cache in Redis: shared by every gateway replica, invalidated by the generations
the services write there, and out of the way when Redis is not there (the reads still work)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import redis
from prometheus_client import REGISTRY

from catalog_contract import generations
from gateway.cache_store import MemoryStore, StoreDown
from gateway.response_cache import ResponseCache, Variant
from tests.gateway.conftest import FakeUpstream, catalog_answer
from tests.processes import free_port


@pytest.fixture
def redis_cache(cache_settings, redis_url):
    cache_settings.REDIS_URL = redis_url
    return cache_settings


def read_once(harness_factory, host: str, path: str = "/api/v2/books/3/") -> tuple[str, int]:
    """One read through a gateway process of its own (a replica): its Cache-Status and how many
    upstream calls it made."""

    async def scenario(gw):
        reply = await gw.request("GET", path, headers=[("Host", host)])
        assert reply.status == 200
        return reply.header("cache-status"), len(gw.rest.requests)

    return harness_factory(scenario, rest=FakeUpstream(catalog_answer))


def test_a_replica_answers_from_what_another_stored(harness_factory, redis_cache):
    host = f"{uuid.uuid4().hex}.test"
    first, first_calls = read_once(harness_factory, host)
    second, second_calls = read_once(harness_factory, host)
    assert first.endswith("stored") and first_calls == 1
    assert second.startswith("catalog-gw; hit") and second_calls == 0


def test_a_change_announced_in_redis_reaches_every_replica(harness_factory, redis_cache):
    host = f"{uuid.uuid4().hex}.test"
    read_once(harness_factory, host)
    client = redis.Redis.from_url(redis_cache.REDIS_URL)
    client.mset({key: generations.new_token() for key in generations.redis_keys(["authors"])})
    status, upstream_calls = read_once(harness_factory, host)
    assert status.startswith("catalog-gw; fwd=miss") and upstream_calls == 1


def cache_errors() -> float:
    return (
        REGISTRY.get_sample_value("gateway_cache_errors_total", {"operation": "generations"}) or 0
    )


def test_with_redis_unreachable_reads_are_served_around_the_cache(harness_factory, cache_settings):
    cache_settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/1"
    before = cache_errors()

    async def scenario(gw):
        replies = [await gw.request("GET", "/api/v2/books/3/") for _ in range(2)]
        return replies, len(gw.rest.requests)

    replies, upstream_calls = harness_factory(scenario, rest=FakeUpstream(catalog_answer))
    assert [reply.status for reply in replies] == [200, 200]
    assert upstream_calls == 2
    assert {reply.header("cache-status") for reply in replies} == {
        "catalog-gw; fwd=bypass; detail=unavailable"
    }
    assert cache_errors() == before + 1  # the second read did not wait for Redis again


class FailingOnce(MemoryStore):
    """A store whose generations fail once, recording when it is told to forget everything."""

    def __init__(self, generation_file) -> None:
        super().__init__(max_entries=10, generation_file=generation_file)
        self.failed = False
        self.forgotten = 0

    async def generations(self, kinds):
        if not self.failed:
            self.failed = True
            raise StoreDown("down")
        return await super().generations(kinds)

    async def forget_all(self) -> None:
        self.forgotten += 1
        await super().forget_all()


def test_after_an_outage_every_generation_is_replaced(tmp_path, monkeypatch):
    """Changes announced while the store was down were lost: nothing stored before may be used."""
    store = FailingOnce(tmp_path / generations.FILE_NAME)
    cache = ResponseCache(store, ttl_seconds=60, max_body_bytes=1000)
    variant = Variant("books", (b"/api/v2/books/3/",))

    monkeypatch.setattr("gateway.response_cache._RETRY_SECONDS", 0.0)  # try again at once

    async def scenario():
        down = await cache.lookup(variant)
        back = await cache.lookup(variant)
        again = await cache.lookup(variant)
        return down, back, again

    down, back, again = asyncio.run(scenario())
    assert (down.key, down.bypass) == (None, "unavailable")
    assert back.key is not None and again.key == back.key
    assert store.forgotten == 1
