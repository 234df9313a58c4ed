"""Every error the catalog answers, one code per condition across REST, SOAP, the gateway and
mediation: its HTTP status, RFC 9457 problem type and title, and SOAP faultcode.

The code is the problem type's last segment (with hyphens) and the `code` of the SOAP fault's
`tns:CatalogFault` detail, so a client learns one name per condition whichever protocol and
whichever process answered. The HTTP status is REST's (a SOAP fault travels with the status its
SOAP version prescribes; see soap_service.faults). docs/errors.md is this table, tested equal.
Rate limiting uses the IANA-registered problem type, every other code the catalog's own scheme.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

PROBLEM_BASE: Final = "https://bookcatalog.example/problems/"
QUOTA_EXCEEDED_TYPE: Final = "https://iana.org/assignments/http-problem-types#quota-exceeded"


@dataclass(frozen=True, slots=True)
class ErrorKind:
    code: str
    status: int
    title: str
    condition: str
    faultcode: str | None = None
    """SOAP 1.1 faultcode (SOAP 1.2: Code.Subcode); None where no SOAP client meets it."""
    rest: bool = True
    """False for SOAP's own conditions, which no REST client meets."""
    type_uri: str | None = None

    @property
    def problem_type(self) -> str:
        return self.type_uri or PROBLEM_BASE + self.code.replace("_", "-")


INVALID: Final = ErrorKind(
    "invalid", 400, "Your request is not valid.",
    "invalid input (`errors` / detail per field)", "Client.ValidationError",
)  # fmt: skip
PARSE_ERROR: Final = ErrorKind(
    "parse_error", 400, "The request body is not valid JSON.", "a JSON body that does not parse"
)
BAD_REQUEST: Final = ErrorKind(
    "bad_request", 400, "The request was refused.",
    "an HTTP request refused as malformed or unsafe", "Client.SoapError",
)  # fmt: skip
MALFORMED_REQUEST: Final = ErrorKind(
    "malformed_request", 400, "The request is not a SOAP message of this service.",
    "not a SOAP request we can read (envelope, operation)", "Client.SoapError", rest=False,
)  # fmt: skip
MALFORMED_XML: Final = ErrorKind(
    "malformed_xml", 400, "The body is not well-formed XML.",
    "XML that does not parse", "Client.XMLSyntaxError", rest=False,
)  # fmt: skip
XML_THREAT: Final = ErrorKind(
    "xml_threat", 400, "The XML was refused as unsafe.",
    "a DTD, an entity or XML beyond the size and shape limits", "Client.XMLThreat", rest=False,
)  # fmt: skip
NOT_AUTHENTICATED: Final = ErrorKind(
    "not_authenticated", 401, "Authentication is needed.",
    "no credentials where they are needed", "Client.AuthenticationFailed",
)  # fmt: skip
AUTHENTICATION_FAILED: Final = ErrorKind(
    "authentication_failed", 401, "Authentication failed.",
    "wrong username or password (token endpoint, WS-Security)", "Client.AuthenticationFailed",
)  # fmt: skip
INVALID_TOKEN: Final = ErrorKind(
    "invalid_token", 401, "The bearer token was refused.",
    "a token that fails a check (also on reads)", "Client.AuthenticationFailed",
)  # fmt: skip
INSUFFICIENT_SCOPE: Final = ErrorKind(
    "insufficient_scope", 403, "The token does not allow this.",
    "a valid token without the scope needed", "Client.PermissionDenied",
)  # fmt: skip
PERMISSION_DENIED: Final = ErrorKind(
    "permission_denied", 403, "You may not do this.", "not allowed", "Client.PermissionDenied"
)
NOT_FOUND: Final = ErrorKind(
    "not_found", 404, "Not found.", "no such resource, path or API version", "Client.NotFound"
)
METHOD_NOT_ALLOWED: Final = ErrorKind(
    "method_not_allowed", 405, "Method not allowed.",
    "an HTTP method the resource does not take", "Client.MethodNotAllowed",
)  # fmt: skip
NOT_ACCEPTABLE: Final = ErrorKind(
    "not_acceptable", 406, "No acceptable representation.", "an Accept nothing satisfies"
)
CONFLICT: Final = ErrorKind(
    "conflict", 409, "The request conflicts with the catalog's state.",
    "a change the catalog's state refuses", "Client.Conflict",
)  # fmt: skip
IN_USE: Final = ErrorKind(
    "in_use", 409, "Still in use.", "a delete of a row books still refer to", "Client.Conflict"
)
IDEMPOTENCY_KEY_IN_PROGRESS: Final = ErrorKind(
    "idempotency_key_in_progress", 409,
    "A request with this Idempotency-Key is still in progress.",
    "a repeat while the first request with its Idempotency-Key runs",
)  # fmt: skip
STALE_VERSION: Final = ErrorKind(
    "stale_version", 412, "The resource has changed since you read it.",
    "stale version (`If-Match`, SOAP `version`)", "Client.Conflict",
)  # fmt: skip
CONTENT_TOO_LARGE: Final = ErrorKind(
    "content_too_large", 413, "The request body is too large.",
    "a body over the size limit", "Client.RequestTooLong",
)  # fmt: skip
UNSUPPORTED_MEDIA_TYPE: Final = ErrorKind(
    "unsupported_media_type", 415, "Unsupported media type.",
    "a body in a content type not accepted", "Client.UnsupportedMediaType",
)  # fmt: skip
IDEMPOTENCY_KEY_REUSED: Final = ErrorKind(
    "idempotency_key_reused", 422, "This Idempotency-Key was used for a different request.",
    "an Idempotency-Key sent again with another body", "Client.Conflict",
)  # fmt: skip
PRECONDITION_REQUIRED: Final = ErrorKind(
    "precondition_required", 428, "This request must be conditional (If-Match).",
    "a change without `If-Match`",
)  # fmt: skip
QUOTA_EXCEEDED: Final = ErrorKind(
    "quota_exceeded", 429, "Too many requests.",
    "too many requests (+ `Retry-After`)", "Client.RateLimited", type_uri=QUOTA_EXCEEDED_TYPE,
)  # fmt: skip
HEADERS_TOO_LARGE: Final = ErrorKind(
    "headers_too_large", 431, "The request headers are too large.",
    "headers over the size limit", "Client.RequestTooLong",
)  # fmt: skip
SERVER_ERROR: Final = ErrorKind(
    "server_error", 500, "Internal server error.",
    "a bug (no traceback; a request id to quote)", "Server",
)  # fmt: skip
MUST_UNDERSTAND: Final = ErrorKind(
    "must_understand", 500, "A mandatory SOAP header was not understood.",
    "a `mustUnderstand` header addressed to us that we do not process", "MustUnderstand",
    rest=False,
)  # fmt: skip
VERSION_MISMATCH: Final = ErrorKind(
    "version_mismatch", 500, "The envelope is of another SOAP version.",
    "a SOAP 1.1 envelope at the 1.2 endpoint or the reverse", "VersionMismatch", rest=False,
)  # fmt: skip
BAD_GATEWAY: Final = ErrorKind(
    "bad_gateway", 502, "The service behind the gateway failed.",
    "an upstream that cannot be reached or answers nonsense", "Server.Unavailable",
)  # fmt: skip
SERVICE_UNAVAILABLE: Final = ErrorKind(
    "service_unavailable", 503, "The service is unavailable.",
    "an open circuit, an unreachable database or rate limiter (+ `Retry-After`)",
    "Server.Unavailable",
)  # fmt: skip
GATEWAY_TIMEOUT: Final = ErrorKind(
    "gateway_timeout", 504, "The service behind the gateway timed out.",
    "an upstream that does not answer before the deadline", "Server.Unavailable",
)  # fmt: skip

ERRORS: Final = (
    INVALID, PARSE_ERROR, BAD_REQUEST, MALFORMED_REQUEST, MALFORMED_XML, XML_THREAT,
    NOT_AUTHENTICATED, AUTHENTICATION_FAILED, INVALID_TOKEN, INSUFFICIENT_SCOPE,
    PERMISSION_DENIED, NOT_FOUND, METHOD_NOT_ALLOWED, NOT_ACCEPTABLE, CONFLICT, IN_USE,
    IDEMPOTENCY_KEY_IN_PROGRESS, STALE_VERSION, CONTENT_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE,
    IDEMPOTENCY_KEY_REUSED, PRECONDITION_REQUIRED, QUOTA_EXCEEDED, HEADERS_TOO_LARGE,
    SERVER_ERROR, MUST_UNDERSTAND, VERSION_MISMATCH, BAD_GATEWAY, SERVICE_UNAVAILABLE,
    GATEWAY_TIMEOUT,
)  # fmt: skip
"""The table, in the order docs/errors.md lists it."""

BY_CODE: Final = MappingProxyType({kind.code: kind for kind in ERRORS})


def problem_type(code: str) -> str:
    """The problem type of `code`; a code outside the table still gets one in the same scheme."""
    kind = BY_CODE.get(code)
    return kind.problem_type if kind else PROBLEM_BASE + code.replace("_", "-")


def title(code: str, default: str) -> str:
    kind = BY_CODE.get(code)
    return kind.title if kind else default
