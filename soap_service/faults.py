"""SOAP faults: the error table (docs/errors.md), and the one place where errors become faults.

Every fault carries the same machine-readable detail, declared once in the WSDL (`_throws`):
`tns:CatalogFault {code, errors/error*{field, message}, current_version?, retry_after?,
request_id?}`. Each fault class is one kind of catalog_contract.errors' table, which gives its
faultcode and `code`, the stable machine code REST uses too (`invalid`, `not_found`,
`stale_version` ...): with the SOAP 1.2 Subcode, it is where the REST meaning of a fault lives.

    faultcode                     SOAP 1.1 HTTP   SOAP 1.2 HTTP (Code / Subcode)
    Client.ValidationError        500             400  Sender / tns:ValidationError
    Client.NotFound               500             400  Sender / tns:NotFound
    Client.AuthenticationFailed   500             400  Sender / tns:AuthenticationFailed
    Client.PermissionDenied       500             400  Sender / tns:PermissionDenied
    Client.Conflict               500             400  Sender / tns:Conflict (stale_version, in_use)
    Client.RateLimited            500             400  Sender / tns:RateLimited, + Retry-After
    Client.XMLSyntaxError, Client.XMLThreat, Client.SoapError
                                  500             400
    Client.RequestTooLong 413, Client.UnsupportedMediaType 415, Client.MethodNotAllowed 405
    MustUnderstand, VersionMismatch 500           500
    Server.Unavailable            500             500  Receiver / tns:Unavailable, + Retry-After
    Server                        500             500  Receiver

SOAP 1.1 answers every fault with HTTP 500 (WS-I Basic Profile R1126; suds and JAX-WS read a
fault body on 500 only). SOAP 1.2 answers a Sender fault with 400 and every other with 500 (SOAP
1.2 Part 2, 7.5.2.2): JAX-WS reads a SOAP 1.2 fault on 400 and 500 only and gSOAP reports any
other status as an HTTP error without its detail, so a 404 or 429 would hide the fault. The only
other statuses are refusals made before any SOAP processing (405, 413, 415), which the SOAP 1.2
HTTP binding names for these cases.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import ClassVar

from spyne import Array, ComplexModel, Fault, Integer, Unicode

from catalog_contract import errors
from catalog_contract.errors import ErrorKind
from shared_models.errors import (
    UNAVAILABLE_DETAIL,
    UNAVAILABLE_RETRY_AFTER,
    CatalogError,
    Conflict,
    NotFound,
    StaleVersion,
    ValidationError,
)
from soap_service.types import OPTIONAL, REQUIRED, TNS

logger = logging.getLogger("soap_service.errors")


class FieldError(ComplexModel):
    __namespace__ = TNS
    _type_info = [
        ("field", Unicode(doc="Dotted path of the element, e.g. book.price.amount.", **REQUIRED)),
        ("message", Unicode(**REQUIRED)),
    ]


class CatalogFault(Fault):
    """Base of every fault we send; subclasses fix the faultcode, machine code and statuses."""

    __namespace__ = TNS
    __type_name__ = "CatalogFault"
    _type_info = [
        ("code", Unicode(doc="Stable machine code, e.g. not_found.", **REQUIRED)),
        (
            "errors",
            Array(FieldError.customize(nillable=False), member_name="error").customize(
                doc="ValidationError only: every field that was refused.", **OPTIONAL
            ),
        ),
        ("current_version", Integer(doc="Stale version only: the book's version.", **OPTIONAL)),
        ("retry_after", Integer(doc="Seconds to wait before retrying.", **OPTIONAL)),
        ("request_id", Unicode(doc="Server faults: quote it when reporting.", **OPTIONAL)),
    ]

    kind: ClassVar[ErrorKind] = errors.SERVER_ERROR
    refusal_status: HTTPStatus | None = None  # refused before any SOAP processing

    def __init__(
        self,
        faultstring: str = "",
        *,
        code: str | None = None,
        faultcode: str | None = None,
        errors: Mapping[str, Sequence[str]] | None = None,
        current_version: int | None = None,
        retry_after: int | None = None,
        request_id: str | None = None,
    ) -> None:
        default_faultcode = self.kind.faultcode or "Server"
        super().__init__(faultcode or default_faultcode, faultstring or type(self).__name__)
        self.code = code or self.kind.code
        self.errors = [
            FieldError(field=field, message=message)
            for field, messages in (errors or {}).items()
            for message in messages
        ] or None
        self.current_version = current_version
        self.retry_after = retry_after
        self.request_id = request_id

    def http_status(self, *, soap12: bool) -> HTTPStatus:
        if self.refusal_status is not None:
            return self.refusal_status
        if soap12 and self.faultcode.startswith("Client"):
            return HTTPStatus.BAD_REQUEST
        return HTTPStatus.INTERNAL_SERVER_ERROR


class ValidationErrorFault(CatalogFault):
    kind = errors.INVALID


class NotFoundFault(CatalogFault):
    kind = errors.NOT_FOUND


class AuthenticationFailedFault(CatalogFault):
    kind = errors.AUTHENTICATION_FAILED


class PermissionDeniedFault(CatalogFault):
    kind = errors.PERMISSION_DENIED


class ConflictFault(CatalogFault):
    kind = errors.CONFLICT


class StaleVersionFault(ConflictFault):
    kind = errors.STALE_VERSION


class RateLimitedFault(CatalogFault):
    """Part of the published contract (the gateway's limiter answers SOAP clients with it)."""

    kind = errors.QUOTA_EXCEEDED


class UnavailableFault(CatalogFault):
    kind = errors.SERVICE_UNAVAILABLE


class ServerFault(CatalogFault):
    pass


class MalformedRequestFault(CatalogFault):
    """The request is not a SOAP message we can read (syntax, envelope, XML threat)."""

    kind = errors.MALFORMED_REQUEST


class RequestTooLargeFault(CatalogFault):
    kind = errors.CONTENT_TOO_LARGE
    refusal_status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class UnsupportedMediaTypeFault(CatalogFault):
    kind = errors.UNSUPPORTED_MEDIA_TYPE
    refusal_status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


class MethodNotAllowedFault(CatalogFault):
    kind = errors.METHOD_NOT_ALLOWED
    refusal_status = HTTPStatus.METHOD_NOT_ALLOWED


class MustUnderstandFault(CatalogFault):
    """SOAP's own code (not Client/Server): a mandatory header we do not process."""

    kind = errors.MUST_UNDERSTAND


class VersionMismatchFault(CatalogFault):
    """SOAP's own code: the envelope is of the other SOAP version (or none)."""

    kind = errors.VERSION_MISMATCH


def fault_for_domain_error(exc: CatalogError) -> CatalogFault:
    """The one mapping from shared_models' errors to faults."""
    if isinstance(exc, ValidationError):
        return ValidationErrorFault(exc.detail, errors=exc.errors)
    if isinstance(exc, NotFound):
        return NotFoundFault(exc.detail)
    if isinstance(exc, StaleVersion):
        return StaleVersionFault(exc.detail, current_version=exc.current_version)
    if isinstance(exc, Conflict):  # InUse, and any other conflict with the catalog's state
        return ConflictFault(exc.detail, code=exc.code)
    return ServerFault("Internal error.")


def unavailable(operation: str, exc: Exception) -> UnavailableFault:
    """The fault for an unreachable database, logged once as a warning (it is not a bug)."""
    logger.warning("database unavailable in %s: %s", operation, exc)
    return UnavailableFault(UNAVAILABLE_DETAIL, retry_after=UNAVAILABLE_RETRY_AFTER)


def as_catalog_fault(fault: Fault) -> CatalogFault:
    """A fault Spyne raised itself, in our shape (Client.* keep their code, the rest is Server)."""
    if isinstance(fault, CatalogFault):
        return fault
    if fault.faultcode == errors.INVALID.faultcode:
        return ValidationErrorFault(fault.faultstring)
    if fault.faultcode.startswith("Client"):
        return MalformedRequestFault(
            fault.faultstring, faultcode=fault.faultcode, code=errors.INVALID.code
        )
    return ServerFault("Internal error.")
