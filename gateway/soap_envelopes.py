"""The catalog's SOAP 1.2 messages for mediation: request envelopes as bytes, answers as dicts.

Hand-rolled rather than zeep: the messages are three fixed document/literal shapes, and mapping
an answer costs what walking its elements costs. For a page of 100 books zeep's AsyncClient
spends most of its time turning XML into objects (and the objects would still need turning into
JSON), while one lxml parse and a walk over the elements in WSDL order build REST v2's dicts
directly; docs/design.md (Mediation) has the measured figures.

SOAP 1.2 rather than 1.1 because its Code says whose fault it is (Sender 400, Receiver 500);
the REST status mediation answers comes from the fault's machine code (mediation).

Answers are parsed with DTDs, entities and network access refused, like any XML the gateway
reads; a body that is not a SOAP answer of ours raises MalformedAnswer. `canonical` gives a
request envelope's canonical form (the response cache's key for SOAP reads).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree

from catalog_contract import elements
from catalog_contract.errors import SERVER_ERROR
from catalog_contract.namespaces import SOAP12_ENVELOPE, SOAP_NAMESPACE

_HEAD = (
    f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP12_ENVELOPE}" '
    f'xmlns:tns="{SOAP_NAMESPACE}"><soap:Body>'
)
_TAIL = "</soap:Body></soap:Envelope>"
_PARSER = etree.XMLParser(
    resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, remove_comments=True
)
_BODY = f"{{{SOAP12_ENVELOPE}}}Body"
_FAULT = f"{{{SOAP12_ENVELOPE}}}Fault"
_T = f"{{{SOAP_NAMESPACE}}}"


class MalformedAnswer(Exception):
    """The SOAP service answered something that is not one of its messages."""


@dataclass(frozen=True)
class SoapFault:
    code: str  # the service's machine code: invalid, not_found, authentication_failed ...
    message: str
    errors: dict[str, list[str]] = field(default_factory=dict)
    current_version: int | None = None
    retry_after: int | None = None
    request_id: str | None = None


Scalar = str | int | float | bool


_ARRAY_ITEMS = {**elements.LIST_ITEMS, **elements.BATCH_ITEMS}


def _text(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def _elements(values: Iterable[tuple[str, Any]]) -> str:
    """`<tns:name>value</tns:name>` for each pair, nested for lists (of `LIST_ITEMS` and
    `BATCH_ITEMS`) and dicts."""
    out = []
    for name, value in values:
        if isinstance(value, Mapping):
            inner = _elements(value.items())
        elif isinstance(value, list):
            item = _ARRAY_ITEMS[name]
            inner = "".join(f"<tns:{item}>{_text(v)}</tns:{item}>" for v in value)
        else:
            inner = _text(value)
        out.append(f"<tns:{name}>{inner}</tns:{name}>")
    return "".join(out)


def envelope(operation: str, arguments: Iterable[tuple[str, Any]]) -> bytes:
    return f"{_HEAD}<tns:{operation}>{_elements(arguments)}</tns:{operation}>{_TAIL}".encode()


def get_book(book_id: int) -> bytes:
    return envelope("GetBook", [("id", book_id)])


def get_books(ids: Iterable[int]) -> bytes:
    return envelope("GetBooks", [("ids", list(ids))])


def list_books(criteria: Mapping[str, Scalar], cursor: str | None, page_size: str | None) -> bytes:
    """`criteria` by BookFilter field name; absent ones are left out."""
    arguments: list[tuple[str, Any]] = []
    present = [(name, criteria[name]) for name in elements.BOOK_FILTER if name in criteria]
    if present:
        arguments.append(("filter", dict(present)))
    if cursor is not None:
        arguments.append(("cursor", cursor))
    if page_size is not None:
        arguments.append(("page_size", page_size))
    return envelope("ListBooks", arguments)


def create_book(book: Mapping[str, Any]) -> bytes:
    """`book` by BookInput field name (`price` as {amount, currency?}); absent ones left out."""
    fields = {name: book[name] for name in elements.BOOK_INPUT if name in book}
    return envelope("CreateBook", [("book", fields)])


# -- answers --------------------------------------------------------------------------------


def canonical(body: bytes) -> bytes | None:
    """Canonical XML (C14N 2.0: namespace declarations, attribute order, quoting, empty
    elements, the XML declaration and comments no longer matter) with whitespace between
    elements dropped; text content is kept as it is. None for a body that is not well-formed
    XML or has a DTD."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        return None
    if root.getroottree().docinfo.doctype:
        return None
    for element in root.iter():
        if len(element) and element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    return etree.tostring(root, method="c14n2")


def answer(body: bytes) -> etree._Element | SoapFault:
    """The operation's result element (e.g. tns:GetBookResult), or the fault."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise MalformedAnswer(f"not XML: {exc}") from None
    soap_body = root.find(_BODY)
    if soap_body is None or len(soap_body) != 1:
        raise MalformedAnswer("no SOAP 1.2 Body with one element")
    content = soap_body[0]
    if content.tag == _FAULT:
        return _fault(content)
    if len(content) != 1:
        raise MalformedAnswer(f"{content.tag!s} holds no result")
    return content[0]


def _fault(element: etree._Element) -> SoapFault:
    reason = element.findtext(f"{{{SOAP12_ENVELOPE}}}Reason/{{{SOAP12_ENVELOPE}}}Text") or ""
    detail = element.find(f"{{{SOAP12_ENVELOPE}}}Detail/{_T}CatalogFault")
    if detail is None:
        return SoapFault(code=SERVER_ERROR.code, message=reason)
    errors: dict[str, list[str]] = {}
    for error in detail.iterfind(f"{_T}errors/{_T}error"):
        errors.setdefault(error.findtext(f"{_T}field") or "", []).append(
            error.findtext(f"{_T}message") or ""
        )
    return SoapFault(
        code=detail.findtext(f"{_T}code") or SERVER_ERROR.code,
        message=reason,
        errors=errors,
        current_version=_int_or_none(detail.findtext(f"{_T}current_version")),
        retry_after=_int_or_none(detail.findtext(f"{_T}retry_after")),
        request_id=detail.findtext(f"{_T}request_id"),
    )


def _int_or_none(text: str | None) -> int | None:
    return int(text) if text and text.strip().lstrip("-").isdigit() else None


def book(element: etree._Element) -> dict[str, Any]:
    """A tns:Book as REST v2 represents a book: the same keys, order and JSON types."""
    v = {etree.QName(child).text[len(_T) :]: child for child in element}
    try:
        return {
            "id": int(v["id"].text or ""),
            "isbn": v["isbn"].text or "",
            "title": v["title"].text or "",
            "subtitle": v["subtitle"].text or "",
            "authors": [
                {"id": int(a[0].text or ""), "name": a[1].text or ""} for a in v["authors"]
            ],
            "publisher": {
                "id": int(v["publisher"][0].text or ""),
                "name": v["publisher"][1].text or "",
            },
            "genres": [{"slug": g[0].text or "", "name": g[1].text or ""} for g in v["genres"]],
            "published_date": v["published_date"].text,
            "language": v["language"].text or "",
            "pages": int(v["pages"].text or ""),
            "price": {"amount": v["price"][0].text, "currency": v["price"][1].text},
            "description": v["description"].text or "",
            "version": int(v["version"].text or ""),
            "created_at": v["created_at"].text,
            "updated_at": v["updated_at"].text,
        }
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise MalformedAnswer(f"not a Book: {exc!r}") from None


@dataclass(frozen=True)
class BookPage:
    books: list[dict[str, Any]]
    next_cursor: str | None
    previous_cursor: str | None


def book_page(element: etree._Element) -> BookPage:
    """A tns:BookPage, or a tns:BookList (GetBooks' answer: a page without cursors)."""
    books = element.find(f"{_T}books")
    if books is None:
        raise MalformedAnswer("a BookPage without books")
    return BookPage(
        books=[book(item) for item in books],
        next_cursor=element.findtext(f"{_T}next_cursor"),
        previous_cursor=element.findtext(f"{_T}previous_cursor"),
    )
