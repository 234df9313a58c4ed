"""Metrics on every service (issue 17, section 2): REST and SOAP count requests by route or
operation and version, SOAP faults by code, SQL per request, Idempotency-Key replays and
WS-Security outcomes; /metrics answers loopback clients, or the bearer of METRICS_TOKEN."""

from __future__ import annotations

import pytest
from django.test import Client

from shared_models.models import Author
from tests import tokens
from tests.factories import book_body_v2, make_book, make_user
from tests.soap.conftest import envelope, post_envelope
from tests.soap.wsse import security_header
from tests.telemetry.metrics import value

pytestmark = pytest.mark.django_db

CREATE_AUTHOR = "<t:CreateAuthor><t:author><t:name>Octavia</t:name></t:author></t:CreateAuthor>"


def scrape(client: Client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def rest(settings) -> Client:
    settings.ROOT_URLCONF = "rest_service.urls"
    settings.SERVICE_NAME = "rest"
    return Client()


@pytest.fixture
def soap(settings) -> Client:
    settings.ROOT_URLCONF = "soap_service.urls"
    settings.SERVICE_NAME = "soap"
    return Client()


def test_a_rest_read_is_counted_by_route_version_and_status_with_its_queries(rest):
    book = make_book()
    labels = {"service": "rest", "route": "book-detail", "version": "v2", "status": "200"}
    before = scrape(rest)
    assert rest.get(f"/api/v2/books/{book.pk}/").status_code == 200
    after = scrape(rest)
    assert value(after, "catalog_requests_total", **labels) == (
        value(before, "catalog_requests_total", **labels) + 1
    )
    duration = {"service": "rest", "route": "book-detail", "version": "v2"}
    assert value(after, "catalog_request_duration_seconds_count", **duration) == (
        value(before, "catalog_request_duration_seconds_count", **duration) + 1
    )
    queries = value(after, "catalog_db_queries_total", service="rest") - value(
        before, "catalog_db_queries_total", service="rest"
    )
    assert queries >= 1


def test_a_soap_fault_is_counted_by_code_and_under_its_operation(soap):
    body = envelope("<t:GetBook><t:id>999999</t:id></t:GetBook>", version="1.2")
    labels = {"service": "soap", "route": "GetBook", "version": "1.2"}
    before = scrape(soap)
    response = post_envelope(soap, body, "1.2")
    assert response.status_code >= 400 and b"NotFound" in response.content
    status = str(response.status_code)  # SOAP 1.2's status for a Sender fault is not ours here
    after = scrape(soap)
    code = {"code": "Client.NotFound"}
    assert value(after, "catalog_soap_faults_total", **code) == (
        value(before, "catalog_soap_faults_total", **code) + 1
    )
    assert value(after, "catalog_requests_total", **labels, status=status) == (
        value(before, "catalog_requests_total", **labels, status=status) + 1
    )


def test_ws_security_outcomes_are_counted(soap):
    make_user("editor", "editor-pass")
    before = scrape(soap)
    post_envelope(soap, envelope(CREATE_AUTHOR, security_header("editor", "editor-pass")))
    post_envelope(soap, envelope(CREATE_AUTHOR, security_header("editor", "wrong")))
    after = scrape(soap)
    assert Author.objects.filter(name="Octavia").count() == 1
    for outcome in ("accepted", "refused"):
        assert value(after, "catalog_ws_security_total", outcome=outcome) == (
            value(before, "catalog_ws_security_total", outcome=outcome) + 1
        )


def test_an_idempotency_key_replay_is_counted(rest):
    editor = Client(HTTP_AUTHORIZATION=f"Bearer {tokens.mint(sub='102', scope='catalog:write')}")
    body = book_body_v2()
    before = scrape(rest)
    for _ in range(2):
        response = editor.post(
            "/api/v2/books/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
        )
        assert response.status_code == 201
    after = scrape(rest)
    assert value(after, "catalog_idempotency_replays_total") == (
        value(before, "catalog_idempotency_replays_total") + 1
    )


def test_metrics_are_refused_to_a_client_off_loopback(rest):
    assert rest.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403


def test_with_a_metrics_token_only_its_bearer_may_read_them(rest, settings):
    settings.METRICS_TOKEN = "s3cret"
    assert rest.get("/metrics").status_code == 403
    allowed = rest.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret")
    assert allowed.status_code == 200 and b"catalog_requests_total" in allowed.content
