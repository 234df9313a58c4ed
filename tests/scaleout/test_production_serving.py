"""The REST and SOAP services as production runs them (`catalog serve` under gunicorn with
CATALOG_ENV=production): secure headers on every answer, unknown hosts refused, HSTS only where
opted in and the request is known to be HTTPS, and one JSON object per log line on stdout, the
servers' own lines and one access line per request included."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.processes import live_stack
from tests.scaleout.conftest import production_variables


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    env = {
        **production_variables(folder),
        "DJANGO_HSTS_SECONDS": "31536000",
        "DJANGO_TRUST_FORWARDED_HEADERS": "true",
    }
    with live_stack(folder, services=("rest", "soap"), books=5, env=env) as running:
        yield running


def _log_lines(stack, service: str) -> list[dict]:
    text = stack.servers[service].log_path.read_text()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("service, path", [("rest", "/api/v2/books/"), ("soap", "/healthz")])
def test_answers_carry_the_secure_headers(stack, service, path):
    response = httpx.get(stack.url(service, path))
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_hsts_is_sent_only_on_requests_the_trusted_proxy_marks_as_https(stack):
    plain = httpx.get(stack.url("rest", "/api/v2/books/"))
    proxied = httpx.get(stack.url("rest", "/api/v2/books/"), headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in plain.headers
    assert proxied.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_a_host_outside_allowed_hosts_is_refused(stack):
    response = httpx.get(stack.url("rest", "/api/v2/books/"), headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"


def test_every_log_line_is_a_json_object_and_requests_are_logged_with_their_id(stack):
    response = httpx.get(stack.url("rest", "/api/v2/books/?page_size=2"))
    request_id = response.headers["X-Request-ID"]
    lines = _log_lines(stack, "rest")  # raises if any line is not JSON
    access = [line for line in lines if line.get("request_id") == request_id]
    assert len(access) == 1
    assert access[0]["logger"] == "catalog.access"
    assert (access[0]["method"], access[0]["path"], access[0]["status"]) == (
        "GET",
        "/api/v2/books/",
        200,
    )
    assert access[0]["bytes"] == response.num_bytes_downloaded  # as sent: compressed here


def test_the_servers_own_lines_are_json_too(stack):
    messages = [line["message"] for line in _log_lines(stack, "soap")]
    assert any(message.startswith("Listening at: http://127.0.0.1:") for message in messages)
    assert any(message.startswith("Booting worker with pid") for message in messages)
