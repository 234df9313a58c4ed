"""Tokens from the REST service: obtain, use, refresh (rotated, the old one blacklisted), verify,
and the JWKS that names the signing key. Access tokens honour the shared contract
(credentials.tokens.verify_access_token), so the gateway and the SOAP service accept them too."""

from datetime import timedelta

import jwt
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from credentials import keys
from credentials.tokens import keyset_resolver, verify_access_token
from tests import tokens
from tests.rest.conftest import client_with
from tests.rest.problems import assert_problem

pytestmark = pytest.mark.django_db


def _user(username="editor", password="editor-pass", *, staff=True, active=True):
    return get_user_model().objects.create_user(
        username=username, password=password, is_staff=staff, is_active=active
    )


def _obtain(client, username="editor", password="editor-pass"):
    return client.post("/api/token/", {"username": username, "password": password}, format="json")


def _verify(token):
    public_pem = keys.public_key_pem()
    return verify_access_token(
        token,
        resolve_key=keyset_resolver({keys.public_jwk(public_pem).kid: public_pem}),
        issuer=django_settings.JWT_ISSUER,
        audience=django_settings.JWT_AUDIENCE,
    )


def test_a_staff_user_gets_tokens_that_honour_the_shared_contract(anonymous):
    user = _user()
    response = _obtain(anonymous)
    assert response.status_code == 200
    pair = response.json()
    claims = _verify(pair["access"])
    assert claims.subject == str(user.pk)
    assert claims.scopes == {"catalog:read", "catalog:write"}
    assert set(claims.claims) >= {"iss", "aud", "sub", "exp", "iat", "jti", "token_type", "scope"}
    header = jwt.get_unverified_header(pair["access"])
    assert header["alg"] == "RS256"
    assert header["kid"] == anonymous.get("/.well-known/jwks.json").json()["keys"][0]["kid"]
    assert jwt.get_unverified_header(pair["refresh"])["kid"] == header["kid"]


def test_other_users_get_the_read_scope_only(anonymous):
    _user("reader", "reader-pass", staff=False)
    access = _obtain(anonymous, "reader", "reader-pass").json()["access"]
    assert _verify(access).scopes == {"catalog:read"}


def test_the_access_lifetime_comes_from_settings(anonymous, settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "ACCESS_TOKEN_LIFETIME": timedelta(minutes=3)}
    _user()
    claims = _verify(_obtain(anonymous).json()["access"]).claims
    assert claims["exp"] - claims["iat"] == 180


def test_an_obtained_token_can_write(anonymous):
    _user()
    access = _obtain(anonymous).json()["access"]
    response = client_with(access).post("/api/v2/authors/", {"name": "X"}, format="json")
    assert response.status_code == 201


def test_a_wrong_password_is_a_401_problem(anonymous):
    _user()
    response = _obtain(anonymous, password="guess")
    assert_problem(response, 401, "authentication-failed")
    assert response["WWW-Authenticate"].startswith('Bearer realm="catalog"')


def test_an_inactive_user_gets_no_token(anonymous):
    _user(active=False)
    assert_problem(_obtain(anonymous), 401, "authentication-failed")


def test_missing_credentials_are_a_400_naming_the_fields(anonymous):
    response = anonymous.post("/api/token/", {}, format="json")
    assert set(assert_problem(response, 400, "invalid")["errors"]) == {"username", "password"}


def test_refresh_rotates_and_the_old_refresh_token_is_refused(anonymous):
    _user()
    first = _obtain(anonymous).json()
    refreshed = anonymous.post("/api/token/refresh/", {"refresh": first["refresh"]}, format="json")
    assert refreshed.status_code == 200
    second = refreshed.json()
    assert second["refresh"] != first["refresh"]
    assert _verify(second["access"]).scopes == {"catalog:read", "catalog:write"}
    again = anonymous.post("/api/token/refresh/", {"refresh": first["refresh"]}, format="json")
    assert_problem(again, 401, "invalid-token")
    rotated = anonymous.post("/api/token/refresh/", {"refresh": second["refresh"]}, format="json")
    assert rotated.status_code == 200


def test_refresh_recomputes_the_scope_from_the_user(anonymous):
    user = _user()
    refresh = _obtain(anonymous).json()["refresh"]
    user.is_staff = False
    user.save()
    access = anonymous.post("/api/token/refresh/", {"refresh": refresh}, format="json").json()
    assert _verify(access["access"]).scopes == {"catalog:read"}


def test_refresh_for_a_deleted_user_is_401_not_500(anonymous):
    user = _user()
    refresh = _obtain(anonymous).json()["refresh"]
    user.delete()
    response = anonymous.post("/api/token/refresh/", {"refresh": refresh}, format="json")
    assert_problem(response, 401, "authentication-failed")


def test_an_access_token_is_not_a_refresh_token(anonymous):
    _user()
    access = _obtain(anonymous).json()["access"]
    response = anonymous.post("/api/token/refresh/", {"refresh": access}, format="json")
    assert_problem(response, 401, "invalid-token")


def test_verify_accepts_a_good_token_and_refuses_a_tampered_one(anonymous):
    _user()
    access = _obtain(anonymous).json()["access"]
    good = anonymous.post("/api/token/verify/", {"token": access}, format="json")
    assert (good.status_code, good.json()) == (200, {})
    bad = anonymous.post("/api/token/verify/", {"token": tokens.tampered()}, format="json")
    assert_problem(bad, 401, "invalid-token")


def test_an_expired_issued_token_is_refused(anonymous, settings):
    settings.SIMPLE_JWT = {
        **settings.SIMPLE_JWT, "ACCESS_TOKEN_LIFETIME": timedelta(seconds=-120), "LEEWAY": 0
    }  # fmt: skip
    _user()
    access = _obtain(anonymous).json()["access"]
    assert_problem(client_with(access).get("/api/v2/books/"), 401, "invalid-token")


def test_jwks_publishes_the_verifying_key(anonymous):
    response = anonymous.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"]
    (key,) = response.json()["keys"]
    assert key == keys.public_jwk(keys.public_key_pem()).as_dict()
    public = jwt.PyJWK(key).key
    signed = tokens.mint()
    assert jwt.decode(signed, public, algorithms=["RS256"], audience=django_settings.JWT_AUDIENCE)


def test_jwks_refuses_writes(anonymous):
    assert_problem(anonymous.post("/.well-known/jwks.json"), 405, "method-not-allowed")


def test_password_guessing_is_throttled_with_a_quota_problem(settings):
    settings.JWT_LOGIN_RATE = "2/minute"
    client = client_with()
    client.defaults["REMOTE_ADDR"] = "203.0.113.7"
    for _ in range(2):
        assert _obtain(client, password="guess").status_code == 401
    response = _obtain(client, password="guess")
    assert_problem(response, 429, "https://iana.org/assignments/http-problem-types#quota-exceeded")
    assert int(response["Retry-After"]) >= 1
