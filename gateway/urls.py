"""The gateway's own pages, served by Django; proxied paths never get here (asgi.py)."""

from django.urls import include, path

from gateway.health import readyz
from gateway.landing import landing
from gateway.metrics import metrics_view
from service_http.health import healthz

urlpatterns = [
    path("", landing),
    path("healthz", healthz("gateway")),
    path("readyz", readyz),
    path("metrics", metrics_view),
    path("compare/", include("gateway.compare.urls")),
]
