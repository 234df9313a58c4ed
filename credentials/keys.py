"""Secrets and JWT key material: read from files named by the environment, generated in development.

Production must name its files (or pass the Django secret in the environment); nothing is
generated there. In development the first process to need a key creates it under `var/`
(git-ignored). Creation is atomic (write a temporary file, then hard-link it into place) because
several gunicorn workers may start at once and must all end up with the same key.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from django.core.exceptions import ImproperlyConfigured

from config.env import env_list, env_str, is_production, var_dir


def _write_once(path: Path, content: bytes) -> None:
    """Create `path` with `content` unless it already exists; the first writer wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(tmp, 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def _read_required(path: Path, variable: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(f"{variable}={path} cannot be read: {exc.strerror}") from None


def django_secret_key() -> str:
    """DJANGO_SECRET_KEY, or the file DJANGO_SECRET_KEY_FILE, or a generated dev secret."""
    if value := env_str("DJANGO_SECRET_KEY"):
        return value
    if file_name := env_str("DJANGO_SECRET_KEY_FILE"):
        return _read_required(Path(file_name), "DJANGO_SECRET_KEY_FILE").decode().strip()
    if is_production():
        raise ImproperlyConfigured("production needs DJANGO_SECRET_KEY or DJANGO_SECRET_KEY_FILE")
    path = var_dir() / "secret_key"
    _write_once(path, secrets.token_urlsafe(50).encode())
    return path.read_text().strip()


def private_key_path() -> Path:
    return Path(env_str("JWT_PRIVATE_KEY_FILE") or var_dir() / "keys" / "jwt-private.pem")


def public_key_path() -> Path:
    return Path(env_str("JWT_PUBLIC_KEY_FILE") or var_dir() / "keys" / "jwt-public.pem")


def ensure_dev_keypair() -> None:
    """Generate the dev RS256 key pair on first run; a no-op once both exist, or in production."""
    if not is_production():
        _ensure_keypair(private_key_path(), public_key_path())


def _ensure_keypair(private_path: Path, public_path: Path) -> None:
    if private_path.exists() and public_path.exists():
        return
    if not private_path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        _write_once(
            private_path,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
    private = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    _write_once(public_path, _public_pem(private.public_key()))


def _public_pem(public_key: PublicKeyTypes) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def private_key_pem() -> str:
    ensure_dev_keypair()
    return _read_required(private_key_path(), "JWT_PRIVATE_KEY_FILE").decode()


def public_key_pem() -> str:
    ensure_dev_keypair()
    return _read_required(public_key_path(), "JWT_PUBLIC_KEY_FILE").decode()


def previous_public_key_pems() -> list[str]:
    """JWT_PREVIOUS_PUBLIC_KEY_FILES (comma-separated): the public keys of signing keys rotated
    out. Tokens they signed stay valid until they expire: the JWKS keeps publishing them and
    REST and SOAP keep accepting them. Drop a file once JWT_ACCESS_MINUTES and JWT_REFRESH_HOURS
    have passed since the rotation."""
    return [
        _read_required(Path(name), "JWT_PREVIOUS_PUBLIC_KEY_FILES").decode()
        for name in env_list("JWT_PREVIOUS_PUBLIC_KEY_FILES", [])
    ]


def honoured_keys(current_pem: str, previous_pems: Sequence[str]) -> dict[str, str]:
    """`kid` -> public PEM of every key whose tokens are honoured, the current signing key's
    first: what the JWKS publishes and what the services verify with."""
    return {public_jwk(pem).kid: pem for pem in (current_pem, *previous_pems)}


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass(frozen=True)
class PublicJwk:
    kid: str
    n: str
    e: str

    def as_dict(self) -> dict[str, str]:
        return {
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": self.n,
            "e": self.e,
        }


@cache
def public_jwk(public_pem: str) -> PublicJwk:
    """The JWK of an RSA public key; its `kid` is the RFC 7638 thumbprint, stable for the key."""
    key = serialization.load_pem_public_key(public_pem.encode())
    if not isinstance(key, rsa.RSAPublicKey):
        raise ImproperlyConfigured("the JWT public key must be an RSA key")
    numbers = key.public_numbers()
    n, e = _b64url_uint(numbers.n), _b64url_uint(numbers.e)
    canonical = json.dumps({"e": e, "kty": "RSA", "n": n}, separators=(",", ":"))
    kid = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=")
    return PublicJwk(kid=kid.decode(), n=n, e=e)


def write_secret_files(directory: Path) -> list[Path]:
    """Files for DJANGO_SECRET_KEY_FILE, JWT_PRIVATE_KEY_FILE and JWT_PUBLIC_KEY_FILE; existing
    ones are kept, so running it twice never rotates a deployment's keys by accident."""
    secret, private, public = (
        directory / "django_secret_key",
        directory / "jwt-private.pem",
        directory / "jwt-public.pem",
    )
    _write_once(secret, secrets.token_urlsafe(50).encode())
    _ensure_keypair(private, public)
    # The directory guards the secrets on the host; the files stay readable so that compose can
    # bind-mount them into containers running as a non-root user.
    os.chmod(directory, 0o700)
    for path in (secret, private, public):
        os.chmod(path, 0o644)
    return [secret, private, public]
