"""How the catalog asks for credentials over HTTP."""

from __future__ import annotations

from typing import Final

BEARER_CHALLENGE: Final = 'Bearer realm="catalog"'
"""`WWW-Authenticate` on a 401 (RFC 6750), from REST, SOAP, the gateway and mediation alike."""
