"""Retention: a finished job (succeeded, failed or cancelled) is kept, with its files, for
JOB_RETENTION_DAYS after it finished, then purged with its refused lines, its files in
JOB_FILES_DIR and, as old as that, the task queue's finished task rows and the webhook deliveries
that ended. Queued and running jobs are never purged, however old. The workers run this
(catalog worker's housekeeping); `manage.py purge_jobs` runs it once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django_tasks_db.models import DBTaskResult

from shared_models.clock import Clock, system_clock
from shared_models.job_models import Job, WebhookDelivery
from shared_models.job_services import job_files_dir

FINISHED = (Job.Status.SUCCEEDED, Job.Status.FAILED, Job.Status.CANCELLED)
PURGE_BATCH = 500  # jobs per delete: bounded memory, and within SQLite's bound on parameters


@dataclass(frozen=True)
class Purged:
    jobs: int
    files: int
    tasks: int
    deliveries: int


def retention_cutoff(clock: Clock = system_clock) -> datetime:
    return clock.now() - timedelta(days=settings.JOB_RETENTION_DAYS)


def jobs_purge_finished(*, clock: Clock = system_clock) -> Purged:
    """Purge what finished before the retention cutoff. A job's files go before its row, so a
    purge cut short leaves rows the next purge finds again, never files nobody points to."""
    cutoff = retention_cutoff(clock)
    expired = Job.objects.filter(status__in=FINISHED, finished_at__lt=cutoff)
    jobs = files = 0
    while ids := list(expired.values_list("pk", flat=True)[:PURGE_BATCH]):
        files += _remove_files(ids)
        jobs += Job.objects.filter(pk__in=ids).delete()[1].get(Job._meta.label, 0)
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    deliveries, _ = (
        WebhookDelivery.objects.exclude(status=WebhookDelivery.Status.PENDING)
        .filter(created_at__lt=cutoff)
        .delete()
    )
    return Purged(jobs=jobs, files=files, tasks=tasks, deliveries=deliveries)


def _remove_files(job_ids: list[uuid.UUID]) -> int:
    folder, removed = job_files_dir(), 0
    for job_id in job_ids:
        for path in folder.glob(f"{job_id}.*"):
            path.unlink(missing_ok=True)
            removed += 1
    return removed
