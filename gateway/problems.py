"""How the gateway answers when it refuses or fails a request itself: a problem (RFC 9457) for
REST clients, a SOAP fault for SOAP clients, so each sees the format its upstream speaks.

Codes, problem types and titles are catalog_contract.errors', the table the REST and SOAP services
answer with too, so a client handles one vocabulary whether the gateway or a service answered.
Every gateway problem also carries the request id.

SOAP faults follow the SOAP service's table (soap_service.faults): a SOAP 1.1 fault is sent with
HTTP 500, a SOAP 1.2 fault with 400 when it is the client's (Sender) and 500 otherwise, because
JAX-WS and gSOAP read a fault body on no other status; refusals made before any SOAP processing
(413, 415, 431) keep theirs. Rate limiting and an open circuit keep their Retry-After header; the
REST meaning travels in the Subcode and the detail, the service's `tns:CatalogFault`
{code, retry_after?, request_id}.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import orjson

from catalog_contract import media_types
from catalog_contract.namespaces import SOAP11_ENVELOPE, SOAP12_ENVELOPE, SOAP_NAMESPACE
from gateway.errors import GatewayError

PROBLEM_CONTENT_TYPE = media_types.PROBLEM_JSON.encode()

_SOAP_KEEPS_STATUS = frozenset({413, 415, 431})


@dataclass(slots=True)
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""
    attempts: int = 1  # upstream attempts behind a mediated answer, for the log and metrics


def problem_document(error: GatewayError, *, instance: str, request_id: str) -> dict[str, Any]:
    return {
        "type": error.kind.problem_type,
        "title": error.kind.title,
        "status": error.status_code,
        "detail": error.detail,
        "instance": instance,
        **error.extensions,
        "request_id": request_id,
    }


def render(
    error: GatewayError, *, instance: str, request_id: str, soap_version: str | None = None
) -> Answer:
    """The response for `error`: a SOAP fault when the request was SOAP, else a problem."""
    headers = [(name.lower().encode(), value.encode()) for name, value in error.headers.items()]
    if soap_version is not None:
        body, content_type = soap_fault(error, soap_version, request_id)
        status = soap_fault_status(error, soap_version)
        return Answer(status, [(b"content-type", content_type), *headers], body)
    document = problem_document(error, instance=instance, request_id=request_id)
    return Answer(
        error.status_code,
        [(b"content-type", PROBLEM_CONTENT_TYPE), *headers],
        orjson.dumps(document),
    )


def soap_fault_status(error: GatewayError, version: str) -> int:
    if error.status_code in _SOAP_KEEPS_STATUS:
        return error.status_code
    if version == "1.2" and error.soap_faultcode.startswith("Client"):
        return 400
    return 500


def soap_fault(error: GatewayError, version: str, request_id: str) -> tuple[bytes, bytes]:
    detail = _fault_detail(error, request_id)
    reason = escape(error.detail)
    if version == "1.2":
        top, *subcodes = error.soap_faultcode.split(".")
        value = {"Client": "Sender", "Server": "Receiver"}.get(top, top)
        nested = ""
        for subcode in reversed(subcodes):
            nested = f"<soap:Subcode><soap:Value>tns:{subcode}</soap:Value>{nested}</soap:Subcode>"
        code = f"<soap:Value>soap:{value}</soap:Value>{nested}"
        fault = (
            f"<soap:Fault><soap:Code>{code}</soap:Code>"
            f'<soap:Reason><soap:Text xml:lang="en">{reason}</soap:Text></soap:Reason>'
            f"<soap:Detail>{detail}</soap:Detail></soap:Fault>"
        )
        return _envelope(SOAP12_ENVELOPE, fault), media_types.SOAP12.encode()
    fault = (
        f"<soap:Fault><faultcode>soap:{error.soap_faultcode}</faultcode>"
        f"<faultstring>{reason}</faultstring><detail>{detail}</detail></soap:Fault>"
    )
    return _envelope(SOAP11_ENVELOPE, fault), media_types.SOAP11.encode()


def _fault_detail(error: GatewayError, request_id: str) -> str:
    parts = [f"<tns:code>{escape(error.code)}</tns:code>"]
    if retry_after := error.headers.get("Retry-After"):
        parts.append(f"<tns:retry_after>{escape(retry_after)}</tns:retry_after>")
    parts.append(f"<tns:request_id>{escape(request_id)}</tns:request_id>")
    return f"<tns:CatalogFault>{''.join(parts)}</tns:CatalogFault>"


def _envelope(namespace: str, fault: str) -> bytes:
    return (
        f"<?xml version='1.0' encoding='UTF-8'?>"
        f'<soap:Envelope xmlns:soap="{namespace}" xmlns:tns="{SOAP_NAMESPACE}">'
        f"<soap:Body>{fault}</soap:Body></soap:Envelope>"
    ).encode()
