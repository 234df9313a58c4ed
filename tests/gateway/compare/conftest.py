"""The compare page's tests: the view in this process (its settings as the gateway's: no
middleware, its own templates) sending its requests to a real stack (REST, SOAP and the gateway
under `catalog serve`), shared by the package's tests; the browser test loads the page from that
stack's gateway."""

from __future__ import annotations

import httpx
import pytest

from gateway import settings as gateway_settings
from tests.processes import Stack, live_stack

ROOMY_LIMITS = {
    # The page's requests all come from the gateway's own address: room for the whole package.
    "GATEWAY_RATELIMIT_ANONYMOUS": "10000/minute",
    "GATEWAY_RATELIMIT_USER": "10000/minute",
    "GATEWAY_RATELIMIT_WRITES": "10000/minute",
    "GATEWAY_RATELIMIT_NAMESPACE": "compare-live-test",
    "GATEWAY_ACCESS_LOG": "false",
}


@pytest.fixture(scope="package")
def stack(tmp_path_factory) -> Stack:
    folder = tmp_path_factory.mktemp("compare-live")
    with live_stack(folder, services=("rest", "soap", "gateway"), books=120, env=ROOMY_LIMITS) as s:
        yield s


@pytest.fixture(scope="package")
def catalog(stack) -> httpx.Client:
    """The live REST service, to look at the catalog the page worked on."""
    with httpx.Client(base_url=stack.url("rest"), timeout=30) as client:
        yield client


@pytest.fixture
def page_settings(settings, tmp_path):
    """The gateway's Django side as it runs (no middleware, its templates), the page on, no
    benchmark report, and no stack: tests that run operations add `live_page`."""
    settings.ROOT_URLCONF = "gateway.urls"
    settings.MIDDLEWARE = []
    settings.TEMPLATES = gateway_settings.TEMPLATES
    settings.GATEWAY_COMPARE_PAGE = True
    settings.GATEWAY_COMPARE_REPORT_DIR = str(tmp_path / "no-report")
    settings.GATEWAY_COMPARE_TIMEOUT_SECONDS = 30.0
    return settings


@pytest.fixture
def live_page(page_settings, stack):
    page_settings.GATEWAY_COMPARE_URL = stack.url("gateway")
    return page_settings
