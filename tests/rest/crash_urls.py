"""The REST service's URLs plus one plain Django view that crashes, to prove the Django-level
500 handler answers a problem too."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from rest_service.urls import *  # noqa: F403 (the handlers too)
from rest_service.urls import urlpatterns as service_urlpatterns


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals")


urlpatterns = [path("crash", crash), *service_urlpatterns]
