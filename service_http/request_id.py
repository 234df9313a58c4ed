"""A request id on every request and response (`X-Request-ID`): taken from the caller (the
gateway sets one) when it is a sane token, generated otherwise; a REST 500 problem and a SOAP Server
fault quote it. Every line logged while the request runs carries it, and the trace id of its
`traceparent` (telemetry.log_context)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from telemetry import log_context

_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if _ACCEPTABLE.match(offered) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # read back by getattr
        bound = log_context.bind(request_id, request.headers.get("traceparent"))
        try:
            response = self.get_response(request)
        finally:
            log_context.unbind(bound)
        response["X-Request-ID"] = request_id
        return response
