"""Who the client is, as far as the network can say, safe against spoofed X-Forwarded-For.

With GATEWAY_TRUSTED_PROXIES = N (default 0), exactly N proxies we run stand in front of the
gateway, each appending the address it saw to X-Forwarded-For. The client is then the N-th
address from the right; anything further left was written by the client and is ignored. With
N = 0 the peer address is the client and X-Forwarded-For is not read at all. A header shorter
than N means the request did not come through our proxies: the peer address counts.

Likewise X-Forwarded-Proto and X-Forwarded-Host are believed only from a trusted proxy.
Upstreams are then told one address (X-Forwarded-For: <client>): the gateway is the trust
boundary, so a service behind it never has to judge a client-written header.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Origin:
    client_ip: str
    proto: str
    host: str


def _header_values(headers: list[tuple[bytes, bytes]], name: bytes) -> list[str]:
    values: list[str] = []
    for key, value in headers:
        if key == name:
            values.extend(part.strip() for part in value.decode("latin-1").split(","))
    return [value for value in values if value]


def origin(scope: dict[str, Any], trusted_proxies: int) -> Origin:
    headers = scope["headers"]
    peer = (scope.get("client") or ("unknown", 0))[0]
    host = next((v.decode("latin-1") for k, v in headers if k == b"host"), "")
    proto = scope.get("scheme", "http")
    if trusted_proxies <= 0:
        return Origin(peer, proto, host)
    forwarded_for = _header_values(headers, b"x-forwarded-for")
    client = forwarded_for[-trusted_proxies] if len(forwarded_for) >= trusted_proxies else peer
    forwarded_proto = _header_values(headers, b"x-forwarded-proto")
    forwarded_host = _header_values(headers, b"x-forwarded-host")
    return Origin(
        client,
        forwarded_proto[-1] if forwarded_proto else proto,
        forwarded_host[-1] if forwarded_host else host,
    )
