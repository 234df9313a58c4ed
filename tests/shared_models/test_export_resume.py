"""An export killed mid-run (a worker's SIGKILL, played in-process: the run stops and nothing
catches it) is resumed by the next run after its last committed page: the pages already in the
file stay as they are, what the killed run wrote past them is cut off, and no book is written
twice."""

import gzip
import itertools
from datetime import timedelta
from pathlib import Path

import orjson
import pytest

from shared_models import job_runs, job_services
from shared_models.clock import FixedClock
from shared_models.job_models import Job
from shared_models.selectors import BookFilter
from tests.factories import make_book

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """What SIGKILL does to a run: it stops where it is; no handler runs."""


@pytest.fixture(autouse=True)
def job_settings(settings, tmp_path):
    settings.JOB_FILES_DIR = str(tmp_path / "jobs")
    settings.JOB_BATCH_SIZE = 2  # books per page


@pytest.fixture
def books():
    return [make_book() for _ in range(7)]  # four pages: 2, 2, 2, 1


def exported_ids(path) -> list[int]:
    with gzip.open(path) as result:
        return [orjson.loads(line)["id"] for line in result]


def pages_written(monkeypatch, *, die_at: int | None = None) -> list[int]:
    """Count the pages a run appends; with `die_at`, the run dies while writing that page (the
    first `die_at` pages committed, half of the next one in the file)."""
    written, real = [], job_runs._export_page
    calls = itertools.count()

    def export_page(job_id, claim, path: Path, member, page, clock):
        if next(calls) == die_at:
            with path.open("ab") as out:
                out.write(member[: len(member) // 2])
            raise Killed
        written.append(len(page.items))
        return real(job_id, claim, path, member, page, clock)

    monkeypatch.setattr(job_runs, "_export_page", export_page)
    return written


def start_export(clock) -> str:
    return job_services.job_submit_export(owner="1", criteria=BookFilter(), clock=clock).job.id


def test_a_killed_export_resumes_after_its_last_committed_page(books, clock, monkeypatch):
    job_id = start_export(clock)
    pages_written(monkeypatch, die_at=2)
    with pytest.raises(Killed):
        job_runs.job_run(job_id=job_id, clock=clock)
    killed = Job.objects.get(pk=job_id)
    committed = job_runs.export_file(job_id).read_bytes()[: killed.result_bytes]
    assert (killed.status, killed.done) == ("running", 4)
    assert job_runs.export_file(job_id).stat().st_size > killed.result_bytes  # half a page

    resumed = pages_written(monkeypatch)
    job_runs.job_run(job_id=job_id, clock=FixedClock(clock.now() + timedelta(hours=1)))

    job = Job.objects.get(pk=job_id)
    assert (job.status, job.done, job.total) == ("succeeded", 7, 7)
    assert resumed == [2, 1]  # the last two pages, not the first two again
    assert Path(job.result_path).read_bytes().startswith(committed)
    assert exported_ids(job.result_path) == [book.pk for book in books]


def test_an_export_killed_after_its_last_page_is_finished_without_writing_again(
    books, clock, monkeypatch
):
    job_id = start_export(clock)
    real_finish = job_runs._finish

    def finish_then_die(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(job_runs, "_finish", finish_then_die)
    with pytest.raises(Killed):
        job_runs.job_run(job_id=job_id, clock=clock)
    before = job_runs.export_file(job_id).read_bytes()
    monkeypatch.setattr(job_runs, "_finish", real_finish)

    resumed = pages_written(monkeypatch)
    job_runs.job_run(job_id=job_id, clock=FixedClock(clock.now() + timedelta(hours=1)))

    job = Job.objects.get(pk=job_id)
    assert (job.status, job.done, resumed) == ("succeeded", 7, [])
    assert Path(job.result_path).read_bytes() == before
    assert exported_ids(job.result_path) == [book.pk for book in books]


def test_a_run_that_lost_its_claim_adds_nothing_to_the_file(books, clock):
    job_id = start_export(clock)
    stale = job_runs._claim(job_id, clock)
    assert job_runs._claim(job_id, FixedClock(clock.now() + timedelta(hours=1))) is not None
    page = next(iter(job_runs.selectors.book_pages(page_size=2)))

    assert not job_runs._export_page(
        job_id, stale, job_runs.export_file(job_id), b"member", page, clock
    )
    assert not job_runs.export_file(job_id).exists()
    assert Job.objects.get(pk=job_id).done == 0


def test_an_export_of_no_book_is_an_empty_gzip_file(clock):
    job_id = start_export(clock)

    job_runs.job_run(job_id=job_id, clock=clock)

    job = Job.objects.get(pk=job_id)
    assert (job.status, job.done, exported_ids(job.result_path)) == ("succeeded", 0, [])
