"""service_http.codings: Accept-Encoding with q-values (RFC 9110 12.5.3), the coded ETags, and
request bodies decoded without ever producing more than the limit plus one chunk."""

from __future__ import annotations

import gzip

import brotli
import pytest

from service_http import codings
from tests.zipbomb import gzip_bomb, record_decoders


@pytest.mark.parametrize(
    ("accept_encoding", "chosen"),
    [
        (None, "identity"),  # a client that says nothing gets the body as it is
        ("", "identity"),  # an empty value means identity only
        ("gzip", "gzip"),
        ("br", "br"),
        ("gzip, br", "br"),  # equal q: Brotli first
        ("gzip;q=1.0, br;q=0.5", "gzip"),
        ("br;q=0, gzip", "gzip"),  # br;q=0 refuses Brotli
        ("br;q=0", "identity"),
        ("GZIP", "gzip"),  # codings are case-insensitive
        ("*", "br"),
        ("*;q=0.5, br;q=0", "gzip"),  # the wildcard covers codings not named
        ("gzip;q=0.5, identity", "identity"),  # identity preferred outright
        ("gzip, identity;q=0", "gzip"),
        ("deflate, compress", "identity"),  # nothing we send, identity still acceptable
        ("identity;q=0", None),  # nothing acceptable at all
        ("*;q=0", None),
        ("*;q=0, identity", "identity"),  # a more specific entry wins over the wildcard
        ("gzip;q=2, br;q=abc", "identity"),  # malformed q-values are ignored, not guessed
    ],
)
def test_accept_encoding_is_negotiated_with_q_values(accept_encoding, chosen):
    assert codings.choose_coding(accept_encoding) == chosen


@pytest.mark.parametrize(
    ("accept_encoding", "refused"),
    [(None, False), ("gzip", False), ("gzip, identity;q=0", True), ("*;q=0", True),
     ("*;q=0, identity;q=0.1", False)],
)  # fmt: skip
def test_identity_is_refused_only_by_a_zero_q_value(accept_encoding, refused):
    assert codings.identity_refused(accept_encoding) is refused


def test_a_body_below_the_threshold_is_left_alone_unless_identity_is_refused():
    assert codings.response_coding("gzip", 1023, 1024) is None
    assert codings.response_coding("gzip", 1024, 1024) == "gzip"
    assert codings.response_coding("gzip, identity;q=0", 10, 1024) == "gzip"


def test_compressed_bodies_decode_back_to_the_original():
    body = b'{"results": [' + b'{"title": "The Dispossessed"},' * 200 + b"{}]}"
    assert gzip.decompress(codings.compress(body, "gzip")) == body
    assert brotli.decompress(codings.compress(body, "br")) == body


def test_gzip_output_is_the_same_for_the_same_input():
    body = b"<Book>" * 500
    assert codings.compress(body, "gzip") == codings.compress(body, "gzip")


@pytest.mark.parametrize(
    ("etag", "coding", "coded"),
    [('"3"', "gzip", '"3-gzip"'), ('"3"', "br", '"3-br"'), ('W/"3"', "gzip", 'W/"3-gzip"')],
)
def test_a_compressed_representation_has_its_own_etag(etag, coding, coded):
    assert codings.coded_etag(etag, coding) == coded
    assert codings.without_coding(coded) == etag


def test_foreign_etags_are_not_rewritten():
    assert codings.without_coding('"release-br"') == '"release"'  # ours by construction
    assert codings.without_coding('"-br"') == '"-br"'
    assert codings.without_coding('"3-deflate"') == '"3-deflate"'


@pytest.mark.parametrize("header", ["gzip", "x-gzip", "GZIP", "identity, gzip"])
def test_gzip_request_bodies_are_accepted(header):
    assert codings.request_coding(header) == "gzip"


@pytest.mark.parametrize("header", ["br", "deflate", "gzip, gzip", "zstd"])
def test_other_request_codings_are_unsupported(header):
    with pytest.raises(codings.UnsupportedCoding):
        codings.request_coding(header)


def test_a_gzip_body_within_the_limit_is_decoded_whole():
    body = b"<e:Envelope/>" * 1000
    packed = gzip.compress(body)
    chunks = [packed[i : i + 100] for i in range(0, len(packed), 100)]
    assert codings.decode_all(chunks, limit=len(body)) == body


def test_a_zip_bomb_stops_after_the_limit_and_one_chunk_at_most(monkeypatch):
    limit = 100_000
    decoders = record_decoders(monkeypatch)
    with pytest.raises(codings.BodyTooLarge):
        codings.decode_all([gzip_bomb()], limit)
    assert limit < decoders[0].produced <= limit + codings.DECODE_CHUNK_BYTES


def test_a_truncated_gzip_body_is_malformed():
    with pytest.raises(codings.MalformedBody):
        codings.decode_all([gzip.compress(b"x" * 5000)[:-20]], limit=10_000)
