"""The fast Book serialisers write exactly what Spyne's generic serialiser writes (compared after
C14N), and what they write is valid against the schema the WSDL publishes."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from spyne import Application
from spyne.server.wsgi import WsgiApplication

from shared_models.models import Book
from shared_models.records import BookRecord, PublisherRef
from soap_service import types
from soap_service.fastxml import _timestamps
from soap_service.protocol import GenericCatalogSoap11, GenericCatalogSoap12
from soap_service.service import CatalogService
from tests.factories import make_author, make_book, make_genre, make_publisher
from tests.soap.conftest import CONTENT_TYPES, ENDPOINTS, envelope, post_envelope
from tests.soap.schema import schema_from_wsdl

pytestmark = pytest.mark.django_db

GENERIC = {"1.1": GenericCatalogSoap11, "1.2": GenericCatalogSoap12}


def spyne_book(record: BookRecord) -> types.Book:
    """What the generic serialiser needs: ComplexModel instances, price nested as Money."""
    return types.Book(
        id=record.id, isbn=record.isbn, title=record.title, subtitle=record.subtitle,
        authors=[types.AuthorRef(id=a.id, name=a.name) for a in record.authors],
        publisher=types.PublisherRef(id=record.publisher.id, name=record.publisher.name),
        genres=[types.GenreRef(slug=g.slug, name=g.name) for g in record.genres],
        published_date=record.published_date, language=record.language, pages=record.pages,
        price=types.Money(amount=record.price, currency=record.currency),
        description=record.description, version=record.version,
        created_at=record.created_at, updated_at=record.updated_at,
    )  # fmt: skip


def _as_models(ctx) -> None:
    result = ctx.out_object[0]
    if isinstance(result, BookRecord):
        ctx.out_object = [spyne_book(result)]
    elif isinstance(result, types.BookPage):
        result.books = [spyne_book(book) for book in result.books]


def generic_call(version: str, body: bytes) -> bytes:
    """The same operation through Spyne's generic serialiser (no fast path)."""
    protocol = GENERIC[version]
    application = Application(
        [CatalogService], tns=types.TNS, name="CatalogService",
        in_protocol=protocol(validator="lxml"), out_protocol=protocol(),
    )  # fmt: skip
    application.event_manager.add_listener("method_return_object", _as_models)
    environ = {
        "REQUEST_METHOD": "POST", "CONTENT_TYPE": CONTENT_TYPES[version],
        "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http", "SERVER_NAME": "testserver", "SERVER_PORT": "80",
        "PATH_INFO": ENDPOINTS[version], "QUERY_STRING": "", "HTTP_HOST": "testserver",
    }  # fmt: skip
    status = {}
    out = b"".join(WsgiApplication(application)(environ, lambda s, h: status.update(s=s)))
    assert status["s"].startswith("200"), out
    return out


def c14n(document: bytes) -> bytes:
    return etree.tostring(etree.fromstring(document), method="c14n")


@pytest.fixture
def tricky_books():
    """Text that needs escaping in every field a book has, and books with several authors."""
    authors = [make_author("Ann <& Sons>"), make_author("Bo \"Quote\" 'Apos'"), make_author()]
    genres = [make_genre("fantasy"), make_genre("poetry", "Poetry ]]> & more")]
    publisher = make_publisher("Press & <Co>")
    books = [
        make_book(title="a < b & c > d ]]>", subtitle="line\r\nbreak", authors=authors,
                  genres=genres, publisher=publisher, description="tab\there",
                  price=Decimal("0.50"), published_date=date(2001, 2, 3)),
        make_book(title="plain", authors=authors[:1], genres=[], publisher=publisher,
                  price=Decimal("1234.00")),
    ]  # fmt: skip
    return books + [make_book(publisher=publisher) for _ in range(8)]


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_list_books_bytes_equal_spynes_generic_output(client, tricky_books, version):
    body = envelope("<t:ListBooks><t:page_size>4</t:page_size></t:ListBooks>", version=version)
    fast = post_envelope(client, body, version).content
    assert c14n(fast) == c14n(generic_call(version, body))


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_single_book_equals_spynes_generic_output(client, tricky_books, version):
    body = envelope(f"<t:GetBook><t:id>{tricky_books[0].pk}</t:id></t:GetBook>", version=version)
    fast = post_envelope(client, body, version).content
    assert c14n(fast) == c14n(generic_call(version, body))


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_book_read_by_isbn_equals_spynes_generic_output(client, tricky_books, version):
    isbn = tricky_books[0].isbn
    body = envelope(f"<t:GetBookByIsbn><t:isbn>{isbn}</t:isbn></t:GetBookByIsbn>", version=version)
    fast = post_envelope(client, body, version).content
    assert b"GetBookByIsbnResult" in fast
    assert c14n(fast) == c14n(generic_call(version, body))


def test_the_last_page_and_a_middle_page_equal_generic_output_with_both_cursors(
    client, tricky_books
):
    first = post_envelope(
        client, envelope("<t:ListBooks><t:page_size>3</t:page_size></t:ListBooks>")
    ).content
    cursor = etree.fromstring(first).findtext(f".//{{{types.TNS}}}next_cursor")
    body = envelope(
        f"<t:ListBooks><t:cursor>{cursor}</t:cursor><t:page_size>20</t:page_size></t:ListBooks>"
    )
    fast = post_envelope(client, body).content
    assert etree.fromstring(fast).findtext(f".//{{{types.TNS}}}previous_cursor")
    assert etree.fromstring(fast).findtext(f".//{{{types.TNS}}}next_cursor") is None
    assert c14n(fast) == c14n(generic_call("1.1", body))


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_fast_responses_are_valid_against_the_published_schema(client, tricky_books, version):
    schema = schema_from_wsdl(client.get(ENDPOINTS[version] + "?wsdl").content)
    for operation in (
        "<t:ListBooks><t:page_size>10</t:page_size></t:ListBooks>",
        f"<t:GetBook><t:id>{tricky_books[0].pk}</t:id></t:GetBook>",
    ):
        response = post_envelope(client, envelope(operation, version=version), version)
        body = etree.fromstring(response.content)[0][0]
        schema.assertValid(body)


@pytest.mark.parametrize(
    "operation", ["<t:ListBooks/>", "<t:GetBook><t:id>{id}</t:id></t:GetBook>"]
)
def test_characters_xml_cannot_carry_are_replaced_not_sent(client, operation):
    """shared_models refuses them on input; a row written around it still gives valid XML."""
    book = make_book(title="bell\x07 and escape\x1b")
    response = post_envelope(client, envelope(operation.format(id=book.pk)))
    title = etree.fromstring(response.content).findtext(f".//{{{types.TNS}}}title")
    assert response.status_code == 200 and title == "bell\ufffd and escape\ufffd"


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_timestamps_on_the_second_equal_spynes_generic_output(client, version):
    """A timestamp without microseconds is written without a fraction, as Spyne writes it."""
    book = make_book()
    Book.objects.filter(pk=book.pk).update(
        created_at=datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC),
        updated_at=datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=UTC),
    )
    for operation in (
        "<t:ListBooks/>", f"<t:GetBook><t:id>{book.pk}</t:id></t:GetBook>",
    ):  # fmt: skip
        body = envelope(operation, version=version)
        fast = post_envelope(client, body, version).content
        assert b"<tns:created_at>2001-02-03T04:05:06+00:00</tns:created_at>" in fast
        assert c14n(fast) == c14n(generic_call(version, body))


_OFFSETS = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8)), None]
)
_STAMP = datetime(2001, 2, 3, tzinfo=UTC)
_A_BOOK = BookRecord(
    1, "9780000000002", "Title", "", [], PublisherRef(1, "Press"), [], date(2001, 2, 3), "en", 1,
    Decimal("1.00"), "EUR", "", 1, _STAMP, _STAMP,
)  # fmt: skip


@given(
    pairs=st.lists(st.tuples(st.datetimes(timezones=_OFFSETS), st.datetimes(timezones=_OFFSETS)))
)
def test_timestamps_are_formatted_as_isoformat_formats_them(pairs):
    """The renderer formats a page's timestamps with orjson in one call: the same text, whatever
    the offset, the microseconds or the year."""
    books = [replace(_A_BOOK, created_at=created, updated_at=updated) for created, updated in pairs]
    expected = [(created.isoformat(), updated.isoformat()) for created, updated in pairs]
    assert _timestamps(books) == expected
