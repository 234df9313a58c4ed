"""Real SOAP clients against the served WSDL and a live server: zeep over SOAP 1.1 and 1.2,
suds over SOAP 1.1, every operation."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal

import pytest
from suds.client import Client as SudsClient
from suds.wsse import Security
from suds.wsse import UsernameToken as SudsUsernameToken
from zeep.wsse.username import UsernameToken

from tests.factories import valid_isbn
from tests.soap.conftest import envelope, post_live, wsdl_url, zeep_client

_numbers = itertools.count(987_654_000)


def new_isbn() -> str:
    return valid_isbn(next(_numbers))


def book_input(isbn: str, **overrides) -> dict:
    values = {
        "isbn": isbn,
        "title": "The Dispossessed",
        "author_ids": {"id": [2, 1]},
        "publisher_id": 1,
        "genre_slugs": {"slug": ["fiction"]},
        "published_date": date(1974, 5, 1),
        "language": "en",
        "pages": 341,
        "price": {"amount": Decimal("11.90"), "currency": "EUR"},
    }
    return values | overrides


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_zeep_reads_every_kind_of_record(stack, version):
    client = zeep_client(stack, version)
    book = client.service.GetBook(1)
    assert book.id == 1 and len(book.isbn) == 13 and isinstance(book.price.amount, Decimal)
    assert isinstance(book.published_date, date) and isinstance(book.created_at, datetime)
    assert book.created_at.tzinfo is not None and book.authors.author[0].id >= 1
    assert client.service.GetBookByIsbn(book.isbn).id == 1
    first = client.service.ListBooks(filter={"ordering": "-price"}, page_size=5)
    prices = [b.price.amount for b in first.books.book]
    assert len(prices) == 5 and prices == sorted(prices, reverse=True)
    second = client.service.ListBooks(filter={"ordering": "-price"}, cursor=first.next_cursor)
    assert second.previous_cursor and second.books.book[0].price.amount <= prices[-1]
    assert client.service.GetAuthor(1).id == 1
    assert len(client.service.ListAuthors(page_size=3).authors.author) == 3
    assert client.service.GetPublisher(1).country
    assert len(client.service.ListPublishers(page_size=2).publishers.publisher) == 2
    genre = client.service.ListGenres(page_size=1).genres.genre[0]
    assert client.service.GetGenre(genre.slug).name == genre.name


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_zeep_writes_every_kind_of_record_with_a_username_token(stack, version):
    client = zeep_client(
        stack, version, wsse=UsernameToken("editor", "editor-pass", use_digest=True)
    )
    created = client.service.CreateBook(book_input(new_isbn()))
    assert created.version == 1 and [a.id for a in created.authors.author] == [2, 1]
    assert [g.slug for g in created.genres.genre] == ["fiction"]
    assert created.price.amount == Decimal("11.90") and created.subtitle in ("", None)
    updated = client.service.UpdateBook(
        created.id, 1, book_input(created.isbn, title="The Dispossessed, revised")
    )
    assert updated.version == 2 and updated.title == "The Dispossessed, revised"
    assert client.service.DeleteBook(created.id, 2) is True
    author = client.service.CreateAuthor({"name": "Ursula", "birth_date": date(1929, 10, 21)})
    assert author.id > 0 and author.birth_date == date(1929, 10, 21)
    assert client.service.CreatePublisher({"name": "Harper", "country": "us"}).country == "US"
    slug = f"anarchist-utopia-{version.replace('.', '-')}"
    assert client.service.CreateGenre({"slug": slug, "name": "Anarchist utopia"}).slug == slug


def test_suds_calls_every_operation_over_soap11(stack):
    client = SudsClient(wsdl_url(stack, "1.1"), cache=None)
    security = Security()
    security.tokens.append(SudsUsernameToken("editor", "editor-pass"))
    client.set_options(wsse=security)
    # suds returns restricted simple types (ids, prices) as text.
    book = client.service.GetBook(1)
    assert int(book.id) == 1 and Decimal(str(book.price.amount)) > 0
    assert int(client.service.GetBookByIsbn(book.isbn).id) == 1
    book_filter = client.factory.create("BookFilter")
    book_filter.language = "en"
    assert len(client.service.ListBooks(book_filter, None, 4).books.book) == 4
    new = client.factory.create("BookInput")
    for name, value in book_input(new_isbn()).items():
        if name not in ("author_ids", "genre_slugs", "price"):
            setattr(new, name, value)
    new.author_ids.id = [1]
    new.genre_slugs = client.factory.create("SlugArray")
    new.genre_slugs.slug = ["fiction"]
    new.price.amount, new.price.currency = "9.99", "EUR"
    created = client.service.CreateBook(new)
    assert int(created.version) == 1
    new.title = "Renamed by suds"
    assert client.service.UpdateBook(created.id, 1, new).title == "Renamed by suds"
    assert client.service.DeleteBook(created.id, 2) is True
    assert int(client.service.GetAuthor(1).id) == 1
    assert len(client.service.ListAuthors(None, 2).authors.author) == 2
    assert int(client.service.GetPublisher(1).id) == 1
    assert len(client.service.ListGenres(None, 2).genres.genre) == 2
    author = client.factory.create("AuthorInput")
    author.name = "Bob"
    assert client.service.CreateAuthor(author).name == "Bob"
    publisher = client.factory.create("PublisherInput")
    publisher.name, publisher.country = "Suds Press", "FR"
    assert client.service.CreatePublisher(publisher).country == "FR"
    genre = client.factory.create("GenreInput")
    genre.slug, genre.name = "suds-genre", "Suds genre"
    assert client.service.CreateGenre(genre).slug == "suds-genre"


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_answers_carry_their_length_instead_of_chunked_framing(stack, version):
    body = envelope("<t:GetBook><t:id>1</t:id></t:GetBook>", version=version)
    response = post_live(stack, body, version)
    assert response.status_code == 200
    assert response.headers["content-length"] == str(response.num_bytes_downloaded)
    assert "transfer-encoding" not in response.headers
