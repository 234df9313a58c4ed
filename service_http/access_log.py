"""One access line per request for the WSGI services (REST, SOAP), through logging, so it takes
the service's format: a JSON object with the fields below in production, a readable line on a
laptop. gunicorn's own access log stays off: it cannot quote our request id.

    {"logger": "catalog.access", "message": "GET /api/v2/books/ 200", "method": "GET",
     "path": "/api/v2/books/", "status": 200, "duration_ms": 4.1, "bytes": 5230,
     "request_id": "…", "peer": "10.0.0.5", "forwarded_for": "203.0.113.7", ...}

Off unless ACCESS_LOG (on by default in production); the setting is read when the middleware is
built, so a process that has it off pays nothing per request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("catalog.access")


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not settings.ACCESS_LOG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        status = response.status_code
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "bytes": None if response.streaming else len(response.content),
                "request_id": getattr(request, "request_id", ""),
                "peer": request.META.get("REMOTE_ADDR"),
                # Behind the gateway: the client address it vouches for (it replaces, never
                # appends to, the header). Written by the client itself when it calls us directly.
                "forwarded_for": request.headers.get("X-Forwarded-For"),
            },
        )
        return response
