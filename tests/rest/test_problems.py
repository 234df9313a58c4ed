"""Every error class answers application/problem+json (RFC 9457) with type, title, status,
detail and instance, and no traceback; DRF's errors and Django's own (unknown URLs, crashes)
alike."""

import pytest
from django.db import OperationalError
from django.test import Client

from shared_models import selectors
from tests.factories import make_book
from tests.rest.problems import assert_problem

pytestmark = pytest.mark.django_db


def test_invalid_input_is_400_with_field_errors(editor):
    response = editor.post("/api/v2/authors/", {"name": ""}, format="json")
    assert assert_problem(response, 400, "invalid")["errors"] == {"name": ["Must not be blank."]}


def test_malformed_json_is_400(editor):
    response = editor.generic("POST", "/api/v2/authors/", b'{"name": ', "application/json")
    assert_problem(response, 400, "parse-error")


def test_deeply_nested_json_is_400_not_a_crash(editor):
    response = editor.generic("POST", "/api/v2/authors/", b"[" * 100_000, "application/json")
    assert_problem(response, 400, "parse-error")


def test_a_body_over_the_size_limit_is_413(editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = b'{"name": "' + b"x" * 2000 + b'"}'
    response = editor.generic("POST", "/api/v2/authors/", body, "application/json")
    assert_problem(response, 413, "content-too-large")


def test_a_request_django_refuses_is_a_400_problem(settings):
    settings.ALLOWED_HOSTS = ["catalog.example"]
    response = Client(HTTP_HOST="evil.example").get("/api/v2/books/")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("/bad-request")


def test_a_write_without_a_token_is_401_with_a_bearer_challenge(anonymous):
    response = anonymous.post("/api/v2/authors/", {"name": "X"}, format="json")
    assert_problem(response, 401, "not-authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="catalog"'


def test_a_write_without_the_scope_is_403_naming_the_scope(reader):
    response = reader.post("/api/v2/authors/", {"name": "X"}, format="json")
    assert "catalog:write" in assert_problem(response, 403, "insufficient-scope")["detail"]
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]


def test_an_unknown_id_is_404(anonymous):
    assert_problem(anonymous.get("/api/v2/authors/31337/"), 404, "not-found")


@pytest.mark.parametrize("path", ["/nothing-here", "/api/v3/books/", "/api/v2/unicorns/"])
def test_an_unknown_url_is_a_404_problem(anonymous, path):
    body = assert_problem(anonymous.get(path), 404, "not-found")
    if path.startswith("/api/"):
        assert "v1" in body["detail"] and "v2" in body["detail"]


def test_a_method_the_resource_lacks_is_405_with_allow(editor):
    response = editor.post(f"/api/v2/books/{make_book().pk}/", {}, format="json")
    assert_problem(response, 405, "method-not-allowed")
    assert "POST" not in response["Allow"] and "PUT" in response["Allow"]


def test_an_unservable_accept_is_406(anonymous):
    assert_problem(anonymous.get("/api/v2/books/", HTTP_ACCEPT="application/xml"), 406,
                   "not-acceptable")  # fmt: skip


def test_a_body_that_is_not_json_is_415(editor):
    response = editor.generic("POST", "/api/v2/authors/", b"name=X", "text/plain")
    assert_problem(response, 415, "unsupported-media-type")


def test_a_crash_in_a_view_is_a_500_quoting_the_request_id(anonymous, monkeypatch, caplog):
    def explode(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "book_list", explode)
    response = anonymous.get("/api/v2/books/", HTTP_X_REQUEST_ID="req-42")
    body = assert_problem(response, 500, "server-error")
    assert body["request_id"] == "req-42" and "req-42" in body["detail"]
    assert response["X-Request-ID"] == "req-42"
    assert "secret internals" not in response.content.decode()
    assert "secret internals" in caplog.text  # logged for the operator, not shown


def test_a_crash_outside_drf_is_a_500_problem_too(settings):
    settings.ROOT_URLCONF = "tests.rest.crash_urls"
    response = Client(raise_request_exception=False).get("/crash")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/server-error") and body["request_id"] == response["X-Request-ID"]
    assert "secret internals" not in response.content.decode()


def test_every_response_carries_a_request_id(anonymous):
    generated = anonymous.get("/api/v2/books/")["X-Request-ID"]
    assert len(generated) == 32
    assert anonymous.get("/api/v2/books/", HTTP_X_REQUEST_ID="a\nb")["X-Request-ID"] != "a\nb"


def test_an_unreachable_database_is_a_503_to_retry_not_a_crash(anonymous, monkeypatch, caplog):
    def down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(selectors, "book_list", down)
    response = anonymous.get("/api/v2/books/")
    body = assert_problem(response, 503, "service-unavailable")
    assert response["Retry-After"] == "5"
    assert "connection refused" not in body["detail"]
    assert [record.levelname for record in caplog.records if "unavailable" in record.message] == [
        "WARNING"
    ]
