"""Spyne's Soap11/Soap12 with the few overrides the catalog needs, at Spyne's own extension points.

- `create_in_document`: POST with a SOAP content type only, no multipart/related (MTOM/SwA, which
  Spyne would parse with lxml's default parser), then soap_service.hardening's parse.
- `decompose_incoming_envelope`: the envelope's version, exactly one Body child, and SOAP's
  mustUnderstand rule (Spyne ignores it): a mandatory header addressed to us that we do not
  process is refused with a MustUnderstand fault.
- `validate_body`: XML Schema validation (the schema of our own WSDL) reporting every invalid
  element as a field error of one Client.ValidationError (soap_service.schema_errors), instead
  of Spyne's first error only.
- `fault_to_parent` / `fault_to_http_response_code`: every fault in soap_service.faults' shape
  and status, SOAP 1.2 faults with Code/Subcode.

CatalogSoap11/12 add the fast Book serialiser (soap_service.fastxml); the base classes keep
Spyne's generic one and are what the fast path is tested against.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree
from spyne.const.xml import NS_SOAP11_ENV, NS_SOAP12_ENV, NS_XML
from spyne.protocol.soap import Soap11, Soap12
from spyne.server.http import HttpTransportContext

from catalog_contract.errors import MALFORMED_XML, XML_THREAT
from soap_service import hardening, schema_errors
from soap_service.fastxml import FastBookSerializer
from soap_service.faults import (
    CatalogFault,
    MalformedRequestFault,
    MethodNotAllowedFault,
    MustUnderstandFault,
    RequestTooLargeFault,
    UnsupportedMediaTypeFault,
    ValidationErrorFault,
    VersionMismatchFault,
    as_catalog_fault,
)
from soap_service.types import TNS
from soap_service.wssecurity import SECURITY_HEADER

UNDERSTOOD_HEADERS = frozenset({SECURITY_HEADER})
_ACTOR_NEXT = "http://schemas.xmlsoap.org/soap/actor/next"
_ROLES_FOR_US = frozenset(
    {
        None,
        "http://www.w3.org/2003/05/soap-envelope/role/next",
        "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver",
    }
)
_ENVELOPES = frozenset({f"{{{NS_SOAP11_ENV}}}Envelope", f"{{{NS_SOAP12_ENV}}}Envelope"})


class _CatalogSoapMixin:
    soap12 = False
    content_types: frozenset[str] = frozenset()
    # What the Spyne protocol this is mixed into (Soap11, Soap12) provides.
    ns_soap_env: str
    app: Any
    validation_schema: Any
    gen_members_parent: Callable[..., None]

    # -- input -------------------------------------------------------------------------------

    def create_in_document(self, ctx: Any, charset: str | None = None) -> None:
        if isinstance(ctx.transport, HttpTransportContext):
            self._check_http(ctx.transport)
        body = b"".join(ctx.in_string)
        limits = hardening.XmlLimits.from_settings()
        if len(body) > limits.max_body_bytes:
            raise RequestTooLargeFault(f"The body is larger than {limits.max_body_bytes} bytes.")
        if not body.strip():
            raise MalformedRequestFault("The request body is empty.")
        try:
            root = hardening.parse(body, limits)
        except hardening.XmlThreat as exc:
            raise MalformedRequestFault(
                str(exc), faultcode=XML_THREAT.faultcode, code=XML_THREAT.code
            ) from None
        except etree.XMLSyntaxError as exc:
            raise MalformedRequestFault(
                f"The body is not well-formed XML: {exc}",
                faultcode=MALFORMED_XML.faultcode,
                code=MALFORMED_XML.code,
            ) from None
        ctx.in_document = root

    def _check_http(self, transport: HttpTransportContext) -> None:
        if transport.get_request_method() != "POST":
            raise MethodNotAllowedFault("SOAP requests are POSTed (GET ?wsdl for the WSDL).")
        if media_type(_content_type(transport)) not in self.content_types:
            expected = " or ".join(sorted(self.content_types))
            raise UnsupportedMediaTypeFault(
                f"Send the envelope as {expected} (multipart/related, MTOM and SwA are not "
                "accepted)."
            )

    def decompose_incoming_envelope(self, ctx: Any, message: str = Soap11.REQUEST) -> None:
        envelope = ctx.in_document
        if envelope.tag != f"{{{self.ns_soap_env}}}Envelope":
            if envelope.tag in _ENVELOPES:
                raise VersionMismatchFault(
                    f"This endpoint speaks SOAP {'1.2' if self.soap12 else '1.1'}; the envelope "
                    f"is in {envelope.tag[1:].split('}')[0]}."
                )
            raise MalformedRequestFault(f"Expected a {{{self.ns_soap_env}}}Envelope element.")
        header = envelope.find(f"{{{self.ns_soap_env}}}Header")
        body = envelope.find(f"{{{self.ns_soap_env}}}Body")
        if body is None or len(body) != 1:
            raise MalformedRequestFault("The SOAP Body must hold exactly one element.")
        if body[0].tag == f"{{{self.ns_soap_env}}}Fault":
            raise MalformedRequestFault("A request cannot be a Fault.")
        headers = list(header) if header is not None else []
        self._check_must_understand(headers)
        ctx.in_header_doc = headers
        ctx.in_body_doc = body[0]
        ctx.method_request_string = body[0].tag
        self.validate_body(ctx, message)

    def _check_must_understand(self, headers: list[etree._Element]) -> None:
        env = self.ns_soap_env
        for block in headers:
            if block.get(f"{{{env}}}mustUnderstand") not in ("1", "true"):
                continue
            if not self._addressed_to_us(block) or block.tag in UNDERSTOOD_HEADERS:
                continue
            raise MustUnderstandFault(f"The header {block.tag!s} is mandatory but not understood.")

    def _addressed_to_us(self, block: etree._Element) -> bool:
        if self.soap12:
            return block.get(f"{{{NS_SOAP12_ENV}}}role") in _ROLES_FOR_US
        return block.get(f"{{{NS_SOAP11_ENV}}}actor") in (None, _ACTOR_NEXT)

    def validate_body(self, ctx: Any, message: str) -> None:
        schema = self.validation_schema
        if schema.validate(ctx.in_body_doc):
            return
        descriptors = self.app.interface.service_method_map.get(ctx.method_request_string)
        message_type = descriptors[0].in_message if descriptors else None
        errors = schema_errors.field_errors(schema.error_log, ctx.in_body_doc, message_type)
        raise ValidationErrorFault("The request does not match the WSDL's schema.", errors=errors)

    # -- output ------------------------------------------------------------------------------

    def fault_to_http_response_code(self, fault: Any) -> str:
        status = as_catalog_fault(fault).http_status(soap12=self.soap12)
        return f"{status.value} {status.phrase}"

    def _fault_detail(self, ctx: Any, fault: CatalogFault, tag: str) -> etree._Element:
        detail = etree.Element(tag)
        self.gen_members_parent(
            ctx, CatalogFault, fault, detail, f"{{{TNS}}}CatalogFault", [], add_type=False
        )
        return detail


def media_type(content_type: str | None) -> str:
    """`text/xml` of `Text/XML; charset=utf-8`: what the content-type checks compare."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _content_type(transport: HttpTransportContext) -> str | None:
    """Spyne's Django transport raises KeyError when the request has no Content-Type."""
    try:
        return transport.get_request_content_type()
    except KeyError:
        return None


class GenericCatalogSoap11(_CatalogSoapMixin, Soap11):
    content_types = frozenset({"text/xml"})

    def fault_to_parent(
        self, ctx: Any, cls: Any, inst: Any, parent: Any, ns: Any, *_: Any, **__: Any
    ) -> None:
        fault = as_catalog_fault(inst)
        element = etree.SubElement(parent, f"{{{NS_SOAP11_ENV}}}Fault")
        etree.SubElement(element, "faultcode").text = f"{self.soap_env}:{fault.faultcode}"
        etree.SubElement(element, "faultstring").text = fault.faultstring
        element.append(self._fault_detail(ctx, fault, "detail"))

    schema_validation_error_to_parent = fault_to_parent


class GenericCatalogSoap12(_CatalogSoapMixin, Soap12):
    soap12 = True
    content_types = frozenset({"application/soap+xml"})

    def fault_to_parent(
        self, ctx: Any, cls: Any, inst: Any, parent: Any, ns: Any, *_: Any, **__: Any
    ) -> None:
        """Client.X.Y becomes Code Sender with Subcodes tns:X / tns:Y; Server becomes Receiver."""
        fault = as_catalog_fault(inst)
        env = NS_SOAP12_ENV
        element = etree.SubElement(parent, f"{{{env}}}Fault")
        top, *subcodes = fault.faultcode.split(".")
        top = {"Client": "Sender", "Server": "Receiver"}.get(top, top)
        code = etree.SubElement(element, f"{{{env}}}Code")
        etree.SubElement(code, f"{{{env}}}Value").text = f"{self.soap_env}:{top}"
        for subcode in subcodes:
            code = etree.SubElement(code, f"{{{env}}}Subcode")
            etree.SubElement(code, f"{{{env}}}Value").text = f"tns:{subcode}"
        reason = etree.SubElement(element, f"{{{env}}}Reason")
        text = etree.SubElement(reason, f"{{{env}}}Text", {f"{{{NS_XML}}}lang": "en"})
        text.text = fault.faultstring
        element.append(self._fault_detail(ctx, fault, f"{{{env}}}Detail"))

    schema_validation_error_to_parent = fault_to_parent


class CatalogSoap11(FastBookSerializer, GenericCatalogSoap11):
    pass


class CatalogSoap12(FastBookSerializer, GenericCatalogSoap12):
    pass
