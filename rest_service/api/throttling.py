"""Password guessing is slowed at the token endpoint, per client address. The rate is read
from settings on every request (not captured in a class attribute at import, DRF's #6030 trap);
everything else is rate-limited at the gateway."""

from __future__ import annotations

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView


class LoginRateThrottle(SimpleRateThrottle):
    scope = "login"

    def get_rate(self) -> str:
        return settings.JWT_LOGIN_RATE

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
