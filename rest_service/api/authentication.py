"""Bearer access tokens, checked by the contract every verifier shares (credentials.tokens).

Stateless on purpose: the token's signature, claims and scopes are the whole decision, as at the
gateway and the SOAP service, so a request costs no user lookup. A request without an
Authorization header is anonymous; one that presents a bearer token that fails any check is
refused with 401 even where anonymous access is allowed (RFC 6750).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from catalog_contract.auth import BEARER_CHALLENGE as WWW_AUTHENTICATE
from catalog_contract.errors import INVALID_TOKEN
from credentials.keys import honoured_keys
from credentials.tokens import (
    AccessClaims,
    TokenRejected,
    bearer_token,
    keyset_resolver,
    verify_access_token,
)


class InvalidBearerToken(AuthenticationFailed):
    default_code = INVALID_TOKEN.code

    def __init__(self, rejection: TokenRejected) -> None:
        super().__init__(rejection.detail, code=INVALID_TOKEN.code)
        self.reason = rejection.code


@dataclass(frozen=True)
class TokenSubject:
    """request.user for a bearer request: who the token names, without a database row."""

    id: str
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_active: bool = True

    @property
    def pk(self) -> str:
        return self.id

    def __str__(self) -> str:
        return f"subject {self.id}"


def verify_bearer(token: str) -> AccessClaims:
    keys = honoured_keys(settings.SIMPLE_JWT["VERIFYING_KEY"], settings.JWT_PREVIOUS_PUBLIC_KEYS)
    return verify_access_token(
        token,
        resolve_key=keyset_resolver(keys),
        issuer=settings.JWT_ISSUER,
        audience=settings.JWT_AUDIENCE,
        leeway=settings.JWT_LEEWAY_SECONDS,
    )


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[TokenSubject, AccessClaims] | None:
        try:
            token = bearer_token(request.META.get("HTTP_AUTHORIZATION", ""))
            if token is None:
                return None
            claims = verify_bearer(token)
        except TokenRejected as rejection:
            raise InvalidBearerToken(rejection) from None
        return TokenSubject(claims.subject), claims

    def authenticate_header(self, request: Request) -> str:
        return WWW_AUTHENTICATE
