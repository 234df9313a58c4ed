"""WS-Security UsernameToken (OASIS Username Token Profile 1.0), checked against Django's users.

Spyne has no WS-Security, and declaring the wsse header as a Spyne model produces a WSDL that zeep
and suds cannot load (spyne #419), so the header is read from the raw envelope instead
(soap_service.auth calls `verify_username_token` with the wsse:Security element).

- PasswordText: the user's login password, checked by Django's authentication backend (so only
  active users pass, and unknown users cost as much as wrong passwords). Send it over TLS.
  A password hash costs ~0.5 s of CPU by design and SOAP clients send the token on every call, so
  a success is remembered in the process for PASSWORD_MEMO_SECONDS, keyed by an HMAC of the
  credentials (never the password itself) and tied to the stored hash: changing the password or
  deactivating the user ends it at once.
- PasswordDigest: Base64(SHA-1(nonce + created + secret)) against the user's digest secret
  (shared_models.credentials: a secret of its own, since Django keeps only password hashes).
  `Created` must lie within WSSE_MAX_CLOCK_SKEW_SECONDS of our clock, and each nonce is accepted
  once: it is remembered in the shared "wsse-nonces" cache for twice the skew, so every worker
  and replica refuses a replay for as long as its timestamp could still pass.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import caches
from lxml import etree

from catalog_contract.namespaces import PASSWORD_DIGEST, PASSWORD_TEXT, WSSE, WSU
from shared_models.clock import Clock, system_clock
from shared_models.credentials import digest_secret
from soap_service.faults import AuthenticationFailedFault

SECURITY_HEADER = f"{{{WSSE}}}Security"
NONCE_CACHE = "wsse-nonces"
MAX_NONCE_LENGTH = 128  # base64 characters; nonces are typically 16 random bytes
PASSWORD_MEMO_SECONDS = 300
PASSWORD_MEMO_SIZE = 1024

_REFUSED = "The username or password is wrong."


@dataclass(frozen=True, slots=True)
class UsernameToken:
    username: str
    password: str
    password_type: str
    nonce: str | None
    created: str | None


def read_username_token(security: etree._Element) -> UsernameToken:
    token = security.find(f"{{{WSSE}}}UsernameToken")
    if token is None:
        raise AuthenticationFailedFault("wsse:Security holds no wsse:UsernameToken.")
    password = token.find(f"{{{WSSE}}}Password")
    if password is None:
        raise AuthenticationFailedFault("The UsernameToken has no wsse:Password.")
    return UsernameToken(
        username=(token.findtext(f"{{{WSSE}}}Username") or "").strip(),
        password=(password.text or "").strip(),
        password_type=password.get("Type", PASSWORD_TEXT),
        nonce=_stripped(token.findtext(f"{{{WSSE}}}Nonce")),
        created=_stripped(token.findtext(f"{{{WSU}}}Created")),
    )


def _stripped(value: str | None) -> str | None:
    return value.strip() if value is not None else None


def verify_username_token(
    security: etree._Element, *, clock: Clock = system_clock
) -> AbstractBaseUser:
    """The active user the token proves to be, or AuthenticationFailedFault."""
    token = read_username_token(security)
    if token.password_type == PASSWORD_TEXT:
        user = _password_memo.user(token, clock) or _password_user(token, clock)
    elif token.password_type == PASSWORD_DIGEST:
        user = _digest_user(token, clock)
    else:
        raise AuthenticationFailedFault("Unsupported password type: use PasswordText or Digest.")
    if user is None:
        raise AuthenticationFailedFault(_REFUSED)
    return user


def _password_user(token: UsernameToken, clock: Clock) -> AbstractBaseUser | None:
    user = authenticate(username=token.username, password=token.password)
    if user is not None:
        _password_memo.remember(token, user, clock)
    return user


class _PasswordMemo:
    """Successful PasswordText checks of this process: HMAC(credentials) -> (user, hash, until)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[int, str, datetime]] = {}

    def user(self, token: UsernameToken, clock: Clock) -> AbstractBaseUser | None:
        entry = self._entries.get(self._key(token))
        if entry is None or entry[2] < clock.now():
            return None
        user_id, password_hash, _ = entry
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        return user if user is not None and user.password == password_hash else None

    def remember(self, token: UsernameToken, user: AbstractBaseUser, clock: Clock) -> None:
        until = clock.now() + timedelta(seconds=PASSWORD_MEMO_SECONDS)
        with self._lock:
            if len(self._entries) >= PASSWORD_MEMO_SIZE:
                self._entries.clear()
            self._entries[self._key(token)] = (user.pk, user.password, until)

    @staticmethod
    def _key(token: UsernameToken) -> str:
        message = f"{token.username}\0{token.password}".encode()
        return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


_password_memo = _PasswordMemo()


def _digest_user(token: UsernameToken, clock: Clock) -> AbstractBaseUser | None:
    if not token.nonce or not token.created:
        raise AuthenticationFailedFault("PasswordDigest needs wsse:Nonce and wsu:Created.")
    nonce = _nonce_bytes(token.nonce)
    _check_fresh(token.created, clock)
    user = get_user_model().objects.filter(username=token.username, is_active=True).first()
    secret = digest_secret(user) if user is not None else None
    if secret is None:
        return None
    expected = base64.b64encode(
        hashlib.sha1(nonce + token.created.encode() + secret.encode()).digest()
    )
    if not hmac.compare_digest(expected, token.password.encode()):
        return None
    _remember_nonce(token.nonce)
    return user


def _nonce_bytes(nonce: str) -> bytes:
    try:
        if len(nonce) > MAX_NONCE_LENGTH:
            raise ValueError
        return base64.b64decode(nonce, validate=True)
    except (binascii.Error, ValueError):
        raise AuthenticationFailedFault("wsse:Nonce must be base64, at most 96 bytes.") from None


def _check_fresh(created: str, clock: Clock) -> None:
    try:
        instant = datetime.fromisoformat(created)
    except ValueError:
        raise AuthenticationFailedFault("wsu:Created must be an ISO 8601 instant.") from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    skew = settings.WSSE_MAX_CLOCK_SKEW_SECONDS
    if abs((clock.now() - instant).total_seconds()) > skew:
        raise AuthenticationFailedFault(
            f"wsu:Created is more than {skew} seconds away from the server's clock."
        )


def _remember_nonce(nonce: str) -> None:
    """Atomic across processes (Redis SET NX / the cache table's primary key)."""
    key = "n:" + hashlib.sha256(nonce.encode()).hexdigest()
    if not caches[NONCE_CACHE].add(key, 1, timeout=2 * settings.WSSE_MAX_CLOCK_SKEW_SECONDS):
        raise AuthenticationFailedFault("This wsse:Nonce was used before (replay refused).")
