"""GetBook, GetBookByIsbn and ListBooks without a filter are answered beside Spyne
(soap_service.hot_reads) with exactly what Spyne sends; everything else still goes to Spyne."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import REGISTRY

from shared_models import selectors
from soap_service.views import CatalogServer
from tests import tokens
from tests.factories import make_book, make_genre, valid_isbn
from tests.fuzzing import examples
from tests.soap.conftest import ENV11, TNS, envelope, post_envelope
from tests.soap.mutations import build, envelopes
from tests.soap.wsse import security_header

pytestmark = pytest.mark.django_db


@pytest.fixture
def spyne_calls(monkeypatch) -> Iterator[list[str]]:
    """The requests Spyne's pipeline handled (each view's CatalogServer.handle_rpc)."""
    calls: list[str] = []
    handle_rpc = CatalogServer.handle_rpc

    def counted(self, request, *args, **kwargs):
        calls.append(request.path)
        return handle_rpc(self, request, *args, **kwargs)

    monkeypatch.setattr(CatalogServer, "handle_rpc", counted)
    yield calls


@pytest.fixture
def books() -> list[int]:
    genre = make_genre("fantasy")
    return [make_book(genres=[genre], isbn=valid_isbn(n)).pk for n in range(1, 6)]


def answer_of_both(client, body: bytes, version: str = "1.1", **headers):
    """The response with hot reads on, then the response of Spyne alone."""
    hot = post_envelope(client, body, version, **headers)
    with override_settings(SOAP_HOT_READS=False):
        spyne = post_envelope(client, body, version, **headers)
    return hot, spyne


def assert_same(hot, spyne) -> None:
    assert hot.status_code == spyne.status_code
    assert hot["Content-Type"] == spyne["Content-Type"]
    assert hot["Content-Length"] == spyne["Content-Length"]
    assert hot.content == spyne.content


def hot_reads(book_id: int, isbn: str) -> dict[str, str]:
    return {
        "GetBook": f"<t:GetBook><t:id>{book_id}</t:id></t:GetBook>",
        "GetBookByIsbn": f"<t:GetBookByIsbn><t:isbn>{isbn}</t:isbn></t:GetBookByIsbn>",
        "ListBooks": "<t:ListBooks><t:page_size>2</t:page_size></t:ListBooks>",
        "ListBooks without arguments": "<t:ListBooks/>",
    }


@pytest.mark.parametrize("version", ["1.1", "1.2"])
@pytest.mark.parametrize("read", list(hot_reads(1, "x")))
def test_a_hot_read_is_answered_without_spyne_with_spynes_bytes(
    client, books, spyne_calls, version, read
):
    book = make_book(isbn=valid_isbn(9))
    body = envelope(hot_reads(book.pk, book.isbn)[read], version=version)
    hot, spyne = answer_of_both(client, body, version)
    assert hot.status_code == 200
    assert_same(hot, spyne)
    assert len(spyne_calls) == 1  # the second request only


def test_the_next_page_by_cursor_is_a_hot_read(client, books, spyne_calls):
    first = post_envelope(client, envelope(hot_reads(1, "x")["ListBooks"]))
    cursor = first.content.split(b"<tns:next_cursor>")[1].split(b"<")[0].decode()
    body = envelope(
        f"<t:ListBooks><t:cursor>{cursor}</t:cursor><t:page_size>2</t:page_size></t:ListBooks>"
    )
    hot, spyne = answer_of_both(client, body)
    assert b"<tns:previous_cursor>" in hot.content
    assert_same(hot, spyne)
    assert len(spyne_calls) == 1


def test_an_empty_header_and_pretty_printing_keep_a_read_hot(client, books, spyne_calls):
    body = (
        f'<?xml version="1.0"?>\n<e:Envelope xmlns:e="{ENV11}" xmlns:t="{TNS}">\n'
        f"  <e:Header/>\n  <e:Body>\n    <t:GetBook>\n      <t:id> {books[0]} </t:id>\n"
        "    </t:GetBook>\n  </e:Body>\n</e:Envelope>\n"
    ).encode()
    hot, spyne = answer_of_both(client, body)
    assert hot.status_code == 200
    assert_same(hot, spyne)
    assert len(spyne_calls) == 1


def test_a_read_with_a_valid_bearer_token_is_hot(client, books, spyne_calls):
    token = {"HTTP_AUTHORIZATION": f"Bearer {tokens.mint()}"}
    body = envelope(f"<t:GetBook><t:id>{books[0]}</t:id></t:GetBook>")
    hot, spyne = answer_of_both(client, body, **token)
    assert hot.status_code == 200
    assert_same(hot, spyne)
    assert len(spyne_calls) == 1


def test_a_hot_read_is_counted_under_its_operation(client, books, spyne_calls):
    labels = {
        "service": django_settings.SERVICE_NAME, "route": "GetBook", "version": "1.2",
        "method": "POST", "status": "200",
    }  # fmt: skip
    before = REGISTRY.get_sample_value("catalog_requests_total", labels) or 0
    body = envelope(f"<t:GetBook><t:id>{books[0]}</t:id></t:GetBook>", version="1.2")
    assert post_envelope(client, body, "1.2").status_code == 200
    assert REGISTRY.get_sample_value("catalog_requests_total", labels) == before + 1
    assert spyne_calls == []


SPYNES = {
    "a missing book": "<t:GetBook><t:id>987654</t:id></t:GetBook>",
    "an id the schema refuses": "<t:GetBook><t:id>0</t:id></t:GetBook>",
    "an id that is no number": "<t:GetBook><t:id>seven</t:id></t:GetBook>",
    "an xsi:nil id": (
        '<t:GetBook><t:id xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>'
        "</t:GetBook>"
    ),
    "a filter": "<t:ListBooks><t:filter><t:genre>fantasy</t:genre></t:filter></t:ListBooks>",
    "an empty cursor": "<t:ListBooks><t:cursor/></t:ListBooks>",
    "a cursor that is not one": "<t:ListBooks><t:cursor>not-a-cursor</t:cursor></t:ListBooks>",
    "a page size the schema refuses": "<t:ListBooks><t:page_size>0</t:page_size></t:ListBooks>",
    "an operation that is not hot": "<t:GetGenre><t:slug>fantasy</t:slug></t:GetGenre>",
    "an unknown element": "<t:GetBook><t:id>1</t:id><t:extra>1</t:extra></t:GetBook>",
}


@pytest.mark.parametrize("case", list(SPYNES))
def test_what_a_hot_read_does_not_recognise_is_spynes_to_answer(client, books, spyne_calls, case):
    hot, spyne = answer_of_both(client, envelope(SPYNES[case]))
    assert_same(hot, spyne)
    assert len(spyne_calls) == 2


def test_an_unreachable_database_is_answered_at_once_with_spynes_fault(
    client, monkeypatch, spyne_calls
):
    attempts = []

    def down(**_):
        attempts.append("read")
        raise OperationalError("connection refused")

    monkeypatch.setattr(selectors, "book_get", down)
    hot, spyne = answer_of_both(client, envelope("<t:GetBook><t:id>1</t:id></t:GetBook>"))
    assert b"Server.Unavailable" in hot.content
    assert hot["Retry-After"] == "5"
    assert_same(hot, spyne)
    assert attempts == ["read", "read"]  # once hot, once by Spyne alone: never twice for one
    assert len(spyne_calls) == 1


def test_a_soap_header_sends_a_read_to_spyne(client, books, spyne_calls):
    header = '<x:Trace xmlns:x="urn:x" e:mustUnderstand="1"/>'
    hot, spyne = answer_of_both(client, envelope(SPYNES["a missing book"], header))
    assert b"MustUnderstand" in hot.content
    assert_same(hot, spyne)
    assert len(spyne_calls) == 2


def test_a_username_token_sends_a_read_to_spyne(client, books, spyne_calls):
    header = security_header("nobody", "wrong")
    body = envelope(f"<t:GetBook><t:id>{books[0]}</t:id></t:GetBook>", header)
    response = post_envelope(client, body)
    assert b"AuthenticationFailed" in response.content
    assert spyne_calls == ["/soap/catalog/"]


def test_a_bad_bearer_token_is_refused_by_spyne(client, books, spyne_calls):
    token = {"HTTP_AUTHORIZATION": f"Bearer {tokens.tampered()}"}
    body = envelope(f"<t:GetBook><t:id>{books[0]}</t:id></t:GetBook>")
    hot, spyne = answer_of_both(client, body, **token)
    assert b"AuthenticationFailed" in hot.content
    assert_same(hot, spyne)
    assert len(spyne_calls) == 2


def test_a_wrong_content_type_is_refused_by_spyne(client, books, spyne_calls):
    body = envelope(f"<t:GetBook><t:id>{books[0]}</t:id></t:GetBook>")
    hot = client.post("/soap12/catalog/", data=body, content_type="text/xml")
    assert hot.status_code == 415
    assert spyne_calls == ["/soap12/catalog/"]


def test_with_hot_reads_off_every_read_goes_to_spyne(client, settings, books, spyne_calls):
    settings.SOAP_HOT_READS = False
    response = post_envelope(client, envelope(f"<t:GetBook><t:id>{books[0]}</t:id></t:GetBook>"))
    assert response.status_code == 200
    assert spyne_calls == ["/soap/catalog/"]


@pytest.mark.fuzz
@pytest.mark.parametrize("read", list(hot_reads(1, "x")))
@settings(
    max_examples=examples(ci=15),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), version=st.sampled_from(["1.1", "1.2"]))
def test_a_mutated_hot_read_gets_the_answer_spyne_gives(client, books, read, data, version):
    operation = {
        "GetBook": ("GetBook", [("id", str(books[0]))]),
        "GetBookByIsbn": ("GetBookByIsbn", [("isbn", valid_isbn(2))]),
        "ListBooks": ("ListBooks", [("page_size", "2")]),
        "ListBooks without arguments": ("ListBooks", []),
    }[read]
    body = data.draw(envelopes(build(operation), version))
    hot, spyne = answer_of_both(client, body, version)
    assert_same(hot, spyne)
