"""Which REST API version a request is for.

    /api/v1/…, /api/v2/…                       the path says it
    /api/… with Accept-Version: 2 (or v2)      the header says it
    /api/… with Accept: application/vnd.bookcatalog.v2+json
    /api/… with neither                        the latest (v2)

An unknown version, in the path or a header, is a 404 problem listing the supported ones. The
vendor media type is replaced by application/json on the way upstream (the REST service renders
JSON and would answer 406 to a type it does not know).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gateway.errors import RouteNotFound

SUPPORTED_VERSIONS = ("v1", "v2")
LATEST_VERSION = "v2"

_PATH_VERSION = re.compile(rb"^/api/(v[0-9]+)(?:/|$)")
_VENDOR_TYPE = re.compile(rb"application/vnd\.bookcatalog\.(v[0-9]+)\+json")
_HEADER_VERSION = re.compile(rb"^\s*v?([0-9]+)\s*$")


@dataclass(frozen=True, slots=True)
class Negotiated:
    version: str
    path: bytes
    accept: bytes | None  # the Accept header to send upstream; None: leave it as it is


def negotiate(raw_path: bytes, accept_version: bytes | None, accept: bytes | None) -> Negotiated:
    vendor = _VENDOR_TYPE.search(accept) if accept else None
    upstream_accept = _VENDOR_TYPE.sub(b"application/json", accept) if vendor and accept else None
    if match := _PATH_VERSION.match(raw_path):
        return Negotiated(_supported(match.group(1).decode()), raw_path, upstream_accept)
    if accept_version is not None:
        version = _from_header(accept_version)
    elif vendor:
        version = _supported(vendor.group(1).decode())
    else:
        version = LATEST_VERSION
    path = b"/api/" + version.encode() + b"/" + raw_path[len(b"/api/") :]
    return Negotiated(version, path, upstream_accept)


def _from_header(value: bytes) -> str:
    match = _HEADER_VERSION.match(value)
    return _supported("v" + match.group(1).decode() if match else value.decode("latin-1"))


def _supported(version: str) -> str:
    if version in SUPPORTED_VERSIONS:
        return version
    raise RouteNotFound(
        f"API version {version!r} does not exist; supported versions: "
        f"{', '.join(SUPPORTED_VERSIONS)} (v1 is deprecated).",
        supported_versions=list(SUPPORTED_VERSIONS),
    )
