"""XML threat protection: what a request must pass before Spyne sees it.

The limits are those XML threat protection policies (Kong, WSO2, Apigee) offer: body size,
nesting depth, children per element, attributes per element, text length. DTDs are refused
outright, so no entity is ever declared, let alone expanded or fetched (billion laughs, XXE):

    1. a byte scan for '<!DOCTYPE' / '<!ENTITY' (XML is case-sensitive; this is the only
       spelling in UTF-8 and its ASCII-compatible cousins),
    2. a parser that loads no DTD, resolves no entity, touches no network and refuses huge trees,
    3. the parsed document's docinfo, which catches a DTD the byte scan missed (UTF-16),
    4. an iterative walk checking the structural limits.

Pure functions over bytes and lxml elements; soap_service.protocol turns XmlThreat into a fault.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.conf import settings
from lxml import etree


class XmlThreat(Exception):
    """The document is refused; the message says why and is safe to show to the client."""


@dataclass(frozen=True, slots=True)
class XmlLimits:
    max_body_bytes: int
    max_depth: int
    max_children: int
    max_attributes: int
    max_text_length: int

    @classmethod
    def from_settings(cls) -> XmlLimits:
        return cls(
            max_body_bytes=settings.SOAP_MAX_BODY_BYTES,
            max_depth=settings.SOAP_MAX_DEPTH,
            max_children=settings.SOAP_MAX_CHILDREN,
            max_attributes=settings.SOAP_MAX_ATTRIBUTES,
            max_text_length=settings.SOAP_MAX_TEXT_LENGTH,
        )


_per_thread = threading.local()


def _parser() -> etree.XMLParser:
    """One parser per thread, reused for every document that thread parses: lxml parsers must
    not be shared between threads, and a new one per document cost its creation and, since a
    parsed document and its parser refer to each other, a wait for the garbage collector."""
    parser = getattr(_per_thread, "parser", None)
    if parser is None:
        parser = _per_thread.parser = _new_parser()
    return parser


def _new_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        strip_cdata=True,
        attribute_defaults=False,
    )


def parse(body: bytes, limits: XmlLimits) -> etree._Element:
    """The document's root element, or XmlThreat; a syntax error is lxml's XMLSyntaxError."""
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise XmlThreat("DTDs and entity declarations are not allowed.")
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        if "Excessive depth" in str(exc):  # libxml2's own limit, below huge_tree's
            raise XmlThreat(f"XML nesting is deeper than {limits.max_depth} levels.") from None
        raise
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XmlThreat("DTDs are not allowed.")
    check_limits(root, limits)
    return root


def check_limits(root: etree._Element, limits: XmlLimits) -> None:
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if isinstance(element, etree._Entity):
            raise XmlThreat("Entity references are not allowed.")
        if depth > limits.max_depth:
            raise XmlThreat(f"XML nesting is deeper than {limits.max_depth} levels.")
        if len(element.attrib) > limits.max_attributes:
            raise XmlThreat(f"An element has more than {limits.max_attributes} attributes.")
        for text in (element.text, element.tail):
            if text is not None and len(text) > limits.max_text_length:
                raise XmlThreat(f"A text is longer than {limits.max_text_length} characters.")
        children = len(element)
        if children > limits.max_children:
            raise XmlThreat(f"An element has more than {limits.max_children} children.")
        if children:
            stack.extend((child, depth + 1) for child in element)
