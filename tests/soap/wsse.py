"""WS-Security UsernameToken headers written by hand, for the cases clients never send."""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import UTC, datetime

from catalog_contract.namespaces import PASSWORD_DIGEST, PASSWORD_TEXT, WSSE, WSU


def utc_stamp(instant: datetime | None = None) -> str:
    return (instant or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def password_digest(nonce: bytes, created: str, secret: str) -> str:
    return base64.b64encode(
        hashlib.sha1(nonce + created.encode() + secret.encode()).digest()
    ).decode()


def security_header(
    username: str,
    password: str,
    *,
    digest: bool = False,
    nonce: bytes | None = None,
    created: str | None = None,
    password_type: str | None = None,
    omit: tuple[str, ...] = (),
) -> str:
    """A wsse:Security header (the envelope prefix is `e`); the digest is computed from
    `password`; `omit` leaves out "Nonce" and/or "Created"."""
    extra = ""
    if digest:
        nonce = nonce if nonce is not None else os.urandom(16)
        created = created or utc_stamp()
        password = password_digest(nonce, created, password)
        if "Nonce" not in omit:
            extra += f"<wsse:Nonce>{base64.b64encode(nonce).decode()}</wsse:Nonce>"
        if "Created" not in omit:
            extra += f"<wsu:Created>{created}</wsu:Created>"
    kind = password_type or (PASSWORD_DIGEST if digest else PASSWORD_TEXT)
    return (
        f'<wsse:Security xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}" '
        'e:mustUnderstand="1"><wsse:UsernameToken>'
        f"<wsse:Username>{username}</wsse:Username>"
        f'<wsse:Password Type="{kind}">{password}</wsse:Password>{extra}'
        "</wsse:UsernameToken></wsse:Security>"
    )
