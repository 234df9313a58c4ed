"""A request id on every request and response (`X-Request-ID`): taken from the caller (the
gateway sets one) when it is a sane token, generated otherwise; a REST 500 problem and a SOAP Server
fault quote it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if _ACCEPTABLE.match(offered) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # read back by getattr
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
