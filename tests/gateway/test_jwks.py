"""The issuer's keys: fetched, refreshed on an unknown kid at most once per interval, kept when
a refresh fails; concurrent lookups share one fetch."""

import asyncio
import base64
import contextlib
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.jwks import KeySet
from tests.gateway.conftest import FakeIssuer, jwks_document
from tests.gateway.fakes import FakeTime, run


def _rotated_key_jwk() -> tuple[rsa.RSAPrivateKey, dict]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = key.public_key().public_numbers()

    def b64(value: int) -> str:
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    jwk = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "rotated",
           "n": b64(numbers.n), "e": b64(numbers.e)}  # fmt: skip
    return key, jwk


def _keyset(issuer: FakeIssuer, time: FakeTime, **options: Any) -> tuple[KeySet, httpx.AsyncClient]:
    client = httpx.AsyncClient(transport=issuer.transport())
    keyset = KeySet(
        "http://issuer.test/.well-known/jwks.json",
        client,
        refresh_seconds=300,
        min_interval_seconds=30,
        clock=time.clock,
        **options,
    )
    return keyset, client


def test_an_unknown_kid_refreshes_at_most_once_per_interval():
    issuer, time = FakeIssuer(), FakeTime()

    async def scenario():
        keyset, client = _keyset(issuer, time)
        await keyset.refresh()
        await keyset.key_for("made-up-0")  # the start-up fetch was just now: no new fetch
        fetches = [issuer.fetches]
        time.advance(30)
        for kid in ("made-up-1", "made-up-2", "made-up-3"):
            assert await keyset.key_for(kid) is None
        fetches.append(issuer.fetches)
        time.advance(29)
        await keyset.key_for("made-up-4")
        fetches.append(issuer.fetches)
        time.advance(2)
        await keyset.key_for("made-up-5")
        fetches.append(issuer.fetches)
        await client.aclose()
        return fetches

    assert run(scenario()) == [1, 2, 2, 3]


def test_a_rotated_key_is_found_by_refreshing_on_its_kid():
    issuer, time = FakeIssuer(), FakeTime()
    private, jwk = _rotated_key_jwk()

    async def scenario():
        keyset, client = _keyset(issuer, time)
        await keyset.refresh()
        time.advance(60)
        issuer.document = {"keys": [*jwks_document()["keys"], jwk]}
        key = await keyset.key_for("rotated")
        await client.aclose()
        return key

    key = run(scenario())
    token = jwt.encode({"sub": "1"}, private, algorithm="RS256")
    assert jwt.decode(token, key, algorithms=["RS256"]) == {"sub": "1"}


def test_a_failed_refresh_keeps_the_keys_we_had():
    issuer, time = FakeIssuer(), FakeTime()
    kid = jwks_document()["keys"][0]["kid"]

    async def scenario():
        keyset, client = _keyset(issuer, time)
        await keyset.refresh()
        issuer.failing = True
        time.advance(60)
        await keyset.key_for("unknown")
        key = await keyset.key_for(kid)
        await client.aclose()
        return issuer.fetches, key is not None, keyset.loaded

    assert run(scenario()) == (2, True, True)


def test_concurrent_lookups_of_an_unknown_kid_share_one_fetch():
    issuer, time = FakeIssuer(), FakeTime()

    async def scenario():
        keyset, client = _keyset(issuer, time)
        await asyncio.gather(*(keyset.key_for("new") for _ in range(20)))
        await client.aclose()
        return issuer.fetches

    assert run(scenario()) == 1


def test_until_keys_are_loaded_a_refresh_is_retried_every_second():
    issuer, time = FakeIssuer(failing=True), FakeTime()

    async def scenario():
        keyset, client = _keyset(issuer, time)
        await keyset.key_for("any")
        time.advance(1)
        issuer.failing = False
        found = await keyset.key_for(jwks_document()["keys"][0]["kid"])
        await client.aclose()
        return issuer.fetches, found is not None

    assert run(scenario()) == (2, True)


def test_keys_for_other_algorithms_or_uses_are_ignored():
    from gateway.jwks import parse_jwks

    rsa_key = jwks_document()["keys"][0]
    document = {
        "keys": [
            {**rsa_key, "kid": "enc", "use": "enc"},
            {**rsa_key, "kid": "ps", "alg": "PS256"},
            {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
            rsa_key,
        ]
    }
    assert list(parse_jwks(document)) == [rsa_key["kid"]]


def test_the_background_loop_refreshes_every_interval_and_faster_until_loaded():
    issuer, time = FakeIssuer(failing=True), FakeTime()
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.advance(seconds)
        if len(waits) == 2:
            issuer.failing = False  # the issuer comes up while the gateway waits
        if len(waits) == 4:
            raise asyncio.CancelledError

    async def scenario():
        keyset, client = _keyset(issuer, time, sleep=sleep)
        with contextlib.suppress(asyncio.CancelledError):
            await keyset.run()
        await client.aclose()
        return keyset.loaded

    assert run(scenario())
    assert waits == [1.0, 1.0, 300, 300]
    assert issuer.fetches == 4
