"""Compression end to end through the gateway on loopback (granian in front of the real REST and
SOAP services under gunicorn): one compression per answer, validators per coding, gzip request
bodies, and token answers left alone."""

from __future__ import annotations

import gzip

import brotli
import httpx
import orjson
import pytest
from lxml import etree

from tests.processes import live_stack

GET_BOOK = (
    b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" '
    b'xmlns:t="urn:bookcatalog:soap:v1"><e:Body><t:GetBook><t:id>1</t:id></t:GetBook>'
    b"</e:Body></e:Envelope>"
)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compression-live")
    env = {"GATEWAY_RATELIMIT_NAMESPACE": "live-compress", "REDIS_URL": "",
           "COMPRESSION_MIN_BYTES": "0"}  # fmt: skip
    with (
        live_stack(folder, services=("rest", "soap", "gateway"), books=30, env=env) as stack,
        httpx.Client(base_url=stack.url("gateway"), timeout=30) as client,
    ):
        yield client


def raw_get(client: httpx.Client, path: str, **headers: str) -> tuple[httpx.Response, bytes]:
    """The answer and its body exactly as sent (httpx would otherwise decode it)."""
    with client.stream("GET", path, headers=headers) as response:
        return response, b"".join(response.iter_raw())


def test_a_page_through_the_gateway_is_compressed_once(gateway):
    plain = gateway.get("/api/v2/books/?page_size=30", headers={"Accept-Encoding": "identity"})
    response, body = raw_get(gateway, "/api/v2/books/?page_size=30", **{"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert orjson.loads(gzip.decompress(body)) == plain.json()


def test_a_book_through_the_gateway_has_its_codings_etag_and_304s_on_it(gateway):
    response, body = raw_get(gateway, "/api/v2/books/1/", **{"Accept-Encoding": "br"})
    etag = response.headers["ETag"]
    assert (response.headers["Content-Encoding"], etag[-4:]) == ("br", '-br"')
    assert orjson.loads(brotli.decompress(body))["id"] == 1
    again = gateway.get("/api/v2/books/1/", headers={"Accept-Encoding": "br",
                                                     "If-None-Match": etag})  # fmt: skip
    assert (again.status_code, again.headers["ETag"]) == (304, etag)


def test_a_gzip_soap_request_through_the_gateway_is_answered(gateway):
    response = gateway.post(
        "/soap/catalog/",
        content=gzip.compress(GET_BOOK),
        headers={"Content-Type": "text/xml; charset=utf-8", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 200, response.text
    assert etree.fromstring(response.content).findtext(".//{*}id") == "1"


def test_a_token_through_the_gateway_is_not_compressed(gateway):
    token = gateway.post("/auth/token/", json={"username": "reader", "password": "reader-pass"},
                         headers={"Accept-Encoding": "gzip, br"})  # fmt: skip
    assert token.status_code == 200, token.text
    assert "Content-Encoding" not in token.headers
    assert token.json()["access"]
