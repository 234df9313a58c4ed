"""SOAP answers compressed as Accept-Encoding asks, and gzip request bodies (as Apache CXF and .NET
send them) decoded within SOAP_MAX_BODY_BYTES: a bomb is a Client.RequestTooLong fault, another
coding a Client.UnsupportedMediaType fault."""

from __future__ import annotations

import gzip

import brotli
import httpx
import pytest
import requests
from lxml import etree
from zeep import Client as ZeepClient
from zeep.transports import Transport

from tests.factories import make_book
from tests.soap.conftest import TNS, envelope, post_envelope, post_live, wsdl_url
from tests.soap.faults import assert_fault
from tests.zipbomb import gzip_bomb, record_decoders

LIST_BOOKS = envelope("<t:ListBooks><t:page_size>20</t:page_size></t:ListBooks>")
BOOK = f"{{{TNS}}}book"


@pytest.fixture
def books(db):
    return [make_book(title=f"Book number {n}") for n in range(20)]


def _books_in(body: bytes) -> int:
    return len(etree.fromstring(body).findall(f".//{BOOK}"))


def test_a_page_is_sent_in_gzip_when_the_client_accepts_gzip(client, books):
    response = post_envelope(client, LIST_BOOKS, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) == len(response.content)
    assert _books_in(gzip.decompress(response.content)) == 20


def test_brotli_is_preferred_and_varies_by_accept_encoding(client, books):
    response = post_envelope(client, LIST_BOOKS, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response["Vary"]
    assert _books_in(brotli.decompress(response.content)) == 20


def test_without_accept_encoding_the_envelope_is_sent_as_it_is(client, books):
    response = post_envelope(client, LIST_BOOKS)
    assert not response.has_header("Content-Encoding")
    assert "Accept-Encoding" in response["Vary"]
    assert _books_in(response.content) == 20


def test_an_answer_under_the_threshold_is_not_compressed(client, books, settings):
    settings.COMPRESSION_MIN_BYTES = 1_000_000
    response = post_envelope(client, LIST_BOOKS, HTTP_ACCEPT_ENCODING="gzip")
    assert not response.has_header("Content-Encoding")
    assert _books_in(response.content) == 20


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_gzip_request_body_is_decoded(client, books, version):
    body = envelope("<t:ListBooks><t:page_size>3</t:page_size></t:ListBooks>", version=version)
    response = post_envelope(client, gzip.compress(body), version, HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 200, response.content
    assert _books_in(response.content) == 3


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_zip_bomb_is_a_request_too_long_fault_after_at_most_the_limit_and_a_chunk(
    client, db, settings, monkeypatch, version
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200_000
    decoders = record_decoders(monkeypatch)
    response = post_envelope(client, gzip_bomb(), version, HTTP_CONTENT_ENCODING="gzip")
    fault = assert_fault(response, version, "Client.RequestTooLong", "content_too_large")
    assert fault.status == 413
    assert max(decoder.produced for decoder in decoders) <= 200_000 + 64 * 1024


def test_a_request_body_in_another_coding_is_an_unsupported_media_type_fault(client, db):
    response = post_envelope(client, brotli.compress(LIST_BOOKS), HTTP_CONTENT_ENCODING="br")
    fault = assert_fault(response, "1.1", "Client.UnsupportedMediaType", "unsupported_media_type")
    assert fault.status == 415


def test_a_live_service_decodes_a_gzip_body_and_answers_in_gzip(stack):
    coded = {"Content-Encoding": "gzip", "Accept-Encoding": "gzip"}
    response = post_live(stack, gzip.compress(LIST_BOOKS), **coded)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Encoding"] == "gzip"
    assert int(response.headers["Content-Length"]) < len(response.content)  # httpx decoded it
    assert _books_in(response.content) == 20


def test_zeep_reads_a_compressed_answer(stack):
    session = requests.Session()  # sends Accept-Encoding: gzip, deflate (br if installed)
    codings_seen: list[str | None] = []
    session.hooks["response"].append(
        lambda response, *args, **kwargs: codings_seen.append(
            response.headers.get("Content-Encoding")
        )
    )
    client = ZeepClient(wsdl_url(stack, "1.1"), transport=Transport(session=session))
    page = client.service.ListBooks(page_size=20)
    assert len(page.books.book) == 20
    assert codings_seen[-1] in {"gzip", "br"}


def test_the_wsdl_is_compressed_too(stack):
    response = httpx.get(
        stack.url("soap", "/soap/catalog/?wsdl"), headers={"Accept-Encoding": "br"}
    )
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert etree.fromstring(response.content).tag.endswith("definitions")
