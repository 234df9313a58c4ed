"""The REST service's URLs plus one view that stays in flight until the test opens its gate, so
a test can deliver SIGTERM while a request is provably being served (no sleeps in the test).

    GET /api/v2/gated/?gate=DIR   touches DIR/entered, waits for DIR/open, answers 200

Served with DJANGO_SETTINGS_MODULE=tests.scaleout.gated_settings.
"""

import time
from pathlib import Path

from django.http import HttpRequest, JsonResponse
from django.urls import path

from rest_service.urls import *  # noqa: F403 (the handlers too)
from rest_service.urls import urlpatterns as service_urlpatterns

GATE_WAIT_LIMIT_SECONDS = 60  # a gate the test never opens must not hang the suite


def gated(request: HttpRequest) -> JsonResponse:
    gate = Path(request.GET["gate"])
    (gate / "entered").touch()
    deadline = time.monotonic() + GATE_WAIT_LIMIT_SECONDS
    while not (gate / "open").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return JsonResponse({"finished": (gate / "open").exists()})


urlpatterns = [path("api/v2/gated/", gated), *service_urlpatterns]
