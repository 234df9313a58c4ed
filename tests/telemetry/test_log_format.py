"""One log format (issue 17, section 3): every line of every service is a JSON object with an
RFC 3339 UTC time to the millisecond, level, logger, message, request id, trace and span id."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from tests.factories import make_book
from tests.soap.conftest import envelope, post_envelope
from tests.telemetry.logs import TRACE, TRACEPARENT, json_log, parsed_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def access_log(settings):
    settings.ACCESS_LOG = True
    return settings


def test_a_rest_request_logs_json_lines_carrying_its_request_and_trace_id(access_log):
    access_log.ROOT_URLCONF = "rest_service.urls"
    book = make_book()
    with json_log() as stream:
        response = Client().get(
            f"/api/v2/books/{book.pk}/", HTTP_X_REQUEST_ID="req-rest", HTTP_TRACEPARENT=TRACEPARENT
        )
    assert response.status_code == 200
    access = [e for e in parsed_lines(stream.getvalue()) if e["logger"] == "catalog.access"]
    assert len(access) == 1
    assert (access[0]["level"], access[0]["status"]) == ("INFO", 200)
    assert (access[0]["request_id"], access[0]["trace_id"]) == ("req-rest", TRACE)


def test_a_soap_fault_logs_json_lines_carrying_its_request_and_trace_id(access_log):
    access_log.ROOT_URLCONF = "soap_service.urls"
    body = envelope("<t:GetBook><t:id>999999</t:id></t:GetBook>")
    with json_log() as stream:
        response = post_envelope(
            Client(), body, HTTP_X_REQUEST_ID="req-soap", HTTP_TRACEPARENT=TRACEPARENT
        )
    assert response.status_code == 500 and b"NotFound" in response.content
    entries = parsed_lines(stream.getvalue())
    assert {e["logger"] for e in entries} >= {"catalog.access"}
    assert all((e["request_id"], e["trace_id"]) == ("req-soap", TRACE) for e in entries)


def test_a_line_logged_outside_any_request_has_the_schema_with_empty_ids():
    with json_log() as stream:
        logging.getLogger("catalog.test").warning("starting %s", "up")
    (entry,) = parsed_lines(stream.getvalue())
    assert (entry["level"], entry["logger"], entry["message"]) == (
        "WARNING",
        "catalog.test",
        "starting up",
    )
    assert entry["request_id"] is None and entry["trace_id"] is None
