"""One job per owner and Idempotency-Key, the rule REST imports and SOAP's ImportBooks share: a
repeat with the same content is the same job (nothing queued again, no input kept twice), a
repeat with other content is refused."""

import pytest
from django_tasks_db.models import DBTaskResult

from shared_models import job_services
from shared_models.errors import IdempotencyKeyReused
from shared_models.job_models import Job
from shared_models.job_services import ImportLine, job_files_dir
from shared_models.selectors import BookFilter
from tests.factories import book_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def job_settings(settings, tmp_path):
    settings.JOB_FILES_DIR = str(tmp_path / "jobs")


def submit_import(*entries, owner="1", key="k-1", clock):
    lines = [ImportLine(line=n, data=data) for n, data in enumerate(entries, start=1)]
    return job_services.job_submit_import(
        owner=owner, lines=lines, idempotency_key=key, clock=clock
    )


def test_a_repeat_with_the_same_lines_is_the_same_job_and_queues_nothing_more(clock):
    books = [book_data(), book_data()]

    first = submit_import(*books, clock=clock)
    again = submit_import(*books, clock=clock)

    assert (first.replayed, again.replayed) == (False, True)
    assert again.job.id == first.job.id
    assert Job.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    assert [path.name for path in job_files_dir().iterdir()] == [f"{first.job.id}.import.ndjson"]


def test_a_repeat_with_other_lines_is_refused_and_keeps_nothing(clock):
    first = submit_import(book_data(), clock=clock)

    with pytest.raises(IdempotencyKeyReused):
        submit_import(book_data(), clock=clock)

    assert [str(pk) for pk in Job.objects.values_list("pk", flat=True)] == [first.job.id]
    assert len(list(job_files_dir().iterdir())) == 1


def test_the_same_key_of_another_owner_is_another_job(clock):
    books = [book_data()]

    mine = submit_import(*books, owner="1", clock=clock)
    theirs = submit_import(*books, owner="2", clock=clock)

    assert not theirs.replayed and theirs.job.id != mine.job.id


def test_without_a_key_every_submission_is_a_new_job(clock):
    books = [book_data()]

    first = submit_import(*books, key=None, clock=clock)
    second = submit_import(*books, key=None, clock=clock)

    assert first.job.id != second.job.id and not second.replayed


def test_an_export_repeated_with_the_same_filter_is_the_same_job(clock):
    submit = job_services.job_submit_export
    first = submit(owner="1", criteria=BookFilter(language="fr"), idempotency_key="e", clock=clock)
    again = submit(owner="1", criteria=BookFilter(language="fr"), idempotency_key="e", clock=clock)

    assert again.replayed and again.job.id == first.job.id
    with pytest.raises(IdempotencyKeyReused):
        submit(owner="1", criteria=BookFilter(language="en"), idempotency_key="e", clock=clock)


def test_a_key_used_for_an_import_is_refused_for_an_export(clock):
    submit_import(book_data(), key="shared", clock=clock)

    with pytest.raises(IdempotencyKeyReused):
        job_services.job_submit_export(
            owner="1", criteria=BookFilter(), idempotency_key="shared", clock=clock
        )
