"""The task queue's entry points (django-tasks, database backend): what `catalog worker` runs.
Each takes ids only, so a task row says what to do and the tables say how far it got."""

from __future__ import annotations

from django_tasks import task

from shared_models import job_runs


@task()
def run_job(job_id: str) -> None:
    job_runs.job_run(job_id=job_id)


@task()
def deliver_webhook(message_id: str) -> None:
    from shared_models import webhook_delivery

    webhook_delivery.deliver(message_id=message_id)


def requeue_stalled_jobs() -> int:
    """Queue a run for every job whose worker died mid-run; the run resumes it."""
    stalled = job_runs.jobs_stalled()
    for job_id in stalled:
        run_job.enqueue(job_id=job_id)
    return len(stalled)
