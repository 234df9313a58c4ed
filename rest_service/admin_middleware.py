"""The middleware only the admin uses (sessions, CSRF, authentication, messages), run for the
admin's URLs alone.

The API authenticates every request by its bearer token, keeps no session and sets no message,
so on its paths these four are pure cost: profiled in-process, MessageMiddleware alone (it builds
a cookie signer for every request) took 8 % of a REST book GET, and the four ~120 Python calls of
every request. They stay in MIDDLEWARE as subclasses of Django's own, so the admin's system
checks still find them, and behave exactly as Django's under ADMIN_PREFIX.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpRequest, HttpResponse
from django.middleware import csrf

ADMIN_PREFIX = "/admin/"  # rest_service/urls.py mounts the admin here


def for_the_admin(request: HttpRequest) -> bool:
    return request.path_info.startswith(ADMIN_PREFIX)


class AdminOnly:
    """Mixin for a Django middleware class: anything but an admin request passes it untouched."""

    get_response: Any

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if for_the_admin(request):
            return super().__call__(request)  # type: ignore[misc]
        return self.get_response(request)


class SessionMiddleware(AdminOnly, sessions.SessionMiddleware):
    pass


class CsrfViewMiddleware(AdminOnly, csrf.CsrfViewMiddleware):
    def process_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if for_the_admin(request):
            return super().process_view(request, *args, **kwargs)
        return None


class AuthenticationMiddleware(AdminOnly, auth.AuthenticationMiddleware):
    pass


class MessageMiddleware(AdminOnly, messages.MessageMiddleware):
    pass
