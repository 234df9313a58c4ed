"""Token issuing with simplejwt: POST /api/token/, /api/token/refresh/, /api/token/verify/.

simplejwt signs; what it signs follows the contract in credentials.tokens: RS256 with the signing
key's RFC 7638 thumbprint as `kid`, `sub` = the user id as a string, `iss`, `aud`, `jti`,
`token_type`, and on access tokens a `scope` computed from the user when the token is made (at
login and at every refresh, so a user who loses staff status loses catalog:write within one access
lifetime).
Refresh tokens rotate; a used one is blacklisted. Lifetimes are read from settings when a token
is made, not when this module is imported.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import Any

import jwt
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import serializers, views
from rest_framework_simplejwt import settings as simplejwt
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from credentials.keys import public_jwk
from rest_service.api import schema_shapes
from rest_service.api.throttling import LoginRateThrottle
from shared_models.permissions import scopes_for

_NO_ACCOUNT = "No active account found for the given token."


class KidTokenBackend(TokenBackend):
    """simplejwt's backend, naming the signing key in the header so verifiers can pick it."""

    def encode(self, payload: dict[str, Any]) -> str:
        claims = {**payload, "aud": self.audience, "iss": self.issuer}
        kid = public_jwk(self.verifying_key).kid
        return jwt.encode(
            claims, self.prepared_signing_key, algorithm=self.algorithm, headers={"kid": kid}
        )


@cache
def _backend(
    algorithm: str, signing_key: str, verifying_key: str, audience: str, issuer: str, leeway: int
) -> KidTokenBackend:
    return KidTokenBackend(algorithm, signing_key, verifying_key, audience, issuer, leeway=leeway)


def signing_backend() -> KidTokenBackend:
    s = simplejwt.api_settings  # looked up per call: simplejwt rebinds it when settings change
    return _backend(s.ALGORITHM, s.SIGNING_KEY, s.VERIFYING_KEY, s.AUDIENCE, s.ISSUER, s.LEEWAY)


class _SignedWithKid:
    def get_token_backend(self) -> TokenBackend:
        return signing_backend()


class CatalogAccessToken(_SignedWithKid, AccessToken):
    @property
    def lifetime(self) -> timedelta:  # type: ignore[override]  # a class attribute upstream
        return simplejwt.api_settings.ACCESS_TOKEN_LIFETIME


class CatalogRefreshToken(_SignedWithKid, RefreshToken):  # type: ignore[misc]  # for_user clashes in simplejwt's stubs
    access_token_class = CatalogAccessToken

    @property
    def lifetime(self) -> timedelta:  # type: ignore[override]  # a class attribute upstream
        return simplejwt.api_settings.REFRESH_TOKEN_LIFETIME

    @property
    def access_token(self) -> AccessToken:
        access = super().access_token
        access["scope"] = " ".join(scopes_for(_token_user(self)))
        return access


def _token_user(token: RefreshToken) -> Any:
    try:
        return get_user_model().objects.get(pk=token[simplejwt.api_settings.USER_ID_CLAIM])
    except (ObjectDoesNotExist, KeyError, ValueError):
        raise AuthenticationFailed(_NO_ACCOUNT, "no_active_account") from None


class TokenObtainSerializer(serializers.TokenObtainPairSerializer):
    token_class = CatalogRefreshToken


class TokenRefreshSerializer(serializers.TokenRefreshSerializer):
    token_class = CatalogRefreshToken

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        try:
            return super().validate(attrs)
        except ObjectDoesNotExist:  # simplejwt looks the user up with .get(): a deleted user
            raise AuthenticationFailed(_NO_ACCOUNT, "no_active_account") from None


class _TokenView:
    www_authenticate_realm = "catalog"
    schema_tag = "tokens"
    extra_problems: dict[str, tuple[int, ...]] = {"post": (400, 401)}
    request_shape: type = schema_shapes.TokenRefreshSerializer
    response_shape: type = schema_shapes.TokenPairSerializer

    def schema_shapes(self) -> tuple[type, type]:
        return self.request_shape, self.response_shape


class TokenObtainView(_TokenView, views.TokenObtainPairView):
    """Username and password in, an access and a refresh token out. Attempts are limited per
    client address (429 beyond JWT_LOGIN_RATE)."""

    serializer_class = TokenObtainSerializer
    throttle_classes = [LoginRateThrottle]
    extra_problems = {"post": (400, 401, 429)}
    request_shape = schema_shapes.TokenCredentialsSerializer


class TokenRefreshView(_TokenView, views.TokenRefreshView):
    """A refresh token in, a new access token and a new refresh token out (the old one is
    blacklisted)."""

    serializer_class = TokenRefreshSerializer


class TokenVerifyView(_TokenView, views.TokenVerifyView):
    """200 with an empty object if the token verifies, 401 otherwise."""

    request_shape = schema_shapes.TokenVerifySerializer
    response_shape = schema_shapes.EmptySerializer
