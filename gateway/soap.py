"""What the gateway must know about a SOAP request without parsing it: the SOAP version, the
operation, and whether that operation is safe (a read, so retrying it is harmless).

The operation is the local name of the Body's first element (document/literal wrapped), found
with one bounded regular-expression search; SOAPAction is not trusted for it, since a client could
name a read there and send a write. Parsing, with DTDs and entities refused, is the SOAP service's
job (and mediation's); nothing here builds a tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from catalog_contract.operations import JOB_OPERATIONS, READ_OPERATIONS

_SCAN_BYTES = 64 * 1024
_FIRST_BODY_ELEMENT = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?Body\b[^>]*>\s*(?:<!--.*?-->\s*)*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)",
    re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class SoapCall:
    version: str  # "1.1" or "1.2"
    operation: str | None  # None for GET (the WSDL) or a body we cannot read

    @property
    def safe(self) -> bool:
        return self.operation is None or self.operation in READ_OPERATIONS

    @property
    def changes_catalog(self) -> bool:
        """Whether the call needs catalog:write."""
        return not self.safe and self.operation not in JOB_OPERATIONS


def soap_version(path: str) -> str:
    """The endpoint decides: /soap12/... speaks SOAP 1.2, /soap/... SOAP 1.1."""
    return "1.2" if path.startswith("/soap12/") else "1.1"


def operation_of(body: bytes) -> str | None:
    match = _FIRST_BODY_ELEMENT.search(body, 0, _SCAN_BYTES)
    return match.group(1).decode("ascii") if match else None


def soap_call(path: str, method: str, body: bytes) -> SoapCall:
    operation = operation_of(body) if method == "POST" else None
    if method == "POST" and operation is None:
        operation = ""  # unreadable: treated as unsafe, the SOAP service answers the fault
    return SoapCall(version=soap_version(path), operation=operation)
