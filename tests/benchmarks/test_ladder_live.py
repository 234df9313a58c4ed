"""Through a live gateway with its response cache on, in front of the real services, the
ladder's probes find each feature of the build at work: a hit in `Cache-Status`, the sparse
fields, the batch in both protocols, HTTP/2 by prior knowledge; the steps before the cache, on
the benchmark's own gateway (cache off), are never hits."""

import asyncio

import httpx
import pytest

from benchmarks import ladder
from tests.processes import live_stack

ROOMY = {
    "REDIS_URL": "",
    "GATEWAY_RATELIMIT_ANONYMOUS": "100000/minute",
    "GATEWAY_RATELIMIT_NAMESPACE": "ladder-live",
    "GATEWAY_ACCESS_LOG": "false",
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ladder-live")
    env = {**ROOMY, "GATEWAY_CACHE_ENABLED": "false"}
    with live_stack(folder, books=110, env=env) as s, ladder.cached_gateway(s, folder) as cached:
        yield s, ("127.0.0.1", cached.port)


@pytest.fixture(scope="module")
def rows(stack):
    live, cached = stack
    page = httpx.get(live.url("rest", "/api/v2/books/?page_size=100")).json()["results"]
    uncached = ("127.0.0.1", live.servers["gateway"].port)
    found = ladder.ladder_rows(cached, page[0]["id"], [book["id"] for book in page], uncached)
    return {row.key: row for row in found}


def probed(rows, cached, key):
    return asyncio.run(ladder.probe(rows[key], cached))


@pytest.mark.parametrize(
    "key",
    [("book", "cache", "rest"), ("page", "cache", "soap"), ("page", "fields", "rest"),
     ("page", "batch", "rest"), ("page", "batch", "soap"), ("page", "h2", "rest"),
     ("book", "h2", "soap")],
)  # fmt: skip
def test_each_feature_of_the_build_is_found_at_work(stack, rows, key):
    result = probed(rows, stack[1], key)
    assert result.available, result.reason
    assert "hit" in result.cache_status


def test_the_steps_before_the_cache_are_never_hits(stack, rows):
    for protocol in ("rest", "soap"):
        result = probed(rows, stack[1], ("page", "br", protocol))
        assert result.available and result.coding == "br"
        assert "hit" not in result.cache_status
        assert result.note is None


def test_sparse_fields_and_the_batch_send_fewer_bytes_than_their_baselines(stack, rows):
    cached = stack[1]
    fields, page = (probed(rows, cached, ("page", step, "rest")) for step in ("fields", "cache"))
    batch, singles = (probed(rows, cached, ("page", step, "soap")) for step in ("batch", "singles"))
    assert fields.bytes["identity_body"] < page.bytes["identity_body"] / 3
    assert batch.bytes["total"] < singles.bytes["total"] / 5
