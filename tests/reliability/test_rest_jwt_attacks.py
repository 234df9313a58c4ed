"""The JWT attack list on the REST service, beyond what tests/rest/test_bearer_tokens.py and
tests/credentials/test_tokens.py already prove (alg none, HS256 with the public key, expired, not
yet valid, wrong iss/aud, tampered payload, unknown kid, refresh token, no subject): header tricks
that make naive verifiers fetch or trust another key, `kid` values built to reach a file or a
query, signature stripping, and tokens far too long, in process and on the real server."""

from __future__ import annotations

import httpx
import pytest

from tests import tokens
from tests.factories import make_book
from tests.rest.conftest import client_with
from tests.rest.problems import assert_problem

pytestmark = pytest.mark.django_db


ATTACKS = tokens.FORGERIES


@pytest.mark.parametrize("attack", ATTACKS)
def test_every_forged_or_twisted_token_is_refused_even_on_a_read(attack):
    book = make_book()
    response = client_with(ATTACKS[attack]()).get(f"/api/v2/books/{book.pk}/")
    assert_problem(response, 401, "invalid-token")


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_forged_token_can_write(attack):
    response = client_with(ATTACKS[attack]()).post("/api/v2/authors/", {"name": "Forged"},
                                                   format="json")  # fmt: skip
    assert_problem(response, 401, "invalid-token")


@pytest.mark.parametrize("size", [9_000, 64_000, 1_000_000])
def test_a_huge_bearer_header_on_the_real_server_is_refused_not_a_crash(rest_url, size):
    try:
        response = httpx.get(f"{rest_url}/api/v2/books/", timeout=30,
                             headers={"Authorization": "Bearer " + "a" * size})  # fmt: skip
    except httpx.RemoteProtocolError:
        return  # the server closed the connection on the oversized header: refused, no 5xx
    assert response.status_code in (400, 401, 431), response.status_code
    assert httpx.get(f"{rest_url}/healthz", timeout=30).status_code == 200
