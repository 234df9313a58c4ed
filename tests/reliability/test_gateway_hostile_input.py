"""Hostile requests at the real gateway (granian), with a recording upstream behind it standing in
for REST and SOAP: whatever the gateway answers, what matters is what it lets through. Path
tricks, request smuggling, spoofed client addresses and oversized input are refused or
normalised, and never reach an upstream path that routing does not allow."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import unquote

import httpx
import pytest

from tests import tokens
from tests.processes import gateway_in_front_of
from tests.recording_upstream import JWKS_PATH, RecordingUpstream

ALLOWED_UPSTREAM_PREFIXES = ("/api/v1/", "/api/v2/", "/api/schema/", "/api/token/",
                             "/.well-known/jwks.json", "/soap/", "/soap12/")  # fmt: skip


@pytest.fixture(scope="module")
def gateway(recording_issuer, tmp_path_factory) -> Iterator[str]:
    with gateway_in_front_of(
        recording_issuer.url, tmp_path_factory.mktemp("gateway-hostile")
    ) as address:
        yield address


def raw(address: str, data: bytes, timeout: float = 10.0) -> bytes:
    """Send bytes as they are; everything the gateway answers until it closes or goes quiet."""
    host, _, port = address.partition(":")
    received = b""
    with socket.create_connection((host, int(port)), timeout=timeout) as conn:
        conn.sendall(data)
        try:
            while chunk := conn.recv(65536):
                received += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    return received


def statuses(answer: bytes) -> list[int]:
    return [
        int(line.split(b" ")[1]) for line in answer.split(b"\r\n") if line.startswith(b"HTTP/1.")
    ]


def assert_only_routed_paths_reached(upstream: RecordingUpstream) -> None:
    """Each path that arrived, decoded once as the upstream decodes it, is one routing allows:
    under a proxied prefix, with no dot segments and no backslashes."""
    for path in upstream.paths():
        decoded = unquote(path.split("?")[0])
        assert decoded.startswith(ALLOWED_UPSTREAM_PREFIXES), path
        assert "\\" not in decoded and not {".", ".."} & set(decoded.split("/")), path


TRICKY_PATHS = [
    "/api/v2/../admin/",
    "/api/v2/books/../../../admin/",
    "/api/v2/%2e%2e/admin/",
    "/api/v2/%2E%2E/%2E%2E/admin/",
    "/api/v2/books/..%2f..%2fadmin/",
    "/api/v2/books/%2f%2f/admin/",
    "/api/v2/books%5c..%5c..%5cadmin/",
    "/api/v2/books/\\..\\..\\admin/",
    "/api/v2/%252e%252e/admin/",
    "/api//v2/books/",
    "//admin/",
    "/api/v2/books/%00/",
    "/api/v2/./books/",
    "/api/v2/books/;/../../admin/",
    "/soap/../admin/",
    "/auth/token/../../admin/",
    "/api/v2/books/\xc0\xae\xc0\xae/admin/",
    "/API/v2/../admin/",
    "/admin/",
]


@pytest.mark.parametrize("path", TRICKY_PATHS)
def test_path_tricks_are_refused_or_never_reach_a_path_routing_did_not_allow(
    gateway, upstream, path
):
    request = f"GET {path} HTTP/1.1\r\nHost: catalog\r\nConnection: close\r\n\r\n"
    answer = raw(gateway, request.encode("latin-1"))

    assert statuses(answer) and statuses(answer)[0] < 500, answer[:200]
    assert_only_routed_paths_reached(upstream)


SMUGGLING = {
    "CL.TE": b"POST /api/v2/books/ HTTP/1.1\r\nHost: c\r\nContent-Length: 6\r\n"
             b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin/ HTTP/1.1\r\nHost: c\r\n\r\n",
    "TE.CL": b"POST /api/v2/books/ HTTP/1.1\r\nHost: c\r\nContent-Length: 3\r\n"
             b"Transfer-Encoding: chunked\r\n\r\n1d\r\nGET /admin/ HTTP/1.1\r\nHost: c\r\n\r\n"
             b"0\r\n\r\n",
    "two Content-Lengths": b"POST /api/v2/books/ HTTP/1.1\r\nHost: c\r\nContent-Length: 0\r\n"
             b"Content-Length: 37\r\n\r\nGET /admin/ HTTP/1.1\r\nHost: c\r\n\r\n",
    "obfuscated Transfer-Encoding": b"POST /api/v2/books/ HTTP/1.1\r\nHost: c\r\n"
             b"Content-Length: 4\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"
             b"GET /admin/ HTTP/1.1\r\nHost: c\r\n\r\n",
    "space before the colon": b"POST /api/v2/books/ HTTP/1.1\r\nHost: c\r\n"
             b"Transfer-Encoding : chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n"
             b"GET /admin/ HTTP/1.1\r\nHost: c\r\n\r\n",
    "bare LF line ends": b"GET /api/v2/books/ HTTP/1.1\nHost: c\nContent-Length: 35\n\n"
             b"GET /admin/ HTTP/1.1\r\nHost: c\r\n\r\n",
    "header folding": b"GET /api/v2/books/ HTTP/1.1\r\nHost: c\r\nX-A: 1\r\n"
             b" Transfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n",
}  # fmt: skip


@pytest.mark.parametrize("case", SMUGGLING)
def test_smuggled_requests_never_reach_the_upstream(gateway, upstream, case):
    answer = raw(gateway, SMUGGLING[case], timeout=3)

    assert all(status < 500 for status in statuses(answer)), answer[:300]
    assert_only_routed_paths_reached(upstream)
    for seen in upstream.requests:
        assert b"/admin/" not in seen.body, "a smuggled request travelled inside a body"


def test_a_spoofed_x_forwarded_for_is_not_believed(gateway, upstream):
    httpx.get(f"http://{gateway}/api/v2/books/", timeout=10,
              headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.1"})  # fmt: skip

    (seen,) = [seen for seen in upstream.requests if seen.path == "/api/v2/books/"]
    forwarded = {name.lower(): value for name, value in seen.headers.items()}
    assert forwarded["x-forwarded-for"] == "127.0.0.1"


def test_rotating_spoofed_addresses_do_not_escape_the_anonymous_limit(upstream, tmp_path):
    with gateway_in_front_of(upstream.url, tmp_path, GATEWAY_RATELIMIT_ANONYMOUS="5/minute") as gw:
        answers = [
            httpx.get(f"http://{gw}/api/v2/books/", timeout=10,
                      headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
            for n in range(10)
        ]  # fmt: skip

    assert answers == [200] * 5 + [429] * 5
    assert upstream.paths().count("/api/v2/books/") == 5


@pytest.mark.parametrize("size", [20_000, 100_000, 1_000_000])
def test_oversized_headers_are_refused_before_any_upstream(gateway, upstream, size):
    request = (f"GET /api/v2/books/ HTTP/1.1\r\nHost: c\r\nX-Big: {'a' * size}\r\n"
               "Connection: close\r\n\r\n")  # fmt: skip
    answer = raw(gateway, request.encode())

    assert not answer or statuses(answer)[0] in (400, 413, 431), answer[:200]
    assert upstream.requests == []


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_an_oversized_body_is_413_and_never_forwarded(gateway, upstream, framing):
    body = b"x" * (2 * 1024 * 1024)
    if framing == "chunked":
        head = b"Transfer-Encoding: chunked\r\n"
        payload = b"".join(b"%x\r\n%s\r\n" % (65536, body[i : i + 65536])
                           for i in range(0, len(body), 65536)) + b"0\r\n\r\n"  # fmt: skip
    else:
        head, payload = b"Content-Length: %d\r\n" % len(body), body
    request = (b"POST /api/v2/authors/ HTTP/1.1\r\nHost: c\r\nContent-Type: application/json\r\n"
               + head + b"Connection: close\r\n\r\n" + payload)  # fmt: skip

    try:
        answer = raw(gateway, request)
    except (BrokenPipeError, ConnectionResetError):
        answer = b""  # refused while we were still sending: nothing forwarded is what counts
    assert not answer or statuses(answer)[0] == 413, answer[:200]
    assert upstream.requests == []


def test_a_genuine_token_passes(gateway, upstream):
    response = httpx.post(f"http://{gateway}/api/v2/authors/", json={"name": "A"}, timeout=10,
                          headers={"Authorization": f"Bearer {tokens.mint()}"})  # fmt: skip
    assert response.status_code == 200
    assert "/api/v2/authors/" in upstream.paths()


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("forgery", tokens.FORGERIES)
def test_forged_tokens_are_401_and_never_reach_an_upstream(gateway, upstream, forgery, method):
    token = tokens.FORGERIES[forgery]()
    response = httpx.request(method, f"http://{gateway}/api/v2/authors/", timeout=10,
                             headers={"Authorization": f"Bearer {token}"})  # fmt: skip

    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert [path for path in upstream.paths() if path != JWKS_PATH] == []


def test_the_gateway_still_serves_after_the_hostile_traffic(gateway, upstream):
    assert httpx.get(f"http://{gateway}/api/v2/books/", timeout=10).status_code == 200
    assert upstream.paths() == ["/api/v2/books/"]
