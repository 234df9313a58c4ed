"""A captured exchange counts what crossed the wire (chunk framing included) and shows bodies
readably: JSON indented, XML pretty-printed without expanding entities, anything else as sent."""

import gzip

from catalog_client.exchanges import Exchange, exchange_of, pretty, truncated
from catalog_client.wire import WireRequest, WireResponse

REQUEST_HEAD = b"GET /api/v2/books/1/ HTTP/1.1\r\nHost: h:1\r\n\r\n"
RESPONSE_HEAD = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
BODY = b'{"title": "' + b"a" * 400 + b'"}'
FRAMING = len(f"{len(BODY):x}\r\n".encode()) + len(b"\r\n0\r\n\r\n")  # one chunk, then the end


def chunked_exchange() -> Exchange:
    return Exchange(REQUEST_HEAD, b"", RESPONSE_HEAD, BODY, len(BODY) + FRAMING, 200)


def test_response_bytes_count_the_chunk_framing_not_only_the_body():
    exchange = chunked_exchange()
    assert exchange.request_bytes == len(REQUEST_HEAD)
    assert exchange.response_bytes == len(RESPONSE_HEAD) + len(BODY) + FRAMING
    assert exchange.total == exchange.request_bytes + exchange.response_bytes


def test_a_compressed_answer_is_shown_decoded_and_counted_as_sent_and_in_identity():
    coded = gzip.compress(BODY)
    head = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n"
    response = WireResponse(200, head, coded, len(coded), {"content-encoding": "gzip"})
    exchange = exchange_of(WireRequest("GET", "/api/v2/books/1/"), response, "h:1")
    assert exchange.coding == "gzip" and exchange.response_body == BODY
    assert exchange.response_bytes == len(head) + len(coded)
    assert exchange.response_identity_bytes == len(head) + len(BODY)
    assert exchange.total_identity - exchange.total == len(BODY) - len(coded)


def test_json_is_indented_and_keeps_its_characters():
    assert pretty('{"a": [1, "é"]}'.encode()) == '{\n  "a": [\n    1,\n    "é"\n  ]\n}'


def test_xml_is_pretty_printed_without_expanding_entities():
    assert pretty(b"<a><b>1</b></a>") == "<a>\n  <b>1</b>\n</a>\n"
    assert "boom" not in pretty(b'<!DOCTYPE a [<!ENTITY x "boom">]><a>&x;</a>')


def test_a_broken_body_is_shown_as_it_came():
    assert pretty(b"<a><b>") == "<a><b>"
    assert pretty(b'{"a": ') == '{"a": '


def test_a_long_text_is_cut_and_says_how_much_more_there_was():
    assert truncated("x" * 12, limit=10) == "x" * 10 + "\n… (2 more characters)"
    assert truncated("x" * 10, limit=10) == "x" * 10
