"""The gateway's front page at /: a link to each thing a visitor to the gateway comes for."""

from __future__ import annotations

import pytest

from tests.gateway.html import links

EVERY_TIME = [
    "/api/docs/",
    "/api/schema/",
    "/soap/catalog/?wsdl",
    "/soap12/catalog/?wsdl",
    "/healthz",
    "/readyz",
]


@pytest.fixture
def gateway_pages(settings):
    """The gateway's Django side as it runs: its URLs, no middleware."""
    settings.ROOT_URLCONF = "gateway.urls"
    settings.MIDDLEWARE = []
    return settings


def test_the_front_page_links_the_docs_the_wsdls_the_compare_page_and_health(client, gateway_pages):
    gateway_pages.GATEWAY_COMPARE_PAGE = True
    page = client.get("/")
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert sorted(links(page.content.decode())) == sorted([*EVERY_TIME, "/compare/"])


def test_the_compare_page_is_not_linked_while_it_is_off(client, gateway_pages):
    gateway_pages.GATEWAY_COMPARE_PAGE = False
    assert sorted(links(client.get("/").content.decode())) == sorted(EVERY_TIME)


def test_the_front_page_is_read_only(client, gateway_pages):
    assert client.post("/").status_code == 405
