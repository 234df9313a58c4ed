"""Where a webhook may be sent: the server-side request forgery policy.

Only http(s) URLs without credentials. The host is resolved once and the address checked is the
one the delivery then connects to (no second lookup a DNS rebinding could answer differently).
Loopback is allowed only where WEBHOOK_ALLOW_LOOPBACK says (the embedded default, so a local
listener works); private, link-local (cloud metadata at 169.254.169.254 among them), multicast,
reserved and unspecified addresses never, unless a network in WEBHOOK_ALLOWED_NETWORKS holds them.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from shared_models.validation import FieldError

MAX_URL_LENGTH = 2000
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The URL names a place webhooks may not go; the message says why."""


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str
    address: str
    port: int
    path: str

    @property
    def url(self) -> str:
        """The URL connected to: the checked address itself, never the name again."""
        literal = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.scheme}://{literal}:{self.port}{self.path}"


def clean_webhook_url(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_URL_LENGTH:
        raise FieldError(f"Must be an http(s) URL of at most {MAX_URL_LENGTH} characters.")
    try:
        resolve_target(value)
    except TargetRefused as exc:
        raise FieldError(str(exc)) from None
    return value


def _parts(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused("Not a valid URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("Only http and https URLs with a host are accepted.")
    if parts.username or parts.password:
        raise TargetRefused("Credentials in the URL are not accepted.")
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def resolve_target(url: str) -> Target:
    scheme, host, port, path = _parts(url)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise TargetRefused(f"The host {host!r} does not resolve.") from None
    address = str(found[0][4][0])  # an IPv6 socket address is typed (str, int, int, int)
    refusal = address_refusal(ipaddress.ip_address(address))
    if refusal:
        raise TargetRefused(f"The host {host!r} resolves to {address}, {refusal}.")
    return Target(scheme, host, address, port, path)


def address_refusal(address: IPAddress) -> str | None:
    """Why webhooks may not reach `address`, or None if they may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address in ipaddress.ip_network(net) for net in settings.WEBHOOK_ALLOWED_NETWORKS):
        return None
    if address.is_loopback:
        return None if settings.WEBHOOK_ALLOW_LOOPBACK else "a loopback address"
    if address.is_link_local:
        return "a link-local address (cloud metadata lives there)"
    if address.is_private or not address.is_global:
        return "a private or reserved address"
    if address.is_multicast:
        return "a multicast address"
    return None
