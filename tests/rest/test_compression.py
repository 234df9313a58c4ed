"""REST responses compressed as Accept-Encoding asks (service_http.compression), ETags per coding,
token responses never compressed, and gzip request bodies decoded within the body limit."""

from __future__ import annotations

import gzip

import brotli
import orjson
import pytest
from django.http import HttpResponse

from service_http.compression import CompressionMiddleware
from shared_models.models import Book
from tests.factories import book_body_v2, make_book, make_user
from tests.rest.problems import assert_problem
from tests.zipbomb import gzip_bomb, record_decoders

pytestmark = pytest.mark.django_db

LIST = "/api/v2/books/?page_size=20"
CREDENTIALS = {"username": "editor", "password": "editor-pass"}


@pytest.fixture
def books():
    return [make_book(title=f"Book number {n}", description="A long description. " * 5)
            for n in range(20)]  # fmt: skip


@pytest.fixture
def always(settings):
    """Compress every body, however small (the threshold is tested on its own)."""
    settings.COMPRESSION_MIN_BYTES = 0


def test_a_list_is_sent_in_gzip_when_the_client_accepts_gzip(anonymous, books):
    plain = anonymous.get(LIST)
    response = anonymous.get(LIST, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) == len(response.content) < len(plain.content)
    assert orjson.loads(gzip.decompress(response.content)) == plain.json()


def test_brotli_is_preferred_when_both_are_accepted(anonymous, books):
    response = anonymous.get(LIST, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "br"
    assert orjson.loads(brotli.decompress(response.content))["results"]


def test_brotli_refused_with_q_zero_is_not_used(anonymous, books):
    response = anonymous.get(LIST, HTTP_ACCEPT_ENCODING="br;q=0, gzip;q=0.5")
    assert response["Content-Encoding"] == "gzip"


def test_without_accept_encoding_the_body_is_sent_as_it_is_and_varies(anonymous, books):
    response = anonymous.get(LIST)
    assert not response.has_header("Content-Encoding")
    assert "Accept-Encoding" in response["Vary"]
    assert response.json()["results"]


def test_a_body_under_the_threshold_is_not_compressed_but_still_varies(anonymous, books, settings):
    settings.COMPRESSION_MIN_BYTES = 1_000_000
    response = anonymous.get(LIST, HTTP_ACCEPT_ENCODING="gzip")
    assert not response.has_header("Content-Encoding")
    assert "Accept-Encoding" in response["Vary"]


def test_a_gzip_book_has_its_own_etag(anonymous, always):
    book = make_book()
    response = anonymous.get(f"/api/v2/books/{book.pk}/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert response["ETag"] == '"1-gzip"'
    assert anonymous.get(f"/api/v2/books/{book.pk}/")["ETag"] == '"1"'


@pytest.mark.parametrize(
    ("held", "answered"),
    [('"1-gzip"', '"1-gzip"'), ('"1-br"', '"1-br"'), ('"1"', '"1"'), ('W/"1-gzip"', '"1-gzip"')],
)
def test_any_variants_validator_of_unchanged_content_is_answered_304(
    anonymous, always, held, answered
):
    book = make_book()
    response = anonymous.get(
        f"/api/v2/books/{book.pk}/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=held
    )
    assert response.status_code == 304
    assert response["ETag"] == answered
    assert "Accept-Encoding" in response["Vary"]


def test_a_variants_validator_of_changed_content_gets_the_new_body(anonymous, always):
    book = make_book()
    book.version = 2
    book.save()
    response = anonymous.get(
        f"/api/v2/books/{book.pk}/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH='"1-gzip"'
    )
    assert response.status_code == 200
    assert response["ETag"] == '"2-gzip"'


def test_a_write_may_name_the_version_by_a_compressed_variants_etag(editor, always):
    book = make_book(title="Before")
    response = editor.patch(f"/api/v2/books/{book.pk}/", {"title": "After"}, format="json",
                            HTTP_IF_MATCH='"1-br"')  # fmt: skip
    assert response.status_code == 200
    book.refresh_from_db()
    assert (book.title, book.version) == ("After", 2)


def test_a_token_response_is_never_compressed(anonymous, always):
    make_user()
    response = anonymous.post("/api/token/", CREDENTIALS, format="json",
                              HTTP_ACCEPT_ENCODING="gzip, br")  # fmt: skip
    assert response.status_code == 200, response.content
    assert not response.has_header("Content-Encoding")
    assert "access" in response.json()


def test_a_refreshed_token_response_is_never_compressed(anonymous, always):
    make_user()
    refresh = anonymous.post("/api/token/", CREDENTIALS, format="json").json()["refresh"]
    response = anonymous.post("/api/token/refresh/", {"refresh": refresh}, format="json",
                              HTTP_ACCEPT_ENCODING="gzip, br")  # fmt: skip
    assert response.status_code == 200, response.content
    assert not response.has_header("Content-Encoding")
    assert "access" in response.json()


def test_a_gzip_request_body_is_decoded(editor):
    body = gzip.compress(orjson.dumps(book_body_v2(title="Sent in gzip")))
    response = editor.post("/api/v2/books/", body, content_type="application/json",
                           HTTP_CONTENT_ENCODING="gzip")  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Sent in gzip"
    assert Book.objects.get(pk=response.json()["id"]).title == "Sent in gzip"


def test_a_request_body_in_another_coding_is_415(editor):
    response = editor.post("/api/v2/books/", b"\x1b\x00", content_type="application/json",
                           HTTP_CONTENT_ENCODING="br")  # fmt: skip
    assert_problem(response, 415, "unsupported-media-type")


def test_a_zip_bomb_is_413_after_decoding_at_most_the_limit_and_a_chunk(
    editor, settings, monkeypatch
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200_000
    decoders = record_decoders(monkeypatch)
    response = editor.post("/api/v2/books/", gzip_bomb(), content_type="application/json",
                           HTTP_CONTENT_ENCODING="gzip")  # fmt: skip
    assert_problem(response, 413, "content-too-large")
    assert max(decoder.produced for decoder in decoders) <= 200_000 + 64 * 1024


def test_the_headers_an_outer_middleware_read_are_kept_when_no_validator_is_rewritten(rf):
    """Rebuilding `request.headers` walks every header: only a rewritten validator needs it."""
    seen = {}

    def view(request):
        seen["headers"] = request.headers
        return HttpResponse(b"{}", content_type="application/json")

    request = rf.get("/api/v2/books/", HTTP_ACCEPT_ENCODING="gzip")
    read_outside = request.headers
    CompressionMiddleware(view)(request)
    assert seen["headers"] is read_outside
