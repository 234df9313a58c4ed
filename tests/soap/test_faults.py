"""Every row of the error table as a fault: faultcode (1.1) or Code/Subcode (1.2), the machine
code and details in tns:CatalogFault, the HTTP status per SOAP version, and never a traceback."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from django.db import OperationalError

from shared_models import selectors
from shared_models.errors import InUse
from shared_models.models import Book
from soap_service.faults import RateLimitedFault, fault_for_domain_error
from tests import tokens
from tests.factories import make_author, make_book, make_publisher, valid_isbn
from tests.soap.conftest import envelope, post_envelope
from tests.soap.faults import T, assert_fault

pytestmark = pytest.mark.django_db
VERSIONS = pytest.mark.parametrize("version", ["1.1", "1.2"])


@pytest.fixture
def editor() -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.mint(scope='catalog:read catalog:write')}"}


def book_xml(isbn: str, author_id: int, publisher_id: int, **fields: str) -> str:
    values = {
        "isbn": isbn, "title": "Kindred", "author_ids": f"<t:id>{author_id}</t:id>",
        "publisher_id": str(publisher_id), "published_date": "1979-06-01", "language": "en",
        "pages": "264", "price": "<t:amount>8.99</t:amount><t:currency>EUR</t:currency>",
    } | fields  # fmt: skip
    return "<t:book>" + "".join(f"<t:{k}>{v}</t:{k}>" for k, v in values.items()) + "</t:book>"


@VERSIONS
def test_input_against_the_schema_lists_every_refused_element(client, editor, version):
    body = (
        "<t:CreateBook><t:book><t:isbn>12</t:isbn><t:title></t:title><t:author_ids><t:id>0</t:id>"
        "</t:author_ids><t:publisher_id>x</t:publisher_id></t:book></t:CreateBook>"
    )
    response = post_envelope(client, envelope(body, version=version), version, **editor)
    fault = assert_fault(response, version, "Client.ValidationError", "invalid")
    assert set(fault.errors) == {
        "book.isbn", "book.title", "book.author_ids.id", "book.publisher_id", "book.published_date",
    }  # fmt: skip
    assert fault.errors["book.published_date"] == ["This field is required."]


@VERSIONS
def test_a_required_element_missing_in_the_middle_is_named(client, editor, version):
    book = book_xml(valid_isbn(4343), 1, 1).replace("<t:title>Kindred</t:title>", "")
    response = post_envelope(
        client, envelope(f"<t:CreateBook>{book}</t:CreateBook>", version=version), version, **editor
    )
    fault = assert_fault(response, version, "Client.ValidationError", "invalid")
    assert fault.errors == {"book.title": ["This field is required."]}


@VERSIONS
def test_an_unknown_element_is_named_as_itself(client, editor, version):
    book = book_xml(valid_isbn(4344), 1, 1).replace(
        "<t:pages>", "<t:colour>red</t:colour><t:pages>"
    )
    response = post_envelope(
        client, envelope(f"<t:CreateBook>{book}</t:CreateBook>", version=version), version, **editor
    )
    fault = assert_fault(response, version, "Client.ValidationError", "invalid")
    assert list(fault.errors) == ["book.colour"]


@VERSIONS
def test_the_catalogs_rules_name_every_field_as_the_client_sent_it(client, editor, version):
    bad_isbn = valid_isbn(4242)[:-1] + str((int(valid_isbn(4242)[-1]) + 1) % 10)
    body = "<t:CreateBook>" + book_xml(
        bad_isbn, 999_999, make_publisher().pk, published_date="2999-01-01",
        price="<t:amount>8.99</t:amount><t:currency>QQQ</t:currency>",
    ) + "</t:CreateBook>"  # fmt: skip
    response = post_envelope(client, envelope(body, version=version), version, **editor)
    fault = assert_fault(response, version, "Client.ValidationError", "invalid")
    assert fault.errors == {
        "book.isbn": ["The ISBN-13 check digit is wrong."],
        "book.published_date": ["Must not be in the future."],
        "book.price.currency": ["'QQQ' is not an ISO 4217 currency code."],
    }
    assert not Book.objects.exists()


@VERSIONS
def test_unknown_references_are_refused_as_invalid_input(client, editor, version):
    body = f"<t:CreateBook>{book_xml(valid_isbn(7), 999_999, 888_888)}</t:CreateBook>"
    response = post_envelope(client, envelope(body, version=version), version, **editor)
    fault = assert_fault(response, version, "Client.ValidationError", "invalid")
    assert fault.errors == {
        "book.author_ids": ["Unknown author id(s): 999999."],
        "book.publisher_id": ["Unknown publisher id: 888888."],
    }


@VERSIONS
def test_an_unknown_id_is_not_found(client, version):
    body = envelope("<t:GetBook><t:id>31337</t:id></t:GetBook>", version=version)
    fault = assert_fault(
        post_envelope(client, body, version), version, "Client.NotFound", "not_found"
    )
    assert fault.message == "Book 31337 does not exist."


@VERSIONS
def test_a_write_without_credentials_is_refused_with_a_challenge(client, version):
    body = envelope("<t:CreateAuthor><t:author><t:name>X</t:name></t:author></t:CreateAuthor>",
                    version=version)  # fmt: skip
    response = post_envelope(client, body, version)
    assert_fault(response, version, "Client.AuthenticationFailed", "not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="catalog"'


@VERSIONS
def test_a_write_without_the_write_scope_is_permission_denied(client, version):
    body = envelope("<t:CreateAuthor><t:author><t:name>X</t:name></t:author></t:CreateAuthor>",
                    version=version)  # fmt: skip
    reader = {"HTTP_AUTHORIZATION": f"Bearer {tokens.mint(scope='catalog:read')}"}
    response = post_envelope(client, body, version, **reader)
    fault = assert_fault(response, version, "Client.PermissionDenied", "insufficient_scope")
    assert "catalog:write" in fault.message


@VERSIONS
def test_a_stale_version_is_a_conflict_and_nothing_is_written(client, editor, version):
    book = make_book(title="Before")
    Book.objects.filter(pk=book.pk).update(version=3)
    body = (
        f"<t:UpdateBook><t:id>{book.pk}</t:id><t:version>2</t:version>"
        + book_xml(book.isbn, make_author().pk, book.publisher_id, title="After")
        + "</t:UpdateBook>"
    )
    response = post_envelope(client, envelope(body, version=version), version, **editor)
    fault = assert_fault(response, version, "Client.Conflict", "stale_version")
    assert fault.detail.findtext(f"{T}current_version") == "3"
    assert Book.objects.get(pk=book.pk).title == "Before"


@VERSIONS
def test_deleting_with_a_stale_version_is_refused_and_the_book_stays(client, editor, version):
    book = make_book()
    body = f"<t:DeleteBook><t:id>{book.pk}</t:id><t:version>9</t:version></t:DeleteBook>"
    response = post_envelope(client, envelope(body, version=version), version, **editor)
    assert_fault(response, version, "Client.Conflict", "stale_version")
    assert Book.objects.filter(pk=book.pk).exists()


def test_a_row_still_in_use_is_a_conflict_sent_as_a_sender_fault():
    fault = fault_for_domain_error(InUse("Author", 7))
    assert (fault.faultcode, fault.code) == ("Client.Conflict", "in_use")
    assert fault.http_status(soap12=True) == 400 and fault.http_status(soap12=False) == 500


@VERSIONS
def test_rate_limiting_is_a_client_fault_with_retry_after_in_both_versions(
    client, version, monkeypatch
):
    def throttled(**_):
        raise RateLimitedFault("Slow down.", retry_after=30)

    monkeypatch.setattr(selectors, "book_get", throttled)
    body = envelope("<t:GetBook><t:id>1</t:id></t:GetBook>", version=version)
    response = post_envelope(client, body, version)
    fault = assert_fault(response, version, "Client.RateLimited", "quota_exceeded")
    assert response["Retry-After"] == "30" and fault.detail.findtext(f"{T}retry_after") == "30"


@VERSIONS
def test_an_unreachable_database_is_server_unavailable(client, version, monkeypatch):
    def down(**_):
        raise OperationalError("connection refused")

    monkeypatch.setattr(selectors, "book_get", down)
    body = envelope("<t:GetBook><t:id>1</t:id></t:GetBook>", version=version)
    response = post_envelope(client, body, version)
    assert_fault(response, version, "Server.Unavailable", "service_unavailable")
    assert response["Retry-After"] == "5"


@VERSIONS
def test_a_bug_is_a_server_fault_quoting_the_request_id_without_a_traceback(
    client, version, monkeypatch, caplog
):
    def crash(**_):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "book_get", crash)
    body = envelope("<t:GetBook><t:id>1</t:id></t:GetBook>", version=version)
    with caplog.at_level(logging.ERROR, logger="soap_service"):
        response = post_envelope(client, body, version, HTTP_X_REQUEST_ID="req-42")
    fault = assert_fault(response, version, "Server", "server_error")
    assert b"secret internals" not in response.content and "req-42" in fault.message
    assert fault.detail.findtext(f"{T}request_id") == "req-42"
    assert any(r.exc_info and getattr(r, "request_id", "") == "req-42" for r in caplog.records)


def test_decimal_prices_survive_the_round_trip(client):
    book = make_book(price=Decimal("1234567.89"))
    response = post_envelope(client, envelope(f"<t:GetBook><t:id>{book.pk}</t:id></t:GetBook>"))
    assert b"<tns:amount>1234567.89</tns:amount>" in response.content
