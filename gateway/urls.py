"""The gateway's own pages, served by Django; proxied paths never get here (asgi.py)."""

from django.urls import include, path, re_path

from gateway.health import readyz
from gateway.landing import landing
from service_http.health import healthz
from telemetry.prometheus import metrics_view
from telemetry.trace_store import trace_view

urlpatterns = [
    path("", landing),
    path("healthz", healthz("gateway")),
    path("readyz", readyz),
    path("metrics", metrics_view),
    re_path(r"^traces/(?P<trace_id>[0-9a-fA-F]{32})$", trace_view),
    path("compare/", include("gateway.compare.urls")),
]
