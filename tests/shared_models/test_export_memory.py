"""An export holds one page of books in memory whatever the catalog's size: the peak Python
allocation of exporting five times the books stays that of one page (tracemalloc, not a clock)."""

import tracemalloc

import pytest
from django.core.management import call_command

from shared_models import job_runs, job_services
from shared_models.job_models import Job
from shared_models.selectors import BookFilter

pytestmark = pytest.mark.django_db


def peak_bytes_of_an_export(clock) -> tuple[int, Job]:
    job = job_services.job_submit_export(owner="1", criteria=BookFilter(), clock=clock).job
    tracemalloc.start()
    try:
        job_runs.job_run(job_id=job.id, clock=clock)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, Job.objects.get(pk=job.id)


def test_exporting_five_times_the_books_does_not_raise_the_peak_memory(clock, settings, tmp_path):
    settings.JOB_FILES_DIR = str(tmp_path)
    settings.JOB_BATCH_SIZE = 50
    call_command("seed_catalog", books=300, seed=7, reset=True, verbosity=0)
    small, _ = peak_bytes_of_an_export(clock)
    call_command("seed_catalog", books=1500, seed=7, reset=True, verbosity=0)

    large, job = peak_bytes_of_an_export(clock)

    assert (job.status, job.done) == ("succeeded", 1500)
    assert large < small * 1.3
