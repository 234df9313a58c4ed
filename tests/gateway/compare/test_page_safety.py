"""The compare page is off in production unless enabled, refuses cross-site posts, and says so
plainly when it cannot reach the gateway it calls."""

import pytest
from django.test import Client

from config.env import compare_page_enabled
from tests.gateway.compare.pages import run
from tests.processes import free_port

pytestmark = pytest.mark.usefixtures("page_settings")


@pytest.mark.parametrize(
    ("environment", "enabled"),
    [
        ({}, True),
        ({"CATALOG_ENV": "production"}, False),
        ({"CATALOG_ENV": "production", "GATEWAY_COMPARE_PAGE": "true"}, True),
        ({"GATEWAY_COMPARE_PAGE": "false"}, False),
    ],
)
def test_the_page_is_on_by_default_and_off_in_production_unless_enabled(
    monkeypatch, environment, enabled
):
    monkeypatch.delenv("CATALOG_ENV", raising=False)
    monkeypatch.delenv("GATEWAY_COMPARE_PAGE", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert compare_page_enabled() is enabled


@pytest.mark.parametrize(
    "path", ["/compare/", "/compare/report/", "/compare/report/results.json",
             "/compare/static/compare.css"],
)  # fmt: skip
def test_every_page_of_a_switched_off_compare_page_is_not_found(client, settings, path):
    settings.GATEWAY_COMPARE_PAGE = False
    assert client.get(path).status_code == 404
    assert client.post("/compare/", {"operation": "get_book", "book_id": "1"}).status_code == 404


def test_a_post_without_the_csrf_token_is_refused():
    response = Client(enforce_csrf_checks=True).post(
        "/compare/", {"operation": "get_book", "book_id": "1"}
    )
    assert response.status_code == 403


def test_an_unreachable_gateway_is_shown_as_no_answer_in_both_columns(client, settings):
    settings.GATEWAY_COMPARE_URL = f"http://127.0.0.1:{free_port()}"
    result = run(client, operation="get_book", book_id=1)
    assert result.status == 200
    for protocol in ("rest", "soap"):
        assert "No answer: the gateway could not be reached" in result.text(protocol)
    assert "No verdict: no answer from REST and SOAP to compare." in result.html


def test_the_pages_own_static_files_are_served_and_nothing_else(client):
    css = client.get("/compare/static/compare.css")
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    assert client.get("/compare/static/compare.js")["Content-Type"].startswith("text/javascript")
    assert client.get("/compare/static/views.py").status_code == 404
    assert client.get("/compare/static/..%2Fviews.py").status_code == 404
