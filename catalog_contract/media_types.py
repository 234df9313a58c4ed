"""Content types the catalog answers with (and SOAP requests must be sent as)."""

from __future__ import annotations

from typing import Final

PROBLEM_JSON: Final = "application/problem+json"
"""Every REST error, from the REST service, the gateway and mediation (RFC 9457)."""

SOAP11: Final = "text/xml; charset=utf-8"
SOAP12: Final = "application/soap+xml; charset=utf-8"
