"""Bearer tokens on the API: reads are open, writes need catalog:write, and a token that fails
any check is a 401 even on a read (RFC 6750), whatever way it is bad."""

import time

import pytest

from tests import tokens
from tests.factories import make_book
from tests.rest.conftest import client_with
from tests.rest.problems import assert_problem

pytestmark = pytest.mark.django_db

BAD_TOKENS = {
    "expired": lambda: tokens.mint(exp=int(time.time()) - 120, iat=int(time.time()) - 600),
    "tampered": tokens.tampered,
    "wrong audience": lambda: tokens.mint(aud="urn:somebody:else"),
    "wrong issuer": lambda: tokens.mint(iss="urn:somebody:else"),
    "alg none": tokens.unsigned,
    "HS256 signed with the public key": tokens.hs256_with_public_key,
    "a refresh token": lambda: tokens.mint(token_type="refresh"),
    "unknown kid": lambda: tokens.mint(headers={"kid": "someone-elses-key"}),
    "not yet valid": lambda: tokens.mint(nbf=int(time.time()) + 600),
    "no subject": lambda: tokens.mint(sub=None),
    "garbage": lambda: "not.a.jwt",
}


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_a_bad_token_is_401_on_a_read(kind):
    response = client_with(BAD_TOKENS[kind]()).get("/api/v2/books/")
    assert_problem(response, 401, "invalid-token")
    assert response["WWW-Authenticate"].startswith('Bearer realm="catalog", error="invalid_token"')


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_a_bad_token_is_401_on_a_write(kind):
    response = client_with(BAD_TOKENS[kind]()).post("/api/v2/authors/", {"name": "X"},
                                                    format="json")  # fmt: skip
    assert_problem(response, 401, "invalid-token")


def test_an_empty_bearer_header_is_401(anonymous):
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer ")
    assert_problem(anonymous.get("/api/v2/books/"), 401, "invalid-token")


def test_other_authorization_schemes_are_anonymous(anonymous):
    anonymous.credentials(HTTP_AUTHORIZATION="Basic ZWRpdG9yOmVkaXRvci1wYXNz")
    assert anonymous.get("/api/v2/books/").status_code == 200
    assert_problem(anonymous.post("/api/v2/authors/", {"name": "X"}, format="json"), 401,
                   "not-authenticated")  # fmt: skip


def test_reads_are_open_to_everyone(anonymous, reader):
    book = make_book()
    assert anonymous.get(f"/api/v2/books/{book.pk}/").status_code == 200
    assert reader.get(f"/api/v2/books/{book.pk}/").status_code == 200


def test_a_read_scope_token_may_not_write(reader):
    response = reader.post("/api/v2/authors/", {"name": "X"}, format="json")
    assert_problem(response, 403, "insufficient-scope")


def test_a_write_scope_token_may_write(editor):
    assert editor.post("/api/v2/authors/", {"name": "X"}, format="json").status_code == 201
