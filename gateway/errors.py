"""Errors the gateway's own machinery raises about its upstreams.

Exception
└── CircuitOpen   the upstream's circuit is open: it was not called at all (503 + Retry-After)
"""

from __future__ import annotations


class CircuitOpen(Exception):
    """Raised before any I/O while an upstream's circuit is open (gateway.breaker).

    `retry_after` is the number of seconds until the circuit lets a probe through, the value a
    client is told in Retry-After.
    """

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"circuit open; retry after {retry_after:.1f} s")
