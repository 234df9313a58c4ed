"""Rotating the signing key: REST restarts with a new private key and keeps publishing the old
public key (JWT_PREVIOUS_PUBLIC_KEY_FILES). Both gateway replicas pick the new key up on the
first token that names it, and tokens signed before the rotation keep working, for reads at the
gateways and for writes that REST itself verifies, until the old key is no longer published."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
import jwt
import pytest

from credentials.keys import public_jwk, write_secret_files
from tests.scaleout.conftest import Replicas, books_with_isbn, new_book_body, replicated_gateways


@dataclass
class Rotation:
    replicas: Replicas
    old_token: str
    old_public: Path
    new_private: Path
    new_public: Path

    def restart_rest(self, **key_files: Path) -> None:
        """REST restarted on its port with other key files, the gateways left running."""
        rest = self.replicas.stack.servers["rest"]
        rest.stop()
        rest.env.pop("JWT_PREVIOUS_PUBLIC_KEY_FILES", None)
        rest.env.update({name: str(path) for name, path in key_files.items()})
        rest.start()


@pytest.fixture(scope="module")
def rotation(tmp_path_factory, redis_url):
    folder = tmp_path_factory.mktemp("rotation")
    _, old_private, old_public = write_secret_files(folder / "old")
    _, new_private, new_public = write_secret_files(folder / "new")
    with replicated_gateways(
        folder,
        redis_url,
        JWT_PRIVATE_KEY_FILE=str(old_private),
        JWT_PUBLIC_KEY_FILE=str(old_public),
        GATEWAY_JWKS_MIN_INTERVAL_SECONDS="0",  # refresh on every unknown kid
    ) as replicas:
        old_token = replicas.token()
        assert [_read(url, old_token) for url in replicas.urls] == [200, 200]
        yield Rotation(replicas, old_token, old_public, new_private, new_public)


def _kid(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def _read(url: str, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(f"{url}/api/v2/genres/", headers=headers, timeout=30).status_code


def test_both_replicas_accept_tokens_of_the_new_key_and_of_the_old_one(rotation):
    rotation.restart_rest(
        JWT_PRIVATE_KEY_FILE=rotation.new_private,
        JWT_PUBLIC_KEY_FILE=rotation.new_public,
        JWT_PREVIOUS_PUBLIC_KEY_FILES=rotation.old_public,
    )
    replicas, old_token = rotation.replicas, rotation.old_token
    new_token = replicas.token()
    jwks = httpx.get(replicas.stack.url("rest", "/.well-known/jwks.json")).json()

    assert _kid(new_token) == public_jwk(rotation.new_public.read_text()).kid != _kid(old_token)
    assert [key["kid"] for key in jwks["keys"]] == [_kid(new_token), _kid(old_token)]
    assert [_read(url, new_token) for url in reversed(replicas.urls)] == [200, 200]
    assert [_read(url, old_token) for url in replicas.urls] == [200, 200]
    body = new_book_body(replicas, 3)
    written = httpx.post(
        f"{replicas.urls[1]}/api/v2/books/",
        json=body,
        headers={"Authorization": f"Bearer {old_token}"},
        timeout=30,
    )
    assert written.status_code == 201, written.text
    assert len(books_with_isbn(replicas, body["isbn"])) == 1


def test_a_token_of_a_key_no_longer_published_is_refused_by_both_replicas(rotation):
    rotation.restart_rest(
        JWT_PRIVATE_KEY_FILE=rotation.new_private, JWT_PUBLIC_KEY_FILE=rotation.new_public
    )
    replicas = rotation.replicas
    assert [_read(url, replicas.token()) for url in replicas.urls] == [200, 200]
    assert [_read(url, rotation.old_token) for url in replicas.urls] == [401, 401]
