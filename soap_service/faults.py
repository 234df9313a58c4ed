"""SOAP faults: the error table (docs/errors.md), and the one place where errors become faults.

Every fault carries the same machine-readable detail, declared once in the WSDL (`_throws`):
`tns:CatalogFault {code, errors/error*{field, message}, current_version?, retry_after?,
request_id?}`. `code` is the stable machine code REST uses too (`invalid`, `not_found`,
`stale_version` ...).

    faultcode                     SOAP 1.1 HTTP   SOAP 1.2 HTTP (Code / Subcode)
    Client.ValidationError        500             400  Sender / tns:ValidationError
    Client.NotFound               500             404  Sender / tns:NotFound
    Client.AuthenticationFailed   500             401  Sender / tns:AuthenticationFailed
    Client.PermissionDenied       500             403  Sender / tns:PermissionDenied
    Client.Conflict               500             412 stale version, 409 in use
    Client.RateLimited            429             429
    Client.XMLSyntaxError, Client.XMLThreat, Client.SoapError
                                  500             400
    Client.RequestTooLong 413, Client.UnsupportedMediaType 415, Client.MethodNotAllowed 405
    MustUnderstand, VersionMismatch 500           500
    Server.Unavailable            500             503  Receiver / tns:Unavailable
    Server                        500             500  Receiver

SOAP 1.1 answers every fault with HTTP 500 (WS-I Basic Profile R1126, and suds parses fault
bodies on 500 only), except rate limiting (429 with Retry-After) and refusals made before any
SOAP processing (405, 413, 415). SOAP 1.2 refines Sender to the status REST would answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus

from django.db import InterfaceError, OperationalError
from spyne import Array, ComplexModel, Fault, Integer, Unicode

from shared_models.errors import CatalogError, Conflict, NotFound, StaleVersion, ValidationError
from soap_service.types import OPTIONAL, REQUIRED, TNS


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

    faultcode_default = "Server"
    machine_code = "server_error"
    status_soap11 = HTTPStatus.INTERNAL_SERVER_ERROR
    status_soap12 = HTTPStatus.INTERNAL_SERVER_ERROR

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
        super().__init__(faultcode or self.faultcode_default, faultstring or type(self).__name__)
        self.code = code or self.machine_code
        self.errors = [
            FieldError(field=field, message=message)
            for field, messages in (errors or {}).items()
            for message in messages
        ] or None
        self.current_version = current_version
        self.retry_after = retry_after
        self.request_id = request_id

    def http_status(self, *, soap12: bool) -> HTTPStatus:
        return self.status_soap12 if soap12 else self.status_soap11


class ValidationErrorFault(CatalogFault):
    faultcode_default = "Client.ValidationError"
    machine_code = "invalid"
    status_soap12 = HTTPStatus.BAD_REQUEST


class NotFoundFault(CatalogFault):
    faultcode_default = "Client.NotFound"
    machine_code = "not_found"
    status_soap12 = HTTPStatus.NOT_FOUND


class AuthenticationFailedFault(CatalogFault):
    faultcode_default = "Client.AuthenticationFailed"
    machine_code = "authentication_failed"
    status_soap12 = HTTPStatus.UNAUTHORIZED


class PermissionDeniedFault(CatalogFault):
    faultcode_default = "Client.PermissionDenied"
    machine_code = "permission_denied"
    status_soap12 = HTTPStatus.FORBIDDEN


class ConflictFault(CatalogFault):
    faultcode_default = "Client.Conflict"
    machine_code = "conflict"
    status_soap12 = HTTPStatus.CONFLICT


class StaleVersionFault(ConflictFault):
    machine_code = "stale_version"
    status_soap12 = HTTPStatus.PRECONDITION_FAILED


class RateLimitedFault(CatalogFault):
    """Part of the published contract (the gateway's limiter answers SOAP clients with it)."""

    faultcode_default = "Client.RateLimited"
    machine_code = "throttled"
    status_soap11 = status_soap12 = HTTPStatus.TOO_MANY_REQUESTS


class UnavailableFault(CatalogFault):
    faultcode_default = "Server.Unavailable"
    machine_code = "unavailable"
    status_soap12 = HTTPStatus.SERVICE_UNAVAILABLE


class ServerFault(CatalogFault):
    pass


class MalformedRequestFault(CatalogFault):
    """The request is not a SOAP message we can read (syntax, envelope, XML threat)."""

    faultcode_default = "Client.SoapError"
    machine_code = "malformed_request"
    status_soap12 = HTTPStatus.BAD_REQUEST


class RequestTooLargeFault(CatalogFault):
    faultcode_default = "Client.RequestTooLong"
    machine_code = "request_too_large"
    status_soap11 = status_soap12 = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class UnsupportedMediaTypeFault(CatalogFault):
    faultcode_default = "Client.UnsupportedMediaType"
    machine_code = "unsupported_media_type"
    status_soap11 = status_soap12 = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


class MethodNotAllowedFault(CatalogFault):
    faultcode_default = "Client.MethodNotAllowed"
    machine_code = "method_not_allowed"
    status_soap11 = status_soap12 = HTTPStatus.METHOD_NOT_ALLOWED


class MustUnderstandFault(CatalogFault):
    """SOAP's own code (not Client/Server): a mandatory header we do not process."""

    faultcode_default = "MustUnderstand"
    machine_code = "must_understand"


class VersionMismatchFault(CatalogFault):
    """SOAP's own code: the envelope is of the other SOAP version (or none)."""

    faultcode_default = "VersionMismatch"
    machine_code = "version_mismatch"


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


def is_unavailable(exc: Exception) -> bool:
    """The database cannot be reached (or is locked): worth retrying, not a bug."""
    return isinstance(exc, (OperationalError, InterfaceError))


def as_catalog_fault(fault: Fault) -> CatalogFault:
    """A fault Spyne raised itself, in our shape (Client.* keep their code, the rest is Server)."""
    if isinstance(fault, CatalogFault):
        return fault
    if fault.faultcode == "Client.ValidationError":
        return ValidationErrorFault(fault.faultstring)
    if fault.faultcode.startswith("Client"):
        return MalformedRequestFault(fault.faultstring, faultcode=fault.faultcode, code="invalid")
    return ServerFault("Internal error.")
