"""The hot reads answered beside Spyne: GetBook, GetBookByIsbn and ListBooks without a filter.

Spyne's request pipeline (its contexts, events and deserialisation) was about 40 % of a GetBook's
CPU, more than the read itself. A request this module recognises exactly is read with the same
hardened parser, checked against the same schema, served by the same selector and rendered by the
same renderer (soap_service.fastxml), so its answer is the one Spyne would send, byte for byte.
Anything else goes to Spyne untouched: a SOAP Header (WS-Security, mustUnderstand), a filter, a
value the schema refuses, a content type it would fault, credentials that fail, and any error
raised by the read (a missing book, a cursor that is not one), which Spyne then reads again and
answers as the fault it always was (reads change nothing, so reading twice is safe). The one
exception is an unreachable database, answered at once with the same Server.Unavailable fault
(soap_service.faults.unavailable), so the client does not wait twice for a connection.

`SOAP_HOT_READS=false` turns it off (read per request). tests/soap/test_hot_reads.py holds both
paths to the same status, headers and bytes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from lxml import etree
from spyne import Application

from credentials.tokens import TokenRejected, bearer_token
from shared_models import selectors
from shared_models.errors import database_unavailable
from soap_service import hardening
from soap_service.auth import token_principal
from soap_service.fastxml import BookResponseRenderer
from soap_service.faults import (
    AuthenticationFailedFault,
    CatalogFault,
    unavailable,
)
from soap_service.protocol import media_type
from soap_service.types import TNS
from telemetry import service_metrics

_GET_BOOK, _GET_BOOK_BY_ISBN, _LIST_BOOKS, _ID, _ISBN, _CURSOR, _PAGE_SIZE = (
    f"{{{TNS}}}{name}"
    for name in ("GetBook", "GetBookByIsbn", "ListBooks", "id", "isbn", "cursor", "page_size")
)
# The arguments each hot read may carry (ListBooks' filter is Spyne's to read).
_ARGUMENTS = {
    _GET_BOOK: frozenset({_ID}),
    _GET_BOOK_BY_ISBN: frozenset({_ISBN}),
    _LIST_BOOKS: frozenset({_CURSOR, _PAGE_SIZE}),
}


class _NotHot(Exception):
    """The request is not one this module answers: Spyne will."""


class HotReads:
    """One SOAP version's hot reads, over its Spyne application's protocol."""

    def __init__(
        self, application: Application, refuse: Callable[[HttpRequest, CatalogFault], HttpResponse]
    ) -> None:
        protocol = application.in_protocol
        self._refuse = refuse
        self._protocol = protocol
        self._renderer = BookResponseRenderer(application)
        self._version = "1.2" if protocol.soap12 else "1.1"
        self._content_type = application.out_protocol.mime_type
        self._envelope = f"{{{protocol.ns_soap_env}}}Envelope"
        self._header = f"{{{protocol.ns_soap_env}}}Header"
        self._body = f"{{{protocol.ns_soap_env}}}Body"
        self._reads: dict[str, Callable[[dict[str, str]], bytes]] = {
            _GET_BOOK: self._get_book,
            _GET_BOOK_BY_ISBN: self._get_book_by_isbn,
            _LIST_BOOKS: self._list_books,
        }

    def answer(self, request: HttpRequest) -> HttpResponse | None:
        """The response to a hot read, or None for Spyne to answer the request."""
        if not settings.SOAP_HOT_READS:
            return None
        try:
            operation, arguments = self._call(request)
            _check_credentials(request)
        except _NotHot:
            return None
        name = operation.partition("}")[2]
        try:
            content = self._reads[operation](arguments)
        except Exception as exc:
            if not database_unavailable(exc):
                return None  # a missing book, a bad cursor: Spyne reads again, answers its fault
            response = self._refuse(request, unavailable(name, exc))  # not a second wait for it
        else:
            response = HttpResponse(content, content_type=self._content_type)
        service_metrics.name_route(request, name, self._version)
        return response

    def _call(self, request: HttpRequest) -> tuple[str, dict[str, str]]:
        """The operation and its arguments (tag: text), if the envelope is plain, the operation
        hot, its arguments those it may have, each with a value, and the Body's element valid
        against the WSDL's schema."""
        if media_type(request.META.get("CONTENT_TYPE")) not in self._protocol.content_types:
            raise _NotHot
        try:
            envelope = hardening.parse(request.body, hardening.XmlLimits.from_settings())
        except (hardening.XmlThreat, etree.XMLSyntaxError):
            raise _NotHot from None
        body = self._body_of(envelope)
        if len(body) != 1 or body.attrib:
            raise _NotHot
        call = body[0]
        operation = str(call.tag)
        allowed = _ARGUMENTS.get(operation)
        if allowed is None or call.attrib:
            raise _NotHot
        arguments = {str(argument.tag): argument.text or "" for argument in call}
        if any(argument.attrib for argument in call) or not allowed.issuperset(arguments):
            raise _NotHot
        if not all(arguments.values()) or not self._protocol.validation_schema.validate(call):
            raise _NotHot
        return operation, arguments

    def _body_of(self, envelope: etree._Element) -> etree._Element:
        if envelope.tag != self._envelope or envelope.attrib:
            raise _NotHot
        parts = list(envelope)
        if len(parts) == 2 and parts[0].tag == self._header and not len(parts[0]):
            parts = parts[1:]  # an empty Header: nothing to understand, nobody to authenticate
        if len(parts) != 1 or parts[0].tag != self._body:
            raise _NotHot
        return parts[0]

    def _get_book(self, arguments: dict[str, str]) -> bytes:
        book = selectors.book_get(book_id=int(arguments[_ID]))
        return self._renderer.render_book("GetBook", book)

    def _get_book_by_isbn(self, arguments: dict[str, str]) -> bytes:
        book = selectors.book_get_by_isbn(isbn=arguments[_ISBN])
        return self._renderer.render_book("GetBookByIsbn", book)

    def _list_books(self, arguments: dict[str, str]) -> bytes:
        page_size = arguments.get(_PAGE_SIZE)
        page = selectors.book_list(
            cursor=arguments.get(_CURSOR),
            page_size=int(page_size) if page_size is not None else None,
        )
        return self._renderer.render_page(page.items, page.next_cursor, page.previous_cursor)


def _check_credentials(request: HttpRequest) -> None:
    """Reads are open, but a bearer token sent with one must verify (soap_service.auth);
    one that does not is Spyne's to refuse."""
    try:
        token = bearer_token(request.META.get("HTTP_AUTHORIZATION", ""))
        if token is not None:
            token_principal(token)
    except (TokenRejected, AuthenticationFailedFault):
        raise _NotHot from None
