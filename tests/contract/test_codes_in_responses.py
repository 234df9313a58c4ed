"""Each condition, provoked for real, is answered with the table's code: a REST problem of the
table's status, type and title, a SOAP fault of the table's faultcode and code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from catalog_contract.errors import BY_CODE
from catalog_contract.media_types import PROBLEM_JSON
from tests import tokens
from tests.factories import make_book
from tests.soap.conftest import envelope, post_envelope
from tests.soap.faults import read_fault

pytestmark = pytest.mark.django_db

GET_BOOK = "<t:GetBook><t:id>987654321</t:id></t:GetBook>"
MUST_UNDERSTAND = '<x:Ping xmlns:x="urn:x" e:mustUnderstand="1"/>'  # e: the envelope's prefix
CREATE_GENRE = (
    "<t:CreateGenre><t:genre><t:slug>sf</t:slug><t:name>SF</t:name></t:genre></t:CreateGenre>"
)
AUTHOR = {"name": "Ursula K. Le Guin"}


def _rest(scope: str | None = None, bearer: str | None = None) -> APIClient:
    client = APIClient()
    token = bearer or (tokens.mint(sub="102", scope=scope) if scope else None)
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _editor() -> APIClient:
    return _rest("catalog:read catalog:write")


def _too_large(settings: Any) -> Any:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = b'{"name": "' + b"x" * 2000 + b'"}'
    return _editor().generic("POST", "/api/v2/authors/", body, "application/json")


def _bad_host(settings: Any) -> Any:
    settings.ALLOWED_HOSTS = ["catalog.example"]
    return APIClient(HTTP_HOST="evil.example").get("/api/v2/books/")


REST: dict[str, Callable[[Any], Any]] = {
    "invalid": lambda _: _rest().get("/api/v2/books/", {"min_price": "abc"}),
    "parse_error": lambda _: _editor().generic(
        "POST", "/api/v2/authors/", b'{"name": ', "application/json"
    ),
    "bad_request": _bad_host,
    "not_authenticated": lambda _: _rest().post("/api/v2/authors/", AUTHOR, format="json"),
    "authentication_failed": lambda _: _rest().post(
        "/api/token/", {"username": "nobody", "password": "wrong"}, format="json"
    ),
    "invalid_token": lambda _: _rest(bearer="not-a-token").get("/api/v2/books/"),
    "insufficient_scope": lambda _: _rest("catalog:read").post(
        "/api/v2/authors/", AUTHOR, format="json"
    ),
    "not_found": lambda _: _rest().get("/api/v2/books/987654321/"),
    "method_not_allowed": lambda _: _editor().delete("/api/v2/books/"),
    "not_acceptable": lambda _: _rest().get("/api/v2/books/", HTTP_ACCEPT="text/csv"),
    "content_too_large": _too_large,
    "unsupported_media_type": lambda _: _editor().generic(
        "POST", "/api/v2/authors/", b"name=x", "text/plain"
    ),
    "precondition_required": lambda _: _editor().delete(f"/api/v2/books/{make_book().pk}/"),
}

SOAP: dict[str, Callable[[Any], tuple[Any, str]]] = {
    "invalid": lambda c: (
        post_envelope(c, envelope("<t:GetBook><t:id>abc</t:id></t:GetBook>")),
        "1.1",
    ),
    "malformed_request": lambda c: (post_envelope(c, envelope(GET_BOOK + GET_BOOK)), "1.1"),
    "malformed_xml": lambda c: (post_envelope(c, b"<e:Envelope"), "1.1"),
    "xml_threat": lambda c: (
        post_envelope(c, b'<!DOCTYPE e [<!ENTITY x "x">]>' + envelope(GET_BOOK)),
        "1.1",
    ),
    "not_authenticated": lambda c: (post_envelope(c, envelope(CREATE_GENRE)), "1.1"),
    "invalid_token": lambda c: (
        post_envelope(c, envelope(GET_BOOK), HTTP_AUTHORIZATION="Bearer not-a-token"),
        "1.1",
    ),
    "insufficient_scope": lambda c: (
        post_envelope(
            c,
            envelope(CREATE_GENRE),
            HTTP_AUTHORIZATION=f"Bearer {tokens.mint(sub='101', scope='catalog:read')}",
        ),
        "1.1",
    ),
    "not_found": lambda c: (post_envelope(c, envelope(GET_BOOK)), "1.1"),
    "method_not_allowed": lambda c: (c.put("/soap/catalog/"), "1.1"),
    "unsupported_media_type": lambda c: (
        c.post("/soap/catalog/", data=envelope(GET_BOOK), content_type="application/json"),
        "1.1",
    ),
    "version_mismatch": lambda c: (post_envelope(c, envelope(GET_BOOK, version="1.2")), "1.1"),
    "must_understand": lambda c: (
        post_envelope(c, envelope(GET_BOOK, header=MUST_UNDERSTAND)),
        "1.1",
    ),
}

PRODUCED = frozenset(REST) | frozenset(SOAP)


@pytest.mark.parametrize("code", sorted(REST))
def test_rest_answers_the_condition_with_the_table_s_status_type_and_title(code, settings):
    settings.ROOT_URLCONF = "rest_service.urls"
    settings.JWT_LOGIN_RATE = "10000/minute"
    kind = BY_CODE[code]
    response = REST[code](settings)
    assert response.status_code == kind.status, response.content
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert (body["type"], body["title"], body["status"]) == (
        kind.problem_type,
        kind.title,
        kind.status,
    )


@pytest.mark.parametrize("code", sorted(SOAP))
def test_soap_answers_the_condition_with_the_table_s_faultcode_and_code(code, client, settings):
    settings.ROOT_URLCONF = "soap_service.urls"
    kind = BY_CODE[code]
    response, version = SOAP[code](client)
    fault = read_fault(response, version)
    assert (fault.faultcode, fault.code) == (kind.faultcode, kind.code)
