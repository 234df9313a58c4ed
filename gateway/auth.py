"""Bearer tokens at the gateway: verified once, refused before any upstream sees them.

Verification is the shared contract, `credentials.tokens.verify_access_token` (RS256 only, exp/nbf
with JWT_LEEWAY_SECONDS, iss, aud, token type, every required claim), with the key chosen by
`kid` from the issuer's JWKS (jwks.py). A verified token is kept in an LRU cache keyed by the
token string, so a client's next request costs ~1 us instead of an RSA verification (~200 us);
a cached token is honoured only while its exp (and nbf) still allow it.

Scopes per route class:

    read    anonymous, or a token with catalog:read
    write   a token with catalog:write (no token: 401)
    soap    like read for operations that only read, like write otherwise, when a bearer token
            is presented; without one the request passes (WS-Security is the SOAP service's)
    token   not checked: the issuer's own endpoints authenticate with the body

A presented token that fails any check is 401 even where anonymous access is allowed (RFC 6750).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import NoReturn

from catalog_contract.auth import BEARER_CHALLENGE as REALM
from credentials.tokens import (
    CATALOG_READ,
    CATALOG_WRITE,
    AccessClaims,
    TokenRejected,
    unverified_kid,
    verify_access_token,
)
from gateway import metrics
from gateway.errors import InsufficientScope, InvalidToken, NotAuthenticated
from gateway.jwks import KeySet


def _challenge(error: str, description: str) -> dict[str, str]:
    description = description.replace('"', "'")
    return {"WWW-Authenticate": f'{REALM}, error="{error}", error_description="{description}"'}


class Authenticator:
    def __init__(
        self,
        keyset: KeySet,
        *,
        issuer: str,
        audience: str,
        leeway: int,
        cache_size: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.keyset = keyset
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.cache_size = cache_size
        self.clock = clock
        self._cache: OrderedDict[str, AccessClaims] = OrderedDict()

    async def authenticate(self, authorization: bytes | None) -> AccessClaims | None:
        """The token's claims; None without an Authorization header; InvalidToken otherwise."""
        if authorization is None:
            return None
        scheme, _, token = authorization.decode("latin-1").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            self._reject("invalid_request", "Send the token as Authorization: Bearer <token>.")
        cached = self._cached(token)
        if cached is not None:
            return cached
        try:
            claims = await self._verify(token)
        except TokenRejected as exc:
            self._reject(exc.code, exc.detail)
        self._remember(token, claims)
        return claims

    async def _verify(self, token: str) -> AccessClaims:
        key = await self.keyset.key_for(unverified_kid(token))
        if key is None:
            raise TokenRejected("unknown_key", "The token was signed with an unknown key.")
        return verify_access_token(
            token,
            resolve_key=lambda _kid: key,
            issuer=self.issuer,
            audience=self.audience,
            leeway=self.leeway,
        )

    def _reject(self, code: str, detail: str) -> NoReturn:
        metrics.count_token_rejection(code)
        error = "invalid_request" if code == "invalid_request" else "invalid_token"
        raise InvalidToken(detail, headers=_challenge(error, detail), reason=code)

    def _cached(self, token: str) -> AccessClaims | None:
        claims = self._cache.get(token)
        if claims is None:
            return None
        now = self.clock()
        not_before = claims.claims.get("nbf", 0)
        if claims.expires_at + self.leeway <= now or not_before - self.leeway > now:
            del self._cache[token]
            return None
        self._cache.move_to_end(token)
        return claims

    def _remember(self, token: str, claims: AccessClaims) -> None:
        self._cache[token] = claims
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)


def authorize(claims: AccessClaims | None, *, write: bool, anonymous_allowed: bool) -> None:
    """Refuse a request whose token (or lack of one) does not allow it."""
    if claims is None:
        if not anonymous_allowed:
            raise NotAuthenticated(headers={"WWW-Authenticate": REALM})
        return
    needed = CATALOG_WRITE if write else CATALOG_READ
    if not claims.has_scope(needed):
        raise InsufficientScope(
            f"This needs a token with the {needed} scope.",
            headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="{needed}"'},
        )
