"""What the REST service stores of its own: Idempotency-Key records (the catalog's tables are
shared_models')."""

from __future__ import annotations

from django.db import models


class IdempotencyRecord(models.Model):
    """One client's Idempotency-Key: claimed while its first request runs, then the response
    that request produced, replayed to repeats until `expires_at`.

    `subject` is the token's `sub` (keys are per client, as the IETF draft asks); `claim` names
    the attempt holding an unfinished record, and `claimed_until` is when another attempt may
    take it over (the first one died without finishing or letting go).
    """

    subject = models.CharField(max_length=255)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body")
    claim = models.UUIDField()
    claimed_until = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, help_text="None while in progress")
    response_body = models.BinaryField(default=b"")
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "key"], name="idempotency_key_per_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.key}"
