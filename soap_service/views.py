"""The SOAP endpoints as Django views: a thin wrapper around Spyne's DjangoServer.

Our own view rather than Spyne's DjangoView (protocol objects as class attributes, WSDL pinned to
the first Host) or DjangoApplication (reads wsgi.input behind Django's back). POST goes to
Spyne, unless soap_service.hot_reads answers it; `GET ?wsdl` is answered from soap_service.wsdl.
A body over the size limit is refused from its Content-Length before Django reads it (Django
would otherwise answer its own HTML 400).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from spyne.server.django import DjangoHttpMethodContext, DjangoServer

from service_http.request_decoding import MalformedContentCoding, UnsupportedContentCoding
from soap_service.application import answer_fault, make_application
from soap_service.faults import (
    CatalogFault,
    MalformedRequestFault,
    MethodNotAllowedFault,
    RequestTooLargeFault,
    UnsupportedMediaTypeFault,
)
from soap_service.hot_reads import HotReads
from soap_service.wsdl import WSDL_MAX_AGE_SECONDS, WsdlDocument, etag

logger = logging.getLogger("soap_service.errors")


class CatalogServer(DjangoServer):
    def get_out_string(self, ctx: Any) -> Any:
        """Spyne turns a failure here into a bare Server fault; log it (its logger is muted).

        Once the answer is bytes, the records it was made from are let go: Spyne's contexts
        refer to each other, so whatever they hold waits for the garbage collector, which then
        walked a ListBooks page's 100 records and ~350 refs on every pass."""
        try:
            return super().get_out_string(ctx)
        except Exception:
            operation = ctx.descriptor.name if ctx.descriptor is not None else "-"
            logger.exception("could not serialise the response of %s", operation)
            raise
        finally:
            ctx.out_object = None


class SoapView:
    # CsrfViewMiddleware reads this on the URL's callback (this instance): SOAP has no CSRF token.
    csrf_exempt = True

    def __init__(self, soap_version: str) -> None:
        self.application = make_application(soap_version)
        self.server = CatalogServer(self.application)
        self.hot_reads = HotReads(self.application, self.refuse)
        self.wsdl = WsdlDocument(self.application)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._respond(request)
        # Without Content-Length gunicorn sends the body chunked: extra framing bytes on the wire,
        # and clients (and the gateway) cannot know the size up front.
        response["Content-Length"] = str(len(response.content))
        if response.status_code >= 400:
            # Every fault was logged once already (application.answer_fault); SOAP 1.1 answers
            # client faults with 500, which Django's request logger would report as errors.
            response._has_been_logged = True  # type: ignore[attr-defined]  # Django's private flag
        return response

    def _respond(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and "wsdl" in {key.lower() for key in request.GET}:
            return self.wsdl_response(request)
        if request.method != "POST":
            return self.refuse(
                request, MethodNotAllowedFault("POST a SOAP envelope, or GET ?wsdl for the WSDL.")
            )
        limit = settings.SOAP_MAX_BODY_BYTES
        if _content_length(request) > limit:
            return self.refuse(
                request, RequestTooLargeFault(f"The body is larger than {limit} bytes.")
            )
        if refusal := _unreadable_body(request):
            return self.refuse(request, refusal)
        return self.hot_reads.answer(request) or self.server.handle_rpc(request)

    def wsdl_response(self, request: HttpRequest) -> HttpResponse:
        """The WSDL with a strong ETag (304 to a matching If-None-Match) and Cache-Control."""
        document = self.wsdl.for_address(request.build_absolute_uri(request.path))
        validator = etag(document)
        response = HttpResponse(document, content_type="text/xml; charset=utf-8")
        response["ETag"] = validator
        response["Cache-Control"] = f"public, max-age={WSDL_MAX_AGE_SECONDS}"
        return get_conditional_response(request, etag=validator, response=response) or response

    def refuse(self, request: HttpRequest, fault: CatalogFault) -> HttpResponse:
        """Answer a fault without entering Spyne's request pipeline."""
        ctx = DjangoHttpMethodContext(self.server, request, self.application.out_protocol.mime_type)
        ctx.out_error = fault
        answer_fault(ctx)
        return self.server.handle_error(ctx, (), fault)


def _unreadable_body(request: HttpRequest) -> CatalogFault | None:
    """Read (and, if gzip, decode) the body before Spyne does, so a decoded body over the limit
    or a coding we do not decode is a fault rather than Django's HTML 400."""
    try:
        request.body  # noqa: B018 (read and kept on the request for Spyne)
    except RequestDataTooBig:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return RequestTooLargeFault(f"The decoded body is larger than {limit} bytes.")
    except UnsupportedContentCoding as exc:
        return UnsupportedMediaTypeFault(str(exc))
    except MalformedContentCoding as exc:
        return MalformedRequestFault(str(exc))
    return None


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
