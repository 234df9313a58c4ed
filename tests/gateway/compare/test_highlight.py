"""Highlighting only adds spans: every character of the text survives, escaped."""

import re
from html import unescape

import pytest

from gateway.compare.highlight import body_html, http_head_html


def _text(html: str) -> str:
    return unescape(re.sub(r"</?span[^>]*>", "", html))


@pytest.mark.parametrize(
    "text",
    [
        '{\n  "title": "<script>alert(1)</script>",\n  "n": -1.5e3,\n  "ok": true\n}',
        '<?xml version="1.0"?>\n<a:B xmlns:a="urn:x" c=\'1\'><!-- n --><d>x &lt; y</d></a:B>',
        '{"cut off mid-string": "abc',
        '<unclosed attr="x',
        "plain <b>text</b> & more",
    ],
)
def test_the_text_is_kept_and_only_spans_are_added(text):
    html = body_html(text)
    assert _text(html) == text
    assert not re.search(r"<(?!/?span)", html)  # no markup but the spans


def test_json_keys_strings_and_numbers_are_marked():
    html = body_html('{"id": 12, "name": "Ann", "ok": null}')
    assert '<span class="k">&quot;id&quot;</span>' in html
    assert '<span class="n">12</span>' in html
    assert '<span class="s">&quot;Ann&quot;</span>' in html
    assert '<span class="l">null</span>' in html


def test_xml_tags_and_attributes_are_marked():
    html = body_html('<t:Book id="1">x</t:Book>')
    assert '<span class="t">t:Book</span>' in html
    assert '<span class="a">id</span>=<span class="v">&quot;1&quot;</span>' in html


def test_an_http_head_marks_the_start_line_and_header_names():
    html = http_head_html("HTTP/1.1 200 OK\nContent-Type: text/xml")
    assert html.startswith('<span class="start">HTTP/1.1 200 OK</span>')
    assert '<span class="h">Content-Type</span>: text/xml' in html
