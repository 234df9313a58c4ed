"""The access-token contract every verifier shares (credentials/tokens.py), and the JWT attack
list."""

import time

import pytest

from credentials import keys
from credentials.tokens import (
    MAX_TOKEN_LENGTH,
    TokenRejected,
    bearer_token,
    keyset_resolver,
    verify_access_token,
)
from tests import tokens


@pytest.fixture
def verify(settings):
    pem = keys.public_key_pem()
    resolver = keyset_resolver({keys.public_jwk(pem).kid: pem})

    def run(token):
        return verify_access_token(
            token, resolve_key=resolver, issuer=settings.JWT_ISSUER, audience=settings.JWT_AUDIENCE
        )

    return run


def _rejected(verify, token) -> str:
    with pytest.raises(TokenRejected) as caught:
        verify(token)
    return caught.value.code


def test_a_valid_token_yields_subject_and_scopes(verify):
    claims = verify(tokens.mint(sub="7", scope="catalog:read"))
    assert claims.subject == "7"
    assert claims.scopes == {"catalog:read"}
    assert not claims.has_scope("catalog:write")


def test_expired_tokens_are_refused_beyond_the_leeway(verify):
    now = int(time.time())
    assert verify(tokens.mint(exp=now - 10, iat=now - 400)).subject == "1"
    assert _rejected(verify, tokens.mint(exp=now - 120, iat=now - 400)) == "expired"


def test_tokens_not_yet_valid_are_refused(verify):
    assert _rejected(verify, tokens.mint(nbf=int(time.time()) + 600)) == "not_yet_valid"


def test_wrong_issuer_and_audience_are_refused(verify):
    assert _rejected(verify, tokens.mint(iss="urn:someone:else")) == "wrong_issuer"
    assert _rejected(verify, tokens.mint(aud="urn:other:api")) == "wrong_audience"


def test_alg_none_is_refused(verify):
    assert _rejected(verify, tokens.unsigned()) in {"bad_algorithm", "malformed"}


def test_hs256_signed_with_the_public_key_is_refused(verify):
    assert _rejected(verify, tokens.hs256_with_public_key()) in {"bad_algorithm", "malformed"}


def test_a_tampered_payload_is_refused(verify):
    assert _rejected(verify, tokens.tampered()) == "bad_signature"


def test_an_unknown_kid_is_refused(verify):
    assert _rejected(verify, tokens.mint(headers={"kid": "../../etc/passwd"})) == "unknown_key"


def test_refresh_tokens_are_not_access_tokens(verify):
    assert _rejected(verify, tokens.mint(token_type="refresh")) == "wrong_type"


def test_a_token_without_subject_is_refused(verify):
    assert _rejected(verify, tokens.mint(sub=None)) == "missing_claim"


def test_very_long_tokens_are_refused_before_parsing(verify):
    assert _rejected(verify, "a" * (MAX_TOKEN_LENGTH + 1)) == "malformed"


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x.y.z"])
def test_garbage_is_malformed(verify, garbage):
    assert _rejected(verify, garbage) == "malformed"


def test_a_bearer_header_yields_its_token_and_other_schemes_none():
    assert bearer_token("Bearer abc.def.ghi") == "abc.def.ghi"
    assert bearer_token("bearer  abc ") == "abc"
    assert bearer_token("Basic ZWRpdG9yOng=") is None and bearer_token("") is None
    for malformed in ("Bearer", "Bearer ", "Bearer two words"):
        with pytest.raises(TokenRejected) as caught:
            bearer_token(malformed)
        assert caught.value.code == "malformed"
