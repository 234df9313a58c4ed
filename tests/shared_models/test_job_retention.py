"""Retention: finished jobs older than JOB_RETENTION_DAYS go with their files, refused lines,
finished task rows and ended webhook deliveries; recent ones stay; queued and running jobs are
never purged, however old."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from shared_models import job_runs, job_services, webhooks
from shared_models.clock import FixedClock
from shared_models.job_models import Job, JobRowError, WebhookDelivery
from shared_models.job_retention import jobs_purge_finished
from shared_models.job_services import ImportLine, job_files_dir
from shared_models.selectors import BookFilter
from tests.factories import book_data, make_book

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def job_settings(settings, tmp_path):
    settings.JOB_FILES_DIR = str(tmp_path / "jobs")
    settings.JOB_RETENTION_DAYS = 7


def finished_import(clock) -> Job:
    """An import that ran (one refused line) and finished at clock.now()."""
    lines = [ImportLine(1, data=book_data()), ImportLine(2, data=book_data(pages=0))]
    job_id = job_services.job_submit_import(owner="1", lines=lines, clock=clock).job.id
    job_runs.job_run(job_id=job_id, clock=clock)
    return Job.objects.get(pk=job_id)


def finished_export(clock) -> Job:
    job_id = job_services.job_submit_export(owner="1", criteria=BookFilter(), clock=clock).job.id
    job_runs.job_run(job_id=job_id, clock=clock)
    return Job.objects.get(pk=job_id)


def days_later(clock, days) -> FixedClock:
    return FixedClock(clock.now() + timedelta(days=days))


def test_a_finished_job_past_retention_goes_with_its_files_and_refused_lines(clock):
    make_book()
    old_export, old_import = finished_export(clock), finished_import(clock)
    assert job_files_dir().joinpath(f"{old_export.pk}.export.ndjson.gz").exists()
    assert JobRowError.objects.filter(job=old_import).exists()

    purged = jobs_purge_finished(clock=days_later(clock, 8))

    assert (purged.jobs, purged.files) == (2, 1)  # an import's input goes when it succeeds
    assert not Job.objects.exists() and not JobRowError.objects.exists()
    assert list(job_files_dir().iterdir()) == []


def test_a_job_finished_within_retention_is_kept_with_its_file(clock):
    make_book()
    old = finished_export(clock)
    recent = finished_export(days_later(clock, 5))

    jobs_purge_finished(clock=days_later(clock, 8))

    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert [path.name for path in job_files_dir().iterdir()] == [f"{recent.pk}.export.ndjson.gz"]
    assert old.pk != recent.pk


def test_queued_and_running_jobs_are_never_purged_however_old(clock):
    queued = job_services.job_submit_import(
        owner="1", lines=[ImportLine(1, book_data())], clock=clock
    )
    running = job_services.job_submit_export(owner="1", criteria=BookFilter(), clock=clock)
    job_runs._claim(running.job.id, clock)

    purged = jobs_purge_finished(clock=days_later(clock, 365))

    assert purged.jobs == 0
    assert {str(pk) for pk in Job.objects.values_list("pk", flat=True)} == {
        queued.job.id,
        running.job.id,
    }
    assert job_files_dir().joinpath(f"{queued.job.id}.import.ndjson").exists()


def test_finished_task_rows_past_retention_go_and_queued_ones_stay(clock):
    finished_export(clock)
    queued = job_services.job_submit_export(owner="1", criteria=BookFilter(), clock=clock)
    finished = DBTaskResult.objects.exclude(args_kwargs__kwargs__job_id=queued.job.id)
    finished.update(status=TaskResultStatus.SUCCESSFUL, finished_at=clock.now())  # as a worker

    purged = jobs_purge_finished(clock=days_later(clock, 8))

    assert purged.tasks == 1
    remaining = DBTaskResult.objects.values_list("args_kwargs__kwargs__job_id", flat=True)
    assert list(remaining) == [queued.job.id]


def test_the_retention_period_is_a_setting(clock, settings):
    settings.JOB_RETENTION_DAYS = 30
    finished_export(clock)

    assert jobs_purge_finished(clock=days_later(clock, 8)).jobs == 0
    assert jobs_purge_finished(clock=days_later(clock, 31)).jobs == 1


def test_ended_webhook_deliveries_past_retention_go_and_pending_ones_stay(clock, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    webhooks.webhook_endpoint_create(
        owner="1", data={"url": "http://127.0.0.1:9/hook", "events": ["job.succeeded"]}, clock=clock
    )
    delivered, pending = finished_export(clock), finished_export(clock)
    WebhookDelivery.objects.filter(payload__data__id=str(delivered.pk)).update(
        status=WebhookDelivery.Status.SUCCEEDED
    )

    assert jobs_purge_finished(clock=days_later(clock, 8)).deliveries == 1
    assert [d.payload["data"]["id"] for d in WebhookDelivery.objects.all()] == [str(pending.pk)]


def test_manage_py_purge_jobs_purges_once_and_says_what_went():
    month_ago = FixedClock(datetime.now(UTC) - timedelta(days=30))
    make_book()
    finished_export(month_ago)
    out = io.StringIO()

    call_command("purge_jobs", stdout=out)

    assert out.getvalue().startswith("purged 1 job(s), 1 file(s)")
    assert not Job.objects.exists()
