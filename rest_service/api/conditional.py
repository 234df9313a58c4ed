"""Conditional requests on books (RFC 9110): a strong ETag from the book's version.

GET answers 304 when If-None-Match names the current version. PUT, PATCH and DELETE must send
If-Match (428 otherwise): the version it names goes to the service, which compares it in the
same UPDATE/DELETE that writes, so a stale write is refused (412) and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.http import parse_etags
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from catalog_contract.errors import PRECONDITION_REQUIRED
from shared_models.errors import StaleVersion


class PreconditionRequired(APIException):
    status_code = PRECONDITION_REQUIRED.status
    default_code = PRECONDITION_REQUIRED.code
    default_detail = "Send If-Match with the ETag you last read (GET the resource first)."


def etag(version: int, variant: str = "") -> str:
    """The full book's tag is its version ("3"); a sparse one's names its selection too
    ("3-f7", rest_service.api.sparse), so the two never validate each other."""
    return f'"{version}-{variant}"' if variant else f'"{version}"'


def _version(tag: str, variant: str = "") -> int | None:
    """The version in a strong ETag of ours for this variant ("3", "3-f7"); None for weak or
    foreign tags and for another variant's."""
    inner = tag[1:-1] if len(tag) >= 2 and tag[0] == tag[-1] == '"' else ""
    if variant:
        inner, dash, tail = inner.rpartition("-")
        if not dash or tail != variant:
            return None
    return int(inner) if inner.isdigit() and len(inner) < 19 else None


def not_modified(request: Request, version: int, variant: str = "") -> bool:
    """If-None-Match uses the weak comparison: W/"3" matches "3"."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    tags = parse_etags(header)
    held = {_version(tag.removeprefix("W/"), variant) for tag in tags}
    return tags == ["*"] or version in held


def expected_version(request: Request, *, current: Callable[[], int], label: object) -> int | None:
    """The version If-Match lets this write apply to; None for `*` (any current version, RFC 9110
    13.1.1: the write applies as long as the book exists, even if another write lands first).

    `current` reads the resource's version (raising NotFound if it is gone); it is only called
    when the header alone cannot decide: missing, or not exactly one version.
    """
    header = request.headers.get("If-Match")
    if header is None:
        current()  # a missing resource is a 404 before it is a 428
        raise PreconditionRequired()
    tags = parse_etags(header)
    if tags == ["*"]:
        return None
    versions = {v for tag in tags if (v := _version(tag)) is not None}
    if len(versions) == 1:
        return versions.pop()
    now = current()
    if now in versions:
        return now
    raise StaleVersion("Book", label, now)
