"""`Authorization: Bearer` access tokens from the REST service, verified by the shared contract
(credentials.tokens): any token that fails a check is refused, even on a read."""

from __future__ import annotations

import time

import pytest

from tests import tokens
from tests.factories import make_book
from tests.soap.conftest import envelope, post_envelope, zeep_client
from tests.soap.faults import assert_fault

CREATE_AUTHOR = envelope(
    "<t:CreateAuthor><t:author><t:name>Kim</t:name></t:author></t:CreateAuthor>"
)

ATTACKS = {
    "expired": lambda: tokens.mint(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200),
    "tampered": lambda: tokens.tampered(),
    "alg none": lambda: tokens.unsigned(),
    "HS256 signed with the public key": lambda: tokens.hs256_with_public_key(),
    "wrong audience": lambda: tokens.mint(aud="urn:somebody-else"),
    "wrong issuer": lambda: tokens.mint(iss="urn:somebody-else"),
    "refresh token": lambda: tokens.mint(token_type="refresh"),
    "unknown kid": lambda: tokens.mint(headers={"kid": "someone-elses-key"}),
    "not yet valid": lambda: tokens.mint(nbf=int(time.time()) + 600),
    "no subject": lambda: tokens.mint(sub=None),
    "garbage": lambda: "not-a-jwt",
}


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.django_db
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_bad_token_is_refused_even_on_a_read(client, attack):
    body = envelope(f"<t:GetBook><t:id>{make_book().pk}</t:id></t:GetBook>")
    response = post_envelope(client, body, **bearer(ATTACKS[attack]()))
    assert_fault(response, "1.1", "Client.AuthenticationFailed", "invalid_token")


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_token_with_the_write_scope_may_write(client, version):
    body = envelope("<t:CreateAuthor><t:author><t:name>Kim</t:name></t:author></t:CreateAuthor>",
                    version=version)  # fmt: skip
    response = post_envelope(client, body, version, **bearer(tokens.mint()))
    assert response.status_code == 200 and b"<tns:name>Kim</tns:name>" in response.content


@pytest.mark.django_db
def test_a_token_without_the_write_scope_may_only_read(client):
    token = tokens.mint(scope="catalog:read")
    read = envelope(f"<t:GetBook><t:id>{make_book().pk}</t:id></t:GetBook>")
    assert post_envelope(client, read, **bearer(token)).status_code == 200
    response = post_envelope(client, CREATE_AUTHOR, **bearer(token))
    assert_fault(response, "1.1", "Client.PermissionDenied", "insufficient_scope")


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Bearer", "Bearer two words"])
def test_a_malformed_bearer_header_is_refused(client, header):
    response = post_envelope(client, CREATE_AUTHOR, HTTP_AUTHORIZATION=header)
    assert_fault(response, "1.1", "Client.AuthenticationFailed", "invalid_token")


@pytest.mark.django_db
def test_other_authorization_schemes_are_not_credentials(client):
    read = envelope(f"<t:GetBook><t:id>{make_book().pk}</t:id></t:GetBook>")
    assert post_envelope(client, read, HTTP_AUTHORIZATION="Basic ZWRpdG9yOng=").status_code == 200
    response = post_envelope(client, CREATE_AUTHOR, HTTP_AUTHORIZATION="Basic ZWRpdG9yOng=")
    assert_fault(response, "1.1", "Client.AuthenticationFailed", "not_authenticated")


def test_zeep_with_a_bearer_session_writes_over_soap12(stack):
    client = zeep_client(stack, "1.2", bearer=tokens.mint())
    assert client.service.CreateAuthor({"name": "Bearer Zeep"}).name == "Bearer Zeep"
