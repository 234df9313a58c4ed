"""HTTP/2 beside HTTP/1.1 on the gateway's one port, as clients use it (httpx with http2=True):
cleartext with prior knowledge (`curl --http2-prior-knowledge`) and over TLS by ALPN when
GATEWAY_TLS_CERT / GATEWAY_TLS_KEY name a certificate. The gateway's own behaviour is the same
whichever protocol carried the request: the client's address, request ids, the body limit,
auth. The real gateway process (`catalog serve gateway`) with a recording upstream behind it."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests import tokens
from tests.processes import gateway_in_front_of
from tests.recording_upstream import JWKS_PATH, RecordingUpstream, SeenRequest


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (PKCS#8, as granian reads keys)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / "gateway.crt", folder / "gateway.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def proxied(upstream: RecordingUpstream) -> list[SeenRequest]:
    """What reached the upstream other than the gateway's own JWKS fetches."""
    return [seen for seen in upstream.requests if seen.path != JWKS_PATH]


def header(seen: SeenRequest, name: str) -> str:
    return {key.lower(): value for key, value in seen.headers.items()}[name.lower()]


@pytest.fixture(scope="module")
def h2c(recording_issuer, tmp_path_factory) -> Iterator[httpx.Client]:
    """A client speaking HTTP/2 with prior knowledge to the cleartext gateway."""
    folder = tmp_path_factory.mktemp("gateway-h2c")
    with (
        gateway_in_front_of(recording_issuer.url, folder, GATEWAY_MAX_BODY_BYTES="1000") as address,
        httpx.Client(base_url=f"http://{address}", http1=False, http2=True) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def tls_gateway(recording_issuer, tmp_path_factory) -> Iterator[tuple[str, ssl.SSLContext]]:
    folder = tmp_path_factory.mktemp("gateway-tls")
    cert, key = self_signed(folder)
    env = {"GATEWAY_TLS_CERT": str(cert), "GATEWAY_TLS_KEY": str(key)}
    with gateway_in_front_of(recording_issuer.url, folder, **env) as address:
        yield f"https://{address}", ssl.create_default_context(cafile=str(cert))


def test_a_get_over_h2c_prior_knowledge_is_proxied(h2c, upstream):
    response = h2c.get("/api/v2/books/", headers={"X-Request-ID": "h2-get"})

    assert (response.http_version, response.status_code) == ("HTTP/2", 200)
    assert response.json() == {"path": "/api/v2/books/", "method": "GET"}
    assert response.headers["X-Request-ID"] == "h2-get"
    (seen,) = proxied(upstream)
    assert header(seen, "X-Request-ID") == "h2-get"


def test_a_post_over_h2c_reaches_the_upstream_with_its_body(h2c, upstream):
    response = h2c.post(
        "/api/v2/authors/",
        json={"name": "A"},
        headers={"Authorization": f"Bearer {tokens.mint()}"},
    )

    assert (response.http_version, response.status_code) == ("HTTP/2", 200)
    (seen,) = proxied(upstream)
    assert (seen.method, seen.path, seen.body) == ("POST", "/api/v2/authors/", b'{"name":"A"}')


def test_the_client_address_over_h2_is_the_peer_not_a_spoofed_header(h2c, upstream):
    h2c.get("/api/v2/books/", headers={"X-Forwarded-For": "203.0.113.9"})

    (seen,) = proxied(upstream)
    assert header(seen, "X-Forwarded-For") == "127.0.0.1"


def test_a_body_over_the_limit_on_h2_is_413_and_never_forwarded(h2c, upstream):
    response = h2c.post(
        "/api/v2/authors/",
        content=b"x" * 5000,
        headers={"Authorization": f"Bearer {tokens.mint()}", "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert proxied(upstream) == []


def test_a_forged_token_on_h2_is_401_and_never_forwarded(h2c, upstream):
    response = h2c.get("/api/v2/books/", headers={"Authorization": "Bearer not.a.token"})

    assert response.status_code == 401
    assert proxied(upstream) == []


def test_h2_is_negotiated_by_alpn_over_tls(tls_gateway, upstream):
    url, trust = tls_gateway
    with httpx.Client(base_url=url, http2=True, verify=trust) as client:
        response = client.get("/api/v2/books/")

    assert (response.http_version, response.status_code) == ("HTTP/2", 200)
    (seen,) = proxied(upstream)
    assert (seen.path, header(seen, "X-Forwarded-Proto")) == ("/api/v2/books/", "https")


def test_an_http_1_1_client_still_gets_http_1_1_over_tls(tls_gateway, upstream):
    url, trust = tls_gateway
    with httpx.Client(base_url=url, verify=trust) as client:
        response = client.post(
            "/api/v2/authors/", json={"name": "B"},
            headers={"Authorization": f"Bearer {tokens.mint()}"},
        )  # fmt: skip

    assert (response.http_version, response.status_code) == ("HTTP/1.1", 200)
    assert [seen.body for seen in proxied(upstream)] == [b'{"name":"B"}']
