"""What every SOAP fault must look like, read and asserted in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from tests.soap.conftest import ENV11, ENV12, TNS

T = f"{{{TNS}}}"


@dataclass(frozen=True)
class ReadFault:
    status: int
    faultcode: str  # SOAP 1.1 style, prefix dropped: "Client.NotFound"; 1.2 rebuilt from codes
    message: str
    code: str  # the machine code in tns:CatalogFault
    errors: dict[str, list[str]]
    detail: etree._Element
    headers: Any


def read_fault(response: Any, version: str = "1.1") -> ReadFault:
    """Parse a fault response (Django test response or httpx response); assert its envelope."""
    content = response.content
    assert b"Traceback" not in content and b'File "' not in content
    expected = "text/xml" if version == "1.1" else "application/soap+xml"
    assert response.headers["Content-Type"].startswith(expected)
    fault = etree.fromstring(content).find(f"{{{_env(version)}}}Body/{{{_env(version)}}}Fault")
    assert fault is not None, content
    if version == "1.1":
        faultcode = fault.findtext("faultcode").split(":", 1)[1]
        message, detail = fault.findtext("faultstring"), fault.find(f"detail/{T}CatalogFault")
    else:
        faultcode = _soap12_code(fault)
        message = fault.findtext(f"{{{ENV12}}}Reason/{{{ENV12}}}Text")
        detail = fault.find(f"{{{ENV12}}}Detail/{T}CatalogFault")
    errors: dict[str, list[str]] = {}
    for error in detail.iterfind(f"{T}errors/{T}error"):
        errors.setdefault(error.findtext(f"{T}field"), []).append(error.findtext(f"{T}message"))
    return ReadFault(
        status=response.status_code,
        faultcode=faultcode,
        message=message,
        code=detail.findtext(f"{T}code"),
        errors=errors,
        detail=detail,
        headers=response.headers,
    )


def _env(version: str) -> str:
    return ENV11 if version == "1.1" else ENV12


def _soap12_code(fault: etree._Element) -> str:
    """Code Sender + Subcode tns:X -> "Client.X", as the SOAP 1.1 faultcode would read."""
    code = fault.find(f"{{{ENV12}}}Code")
    value = code.findtext(f"{{{ENV12}}}Value").split(":", 1)[1]
    parts = [{"Sender": "Client", "Receiver": "Server"}.get(value, value)]
    while (code := code.find(f"{{{ENV12}}}Subcode")) is not None:
        element = code.find(f"{{{ENV12}}}Value")
        prefix, local = element.text.split(":", 1)
        assert element.nsmap[prefix] == TNS
        parts.append(local)
    return ".".join(parts)


REFUSALS = {  # refused before any SOAP processing: the HTTP status says why, in both versions
    "Client.MethodNotAllowed": 405,
    "Client.RequestTooLong": 413,
    "Client.UnsupportedMediaType": 415,
}


def expected_status(faultcode: str, version: str) -> int:
    """SOAP 1.1: 500 for every fault; SOAP 1.2: 400 for Sender (Client) faults, else 500."""
    if faultcode in REFUSALS:
        return REFUSALS[faultcode]
    return 400 if version == "1.2" and faultcode.startswith("Client") else 500


def assert_fault(response: Any, version: str, faultcode: str, code: str) -> ReadFault:
    fault = read_fault(response, version)
    assert (fault.faultcode, fault.code) == (faultcode, code), fault
    assert fault.status == expected_status(faultcode, version), fault
    return fault


def assert_result_or_client_fault(response: Any, version: str) -> None:
    """What a fuzzed request must get: an envelope of the endpoint's version holding a result or
    a Client (1.2: Sender) fault; never a Server fault, an HTML page or a traceback."""
    content_type = response.headers["Content-Type"]
    expected = "text/xml" if version == "1.1" else "application/soap+xml"
    assert content_type.startswith(expected), (response.status_code, response.content[:500])
    envelope = etree.fromstring(response.content)
    assert envelope.tag == f"{{{_env(version)}}}Envelope"
    body = envelope.find(f"{{{_env(version)}}}Body")
    if body is None or body.find(f"{{{_env(version)}}}Fault") is None:
        assert response.status_code == 200, response.content[:500]
        return
    fault = read_fault(response, version)
    assert not fault.faultcode.startswith("Server"), (fault.faultcode, fault.message)
