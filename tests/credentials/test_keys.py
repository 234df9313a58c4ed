"""Secrets and JWT keys: generated once in development, never in production."""

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured

from credentials import keys


@pytest.fixture
def var_dir(monkeypatch, tmp_path):
    for name in ("JWT_PRIVATE_KEY_FILE", "JWT_PUBLIC_KEY_FILE", "DJANGO_SECRET_KEY",
                 "DJANGO_SECRET_KEY_FILE", "CATALOG_ENV"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CATALOG_VAR_DIR", str(tmp_path))
    return tmp_path


def test_dev_key_pair_is_generated_once_and_then_reused(var_dir):
    first = keys.private_key_pem(), keys.public_key_pem()
    second = keys.private_key_pem(), keys.public_key_pem()
    assert first == second
    assert (var_dir / "keys" / "jwt-private.pem").stat().st_mode & 0o777 == 0o600
    private = serialization.load_pem_private_key(first[0].encode(), password=None)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert public.decode() == first[1]


def test_production_never_generates_keys(var_dir, monkeypatch):
    monkeypatch.setenv("CATALOG_ENV", "production")
    with pytest.raises(ImproperlyConfigured, match="JWT_PRIVATE_KEY_FILE"):
        keys.private_key_pem()
    assert not (var_dir / "keys").exists()


def test_production_needs_a_django_secret(var_dir, monkeypatch):
    monkeypatch.setenv("CATALOG_ENV", "production")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        keys.django_secret_key()
    secret_file = var_dir / "secret"
    secret_file.write_text("from-a-file\n")
    monkeypatch.setenv("DJANGO_SECRET_KEY_FILE", str(secret_file))
    assert keys.django_secret_key() == "from-a-file"


def test_dev_secret_is_generated_once(var_dir):
    assert keys.django_secret_key() == keys.django_secret_key()
    assert len(keys.django_secret_key()) >= 50


def _b64(data: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)), "big")


def test_kid_is_the_rfc_7638_thumbprint():
    """The example key of RFC 7638 section 3.1 and its published thumbprint."""
    n = (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_B"
        "JECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_F"
        "DW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4"
        "vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    )
    public = rsa.RSAPublicNumbers(e=65537, n=_b64(n)).public_key()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    jwk = keys.public_jwk(pem)
    assert jwk.kid == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    assert jwk.as_dict()["n"] == n
