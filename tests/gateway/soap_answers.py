"""SOAP 1.2 answers as the catalog's SOAP service writes them, for mediation's unit tests."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

ENVELOPE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<soap12env:Envelope xmlns:soap12env="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:tns="urn:bookcatalog:soap:v1"><soap12env:Body>{}</soap12env:Body></soap12env:Envelope>'
)


def book_xml(book_id: int = 7, **overrides: Any) -> str:
    values = {
        "isbn": "9780306406157",
        "title": "The Dispossessed",
        "subtitle": "",
        "description": "An ambiguous utopia & more",
        "version": 3,
        **overrides,
    }
    return (
        f"<tns:id>{book_id}</tns:id><tns:isbn>{values['isbn']}</tns:isbn>"
        f"<tns:title>{escape(values['title'])}</tns:title>"
        f"<tns:subtitle>{values['subtitle']}</tns:subtitle>"
        "<tns:authors><tns:author><tns:id>1</tns:id><tns:name>Ursula K. Le Guin</tns:name>"
        "</tns:author><tns:author><tns:id>2</tns:id><tns:name>Second</tns:name></tns:author>"
        "</tns:authors>"
        "<tns:publisher><tns:id>4</tns:id><tns:name>Harper &amp; Row</tns:name></tns:publisher>"
        "<tns:genres><tns:genre><tns:slug>sf</tns:slug><tns:name>Science fiction</tns:name>"
        "</tns:genre></tns:genres>"
        "<tns:published_date>1974-05-01</tns:published_date><tns:language>en</tns:language>"
        "<tns:pages>387</tns:pages>"
        "<tns:price><tns:amount>12.50</tns:amount><tns:currency>EUR</tns:currency></tns:price>"
        f"<tns:description>{escape(values['description'])}</tns:description>"
        f"<tns:version>{values['version']}</tns:version>"
        "<tns:created_at>2026-06-15T12:00:00+00:00</tns:created_at>"
        "<tns:updated_at>2026-06-15T12:00:00.123456+00:00</tns:updated_at>"
    )


def book_answer(operation: str = "GetBook", book_id: int = 7, **overrides: Any) -> bytes:
    result = f"<tns:{operation}Result>{book_xml(book_id, **overrides)}</tns:{operation}Result>"
    return ENVELOPE.format(f"<tns:{operation}Response>{result}</tns:{operation}Response>").encode()


def page_answer(ids: list[int], next_cursor: str | None, previous_cursor: str | None) -> bytes:
    books = "".join(f"<tns:book>{book_xml(book_id)}</tns:book>" for book_id in ids)
    cursors = "".join(
        f"<tns:{name}>{value}</tns:{name}>"
        for name, value in (("next_cursor", next_cursor), ("previous_cursor", previous_cursor))
        if value is not None
    )
    result = f"<tns:ListBooksResult><tns:books>{books}</tns:books>{cursors}</tns:ListBooksResult>"
    return ENVELOPE.format(f"<tns:ListBooksResponse>{result}</tns:ListBooksResponse>").encode()


def fault_answer(
    code: str, reason: str, subcode: str, errors: dict[str, str] | None = None, **detail: Any
) -> bytes:
    error_xml = "".join(
        f"<tns:error><tns:field>{field}</tns:field><tns:message>{escape(message)}</tns:message>"
        "</tns:error>"
        for field, message in (errors or {}).items()
    )
    extra = "".join(f"<tns:{name}>{value}</tns:{name}>" for name, value in detail.items())
    fault = (
        "<soap12env:Fault><soap12env:Code><soap12env:Value>soap12env:Sender</soap12env:Value>"
        f"<soap12env:Subcode><soap12env:Value>tns:{subcode}</soap12env:Value></soap12env:Subcode>"
        "</soap12env:Code><soap12env:Reason>"
        f'<soap12env:Text xml:lang="en">{escape(reason)}</soap12env:Text></soap12env:Reason>'
        f"<soap12env:Detail><tns:CatalogFault><tns:code>{code}</tns:code>"
        f"{'<tns:errors>' + error_xml + '</tns:errors>' if error_xml else ''}{extra}"
        "</tns:CatalogFault></soap12env:Detail></soap12env:Fault>"
    )
    return ENVELOPE.format(fault).encode()
