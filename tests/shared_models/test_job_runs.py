"""Import and export jobs run in-process (a worker's part called directly): every line through
the single-create rule, batches that resume where the last committed one ended, cancellation,
exports as gzipped v2 NDJSON, and jobs visible to their owner and staff only."""

import gzip
from datetime import timedelta
from pathlib import Path

import orjson
import pytest
from django_tasks_db.models import DBTaskResult

from shared_models import job_runs, job_selectors, job_services, selectors, services, webhooks
from shared_models.clock import FixedClock
from shared_models.errors import Conflict, NotFound
from shared_models.job_models import Job, WebhookDelivery
from shared_models.job_services import ImportLine, ImportTooLarge
from shared_models.models import Book
from shared_models.selectors import BookFilter
from tests.factories import book_data, make_book, make_genre, make_user, valid_isbn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def job_settings(settings, tmp_path):
    settings.JOB_FILES_DIR = str(tmp_path / "jobs")
    settings.JOB_BATCH_SIZE = 2
    settings.JOB_IMPORT_MAX_LINES = 10


def lines(*entries):
    return [ImportLine(line=n, data=data) for n, data in enumerate(entries, start=1)]


def stored_entries(count=None):
    """The job's input as the worker reads it (first `count` lines)."""
    with open(Job.objects.get().input_path, "rb") as stored:
        return [orjson.loads(line) for line in stored][:count]


def submit(owner="1", *entries, clock):
    return job_services.job_submit_import(owner=owner, lines=lines(*entries), clock=clock).job


def test_an_import_writes_valid_lines_and_reports_invalid_ones_by_line_and_field(clock):
    good, bad = book_data(), book_data(pages=0)
    job = submit("1", good, bad, clock=clock)

    job_runs.job_run(job_id=job.id, clock=clock)

    done = job_selectors.job_get_for(subject="1", job_id=job.id)
    assert (done.status, done.total, done.done, done.created, done.failed) == (
        "succeeded",
        2,
        2,
        1,
        1,
    )
    assert [(row.line, list(row.errors)) for row in done.row_errors] == [(2, ["pages"])]
    assert Book.objects.filter(isbn=good["isbn"]).exists()
    assert not Book.objects.filter(isbn=bad["isbn"]).exists()


def test_an_existing_isbn_is_an_error_for_that_line_only(clock):
    taken = make_book().isbn
    job = submit("1", book_data(isbn=taken), book_data(), clock=clock)

    job_runs.job_run(job_id=job.id, clock=clock)

    done = job_selectors.job_get_for(subject="1", job_id=job.id)
    assert done.row_errors[0].line == 1
    assert done.row_errors[0].errors == {"isbn": ["A book with this ISBN already exists."]}
    assert done.created == 1


def test_of_two_lines_with_one_isbn_the_second_is_refused(clock):
    first = book_data()
    job = submit("1", first, book_data(isbn=first["isbn"]), clock=clock)

    job_runs.job_run(job_id=job.id, clock=clock)

    done = job_selectors.job_get_for(subject="1", job_id=job.id)
    assert (done.created, [row.line for row in done.row_errors]) == (1, [2])


def test_imported_books_are_what_a_single_create_makes_of_the_same_input(clock):
    genre = make_genre("poetry")
    data = book_data(genre_slugs=[genre.slug], currency="usd")
    job = submit("1", data, clock=clock)

    job_runs.job_run(job_id=job.id, clock=clock)

    book = selectors.book_get_by_isbn(isbn=data["isbn"])
    assert (book.currency, [g.slug for g in book.genres], book.version) == ("USD", ["poetry"], 1)
    assert [a.id for a in book.authors] == data["author_ids"]


def test_a_batch_that_loses_a_race_for_an_isbn_refuses_only_that_line(clock, monkeypatch):
    rows = [book_data(), book_data()]
    written_by_someone_else = rows[1]["isbn"]
    checks_done = services._check_constraints_immediately

    def another_writer_slips_in():
        make_book(isbn=written_by_someone_else)  # between the checks and the write
        monkeypatch.setattr(services, "_check_constraints_immediately", checks_done)
        checks_done()

    monkeypatch.setattr(services, "_check_constraints_immediately", another_writer_slips_in)
    outcomes = services.books_insert(rows=rows, clock=clock)

    assert isinstance(outcomes[0], int)
    assert outcomes[1].errors == {"isbn": ["A book with this ISBN already exists."]}


def test_line_errors_name_the_fields_the_client_wrote(clock):
    entry = ImportLine(
        line=1, data=book_data(author_ids=[]), client_names={"author_ids": "authors"}
    )
    job = job_services.job_submit_import(owner="1", lines=[entry], clock=clock).job

    job_runs.job_run(job_id=job.id, clock=clock)

    assert list(job_selectors.job_get_for(subject="1", job_id=job.id).row_errors[0].errors) == [
        "authors"
    ]


def test_submitting_queues_one_task_for_the_job(clock):
    job = submit("1", book_data(), clock=clock)
    tasks = DBTaskResult.objects.filter(args_kwargs__kwargs__job_id=job.id)
    assert tasks.count() == 1


def test_more_lines_than_the_limit_are_refused_and_nothing_is_queued(clock):
    with pytest.raises(ImportTooLarge):
        submit("1", *[book_data() for _ in range(11)], clock=clock)
    assert not Job.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_run_killed_after_a_batch_resumes_after_it_and_writes_no_row_twice(clock):
    entries = [book_data() for _ in range(5)]
    job = submit("1", *entries, clock=clock)
    claim = job_runs._claim(job.id, clock)
    first_batch = stored_entries(2)
    assert job_runs._import_batch(job.id, claim, first_batch, clock)  # then the worker dies

    later = FixedClock(clock.now() + timedelta(hours=1))  # its lease has run out
    assert job_runs.jobs_stalled(clock=later) == [job.id]
    job_runs.job_run(job_id=job.id, clock=later)

    done = job_selectors.job_get_for(subject="1", job_id=job.id)
    assert (done.status, done.done, done.created) == ("succeeded", 5, 5)
    assert Book.objects.filter(isbn__in=[e["isbn"] for e in entries]).count() == 5


def test_a_run_whose_claim_was_taken_over_writes_nothing_more(clock):
    job = submit("1", book_data(), clock=clock)
    stale_claim = job_runs._claim(job.id, clock)
    later = FixedClock(clock.now() + timedelta(hours=1))
    assert job_runs._claim(job.id, later) not in (None, stale_claim)

    assert not job_runs._import_batch(job.id, stale_claim, stored_entries(1), clock)
    assert Job.objects.get().done == 0


def test_a_running_job_cancelled_stops_at_its_next_batch_and_keeps_what_it_wrote(clock):
    job = submit("1", *[book_data() for _ in range(4)], clock=clock)
    claim = job_runs._claim(job.id, clock)
    first_batch = stored_entries(2)
    job_runs._import_batch(job.id, claim, first_batch, clock)

    assert job_services.job_cancel(subject="1", job_id=job.id, clock=clock).status == "running"
    job_runs.job_run(job_id=job.id, clock=FixedClock(clock.now() + timedelta(hours=1)))

    done = job_selectors.job_get_for(subject="1", job_id=job.id)
    assert (done.status, done.done, done.created) == ("cancelled", 2, 2)


def test_a_queued_job_cancelled_never_runs(clock):
    job = submit("1", book_data(), clock=clock)
    assert job_services.job_cancel(subject="1", job_id=job.id, clock=clock).status == "cancelled"

    job_runs.job_run(job_id=job.id, clock=clock)

    assert Job.objects.get().created == 0
    with pytest.raises(Conflict):
        job_services.job_cancel(subject="1", job_id=job.id, clock=clock)


def test_an_export_writes_the_selected_books_as_gzipped_v2_lines(clock):
    wanted = [make_book(language="fr") for _ in range(3)]
    make_book(language="en")
    criteria = BookFilter(language="fr")
    job = job_services.job_submit_export(owner="1", criteria=criteria, clock=clock).job

    job_runs.job_run(job_id=job.id, clock=clock)

    done = job_selectors.job_get_for(subject="1", job_id=job.id)
    assert (done.status, done.total, done.done, done.has_result) == ("succeeded", 3, 3, True)
    with gzip.open(Job.objects.get().result_path) as result:
        books = [orjson.loads(line) for line in result]
    assert [b["isbn"] for b in books] == [b.isbn for b in wanted]
    assert books[0]["price"] == {"amount": "9.99", "currency": "EUR"}


def test_a_job_is_visible_to_its_owner_and_staff_and_to_nobody_else(clock):
    staff = make_user("boss", staff=True)
    job = submit("1", book_data(isbn=valid_isbn()), clock=clock)

    assert job_selectors.job_get_for(subject="1", job_id=job.id).id == job.id
    assert job_selectors.job_get_for(subject=str(staff.pk), job_id=job.id).id == job.id
    with pytest.raises(NotFound):
        job_selectors.job_get_for(subject="2", job_id=job.id)
    with pytest.raises(NotFound):
        job_selectors.job_get_for(subject="1", job_id="not-a-uuid")


def test_a_job_that_breaks_ends_failed_with_the_reason_and_notifies_its_owners_webhooks(
    clock, settings
):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    endpoint, _ = webhooks.webhook_endpoint_create(
        owner="1", data={"url": "http://127.0.0.1:9/hook", "events": ["job.failed"]}, clock=clock
    )
    job = submit("1", book_data(), clock=clock)
    Path(Job.objects.get().input_path).unlink()  # the shared job-files volume lost it

    job_runs.job_run(job_id=job.id, clock=clock)

    done = job_selectors.job_get_for(subject="1", job_id=job.id)
    assert done.status == "failed" and "FileNotFoundError" in done.error
    delivery = WebhookDelivery.objects.get(endpoint_id=endpoint.id)
    assert (delivery.event, delivery.payload["data"]["id"]) == ("job.failed", job.id)
    assert DBTaskResult.objects.filter(args_kwargs__kwargs__message_id=delivery.message_id).exists()
