"""Which requests the gateway proxies, to which upstream, as which route class.

    /api/v1/…, /api/v2/…, /api/…   rest   read (GET, HEAD, OPTIONS) or write (anything else);
                                          unversioned paths are negotiated (versioning.py);
                                          writes to the caller's own jobs and webhooks (an
                                          export, a cancel, a webhook) need catalog:read only
    /api/schema/                   rest   read, not versioned (the OpenAPI document)
    /api/docs/, /static/…          rest   read, not versioned (Swagger UI and its assets)
    /auth/token/…, /api/token/…    rest   token: the issuer's endpoints at /api/token/…
    /.well-known/jwks.json         rest   token
    /soap/…, /soap12/…             soap   soap (a read or a write by operation, see soap.py)

Anything else is not proxied (the router hands it to Django: the landing page at /, /healthz,
/readyz, /metrics, /compare/).

Metadata (`is_metadata`) is the documents clients and people set themselves up from: the WSDLs
(GET /soap/…?wsdl, /soap12/…?wsdl), the OpenAPI document, Swagger UI and its assets (/api/docs/,
/static/…) and the JWKS. It has its own rate-limit policy (ratelimit.py), whatever its route
class: one look at Swagger UI fetched its page, scripts and stylesheets (five or more requests)
from the anonymous budget of 60 a minute that its "Try it out" then needed.

A path is refused (400) before it goes anywhere if it could mean one thing to the gateway and
another to the upstream: encoded slashes, backslashes or dots (%2F, %5C, %2E), NUL, `.` or `..`
segments, empty segments (`//`), non-ASCII bytes. What is forwarded is the client's own raw
path (re-prefixed for versions and tokens), never a re-encoding of the decoded one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from gateway.errors import RequestRefused


class RouteClass(StrEnum):
    READ = "read"
    WRITE = "write"
    TOKEN = "token"
    SOAP = "soap"


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_STATIC = "/static/"  # the REST service's static files (Swagger UI), served through the gateway
PROXIED_PREFIXES = (
    "/api/",
    "/auth/token/",
    "/soap/",
    "/soap12/",
    "/.well-known/jwks.json",
    _STATIC,
)
_UNVERSIONED = ("/api/schema/", "/api/docs/", _STATIC)
_REFUSED_ESCAPES = re.compile(rb"%(?:2[fFeE]|5[cC]|00)")
_TOKEN_PREFIX = b"/auth/token/"
_OWN_JOB_RESOURCES = re.compile(r"/api/(?:v2/)?(?:books/export/|jobs/|webhooks/)")
_METADATA_PATHS = frozenset({"/api/schema/", "/api/docs/", "/.well-known/jwks.json"})
_WSDL_QUERY = re.compile(rb"(?:^|&)wsdl(?:=|&|$)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Route:
    route_class: RouteClass
    upstream: str
    path: bytes  # raw, as it goes upstream (before version negotiation)
    negotiate_version: bool = False
    changes_catalog: bool = False  # needs catalog:write


def is_proxied(path: str) -> bool:
    return path.startswith(PROXIED_PREFIXES)


def resolve(method: str, path: str, raw_path: bytes) -> Route:
    """The route for a proxied path; raises RequestRefused for an ambiguous one."""
    check_path(path, raw_path)
    if path.startswith(("/soap/", "/soap12/")):
        return Route(RouteClass.SOAP, "soap", raw_path)
    if path.startswith("/auth/token/"):
        return Route(RouteClass.TOKEN, "rest", b"/api/token/" + raw_path[len(_TOKEN_PREFIX) :])
    if path.startswith("/api/token/") or path == "/.well-known/jwks.json":
        return Route(RouteClass.TOKEN, "rest", raw_path)
    route_class = RouteClass.READ if method in SAFE_METHODS else RouteClass.WRITE
    if path.startswith(_UNVERSIONED):
        return Route(route_class, "rest", raw_path, changes_catalog=route_class is RouteClass.WRITE)
    changes_catalog = route_class is RouteClass.WRITE and not _OWN_JOB_RESOURCES.match(path)
    return Route(
        route_class, "rest", raw_path, negotiate_version=True, changes_catalog=changes_catalog
    )


def is_metadata(method: str, path: str, query_string: bytes) -> bool:
    if method not in SAFE_METHODS:
        return False
    if path.startswith(("/soap/", "/soap12/")):
        return _WSDL_QUERY.search(query_string) is not None
    return path in _METADATA_PATHS or path.startswith(_STATIC)


def check_path(path: str, raw_path: bytes) -> None:
    if not raw_path.isascii() or _REFUSED_ESCAPES.search(raw_path):
        raise RequestRefused("The path contains an encoded slash, backslash, dot or NUL.")
    if "\\" in path or "\x00" in path:
        raise RequestRefused("The path contains a backslash or NUL.")
    segments = path.split("/")[1:]
    if any(segment in (".", "..") for segment in segments) or "" in segments[:-1]:
        raise RequestRefused("The path contains an empty, '.' or '..' segment.")
