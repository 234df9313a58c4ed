"""The response cache's answers, in one gateway process: a catalog read is fetched once and then
answered by the gateway (Cache-Status, Age), If-None-Match is answered without the upstream, and
what must not be kept (errors, large bodies, HEAD, jobs) is not."""

from __future__ import annotations

import re
import time

import httpx
import orjson
import pytest

from tests.gateway.conftest import FakeUpstream, catalog_answer

pytestmark = pytest.mark.usefixtures("cache_settings")


def test_a_read_is_fetched_once_then_answered_from_the_cache(harness_factory):
    async def scenario(gw):
        first = await gw.request("GET", "/api/v2/books/3/")
        second = await gw.request("GET", "/api/v2/books/3/")
        return first, second, len(gw.rest.requests)

    first, second, upstream_calls = harness_factory(scenario, rest=FakeUpstream(catalog_answer))
    assert upstream_calls == 1
    assert first.header("cache-status") == "catalog-gw; fwd=miss; fwd-status=200; stored"
    assert first.header("age") is None
    assert re.fullmatch(r"catalog-gw; hit; ttl=\d+", second.header("cache-status"))
    assert second.header("age") == "0"
    assert second.status == 200 and second.body == first.body
    assert [r.header_values("content-length") for r in (first, second)] == [
        [str(len(first.body))]
    ] * 2
    assert second.header("etag") == '"7"'


def test_a_hit_carries_its_age(harness_factory, monkeypatch):
    async def scenario(gw):
        await gw.request("GET", "/api/v2/authors/")
        later = time.time() + 42
        monkeypatch.setattr(time, "time", lambda: later)
        return await gw.request("GET", "/api/v2/authors/")

    reply = harness_factory(scenario, rest=FakeUpstream(catalog_answer))
    assert reply.header("age") == "42"
    assert reply.header("cache-status") == "catalog-gw; hit; ttl=258"


def test_if_none_match_on_a_hit_is_a_304_without_the_upstream(harness_factory):
    async def scenario(gw):
        await gw.request("GET", "/api/v2/books/3/")
        reply = await gw.request("GET", "/api/v2/books/3/", headers=[("If-None-Match", '"7"')])
        return reply, len(gw.rest.requests)

    reply, upstream_calls = harness_factory(scenario, rest=FakeUpstream(catalog_answer))
    assert upstream_calls == 1
    assert reply.status == 304 and reply.body == b""
    assert reply.header("etag") == '"7"'
    assert reply.header("cache-status").startswith("catalog-gw; hit")


def test_a_compressed_variants_validator_is_answered_with_the_tag_the_client_holds(
    harness_factory,
):
    async def scenario(gw):
        await gw.request("GET", "/api/v2/books/3/")
        return await gw.request("GET", "/api/v2/books/3/", headers=[("If-None-Match", '"7-br"')])

    reply = harness_factory(scenario, rest=FakeUpstream(catalog_answer))
    assert reply.status == 304 and reply.header("etag") == '"7-br"'


def test_a_changed_entity_is_sent_whole_despite_if_none_match(harness_factory):
    async def scenario(gw):
        await gw.request("GET", "/api/v2/books/3/")
        return await gw.request("GET", "/api/v2/books/3/", headers=[("If-None-Match", '"6"')])

    reply = harness_factory(scenario, rest=FakeUpstream(catalog_answer))
    assert reply.status == 200 and orjson.loads(reply.body)["path"] == "/api/v2/books/3/"


def test_if_none_match_is_not_sent_upstream_so_a_miss_can_be_stored(harness_factory):
    async def scenario(gw):
        reply = await gw.request("GET", "/api/v2/books/3/", headers=[("If-None-Match", '"7"')])
        return reply, gw.rest.requests[0].headers

    reply, upstream_headers = harness_factory(scenario, rest=FakeUpstream(catalog_answer))
    assert "if-none-match" not in upstream_headers
    assert reply.status == 304
    assert reply.header("cache-status").endswith("stored")


def test_an_error_answer_is_not_stored(harness_factory):
    missing = FakeUpstream(lambda request: httpx.Response(404, json={"code": "not_found"}))

    async def scenario(gw):
        replies = [await gw.request("GET", "/api/v2/books/999/") for _ in range(2)]
        return replies, len(gw.rest.requests)

    replies, upstream_calls = harness_factory(scenario, rest=missing)
    assert upstream_calls == 2
    assert all(len(reply.header_values("content-length")) == 1 for reply in replies)
    assert [r.header("cache-status") for r in replies] == [
        "catalog-gw; fwd=miss; fwd-status=404"
    ] * 2


def test_a_body_over_the_size_limit_is_served_but_not_stored(harness_factory, cache_settings):
    cache_settings.GATEWAY_CACHE_MAX_BODY_BYTES = 10

    async def scenario(gw):
        replies = [await gw.request("GET", "/api/v2/books/") for _ in range(2)]
        return replies, len(gw.rest.requests)

    replies, upstream_calls = harness_factory(scenario, rest=FakeUpstream(catalog_answer))
    assert upstream_calls == 2
    assert replies[1].status == 200
    assert replies[1].header("cache-status") == "catalog-gw; fwd=miss; fwd-status=200"


def test_an_answer_the_upstream_marks_private_is_not_stored(harness_factory):
    def private(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={}, headers={"cache-control": "private"})

    async def scenario(gw):
        for _ in range(2):
            await gw.request("GET", "/api/v2/genres/")
        return len(gw.rest.requests)

    assert harness_factory(scenario, rest=FakeUpstream(private)) == 2


def test_head_goes_around_the_cache(harness_factory):
    async def scenario(gw):
        await gw.request("GET", "/api/v2/books/3/")
        reply = await gw.request("HEAD", "/api/v2/books/3/")
        return reply, len(gw.rest.requests)

    reply, upstream_calls = harness_factory(scenario, rest=FakeUpstream(catalog_answer))
    assert upstream_calls == 2
    assert reply.header("cache-status") == "catalog-gw; fwd=bypass; detail=method"


def test_jobs_and_writes_are_not_cached_routes(harness_factory):
    async def scenario(gw):
        job = await gw.request("GET", "/api/v2/jobs/3f2c5a4e-8b1d-4c7e-9a6f-1d2e3f4a5b6c/")
        export = await gw.request("GET", "/api/v2/books/export/")
        write = await gw.request("DELETE", "/api/v2/books/3/")
        return job, export, write

    for reply in harness_factory(scenario, rest=FakeUpstream(catalog_answer)):
        assert reply.header("cache-status") is None


def test_with_the_cache_switched_off_every_read_says_bypass(harness_factory, cache_settings):
    cache_settings.GATEWAY_CACHE_ENABLED = False

    async def scenario(gw):
        replies = [await gw.request("GET", "/api/v2/books/3/") for _ in range(2)]
        return replies, len(gw.rest.requests)

    replies, upstream_calls = harness_factory(scenario, rest=FakeUpstream(catalog_answer))
    assert upstream_calls == 2
    assert replies[1].header("cache-status") == "catalog-gw; fwd=bypass; detail=off"


@pytest.mark.parametrize("directive", [("Cache-Control", "no-cache"), ("Pragma", "no-cache"),
                                       ("Cache-Control", "max-age=0")])  # fmt: skip
def test_a_client_asking_for_a_fresh_answer_gets_one_and_it_is_kept(harness_factory, directive):
    async def scenario(gw):
        await gw.request("GET", "/api/v2/books/3/")
        fresh = await gw.request("GET", "/api/v2/books/3/", headers=[directive])
        after = await gw.request("GET", "/api/v2/books/3/")
        return fresh, after, len(gw.rest.requests)

    fresh, after, upstream_calls = harness_factory(scenario, rest=FakeUpstream(catalog_answer))
    assert upstream_calls == 2
    assert fresh.header("cache-status") == "catalog-gw; fwd=request; fwd-status=200; stored"
    assert after.header("cache-status").startswith("catalog-gw; hit")


def test_no_store_from_the_client_goes_around_the_cache(harness_factory):
    async def scenario(gw):
        no_store = [("Cache-Control", "no-store")]
        replies = [await gw.request("GET", "/api/v2/books/3/", headers=no_store) for _ in range(2)]
        later = await gw.request("GET", "/api/v2/books/3/")
        return replies, later, len(gw.rest.requests)

    replies, later, upstream_calls = harness_factory(scenario, rest=FakeUpstream(catalog_answer))
    assert upstream_calls == 3
    assert replies[1].header("cache-status") == "catalog-gw; fwd=request; detail=no-store"
    assert later.header("cache-status").endswith("stored")
