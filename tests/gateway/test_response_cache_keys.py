"""What the response cache keys on: everything that changes the representation (negotiated
version, query, host, coding, Accept, backend) and nothing that does not (the order of query
parameters, how a version or a coding preference is spelled)."""

from __future__ import annotations

import pytest

from tests.gateway.conftest import FakeUpstream, catalog_answer

pytestmark = pytest.mark.usefixtures("cache_settings")


def upstream_calls(harness_factory, *requests):
    """How many of `requests` ((path, query, headers) each) reached the upstream."""

    async def scenario(gw):
        for path, query, headers in requests:
            reply = await gw.request("GET", path, query=query, headers=headers)
            assert reply.status == 200, reply.body
        return len(gw.rest.requests)

    return harness_factory(scenario, rest=FakeUpstream(catalog_answer))


def test_the_order_of_query_parameters_does_not_matter(harness_factory):
    calls = upstream_calls(
        harness_factory,
        ("/api/v2/books/", b"language=en&page_size=5", []),
        ("/api/v2/books/", b"page_size=5&language=en", []),
    )
    assert calls == 1


def test_different_query_values_are_different_answers(harness_factory):
    calls = upstream_calls(
        harness_factory,
        ("/api/v2/books/", b"page_size=5", []),
        ("/api/v2/books/", b"page_size=6", []),
        ("/api/v2/books/", b"ids=1,2", []),
        ("/api/v2/books/", b"ids=2,1", []),
    )
    assert calls == 4


def test_repeated_parameters_keep_their_order(harness_factory):
    calls = upstream_calls(
        harness_factory,
        ("/api/v2/books/", b"genre=a&genre=b", []),
        ("/api/v2/books/", b"genre=b&genre=a", []),
    )
    assert calls == 2


def test_each_api_version_is_its_own_answer(harness_factory):
    calls = upstream_calls(
        harness_factory,
        ("/api/v1/books/3/", b"", []),
        ("/api/v2/books/3/", b"", []),
    )
    assert calls == 2


def test_a_version_negotiated_by_header_shares_the_paths_answer(harness_factory):
    calls = upstream_calls(
        harness_factory,
        ("/api/v1/books/3/", b"", []),
        ("/api/books/3/", b"", [("Accept-Version", "1")]),
        ("/api/books/3/", b"", [("Accept-Version", "v1")]),
    )
    assert calls == 1


def test_each_content_coding_is_its_own_answer(harness_factory):
    calls = upstream_calls(
        harness_factory,
        ("/api/v2/books/", b"", []),
        ("/api/v2/books/", b"", [("Accept-Encoding", "gzip")]),
        ("/api/v2/books/", b"", [("Accept-Encoding", "br")]),
        ("/api/v2/books/", b"", [("Accept-Encoding", "gzip, identity;q=0")]),
    )
    assert calls == 4


def test_accept_encodings_that_lead_to_one_coding_share_an_answer(harness_factory):
    calls = upstream_calls(
        harness_factory,
        ("/api/v2/books/", b"", [("Accept-Encoding", "gzip, deflate, br")]),
        ("/api/v2/books/", b"", [("Accept-Encoding", "br;q=1, gzip;q=0.5")]),
        ("/api/v2/books/", b"", [("Accept-Encoding", "br")]),
    )
    assert calls == 1


def test_each_host_is_its_own_answer_since_pages_link_absolutely(harness_factory):
    calls = upstream_calls(
        harness_factory,
        ("/api/v2/books/", b"", [("Host", "a.example")]),
        ("/api/v2/books/", b"", [("Host", "b.example")]),
    )
    assert calls == 2


def test_each_accept_is_its_own_answer(harness_factory):
    calls = upstream_calls(
        harness_factory,
        ("/api/v2/books/", b"", [("Accept", "application/json")]),
        ("/api/v2/books/", b"", [("Accept", "text/html")]),
    )
    assert calls == 2


def test_each_kind_of_resource_is_cached(harness_factory):
    paths = ["/api/v2/books/", "/api/v2/authors/1/", "/api/v2/publishers/", "/api/v2/genres/sf/"]
    calls = upstream_calls(harness_factory, *[(path, b"", []) for path in paths * 2])
    assert calls == 4
