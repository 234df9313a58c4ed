"""The /compare/ page performs each operation as REST v2 and SOAP 1.1 through a real gateway and
shows both exchanges, their bytes, Server-Timing and rate-limit headers, and a verdict."""

import re

import pytest

from catalog_client.operations import isbn_for
from tests.gateway.compare.pages import CREATE_FIELDS, run

pytestmark = pytest.mark.usefixtures("live_page")


@pytest.fixture(scope="module")
def book(catalog) -> dict:
    return catalog.get("/api/v2/books/", params={"page_size": 1}).json()["results"][0]


def test_the_page_offers_four_operations_and_a_run_button(client):
    response = client.get("/compare/")
    html = response.content.decode()
    assert response.status_code == 200
    for value in ("get_book", "list", "search", "create"):
        assert f'name="operation" value="{value}"' in html
    assert '<button type="submit">Run</button>' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_get_a_book_shows_both_exchanges_their_bytes_and_timings(client, book):
    result = run(client, operation="get_book", book_id=book["id"])
    rest, soap = result.text("rest"), result.text("soap")
    assert result.status == 200
    assert f"GET /api/v2/books/{book['id']}/ HTTP/1.1" in rest
    assert re.search(rf"<tns:GetBook>\s*<tns:id>{book['id']}</tns:id>", soap)
    assert book["title"] in rest and book["title"] in soap
    for protocol in ("rest", "soap"):
        text = result.text(protocol)
        assert "Answer: 200 OK" in text
        assert re.search(r"Server-Timing\s*gateway [\d.]+ ms, upstream [\d.]+ ms", text)
        assert re.search(r'RateLimit\s*"anonymous";r=\d+;t=\d+', text)
        total = result.byte_count(protocol, "total")
        sent = result.byte_count(protocol, "request") + result.byte_count(protocol, "response")
        assert total == sent > 0
    assert "Smaller: REST. SOAP/REST bytes:" in result.html
    assert "Faster:" in result.html


def test_list_n_books_asks_both_protocols_for_n_and_shows_them(client):
    result = run(client, operation="list", page_size=7)
    rest, soap = result.text("rest"), result.text("soap")
    assert "GET /api/v2/books/?page_size=7 HTTP/1.1" in rest
    assert "<tns:page_size>7</tns:page_size>" in soap
    assert rest.count('"isbn":') == 7
    assert soap.count("<tns:isbn>") == 7
    assert result.byte_count("soap", "response") > result.byte_count("rest", "response")


def test_a_page_of_books_is_negotiated_and_counted_as_sent_and_in_identity(client):
    result = run(client, operation="list", page_size=100)
    for protocol in ("rest", "soap"):
        column = result.column(protocol)
        assert "Accept-Encoding: br, gzip" in result.text(protocol)
        assert re.search(r"data-coding>br<", column), protocol
        sent, identity = (result.byte_count(protocol, f"response{suffix}")
                          for suffix in ("", "-identity"))  # fmt: skip
        assert 0 < sent < identity / 3, protocol
    assert re.search(r"as sent \([\d,]+ in br vs [\d,]+ in br", result.html)


def test_search_sends_the_same_criteria_both_ways(client):
    result = run(client, operation="search", search="the", language="en", ordering="-price")
    rest, soap = result.text("rest"), result.text("soap")
    assert "GET /api/v2/books/?search=the&language=en&ordering=-price&page_size=20" in rest
    assert re.search(
        r"<tns:filter>\s*<tns:language>en</tns:language>\s*<tns:search>the</tns:search>\s*"
        r"<tns:ordering>-price</tns:ordering>\s*</tns:filter>",
        soap,
    )
    assert "Answer: 200 OK" in rest and "Answer: 200 OK" in soap


def test_a_create_makes_the_book_both_ways_and_deletes_it_again(client, catalog):
    isbn = isbn_for(101, "979")
    result = run(client, **CREATE_FIELDS, isbn=isbn)
    rest, soap = result.text("rest"), result.text("soap")
    assert "Answer: 201 Created" in rest
    assert "Answer: 200 OK" in soap and "<tns:CreateBookResponse>" in soap
    assert "Before: the token request (not counted)" in rest
    assert "POST /api/token/ HTTP/1.1" in rest
    assert rest.count("After: deleting the book again (not counted)") == 1
    assert "HTTP/1.1 204 No Content" in rest
    assert "<tns:DeleteBookResult>true</tns:DeleteBookResult>" in soap
    assert catalog.get("/api/v2/books/", params={"isbn": isbn}).json()["results"] == []


def test_a_missing_book_is_a_problem_on_the_left_and_a_soap_fault_on_the_right(client):
    result = run(client, operation="get_book", book_id=987654)
    rest, soap = result.text("rest"), result.text("soap")
    assert "Answer: 404 Not Found" in rest
    assert "Error, as the client sees it: problem+json: Not found." in rest
    assert "content-type: application/problem+json" in rest
    assert "Answer: 500 Internal Server Error" in soap
    assert re.search(r"Error, as the client sees it: SOAP fault \w+:Client\.NotFound", soap)


def _books(catalog) -> int:
    return len(catalog.get("/api/v2/books/", params={"page_size": 1000}).json()["results"])


def test_an_invalid_create_is_refused_by_both_with_the_catalogs_reasons(client, catalog):
    before = _books(catalog)
    isbn = isbn_for(102, "979")
    wrong_check_digit = isbn[:-1] + str((int(isbn[-1]) + 1) % 10)
    result = run(client, **{**CREATE_FIELDS, "published_date": "2999-01-01"},
                 isbn=wrong_check_digit)  # fmt: skip
    rest, soap = result.text("rest"), result.text("soap")
    assert "Answer: 400 Bad Request" in rest
    assert '"isbn": [' in rest and '"published_date": [' in rest
    assert re.search(r"SOAP fault \w+:Client\.ValidationError", soap)
    assert "book.isbn" in soap and "book.published_date" in soap
    assert "After: deleting" not in result.html
    assert _books(catalog) == before


def test_tokens_and_passwords_never_reach_the_page(client):
    result = run(client, **CREATE_FIELDS, isbn=isbn_for(103, "979"))
    rest, soap = result.text("rest"), result.text("soap")
    assert "editor-pass" not in result.html
    assert not re.search(r"eyJ[\w-]+\.[\w-]+\.[\w-]+", result.html)  # no JWT anywhere
    assert '"password": "••••••••"' in rest
    assert '"access": "••••••••"' in rest and '"refresh": "••••••••"' in rest
    assert rest.count("Authorization: Bearer ••••••••") == 2  # the create and the delete
    assert soap.count('#PasswordText">••••••••</wsse:Password>') == 2
    assert "<wsse:Username>editor</wsse:Username>" in soap


def test_a_form_error_is_shown_and_nothing_is_sent(client):
    result = run(client, operation="list", page_size=5000)
    assert result.status == 400
    assert "Error: Ensure this value is less than or equal to 1000." in result.html
    assert 'id="result"' not in result.html


def test_a_create_without_its_fields_says_which_are_needed(client):
    result = run(client, operation="create", isbn="", title="")
    assert result.status == 400
    assert result.html.count("Error: Needed for this operation.") == 9
