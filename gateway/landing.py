"""The gateway's front page (/): where a person who opens the gateway's address finds the API
documentation, the OpenAPI document, the WSDLs, the compare page and the health endpoints.
Docker publishes only the gateway, so this is the one address such a person knows."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@dataclass(frozen=True, slots=True)
class Link:
    href: str
    title: str
    about: str


def links() -> list[Link]:
    """What the page lists; the compare page only while it is on (GATEWAY_COMPARE_PAGE)."""
    listed = [
        Link("/api/docs/", "REST API documentation", "Swagger UI: every endpoint, to try out"),
        Link("/api/schema/", "OpenAPI document", "OpenAPI 3 (YAML), both API versions"),
        Link("/soap/catalog/?wsdl", "WSDL, SOAP 1.1", "document/literal wrapped"),
        Link("/soap12/catalog/?wsdl", "WSDL, SOAP 1.2", "the same operations over SOAP 1.2"),
    ]
    if settings.GATEWAY_COMPARE_PAGE:
        listed.append(
            Link("/compare/", "REST and SOAP, side by side", "one operation both ways, and the "
                 "benchmark report")
        )  # fmt: skip
    listed += [
        Link("/healthz", "Health", "this gateway process is up"),
        Link("/readyz", "Readiness", "upstreams, circuit breakers and Redis"),
    ]
    return listed


@require_safe
async def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "gateway/landing.html", {"links": links()})
