"""Swagger UI and the OpenAPI document through the gateway: /api/docs/ reaches the REST service
as it is (no version negotiation), and every asset the page loads, and the document it reads,
answers through the gateway too. The REST service's own views and WhiteNoise stand behind it,
in this process."""

from __future__ import annotations

import pytest

from tests.gateway.conftest import FakeUpstream
from tests.gateway.fakes import served_by
from tests.gateway.html import loaded_urls


@pytest.fixture
def rest_service() -> FakeUpstream:
    return FakeUpstream(handler=served_by("rest_service.urls"))


def test_swagger_ui_and_everything_it_loads_answer_through_the_gateway(
    harness_factory, rest_service
):
    async def scenario(gw):
        page = await gw.request("GET", "/api/docs/")
        loaded = loaded_urls(page.body.decode())
        return page, {url: await gw.request("GET", url) for url in loaded}

    page, loaded = harness_factory(scenario, rest=rest_service)
    assert page.status == 200
    assert page.header("content-type").startswith("text/html")
    assert "/api/schema/" in loaded
    assert any(url.endswith("/swagger-ui-bundle.js") for url in loaded)
    assert {url: reply.status for url, reply in loaded.items()} == dict.fromkeys(loaded, 200)
    assert all(reply.body for reply in loaded.values())


def test_the_docs_and_their_assets_reach_the_rest_service_unversioned(
    harness_factory, rest_service
):
    asset = "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css"

    async def scenario(gw):
        for path in ("/api/docs/", asset, "/api/schema/"):
            await gw.request("GET", path)

    harness_factory(scenario, rest=rest_service)
    assert [r.url.path for r in rest_service.requests] == ["/api/docs/", asset, "/api/schema/"]
