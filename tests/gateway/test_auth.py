"""Bearer tokens at the gateway: every way a token can be bad is a 401 that never reaches an
upstream; scopes per route class; anonymous reads; the cache of verified tokens."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.auth import Authenticator
from gateway.errors import InvalidToken
from gateway.jwks import KeySet, parse_jwks
from tests import tokens
from tests.gateway.conftest import jwks_document
from tests.gateway.fakes import FakeTime, run

NOW = int(time.time())


def stranger_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


BAD_TOKENS = {
    "expired": lambda: tokens.mint(iat=NOW - 600, exp=NOW - 120),
    "not yet valid": lambda: tokens.mint(nbf=NOW + 600),
    "wrong issuer": lambda: tokens.mint(iss="urn:someone:else"),
    "wrong audience": lambda: tokens.mint(aud="urn:another:api"),
    "unknown kid": lambda: tokens.mint(headers={"kid": "no-such-key"}),
    "tampered": tokens.tampered,
    "alg none": tokens.unsigned,
    "HS256 with the public key": tokens.hs256_with_public_key,
    "signed by a stranger": lambda: jwt.encode(
        tokens.claims(), stranger_key(), algorithm="RS256", headers={"kid": "stranger"}
    ),
    "a refresh token": lambda: tokens.mint(token_type="refresh"),
    "missing jti": lambda: tokens.mint(jti=None),
    "not a JWT": lambda: "not-a-jwt",
}


@pytest.mark.parametrize("kind", BAD_TOKENS)
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v2/books/", 401),
        ("POST", "/api/v2/books/", 401),
        ("POST", "/soap12/catalog/", 400),  # a SOAP 1.2 Sender fault, as the service sends it
        ("POST", "/soap/catalog/", 500),  # SOAP 1.1 sends faults with 500, as the service does
    ],
)
def test_a_bad_token_is_refused_and_never_reaches_an_upstream(
    harness_factory, kind, method, path, status
):
    token = BAD_TOKENS[kind]()

    async def scenario(gw):
        reply = await gw.request(method, path, headers=[("Authorization", f"Bearer {token}")])
        return reply, gw.rest.requests + gw.soap.requests

    reply, reached = harness_factory(scenario)
    assert reply.status == status
    assert reached == []
    assert reply.header("www-authenticate").startswith(
        'Bearer realm="catalog", error="invalid_token", error_description="'
    )
    if path.startswith("/soap"):
        assert (
            b"Client.AuthenticationFailed" in reply.body
            or b"tns:AuthenticationFailed" in reply.body
        )


def test_a_refused_token_is_a_problem_naming_the_reason(harness_factory):
    async def scenario(gw):
        token = BAD_TOKENS["expired"]()
        return await gw.request(
            "GET", "/api/v2/books/", headers=[("Authorization", f"Bearer {token}")]
        )

    problem = harness_factory(scenario).json()
    assert problem["type"] == "https://bookcatalog.example/problems/invalid-token"
    assert (problem["status"], problem["reason"]) == (401, "expired")


def test_credentials_that_are_not_a_bearer_token_are_refused(harness_factory):
    async def scenario(gw):
        headers = [("Authorization", "Basic ZWRpdG9yOmVkaXRvci1wYXNz")]
        return await gw.request("GET", "/api/v2/books/", headers=headers), gw.rest.requests

    reply, reached = harness_factory(scenario)
    assert (reply.status, reached) == (401, [])
    assert 'error="invalid_request"' in reply.header("www-authenticate")


def test_a_valid_token_is_passed_on_to_the_service(harness_factory):
    token = tokens.mint(scope="catalog:read catalog:write")

    async def scenario(gw):
        headers = [("Authorization", f"Bearer {token}")]
        reply = await gw.request("DELETE", "/api/v2/books/3/", headers=headers)
        return reply, gw.rest.requests

    reply, reached = harness_factory(scenario)
    assert reply.status == 200
    assert reached[0].headers["authorization"] == f"Bearer {token}"


def test_anonymous_reads_pass_and_anonymous_writes_are_401(harness_factory):
    async def scenario(gw):
        read = await gw.request("GET", "/api/v2/books/")
        write = await gw.request("POST", "/api/v2/books/", body=b"{}")
        return read, write, [r.method for r in gw.rest.requests]

    read, write, reached = harness_factory(scenario)
    assert (read.status, write.status, reached) == (200, 401, ["GET"])
    assert write.json()["type"] == "https://bookcatalog.example/problems/not-authenticated"
    assert write.header("www-authenticate") == 'Bearer realm="catalog"'


@pytest.mark.parametrize(
    ("scope", "method", "path"),
    [
        ("catalog:read", "POST", "/api/v2/books/"),
        ("catalog:read", "PATCH", "/api/v1/books/1/"),
        ("", "GET", "/api/v2/books/"),
        ("catalog:write", "GET", "/api/v2/authors/"),
    ],
)
def test_a_token_without_the_route_s_scope_is_403(harness_factory, scope, method, path):
    token = tokens.mint(scope=scope)

    async def scenario(gw):
        headers = [("Authorization", f"Bearer {token}")]
        return await gw.request(method, path, headers=headers), gw.rest.requests

    reply, reached = harness_factory(scenario)
    assert (reply.status, reached) == (403, [])
    assert reply.json()["type"] == "https://bookcatalog.example/problems/insufficient-scope"
    assert 'error="insufficient_scope"' in reply.header("www-authenticate")


SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"


def _envelope(operation: str) -> bytes:
    return (
        f'<s:Envelope xmlns:s="{SOAP11}" xmlns:t="urn:bookcatalog:soap:v1"><s:Body>'
        f"<t:{operation}><t:id>1</t:id></t:{operation}></s:Body></s:Envelope>"
    ).encode()


def test_a_bearer_token_on_soap_needs_write_scope_for_operations_that_change(harness_factory):
    token = tokens.mint(scope="catalog:read")

    async def scenario(gw):
        headers = [("Authorization", f"Bearer {token}"), ("Content-Type", "text/xml")]
        read = await gw.request(
            "POST", "/soap/catalog/", headers=headers, body=_envelope("GetBook")
        )
        write = await gw.request(
            "POST", "/soap/catalog/", headers=headers, body=_envelope("DeleteBook")
        )
        return read, write, len(gw.soap.requests)

    read, write, reached = harness_factory(scenario)
    assert (read.status, reached) == (200, 1)
    assert write.status == 500  # a SOAP 1.1 fault
    assert b"Client.PermissionDenied" in write.body


def test_soap_without_a_bearer_token_passes_for_the_service_to_judge(harness_factory):
    async def scenario(gw):
        headers = [("Content-Type", "text/xml")]
        reply = await gw.request(
            "POST", "/soap/catalog/", headers=headers, body=_envelope("DeleteBook")
        )
        return reply, len(gw.soap.requests)

    assert [r if isinstance(r, int) else r.status for r in harness_factory(scenario)] == [200, 1]


def test_token_endpoints_do_not_check_a_stale_authorization_header(harness_factory):
    async def scenario(gw):
        headers = [("Authorization", "Bearer expired.or.whatever")]
        reply = await gw.request("POST", "/auth/token/refresh/", headers=headers, body=b"{}")
        return reply, gw.rest.requests

    reply, reached = harness_factory(scenario)
    assert reply.status == 200 and reached[0].url.path == "/api/token/refresh/"


# The verified-token cache, with the clock and the key lookups observed.


class CountingKeySet(KeySet):
    def __init__(self):
        super().__init__(
            "http://issuer.test/jwks", None, refresh_seconds=300, min_interval_seconds=30
        )

        self.keys = parse_jwks(jwks_document())
        self.lookups = 0

    async def key_for(self, kid):
        self.lookups += 1
        return await super().key_for(kid)


def _authenticator(settings, clock):
    return Authenticator(
        CountingKeySet(),
        issuer=settings.JWT_ISSUER,
        audience=settings.JWT_AUDIENCE,
        leeway=30,
        cache_size=2,
        clock=clock,
    )


def test_a_verified_token_is_served_from_the_cache_until_it_expires(settings):
    now = time.time()
    clock = FakeTime(now)
    authenticator = _authenticator(settings, clock.clock)
    token = tokens.mint(exp=int(now) + 60).encode()
    header = b"Bearer " + token

    async def scenario():
        for _ in range(3):
            assert (await authenticator.authenticate(header)).subject == "1"
        lookups_while_valid = authenticator.keyset.lookups
        clock.advance(60 + 30 + 1)  # past exp + leeway: the cache must not honour it
        await authenticator.authenticate(header)
        return lookups_while_valid, authenticator.keyset.lookups

    assert run(scenario()) == (1, 2)


def test_the_cache_keeps_only_the_most_recent_tokens(settings):
    authenticator = _authenticator(settings, time.time)
    first, second, third = (tokens.mint(sub=str(n)).encode() for n in range(3))

    async def scenario():
        for token in (first, second, third, first):
            await authenticator.authenticate(b"Bearer " + token)
        return authenticator.keyset.lookups

    assert run(scenario()) == 4  # `first` was evicted by `third` (cache size 2)


def test_an_invalid_token_is_never_cached(settings):
    authenticator = _authenticator(settings, time.time)

    async def scenario():
        for _ in range(2):
            with pytest.raises(InvalidToken):
                await authenticator.authenticate(b"Bearer " + tokens.tampered().encode())
        return authenticator.keyset.lookups

    assert run(scenario()) == 2
