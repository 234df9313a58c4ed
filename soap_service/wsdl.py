"""The WSDL, built once per process and served with the address each client used.

Spyne's Django views build the WSDL from the first request's Host and cache it, so every later
client (the gateway's included) would be told to call that first address. Here the document is
built once, under a lock, with a placeholder address; each public base URL (scheme and host as
the client sees them, X-Forwarded-Host/-Proto honoured per settings) gets a copy with its own
address. Hosts are bounded by ALLOWED_HOSTS, and the copies by MAX_ADDRESSES.
"""

from __future__ import annotations

import threading
from xml.sax.saxutils import escape

from spyne import Application

PLACEHOLDER = "http://soap-address.invalid/"
MAX_ADDRESSES = 64


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
                    self._template = wsdl.get_interface_document()
        return self._template
