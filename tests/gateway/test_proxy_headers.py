"""What passes through the gateway unchanged, what it drops (hop-by-hop), and what it adds."""

import httpx
import pytest

from tests import tokens
from tests.gateway.conftest import FakeUpstream


def test_hop_by_hop_headers_and_those_named_in_connection_are_not_forwarded(harness_factory):
    async def scenario(gw):
        headers = [
            ("Connection", "keep-alive, X-Secret-Hop"),
            ("Keep-Alive", "timeout=5"),
            ("X-Secret-Hop", "1"),
            ("TE", "trailers"),
            ("Upgrade", "h2c"),
            ("Proxy-Authorization", "Basic Zm9vOmJhcg=="),
            ("X-Custom", "kept"),
            ("Accept-Language", "de"),
        ]
        await gw.request("GET", "/api/v2/books/", headers=headers)
        return gw.rest.requests[0].headers

    sent = harness_factory(scenario)
    for name in ("keep-alive", "x-secret-hop", "te", "upgrade", "proxy-authorization"):
        assert name not in sent, name
    assert (sent["x-custom"], sent["accept-language"]) == ("kept", "de")


def test_hop_by_hop_server_and_date_headers_of_the_response_are_dropped(harness_factory):
    def answer(request):
        return httpx.Response(
            200,
            headers=[
                ("Connection", "X-Upstream-Hop"),
                ("X-Upstream-Hop", "1"),
                ("Keep-Alive", "timeout=75"),
                ("Server", "gunicorn"),
                ("Date", "Mon, 01 Jan 2024 00:00:00 GMT"),
                ("Set-Cookie", "a=1"),
                ("Set-Cookie", "b=2"),
                ("ETag", '"3"'),
            ],
            content=b"{}",
        )

    async def scenario(gw):
        return await gw.request("GET", "/api/v2/books/1/")

    reply = harness_factory(scenario, rest=FakeUpstream(answer))
    names = [name for name, _ in reply.headers]
    for name in (b"x-upstream-hop", b"keep-alive", b"server", b"date", b"connection"):
        assert name not in names
    assert reply.header_values("set-cookie") == ["a=1", "b=2"]
    assert reply.header("etag") == '"3"'


def test_the_body_reaches_the_upstream_unchanged(harness_factory):
    body = b'{"title": "Caf\xc3\xa9", "pages": 12}'

    headers = [("Authorization", f"Bearer {tokens.mint()}"), ("Content-Type", "application/json")]

    async def scenario(gw):
        reply = await gw.request("POST", "/api/v2/books/", headers=headers, body=body)
        return reply, gw.rest.requests

    reply, requests = harness_factory(scenario)
    assert reply.status == 200
    assert requests[0].content == body
    assert requests[0].headers["content-length"] == str(len(body))
    assert requests[0].headers["content-type"] == "application/json"


def test_forwarded_headers_name_the_client_and_the_gateway(harness_factory):
    async def scenario(gw):
        headers = [("Host", "books.example:8000"), ("X-Forwarded-For", "6.6.6.6")]
        await gw.request("GET", "/soap/catalog/", headers=headers, query=b"wsdl")
        return gw.soap.requests[0].headers

    sent = harness_factory(scenario)
    assert sent.get_list("x-forwarded-for") == ["10.1.2.3"]  # the peer: no proxy is trusted
    assert sent["x-forwarded-host"] == "books.example:8000"
    assert sent["host"] == "books.example:8000"
    assert sent["x-forwarded-proto"] == "http"


@pytest.mark.parametrize(
    ("trusted", "forwarded_for", "client"),
    [
        (0, "6.6.6.6", "10.1.2.3"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "203.0.113.9", "10.1.2.3"),
    ],
)
def test_the_client_address_is_read_only_from_trusted_proxies(
    harness_factory, gateway_settings, trusted, forwarded_for, client
):
    gateway_settings.GATEWAY_TRUSTED_PROXIES = trusted

    async def scenario(gw):
        await gw.request("GET", "/api/v2/books/", headers=[("X-Forwarded-For", forwarded_for)])
        return gw.rest.requests[0].headers["x-forwarded-for"], gw.log_lines()[0]["client"]

    assert harness_factory(scenario) == (client, client)


def test_a_body_over_the_limit_is_refused_with_413_and_not_forwarded(
    harness_factory, gateway_settings
):
    gateway_settings.GATEWAY_MAX_BODY_BYTES = 100

    async def scenario(gw):
        return await gw.request("POST", "/auth/token/", body=b"x" * 101), gw.rest.requests

    reply, requests = harness_factory(scenario)
    assert reply.status == 413
    assert reply.json()["type"] == "https://bookcatalog.example/problems/content-too-large"
    assert requests == []


def test_headers_over_the_limit_are_refused_with_431(harness_factory, gateway_settings):
    gateway_settings.GATEWAY_MAX_HEADER_BYTES = 1024

    async def scenario(gw):
        return await gw.request("GET", "/api/v2/books/", headers=[("X-Big", "y" * 2000)])

    assert harness_factory(scenario).status == 431


def test_two_authorization_headers_are_refused(harness_factory):
    async def scenario(gw):
        headers = [("Authorization", "Bearer a"), ("Authorization", "Bearer b")]
        return await gw.request("GET", "/api/v2/books/", headers=headers), gw.rest.requests

    reply, requests = harness_factory(scenario)
    assert (reply.status, requests) == (400, [])
