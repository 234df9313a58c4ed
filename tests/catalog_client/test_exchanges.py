"""A captured exchange counts what crossed the wire (chunk framing included) and shows bodies
readably: JSON indented, XML pretty-printed without expanding entities, anything else as sent."""

from catalog_client.exchanges import Exchange, pretty, truncated

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


def test_gzip_sizes_compress_the_bodies_and_keep_the_heads_as_sent():
    request_gzip, response_gzip = chunked_exchange().gzip_sizes
    assert request_gzip == len(REQUEST_HEAD)
    assert len(RESPONSE_HEAD) < response_gzip < len(RESPONSE_HEAD) + len(BODY) // 4


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
