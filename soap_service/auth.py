"""Who is calling, and may they change the catalog: one listener before any body is deserialised.

Reads are open; an operation marked `changes_catalog` (soap_service.service) needs credentials
carrying catalog:write. Credentials are a WS-Security UsernameToken (soap_service.wssecurity;
the user's scopes come from shared_models.permissions) or an `Authorization: Bearer` access token
from the REST service (credentials.tokens, the contract every verifier shares; its scopes travel in
the token). Credentials that fail a check are refused even on reads (as RFC 6750 asks of
tokens), and a request presenting both kinds is refused rather than guessing which one counts.

The listener runs at the in-protocol's `before_deserialize` event: after the envelope is parsed
and the operation is known, before the body costs any deserialisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings

from catalog_contract.errors import INSUFFICIENT_SCOPE, INVALID_TOKEN, NOT_AUTHENTICATED
from credentials.keys import honoured_keys, public_key_pem
from credentials.tokens import (
    KeyResolver,
    TokenRejected,
    bearer_token,
    keyset_resolver,
    verify_access_token,
)
from shared_models.permissions import CATALOG_WRITE, may_write, scopes_for
from soap_service.faults import AuthenticationFailedFault, PermissionDeniedFault
from soap_service.wssecurity import SECURITY_HEADER, verify_username_token
from telemetry import service_metrics


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    scopes: tuple[str, ...]


@cache
def _key_resolver() -> KeyResolver:
    """The REST service's public keys (current and rotated out), read once per process."""
    return keyset_resolver(honoured_keys(public_key_pem(), settings.JWT_PREVIOUS_PUBLIC_KEYS))


def authenticate_request(ctx: Any) -> None:
    """`before_deserialize` listener: sets ctx.udc to the Principal (None when anonymous)."""
    security = next((h for h in ctx.in_header_doc or () if h.tag == SECURITY_HEADER), None)
    try:
        bearer = bearer_token(ctx.transport.req.headers.get("Authorization", ""))
    except TokenRejected as rejection:
        raise AuthenticationFailedFault(rejection.detail, code=INVALID_TOKEN.code) from None
    if security is not None and bearer is not None:
        raise AuthenticationFailedFault("Send a UsernameToken or a bearer token, not both.")
    principal = None
    if security is not None:
        user = _username_token_user(security)
        principal = Principal(user.get_username(), scopes_for(user))
    elif bearer is not None:
        principal = token_principal(bearer)
    ctx.udc = principal
    if ctx.descriptor.udd.changes_catalog:
        _require_write(principal)


def _username_token_user(security: Any) -> Any:
    """The WS-Security check, its outcome counted (catalog_ws_security_total)."""
    try:
        user = verify_username_token(security)
    except AuthenticationFailedFault:
        service_metrics.count_ws_security("refused")
        raise
    service_metrics.count_ws_security("accepted")
    return user


def token_principal(token: str) -> Principal:
    """The verified bearer token's subject and scopes, or AuthenticationFailedFault."""
    try:
        claims = verify_access_token(
            token,
            resolve_key=_key_resolver(),
            issuer=settings.JWT_ISSUER,
            audience=settings.JWT_AUDIENCE,
        )
    except TokenRejected as rejection:
        raise AuthenticationFailedFault(rejection.detail, code=INVALID_TOKEN.code) from None
    return Principal(claims.subject, tuple(sorted(claims.scopes)))


def _require_write(principal: Principal | None) -> None:
    if principal is None:
        raise AuthenticationFailedFault(
            "Changing the catalog needs credentials: a WS-Security UsernameToken or a bearer "
            "token.",
            code=NOT_AUTHENTICATED.code,
        )
    if not may_write(principal.scopes):
        raise PermissionDeniedFault(
            f"Changing the catalog needs the {CATALOG_WRITE} scope.",
            code=INSUFFICIENT_SCOPE.code,
        )
