"""Version negotiation: the path, Accept-Version or the vendor media type choose; unknown
versions are a 404 problem naming the supported ones, and never reach the REST service."""

import pytest


@pytest.mark.parametrize(
    ("path", "headers", "upstream_path"),
    [
        ("/api/v1/books/", [], "/api/v1/books/"),
        ("/api/v2/books/", [("Accept-Version", "1")], "/api/v2/books/"),
        ("/api/books/", [], "/api/v2/books/"),
        ("/api/books/7/", [("Accept-Version", "1")], "/api/v1/books/7/"),
        ("/api/books/", [("Accept-Version", "v1")], "/api/v1/books/"),
        ("/api/books/", [("Accept", "application/vnd.bookcatalog.v1+json")], "/api/v1/books/"),
        ("/api/authors/", [("Accept", "application/vnd.bookcatalog.v2+json")], "/api/v2/authors/"),
    ],
)
def test_the_version_is_chosen_by_path_then_header_then_latest(
    harness_factory, path, headers, upstream_path
):
    async def scenario(gw):
        reply = await gw.request("GET", path, headers=headers, query=b"page_size=2")
        return reply, gw.rest.requests

    reply, requests = harness_factory(scenario)
    assert reply.status == 200
    assert [r.url.raw_path.decode() for r in requests] == [upstream_path + "?page_size=2"]


def test_the_vendor_media_type_reaches_the_service_as_json(harness_factory):
    async def scenario(gw):
        accept = "application/vnd.bookcatalog.v1+json, */*;q=0.1"
        await gw.request("GET", "/api/books/", headers=[("Accept", accept)])
        return gw.rest.requests[0]

    request = harness_factory(scenario)
    assert request.headers.get_list("accept") == ["application/json, */*;q=0.1"]


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/v3/books/", []),
        ("/api/v0/books/", []),
        ("/api/books/", [("Accept-Version", "3")]),
        ("/api/books/", [("Accept-Version", "latest")]),
        ("/api/books/", [("Accept", "application/vnd.bookcatalog.v9+json")]),
    ],
)
def test_an_unknown_version_is_a_404_problem_listing_the_supported_ones(
    harness_factory, path, headers
):
    async def scenario(gw):
        return await gw.request("GET", path, headers=headers), gw.rest.requests

    reply, requests = harness_factory(scenario)
    assert reply.status == 404
    assert reply.header("content-type") == "application/problem+json"
    problem = reply.json()
    assert problem["type"] == "https://bookcatalog.example/problems/not-found"
    assert problem["supported_versions"] == ["v1", "v2"]
    assert "v1, v2" in problem["detail"]
    assert requests == []
