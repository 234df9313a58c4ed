"""The `Idempotency-Key` header (IETF httpapi draft) as REST and SOAP both read it: the same
header on either protocol's POST, so a client, and the gateway's retry policy, treat the two
alike. What a key then guarantees is the caller's rule (REST's stored responses for creates,
shared_models.job_services' one job per key for imports and exports)."""

from __future__ import annotations

from shared_models.errors import ValidationError

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def idempotency_key_from(raw: str | None) -> str | None:
    """The key a header value carries (None without the header); ValidationError unless it is
    1 to MAX_KEY_LENGTH printable ASCII characters."""
    if raw is None:
        return None
    key = raw.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]  # the draft's sf-string form; the bare form is accepted too
    if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise ValidationError(
            {HEADER: [f"Must be 1 to {MAX_KEY_LENGTH} printable ASCII characters."]}
        )
    return key
