"""Tokens for tests: valid ones signed with the dev key, and every kind of bad one."""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any

import jwt
import orjson
from django.conf import settings

from credentials import keys


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    values: dict[str, Any] = {
        "iss": settings.JWT_ISSUER,
        "aud": settings.JWT_AUDIENCE,
        "sub": "1",
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
        "token_type": "access",
        "scope": "catalog:read catalog:write",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def mint(*, headers: dict[str, Any] | None = None, **overrides: Any) -> str:
    """An RS256 token signed with the dev key; pass a claim as None to leave it out."""
    kid = keys.public_jwk(keys.public_key_pem()).kid
    return jwt.encode(
        claims(**overrides),
        keys.private_key_pem(),
        algorithm="RS256",
        headers={"kid": kid, **(headers or {})},
    )


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(data)).rstrip(b"=").decode()


def unsigned(**overrides: Any) -> str:
    """`alg: none`: no signature at all."""
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims(**overrides))}."


def hs256_with_public_key(**overrides: Any) -> str:
    """Key confusion: HMAC-signed with the RSA public key as the shared secret."""
    import hashlib
    import hmac

    header = _b64({"alg": "HS256", "typ": "JWT"})
    body = _b64(claims(**overrides))
    secret = keys.public_key_pem().encode()
    signature = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def tampered(**overrides: Any) -> str:
    """A valid token whose payload was changed after signing (scope escalated)."""
    header, _, signature = mint(scope="catalog:read").split(".")
    return f"{header}.{_b64(claims(scope='catalog:read catalog:write', **overrides))}.{signature}"


def signed_by_a_stranger(*, embed_key: bool = False, headers: dict[str, Any] | None = None,
                         **overrides: Any) -> str:  # fmt: skip
    """RS256 with a freshly generated key the issuer never saw, under our `kid`; `embed_key`
    puts the stranger's public key in the header (`jwk`), as if a verifier might trust it."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    extra: dict[str, Any] = {"kid": keys.public_jwk(keys.public_key_pem()).kid}
    if embed_key:
        extra["jwk"] = jwt.algorithms.RSAAlgorithm.to_jwk(stranger.public_key(), as_dict=True)
    return jwt.encode(
        claims(**overrides), stranger, algorithm="RS256", headers={**extra, **(headers or {})}
    )


def _strip_signature(token: str) -> str:
    header, payload, _ = token.split(".")
    return f"{header}.{payload}."


def _with_header(token: str, header: dict[str, Any]) -> str:
    """The same token under another header (its signature left as it was)."""
    _, payload, signature = token.split(".")
    return f"{_b64(header)}.{payload}.{signature}"


FORGERIES = {
    "signed by a stranger under our kid": lambda: signed_by_a_stranger(),
    "stranger's key embedded as jwk": lambda: signed_by_a_stranger(embed_key=True),
    "jku pointing at the attacker": lambda: signed_by_a_stranger(
        headers={"jku": "http://127.0.0.1:9/jwks.json"}
    ),
    "x5u pointing at the attacker": lambda: signed_by_a_stranger(
        headers={"x5u": "http://127.0.0.1:9/cert.pem"}
    ),
    "kid path traversal": lambda: mint(headers={"kid": "../../../../dev/null"}),
    "kid SQL injection": lambda: mint(headers={"kid": "x' UNION SELECT 'key' --"}),
    "kid not a string": lambda: _with_header(mint(), {"alg": "RS256", "kid": {"$ne": 1}}),
    "signature stripped": lambda: _strip_signature(mint()),
    "alg None (capitalised)": lambda: _with_header(unsigned(), {"alg": "None"}),
    "alg PS256 over an RS256 signature": lambda: _with_header(mint(), {"alg": "PS256"}),
    "token one byte over the limit": lambda: mint(jti="j" * 8200),
}
"""The JWT attack list beyond the basic one every verifier's own tests cover (alg none, HS256
with the public key, expired, wrong iss/aud, tampered, unknown kid): header tricks that make
naive verifiers fetch or trust another key, `kid` values built to reach a file or a query,
signature stripping, algorithm swaps and oversized tokens."""
