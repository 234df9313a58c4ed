"""WS-Security PasswordDigest secrets: a second, SOAP-only credential per user.

A UsernameToken with PasswordDigest carries Base64(SHA-1(nonce + created + secret)), so the
verifier must know the secret itself; Django keeps only a one-way hash of the login password.
Rather than weaken password storage for every user, a user who wants PasswordDigest gets a
separate secret (`manage.py wsse_secret USERNAME`), stored encrypted with a key derived from the
Django SECRET_KEY (HKDF-SHA256 -> Fernet). A database dump alone reveals no secret; rotating
SECRET_KEY invalidates every digest secret (set them again). PasswordText keeps working against
the login password as usual, and users without a digest secret simply cannot use PasswordDigest.

The demo users of the embedded default get their demo password as digest secret, so
`editor` / `editor-pass` works in both forms.
"""

from __future__ import annotations

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.auth.models import User

from shared_models.models import WsSecuritySecret

_KEY_INFO = b"bookcatalog ws-security digest secret v1"


@cache
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def set_digest_secret(user: User, secret: str) -> None:
    token = _fernet(settings.SECRET_KEY).encrypt(secret.encode()).decode()
    WsSecuritySecret.objects.update_or_create(user=user, defaults={"encrypted_secret": token})


def digest_secret(user: User) -> str | None:
    """The user's digest secret, or None if they have none (or it was sealed with another key)."""
    token = (
        WsSecuritySecret.objects.filter(user=user)
        .values_list("encrypted_secret", flat=True)
        .first()
    )
    if token is None:
        return None
    try:
        return _fernet(settings.SECRET_KEY).decrypt(token.encode()).decode()
    except InvalidToken:
        return None
