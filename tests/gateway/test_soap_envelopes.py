"""gateway.soap_envelopes: the SOAP 1.2 requests mediation sends and how it reads the answers."""

from __future__ import annotations

import pytest
from lxml import etree

from gateway import soap_envelopes
from gateway.soap_envelopes import MalformedAnswer, SoapFault
from tests.gateway.soap_answers import ENVELOPE, book_answer, fault_answer, page_answer

T = "{urn:bookcatalog:soap:v1}"


def operation_element(envelope: bytes) -> etree._Element:
    root = etree.fromstring(envelope)
    assert root.tag == "{http://www.w3.org/2003/05/soap-envelope}Envelope"
    (body,) = root
    (operation,) = body
    return operation


def test_get_book_names_the_id() -> None:
    operation = operation_element(soap_envelopes.get_book(42))
    assert operation.tag == f"{T}GetBook"
    assert operation.findtext(f"{T}id") == "42"


def test_get_books_names_each_id_in_order() -> None:
    operation = operation_element(soap_envelopes.get_books([3, 1, 2]))
    assert operation.tag == f"{T}GetBooks"
    (ids,) = operation
    assert ids.tag == f"{T}ids"
    assert [(item.tag, item.text) for item in ids] == [
        (f"{T}id", "3"),
        (f"{T}id", "1"),
        (f"{T}id", "2"),
    ]


def test_list_books_writes_filter_fields_in_wsdl_order_then_cursor_and_page_size() -> None:
    envelope = soap_envelopes.list_books(
        {"search": "a<b & c", "author_id": "3", "language": "en"}, "abc", "5"
    )
    operation = operation_element(envelope)
    assert [child.tag for child in operation] == [f"{T}filter", f"{T}cursor", f"{T}page_size"]
    criteria = operation.find(f"{T}filter")
    assert [(c.tag[len(T) :], c.text) for c in criteria] == [
        ("author_id", "3"),
        ("language", "en"),
        ("search", "a<b & c"),
    ]


def test_list_books_without_criteria_sends_an_empty_operation() -> None:
    assert len(operation_element(soap_envelopes.list_books({}, None, None))) == 0


def test_create_book_nests_lists_and_price_in_wsdl_order() -> None:
    book = {
        "price": {"amount": "9.99", "currency": "EUR"},
        "genre_slugs": ["sf", "classic"],
        "author_ids": [1, 2],
        "isbn": "9780306406157",
        "pages": 300,
    }
    (created,) = operation_element(soap_envelopes.create_book(book))
    assert [child.tag[len(T) :] for child in created] == [
        "isbn",
        "author_ids",
        "genre_slugs",
        "pages",
        "price",
    ]
    assert [item.text for item in created.find(f"{T}author_ids")] == ["1", "2"]
    assert [item.tag for item in created.find(f"{T}genre_slugs")] == [f"{T}slug", f"{T}slug"]
    assert created.findtext(f"{T}price/{T}amount") == "9.99"


def test_a_book_answer_reads_as_rest_v2_represents_it() -> None:
    book = soap_envelopes.book(soap_envelopes.answer(book_answer(book_id=7)))
    assert list(book) == [
        "id", "isbn", "title", "subtitle", "authors", "publisher", "genres", "published_date",
        "language", "pages", "price", "description", "version", "created_at", "updated_at",
    ]  # fmt: skip
    assert book["id"] == 7
    assert book["subtitle"] == ""
    assert book["authors"] == [{"id": 1, "name": "Ursula K. Le Guin"}, {"id": 2, "name": "Second"}]
    assert book["publisher"] == {"id": 4, "name": "Harper & Row"}
    assert book["genres"] == [{"slug": "sf", "name": "Science fiction"}]
    assert book["price"] == {"amount": "12.50", "currency": "EUR"}
    assert book["description"] == "An ambiguous utopia & more"
    assert (book["pages"], book["version"]) == (387, 3)
    assert book["updated_at"] == "2026-06-15T12:00:00.123456+00:00"


def test_a_page_answer_carries_its_books_and_both_cursors() -> None:
    page = soap_envelopes.book_page(soap_envelopes.answer(page_answer([1, 2, 3], "n", "p")))
    assert [book["id"] for book in page.books] == [1, 2, 3]
    assert (page.next_cursor, page.previous_cursor) == ("n", "p")


def test_a_first_and_last_page_has_no_cursors() -> None:
    page = soap_envelopes.book_page(soap_envelopes.answer(page_answer([], None, None)))
    assert (page.books, page.next_cursor, page.previous_cursor) == ([], None, None)


def test_a_book_list_answer_reads_as_a_page_without_cursors() -> None:
    body = page_answer([3, 1], None, None).replace(b"ListBooks", b"GetBooks")
    page = soap_envelopes.book_page(soap_envelopes.answer(body))
    assert ([book["id"] for book in page.books], page.next_cursor, page.previous_cursor) == (
        [3, 1], None, None,
    )  # fmt: skip


def test_a_fault_answer_reads_as_its_code_message_and_field_errors() -> None:
    body = fault_answer(
        "invalid",
        "The input is invalid.",
        "ValidationError",
        {"book.isbn": "Bad check digit.", "book.pages": "Must be greater than 0."},
        request_id="r-1",
    )
    assert soap_envelopes.answer(body) == SoapFault(
        code="invalid",
        message="The input is invalid.",
        errors={"book.isbn": ["Bad check digit."], "book.pages": ["Must be greater than 0."]},
        request_id="r-1",
    )


@pytest.mark.parametrize(
    "body",
    [
        b"<html>502 Bad Gateway</html>",
        b"not xml at all",
        ENVELOPE.format("").encode(),
        ENVELOPE.format("<tns:GetBookResponse/>").encode(),
    ],
)
def test_anything_else_is_a_malformed_answer(body: bytes) -> None:
    with pytest.raises(MalformedAnswer):
        soap_envelopes.answer(body)


def test_an_answer_with_an_entity_is_not_expanded() -> None:
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + book_answer(title="TITLE").split(b"?>", 1)[1].replace(b"TITLE", b"&e;")
    )
    try:
        book = soap_envelopes.book(soap_envelopes.answer(hostile))
    except MalformedAnswer:
        return
    assert "root:" not in book["title"]
