"""Long-running work and its notifications: import/export jobs, their failed lines, webhook
endpoints and deliveries. Declared here, registered by shared_models.models (Django finds models
there), so the catalog's own tables stay apart from the machinery around them.
"""

from __future__ import annotations

import uuid

from django.db import models


class Job(models.Model):
    """A bulk import or export, run by a worker in batches.

    `done` counts input lines (import) or books (export) whose batch committed: a run that dies
    is resumed from there by the next one. `claim` names the run allowed to commit batches and
    `lease_until` how long it holds the job without committing one; a run whose claim was taken
    over stops at its next batch, so no line is ever written twice.

    An export's file grows one gzip member per page, written under the job's row lock by the
    run holding the claim: `result_bytes` is its committed length and `export_cursor` the
    keyset position after the last committed page, so a resumed export truncates what a killed
    run wrote past that length and carries on from there.

    `idempotency_key` is the client's Idempotency-Key (one job per owner and key) and
    `fingerprint` a digest of what was submitted, so a repeat of the key with other content is
    told apart from a retry.
    """

    class Kind(models.TextChoices):
        IMPORT = "import"
        EXPORT = "export"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELLED = "cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.CharField(max_length=255, help_text="The token subject that submitted it")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(null=True, help_text="Lines or books; None until known")
    done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    parameters = models.JSONField(default=dict, help_text="The export's filter")
    input_path = models.CharField(max_length=500, blank=True, default="")
    result_path = models.CharField(max_length=500, blank=True, default="")
    result_bytes = models.BigIntegerField(default=0)
    export_cursor = models.TextField(blank=True, default="")
    error = models.TextField(blank=True, default="")
    cancel_requested = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=255, null=True)
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    claim = models.UUIDField(null=True)
    lease_until = models.DateTimeField(null=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["owner", "created_at"], name="job_owner_created_idx"),
            models.Index(fields=["status", "lease_until"], name="job_status_lease_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(created__lte=models.F("done")), name="job_created_within_done"
            ),
            models.UniqueConstraint(
                fields=["owner", "idempotency_key"], name="job_idempotency_key_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} job {self.id} ({self.status})"


class JobRowError(models.Model):
    """One input line an import refused, with the field errors a single create would give."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="row_errors")
    line = models.PositiveIntegerField()
    errors = models.JSONField()

    class Meta:
        ordering = ["job", "line"]
        constraints = [
            models.UniqueConstraint(fields=["job", "line"], name="job_row_error_once"),
        ]

    def __str__(self) -> str:
        return f"line {self.line} of job {self.job_id}"


class WebhookEndpoint(models.Model):
    """Where a client wants to hear about its jobs; `secret` signs every delivery (whsec_...)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.CharField(max_length=255, db_index=True)
    url = models.URLField(max_length=2000)
    events = models.JSONField()
    secret = models.CharField(max_length=100)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: its `message_id` is the webhook-id every attempt repeats."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(max_length=64, unique=True)
    event = models.CharField(max_length=50)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["endpoint", "created_at"]

    def __str__(self) -> str:
        return f"{self.event} {self.message_id}"
