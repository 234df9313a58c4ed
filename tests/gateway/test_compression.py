"""Content codings at the gateway: a compressed upstream answer passes through untouched (never
compressed twice), the token routes ask upstream for identity, mediated answers are compressed
as the services compress, and gzip request bodies are decoded within GATEWAY_MAX_BODY_BYTES."""

from __future__ import annotations

import gzip

import httpx
import orjson
import pytest
from lxml import etree

from tests.gateway.conftest import FakeUpstream
from tests.gateway.soap_answers import book_answer, page_answer
from tests.zipbomb import gzip_bomb, record_decoders

PAGE = {"next": None, "previous": None, "results": [{"title": f"Book {n}"} for n in range(100)]}
ENVELOPE = (
    b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" '
    b'xmlns:t="urn:bookcatalog:soap:v1"><e:Body><t:GetBook><t:id>1</t:id></t:GetBook>'
    b"</e:Body></e:Envelope>"
)
SOAP11 = [("Content-Type", "text/xml; charset=utf-8")]
SOAP12_ANSWER = {"content-type": "application/soap+xml"}


def gzip_upstream() -> FakeUpstream:
    """A REST service that compresses as the real one does, when asked to."""

    def answer(request: httpx.Request) -> httpx.Response:
        body = orjson.dumps(PAGE)
        headers = {"content-type": "application/json", "vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("accept-encoding", ""):
            body, headers["content-encoding"] = gzip.compress(body), "gzip"
        # a stream, as a socket delivers it: httpx would decode `content=` bytes at once
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(body))

    return FakeUpstream(answer)


def test_a_compressed_upstream_answer_is_passed_through_and_decodes_once(harness_factory):
    async def scenario(gw):
        reply = await gw.request("GET", "/api/v2/books/", headers=[("Accept-Encoding", "gzip")])
        return reply, gw.rest.requests[0].headers

    reply, upstream_headers = harness_factory(scenario, rest=gzip_upstream())
    assert upstream_headers["accept-encoding"] == "gzip"
    assert reply.header("content-encoding") == "gzip"
    assert orjson.loads(gzip.decompress(reply.body)) == PAGE


def test_an_identity_upstream_answer_is_not_compressed_by_the_gateway(harness_factory):
    async def scenario(gw):
        return await gw.request("GET", "/api/v2/books/", headers=[("Accept-Encoding", "br;q=0")])

    reply = harness_factory(scenario, rest=gzip_upstream())
    assert reply.header("content-encoding") is None
    assert orjson.loads(reply.body) == PAGE


def test_the_token_route_asks_upstream_for_identity(harness_factory):
    async def scenario(gw):
        headers = [("Accept-Encoding", "gzip, br"), ("Content-Type", "application/json")]
        await gw.request("POST", "/auth/token/", headers=headers, body=b"{}")
        return gw.rest.requests[0].headers

    assert "accept-encoding" not in harness_factory(scenario)


def test_a_mediated_page_is_compressed_by_the_gateway(harness_factory):
    page = page_answer(list(range(1, 40)), None, None)
    soap = FakeUpstream(lambda request: httpx.Response(200, content=page, headers=SOAP12_ANSWER))

    async def scenario(gw):
        headers = [("X-Backend", "soap"), ("Accept-Encoding", "gzip")]
        reply = await gw.request("GET", "/api/v2/books/", headers=headers)
        return reply, gw.soap.requests[0].headers

    reply, soap_headers = harness_factory(scenario, soap=soap)
    assert soap_headers["accept-encoding"] == "identity"  # the gateway reads that answer
    assert reply.header("content-encoding") == "gzip"
    assert reply.header("vary") == "Accept-Encoding"
    assert len(orjson.loads(gzip.decompress(reply.body))["results"]) == 39


def test_a_mediated_book_has_its_codings_etag_and_304s_on_it(harness_factory, gateway_settings):
    gateway_settings.COMPRESSION_MIN_BYTES = 0
    book = book_answer(book_id=7)
    soap = FakeUpstream(lambda request: httpx.Response(200, content=book, headers=SOAP12_ANSWER))

    async def scenario(gw):
        headers = [("X-Backend", "soap"), ("Accept-Encoding", "gzip")]
        first = await gw.request("GET", "/api/v2/books/7/", headers=headers)
        held = [*headers, ("If-None-Match", first.header("etag"))]
        return first, await gw.request("GET", "/api/v2/books/7/", headers=held)

    first, second = harness_factory(scenario, soap=soap)
    assert (first.status, first.header("content-encoding")) == (200, "gzip")
    assert first.header("etag").endswith('-gzip"')
    assert (second.status, second.header("etag")) == (304, first.header("etag"))


def test_a_gzip_soap_body_reaches_the_upstream_decoded(harness_factory):
    async def scenario(gw):
        headers = [*SOAP11, ("Content-Encoding", "gzip")]
        reply = await gw.request("POST", "/soap/catalog/", headers=headers,
                                 body=gzip.compress(ENVELOPE))  # fmt: skip
        return reply, gw.soap.requests[0]

    reply, upstream_request = harness_factory(scenario)
    assert reply.status == 200
    assert upstream_request.content == ENVELOPE
    assert "content-encoding" not in upstream_request.headers
    assert upstream_request.headers["content-length"] == str(len(ENVELOPE))


@pytest.mark.parametrize(("path", "headers"), [("/soap/catalog/", SOAP11), ("/api/v2/books/", [])])
def test_a_zip_bomb_is_413_after_decoding_at_most_the_limit_and_a_chunk(
    harness_factory, gateway_settings, monkeypatch, path, headers
):
    gateway_settings.GATEWAY_MAX_BODY_BYTES = 200_000
    decoders = record_decoders(monkeypatch)

    async def scenario(gw):
        coded = [*headers, ("Content-Encoding", "gzip")]
        return await gw.request("POST", path, headers=coded, body=gzip_bomb()), gw.soap.requests

    reply, upstream_requests = harness_factory(scenario)
    assert reply.status == 413
    assert upstream_requests == []
    assert max(decoder.produced for decoder in decoders) <= 200_000 + 64 * 1024


def test_a_soap_body_in_another_coding_is_an_unsupported_media_type_fault(harness_factory):
    async def scenario(gw):
        coded = [*SOAP11, ("Content-Encoding", "br")]
        return await gw.request("POST", "/soap/catalog/", headers=coded, body=b"\x1b"), gw.soap

    reply, soap = harness_factory(scenario)
    assert reply.status == 415
    fault = etree.fromstring(reply.body).find(".//faultcode")
    assert fault.text == "soap:Client.UnsupportedMediaType"
    assert soap.requests == []


def test_a_body_coded_twice_on_two_header_lines_is_refused(harness_factory):
    async def scenario(gw):
        coded = [*SOAP11, ("Content-Encoding", "gzip"), ("Content-Encoding", "gzip")]
        body = gzip.compress(gzip.compress(ENVELOPE))
        return await gw.request("POST", "/soap/catalog/", headers=coded, body=body), gw.soap

    reply, soap = harness_factory(scenario)
    assert reply.status == 415
    assert soap.requests == []


def test_a_rest_body_in_another_coding_is_an_unsupported_media_type_problem(harness_factory):
    async def scenario(gw):
        coded = [("Content-Encoding", "deflate"), ("Content-Type", "application/json")]
        return await gw.request("POST", "/api/v2/books/", headers=coded, body=b"x")

    reply = harness_factory(scenario)
    assert reply.status == 415
    assert reply.header("content-type") == "application/problem+json"
    assert reply.json()["type"].endswith("/unsupported-media-type")
