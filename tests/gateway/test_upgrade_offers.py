"""An `Upgrade: h2c` offer never costs a request its body (issue 17). Java's HttpClient and
`curl --http2` offer HTTP/2 that way on plain HTTP; the gateway does not take the offer and
answers the request in HTTP/1.1. Raw bytes to the real gateway process (`catalog serve
gateway`), so whatever server runs it, this is what such a client gets."""

from __future__ import annotations

import http.client
import json
import socket
from urllib.parse import urlsplit

import pytest

from tests.processes import live_stack

TNS = "urn:bookcatalog:soap:v1"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
UPGRADE_OFFER = (
    b"Connection: Upgrade, HTTP2-Settings\r\n"
    b"Upgrade: h2c\r\n"
    b"HTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\n"
)


@pytest.fixture(scope="module")
def gateway_address(tmp_path_factory):
    folder = tmp_path_factory.mktemp("upgrade-offers")
    env = {"GATEWAY_RATELIMIT_NAMESPACE": "upgrade-offers", "REDIS_URL": ""}
    with live_stack(folder, services=("rest", "soap", "gateway"), books=3, env=env) as stack:
        url = urlsplit(stack.url("gateway"))
        yield url.hostname, url.port


def post_offering_h2c(
    address: tuple[str, int], path: str, content_type: str, body: bytes, *, repeat: int = 1
) -> list[http.client.HTTPResponse]:
    """The request as Java's HttpClient writes it, `repeat` times on one connection."""
    request = (
        f"POST {path} HTTP/1.1\r\nHost: {address[0]}:{address[1]}\r\n".encode()
        + UPGRADE_OFFER
        + f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    answers = []
    with socket.create_connection(address, timeout=15) as connection:
        for _ in range(repeat):
            connection.sendall(request)
            response = http.client.HTTPResponse(connection, method="POST")
            response.begin()
            response.body = response.read()  # type: ignore[attr-defined]  # kept for the asserts
            answers.append(response)
    return answers


def test_a_token_request_offering_h2c_gets_its_token(gateway_address):
    body = json.dumps({"username": "reader", "password": "reader-pass"}).encode()
    (answer,) = post_offering_h2c(gateway_address, "/auth/token/", "application/json", body)
    assert (answer.version, answer.status) == (11, 200), answer.body
    assert json.loads(answer.body)["access"]


def test_a_soap_post_offering_h2c_is_answered_and_the_connection_stays_http_1_1(gateway_address):
    envelope = (
        f'<e:Envelope xmlns:e="{SOAP12}" xmlns:t="{TNS}"><e:Body>'
        "<t:ListGenres><t:page_size>2</t:page_size></t:ListGenres></e:Body></e:Envelope>"
    ).encode()
    answers = post_offering_h2c(
        gateway_address, "/soap12/catalog/", "application/soap+xml", envelope, repeat=2
    )
    assert [(a.version, a.status) for a in answers] == [(11, 200), (11, 200)]
    assert all(b"ListGenresResponse" in a.body for a in answers)
