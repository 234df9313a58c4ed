"""The response cache never weakens the gateway's checks: the lookup comes after authentication
and rate limiting, so a bad token is refused on a hit and every hit spends the budget."""

from __future__ import annotations

import re

import pytest

from tests import tokens
from tests.gateway.conftest import FakeUpstream, catalog_answer

pytestmark = pytest.mark.usefixtures("cache_settings")


def test_an_invalid_token_is_refused_even_when_the_answer_is_cached(harness_factory):
    async def scenario(gw):
        stored = await gw.request("GET", "/api/v2/books/3/")
        hit = await gw.request("GET", "/api/v2/books/3/")
        expired = [("Authorization", f"Bearer {tokens.mint(exp=1)}")]
        refused = await gw.request("GET", "/api/v2/books/3/", headers=expired)
        return stored, hit, refused, len(gw.rest.requests)

    stored, hit, refused, upstream_calls = harness_factory(
        scenario, rest=FakeUpstream(catalog_answer)
    )
    assert stored.header("cache-status").endswith("stored")
    assert hit.header("cache-status").startswith("catalog-gw; hit")
    assert refused.status == 401 and refused.header("cache-status") is None
    assert refused.body != hit.body
    assert upstream_calls == 1


def test_a_read_with_a_valid_token_is_answered_by_the_service_not_the_cache(harness_factory):
    async def scenario(gw):
        await gw.request("GET", "/api/v2/books/3/")
        signed = [("Authorization", f"Bearer {tokens.mint()}")]
        reply = await gw.request("GET", "/api/v2/books/3/", headers=signed)
        return reply, len(gw.rest.requests)

    reply, upstream_calls = harness_factory(scenario, rest=FakeUpstream(catalog_answer))
    assert reply.status == 200
    assert reply.header("cache-status") == "catalog-gw; fwd=bypass; detail=credentials"
    assert upstream_calls == 2


def test_hits_are_counted_by_the_rate_limiter(harness_factory, cache_settings):
    cache_settings.GATEWAY_RATELIMIT_ANONYMOUS = "3/minute"

    async def scenario(gw):
        replies = [await gw.request("GET", "/api/v2/books/3/") for _ in range(4)]
        return replies, len(gw.rest.requests)

    replies, upstream_calls = harness_factory(scenario, rest=FakeUpstream(catalog_answer))
    assert upstream_calls == 1
    assert [reply.status for reply in replies] == [200, 200, 200, 429]
    remaining = [re.match(r'"anonymous";r=(\d+);', reply.header("ratelimit")) for reply in replies]
    assert [int(match.group(1)) for match in remaining] == [2, 1, 0, 0]
    assert replies[3].header("cache-status") is None
