"""The SOAP service's URLs: SOAP 1.1 and 1.2 endpoints (WSDL at ?wsdl), health and metrics."""

from django.urls import path

from service_http.health import healthz
from soap_service.views import SoapView
from telemetry.prometheus import metrics_view

urlpatterns = [
    path("healthz", healthz("soap")),
    path("metrics", metrics_view),
    path("soap/catalog/", SoapView("1.1"), name="soap11"),
    path("soap12/catalog/", SoapView("1.2"), name="soap12"),
]
