"""A tiny server-side highlighter: HTTP heads, JSON and XML as escaped HTML with <span> classes.

Colour is decoration only (the page reads the same without it): every character of the text is
kept, escaped, in order; spans only mark header names, keys, strings, numbers, tags and attributes.
Text cut short mid-token (a truncated body) is still escaped; it just stays unmarked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_JSON = re.compile(
    r'(?P<k>"(?:\\.|[^"\\\n])*")(?=\s*:)'
    r'|(?P<s>"(?:\\.|[^"\\\n])*")'
    r"|(?P<n>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<l>\btrue\b|\bfalse\b|\bnull\b)"
)
_XML_MARKUP = re.compile(r"<!--.*?-->|<\?.*?\?>|<[^<>]*>", re.DOTALL)
_XML_TAG = re.compile(r"^(</?)([\w:.-]+)(.*?)(/?>)$", re.DOTALL)
_XML_ATTRIBUTE = re.compile(r'([\w:.-]+)(=)("[^"]*"|\'[^\']*\')')
_HTTP_HEADER = re.compile(r"^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(:)(.*)$")


def _span(kind: str, text: str) -> str:
    return f'<span class="{kind}">{escape(text)}</span>'


def _marked(pattern: re.Pattern[str], text: str) -> Iterator[str]:
    """Escaped text with each match of `pattern` wrapped in a span named after its group."""
    position = 0
    for match in pattern.finditer(text):
        yield escape(text[position : match.start()])
        yield _span(match.lastgroup or "", match.group())
        position = match.end()
    yield escape(text[position:])


def json_html(text: str) -> SafeString:
    return mark_safe("".join(_marked(_JSON, text)))


def _tag(markup: str) -> str:
    match = _XML_TAG.match(markup)
    if match is None:  # a comment or a processing instruction
        return _span("c", markup)
    opening, name, attributes, closing = match.groups()
    inner = "".join(
        _span("a", part) if index % 4 == 1 else _span("v", part) if index % 4 == 3 else escape(part)
        for index, part in enumerate(_XML_ATTRIBUTE.split(attributes))
    )
    return escape(opening) + _span("t", name) + inner + escape(closing)


def xml_html(text: str) -> SafeString:
    parts: list[str] = []
    position = 0
    for match in _XML_MARKUP.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(_tag(match.group()))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))


def http_head_html(text: str) -> SafeString:
    """A request or status line, then `Name: value` lines."""
    lines = text.split("\n")
    out = [_span("start", lines[0])]
    for line in lines[1:]:
        match = _HTTP_HEADER.match(line)
        out.append(
            _span("h", match.group(1)) + escape(match.group(2) + match.group(3))
            if match
            else escape(line)
        )
    return mark_safe("\n".join(out))


def body_html(text: str) -> SafeString:
    """JSON or XML by its first character; anything else escaped as it is."""
    start = text.lstrip()[:1]
    if start == "<":
        return xml_html(text)
    if start in ("{", "["):
        return json_html(text)
    return mark_safe(escape(text))
