"""The WSDL, built once per process and served with the address each client used.

Spyne's Django views build the WSDL from the first request's Host and cache it, so every later
client (the gateway's included) would be told to call that first address. Here the document is
built once, under a lock, with a placeholder address; each public base URL (scheme and host as
the client sees them, X-Forwarded-Host/-Proto honoured per settings) gets a copy with its own
address. Hosts are bounded by ALLOWED_HOSTS, and the copies by MAX_ADDRESSES.

Spyne's document is put in a canonical form before use, because strict toolkits and generated
code depend on it:
- byte-identical in every process: Spyne orders the schema's types by a topological sort whose
  ties (classes with the same repr, such as the anonymous restricted types `GetBook_idType`)
  come out in set order, that is by the classes' ids, which differ per process. The schema's
  global declarations are sorted by kind and name (their order means nothing to XML Schema).
- only the namespaces it uses: Spyne declares every namespace it knows (`wsdlsoap12` in the
  SOAP 1.1 WSDL, soap12env, plink, wsa, xop, http ...), and gSOAP's wsdl2h takes a `wsdlsoap12`
  declaration as a reason to speak SOAP 1.2 to the SOAP 1.1 endpoint.
"""

from __future__ import annotations

import hashlib
import threading
from xml.sax.saxutils import escape

from lxml import etree
from spyne import Application

PLACEHOLDER = "http://soap-address.invalid/"
MAX_ADDRESSES = 64
# The WSDL changes only with a deployment; caches revalidate with its ETag after this.
WSDL_MAX_AGE_SECONDS = 300
XS = "http://www.w3.org/2001/XMLSchema"
# Attributes whose value is a QName (prefix:name) in WSDL 1.1 and XML Schema.
QNAME_ATTRIBUTES = ("type", "base", "element", "message", "binding", "ref", "itemType")
_SCHEMA_KINDS = ("import", "simpleType", "complexType", "element")
_SCHEMA_ORDER = {f"{{{XS}}}{kind}": rank for rank, kind in enumerate(_SCHEMA_KINDS)}


class WsdlDocument:
    def __init__(self, application: Application) -> None:
        self._application = application
        self._lock = threading.Lock()
        self._template: bytes | None = None
        self._by_address: dict[str, bytes] = {}

    def for_address(self, address: str) -> bytes:
        document = self._by_address.get(address)
        if document is None:
            document = self._template_bytes().replace(
                escape(PLACEHOLDER).encode(), escape(address, {'"': "&quot;"}).encode()
            )
            if len(self._by_address) < MAX_ADDRESSES:
                self._by_address[address] = document
        return document

    def _template_bytes(self) -> bytes:
        if self._template is None:
            with self._lock:
                if self._template is None:
                    wsdl = self._application.interface.docs.wsdl11
                    wsdl.service_elt_dict = {}
                    wsdl.build_interface_document(PLACEHOLDER)
                    self._template = canonical(wsdl.get_interface_document())
        return self._template


def etag(document: bytes) -> str:
    """A strong validator: the same document has the same ETag in every process and replica."""
    return f'"{hashlib.sha256(document).hexdigest()[:32]}"'


def canonical(document: bytes) -> bytes:
    """Spyne's WSDL with its schema declarations sorted and only the namespaces it uses."""
    root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    for schema in root.iter(f"{{{XS}}}schema"):
        schema[:] = sorted(schema, key=_declaration_key)
    etree.cleanup_namespaces(root, keep_ns_prefixes=sorted(_prefixes_in_qname_values(root)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _declaration_key(declaration: etree._Element) -> tuple[int, str, str]:
    return (
        _SCHEMA_ORDER.get(str(declaration.tag), len(_SCHEMA_ORDER)),
        declaration.get("name") or "",
        declaration.get("namespace") or "",
    )


def _prefixes_in_qname_values(root: etree._Element) -> set[str]:
    return {
        value.split(":", 1)[0]
        for element in root.iter(etree.Element)
        for name in QNAME_ATTRIBUTES
        if ":" in (value := element.get(name) or "")
    }
