"""Webhook endpoints and the events they receive.

A client registers a URL for some events and is given the endpoint's signing secret once. When
a job finishes, one delivery per subscribed endpoint of the job's owner is written in the same
transaction as the job's end, and a task sends it (shared_models.webhook_delivery): never from
inside a request, and never lost if the worker dies in between.
"""

from __future__ import annotations

import secrets
from base64 import b64encode
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from shared_models.clock import Clock, system_clock
from shared_models.errors import ValidationError
from shared_models.job_models import Job, WebhookDelivery, WebhookEndpoint
from shared_models.job_selectors import (
    WebhookEndpointRecord,
    webhook_endpoint_model_for,
    webhook_endpoint_record,
)
from shared_models.validation import FieldError
from shared_models.webhook_targets import clean_webhook_url

EVENTS = {"job.succeeded": Job.Status.SUCCEEDED, "job.failed": Job.Status.FAILED}


def _clean_events(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise FieldError(f"Must be a non-empty list of: {', '.join(sorted(EVENTS))}.")
    if unknown := [event for event in value if event not in EVENTS]:
        raise FieldError(f"Unknown event(s): {', '.join(map(str, unknown))}.")
    return sorted(set(value))


@transaction.atomic
def webhook_endpoint_create(
    *, owner: str, data: Mapping[str, Any], clock: Clock = system_clock
) -> tuple[WebhookEndpointRecord, str]:
    """The endpoint and its signing secret (`whsec_` + base64 of 24 random bytes), which is
    shown this once."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, clean in (("url", clean_webhook_url), ("events", _clean_events)):
        try:
            cleaned[name] = clean(data.get(name))
        except FieldError as exc:
            errors[name] = [str(exc)]
    if unknown := set(data) - {"url", "events"}:
        errors.update({name: ["Unknown field."] for name in unknown})
    if errors:
        raise ValidationError(errors)
    secret = "whsec_" + b64encode(secrets.token_bytes(24)).decode()
    endpoint = WebhookEndpoint.objects.create(
        owner=owner, secret=secret, created_at=clock.now(), **cleaned
    )
    return webhook_endpoint_record(endpoint), secret


@transaction.atomic
def webhook_endpoint_delete(*, subject: str, endpoint_id: object) -> None:
    webhook_endpoint_model_for(subject=subject, endpoint_id=endpoint_id).delete()


def job_payload(job: Job) -> dict[str, Any]:
    return {
        "id": str(job.pk),
        "kind": job.kind,
        "status": job.status,
        "total": job.total,
        "done": job.done,
        "created": job.created,
        "failed": job.failed,
    }


def job_finished(job: Job, *, clock: Clock = system_clock) -> None:
    """Write a delivery for each endpoint of the owner that asked for this job's outcome, and
    queue it (call inside the transaction that ends the job)."""
    from shared_models.tasks import deliver_webhook

    event = next((name for name, status in EVENTS.items() if status == job.status), None)
    if event is None:
        return
    now = clock.now()
    for endpoint in WebhookEndpoint.objects.filter(owner=job.owner):
        if event not in endpoint.events:
            continue
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            message_id=f"msg_{secrets.token_urlsafe(18)}",
            event=event,
            payload={"type": event, "timestamp": now.isoformat(), "data": job_payload(job)},
            created_at=now,
        )
        deliver_webhook.enqueue(message_id=delivery.message_id)
