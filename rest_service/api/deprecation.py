"""API v1 is deprecated: every v1 response says so (RFC 9745 `Deprecation`, RFC 8594 `Sunset`)
and names its v2 successor (`Link: <...>; rel="successor-version"`). The dates are settings
(REST_V1_DEPRECATED_AT, REST_V1_SUNSET_AT), read per response."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.http import http_date

V1_PREFIX = "/api/v1/"
V2_PREFIX = "/api/v2/"


def mark_deprecated(request: HttpRequest, response: HttpResponseBase) -> None:
    deprecated_at, sunset_at = settings.REST_V1_DEPRECATED_AT, settings.REST_V1_SUNSET_AT
    successor = request.build_absolute_uri(request.get_full_path().replace(V1_PREFIX, V2_PREFIX, 1))
    response["Deprecation"] = f"@{int(deprecated_at.timestamp())}"
    response["Sunset"] = http_date(sunset_at.timestamp())
    response["Link"] = f'<{successor}>; rel="successor-version"'
