"""Reads of jobs and webhook endpoints. A job or endpoint is visible to its owner and to staff;
to anyone else it does not exist (NotFound, never a hint that the id is taken)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from shared_models.errors import NotFound
from shared_models.job_models import Job, JobRowError, WebhookDelivery, WebhookEndpoint

_Owned = TypeVar("_Owned", Job, WebhookEndpoint)

MAX_ROW_ERRORS_SHOWN = 1000


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    errors: dict[str, list[str]]


@dataclass(frozen=True, slots=True)
class JobRecord:
    id: str
    kind: str
    status: str
    total: int | None
    done: int
    created: int
    failed: int
    row_errors: list[RowError]
    has_result: bool
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class WebhookEndpointRecord:
    id: str
    url: str
    events: list[str]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    id: str
    event: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str
    created_at: datetime
    last_attempt_at: datetime | None


def is_staff(subject: str) -> bool:
    """Staff see every job; the subject is a user's primary key (the token's `sub`)."""
    if not subject.isdigit():
        return False
    return get_user_model().objects.filter(pk=int(subject), is_staff=True).exists()


def _visible(queryset: QuerySet[_Owned], subject: str) -> QuerySet[_Owned]:
    return queryset if is_staff(subject) else queryset.filter(owner=subject)


def _uuid(value: object, resource: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(resource, value) from None


def job_model_for(*, subject: str, job_id: object) -> Job:
    job = _visible(Job.objects.all(), subject).filter(pk=_uuid(job_id, "Job")).first()
    if job is None:
        raise NotFound("Job", job_id)
    return job


def job_get_for(*, subject: str, job_id: object) -> JobRecord:
    return job_record(job_model_for(subject=subject, job_id=job_id))


def job_record(job: Job) -> JobRecord:
    rows = JobRowError.objects.filter(job=job).values_list("line", "errors")
    return JobRecord(
        id=str(job.id),
        kind=job.kind,
        status=job.status,
        total=job.total,
        done=job.done,
        created=job.created,
        failed=job.failed,
        row_errors=[RowError(line, errors) for line, errors in rows[:MAX_ROW_ERRORS_SHOWN]],
        has_result=bool(job.result_path) and job.status == Job.Status.SUCCEEDED,
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        updated_at=job.updated_at,
    )


def webhook_endpoint_model_for(*, subject: str, endpoint_id: object) -> WebhookEndpoint:
    endpoints = _visible(WebhookEndpoint.objects.all(), subject)
    endpoint = endpoints.filter(pk=_uuid(endpoint_id, "Webhook endpoint")).first()
    if endpoint is None:
        raise NotFound("Webhook endpoint", endpoint_id)
    return endpoint


def webhook_endpoint_record(endpoint: WebhookEndpoint) -> WebhookEndpointRecord:
    return WebhookEndpointRecord(
        str(endpoint.id), endpoint.url, list(endpoint.events), endpoint.created_at
    )


def webhook_endpoint_list(*, subject: str) -> list[WebhookEndpointRecord]:
    return [
        webhook_endpoint_record(endpoint)
        for endpoint in WebhookEndpoint.objects.filter(owner=subject)
    ]


def webhook_delivery_list(*, subject: str, endpoint_id: object) -> list[DeliveryRecord]:
    endpoint = webhook_endpoint_model_for(subject=subject, endpoint_id=endpoint_id)
    return [
        DeliveryRecord(
            id=d.message_id,
            event=d.event,
            status=d.status,
            attempts=d.attempts,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            created_at=d.created_at,
            last_attempt_at=d.last_attempt_at,
        )
        for d in WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at")[:100]
    ]
