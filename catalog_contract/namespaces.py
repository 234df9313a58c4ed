"""XML namespaces of the SOAP contract."""

from __future__ import annotations

from typing import Final

SOAP_NAMESPACE: Final = "urn:bookcatalog:soap:v1"
"""The catalog's target namespace: every operation, type and the CatalogFault detail."""

SOAP11_ENVELOPE: Final = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENVELOPE: Final = "http://www.w3.org/2003/05/soap-envelope"

WSSE: Final = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU: Final = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
USERNAME_TOKEN_PROFILE: Final = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"
)
PASSWORD_TEXT: Final = f"{USERNAME_TOKEN_PROFILE}#PasswordText"
PASSWORD_DIGEST: Final = f"{USERNAME_TOKEN_PROFILE}#PasswordDigest"
