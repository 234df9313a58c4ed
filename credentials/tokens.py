"""The access-token contract, verified the same way by everyone who accepts a token.

The REST service issues tokens (simplejwt, RS256); the SOAP service verifies them with the public
key file, the gateway with keys from the issuer's JWKS. Both call `verify_access_token`, so a token
one accepts the other accepts too. An access token is a JWS with:

    header  alg=RS256, kid=<RFC 7638 thumbprint of the signing key>
    claims  iss, aud, sub (the user id, a string), exp, iat, jti,
            token_type="access", scope="catalog:read[ catalog:write]"

Only RS256 is accepted (so `alg: none` and HS256-signed-with-the-public-key are refused), every
claim above is required, oversized tokens are refused before any parsing, and `kid` is only ever
a dictionary key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt

CATALOG_READ = "catalog:read"
CATALOG_WRITE = "catalog:write"
MAX_TOKEN_LENGTH = 8192
REQUIRED_CLAIMS = ("iss", "aud", "sub", "exp", "iat", "jti")
DEFAULT_LEEWAY_SECONDS = 30


class TokenRejected(Exception):
    """The token must not be honoured; `code` is stable and safe to show to the client."""

    def __init__(self, code: str, detail: str) -> None:
        self.code = code
        self.detail = detail
        super().__init__(detail)


@dataclass(frozen=True, slots=True)
class AccessClaims:
    subject: str
    scopes: frozenset[str]
    expires_at: int
    claims: Mapping[str, Any]

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


KeyResolver = Callable[[str | None], Any]
"""Returns the public key for a `kid` (None when the header has none) or raises TokenRejected."""


def bearer_token(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` value; None for any other scheme (or no
    header). A Bearer header without exactly one token is refused, not taken as anonymous."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return None
    token = token.strip()
    if not token or " " in token:
        raise TokenRejected("malformed", "The Authorization header must be 'Bearer <token>'.")
    return token


def unverified_kid(token: str) -> str | None:
    """The `kid` of a token's header, for choosing a key; nothing in it is trusted yet."""
    _check_size(token)
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.InvalidTokenError:
        raise TokenRejected("malformed", "The token is not a well-formed JWT.") from None
    return kid if isinstance(kid, str) else None


def _check_size(token: str) -> None:
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenRejected("malformed", "The token is too long.")


_PYJWT_ERRORS: tuple[tuple[type[Exception], str, str], ...] = (
    (jwt.ExpiredSignatureError, "expired", "The token has expired."),
    (jwt.ImmatureSignatureError, "not_yet_valid", "The token is not valid yet."),
    (jwt.InvalidAudienceError, "wrong_audience", "The token is not meant for this API."),
    (jwt.InvalidIssuerError, "wrong_issuer", "The token was issued by someone else."),
    (jwt.MissingRequiredClaimError, "missing_claim", "The token lacks a required claim."),
    (jwt.InvalidSignatureError, "bad_signature", "The token's signature does not verify."),
    (jwt.InvalidAlgorithmError, "bad_algorithm", "The token is not signed with RS256."),
)


def verify_access_token(
    token: str,
    *,
    resolve_key: KeyResolver,
    issuer: str,
    audience: str,
    leeway: int = DEFAULT_LEEWAY_SECONDS,
) -> AccessClaims:
    """Verify signature, algorithm, `exp`/`nbf`/`iss`/`aud` (with `leeway` seconds) and type."""
    key = resolve_key(unverified_kid(token))
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=["RS256"],
            audience=audience,
            issuer=issuer,
            leeway=leeway,
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except jwt.InvalidTokenError as exc:
        for error_type, code, detail in _PYJWT_ERRORS:
            if isinstance(exc, error_type):
                raise TokenRejected(code, detail) from None
        raise TokenRejected("malformed", "The token is not a valid JWT.") from None
    if claims.get("token_type") != "access":
        raise TokenRejected("wrong_type", "Only access tokens are accepted here.")
    scope = claims.get("scope", "")
    if not isinstance(scope, str) or not isinstance(claims["sub"], str):
        raise TokenRejected("malformed", "The token's claims have the wrong types.")
    return AccessClaims(
        subject=claims["sub"],
        scopes=frozenset(scope.split()),
        expires_at=int(claims["exp"]),
        claims=claims,
    )


def keyset_resolver(keys: Mapping[str, str]) -> KeyResolver:
    """For a verifier holding public keys by `kid` (credentials.keys.honoured_keys: the current key
    first, then keys rotated out): the token's `kid` picks one, a token without a `kid` gets the
    current key, and a token naming any other `kid` is refused."""
    current = next(iter(keys.values()))

    def resolve(token_kid: str | None) -> str:
        if token_kid is None:
            return current
        if token_kid not in keys:
            raise TokenRejected("unknown_key", "The token was signed with an unknown key.")
        return keys[token_kid]

    return resolve
