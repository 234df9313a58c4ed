"""Running a job, in a worker process (shared_models.tasks).

A run first claims the job: a queued job, or a running one whose lease ran out (its worker
died). Imports then go through their lines in batches, one transaction each: the lines' books,
their row errors and the job's progress (`done`, the count of lines behind it) commit together,
and the batch first checks that the run still holds its claim. So a run killed anywhere resumes,
in the next run, from the line after the last committed batch, and no line is ever written
twice; cancellation is seen at the start of a batch. Exports walk the catalog one keyset page at
a time, so memory stays flat whatever the catalog's size, and append each page to the file as
one gzip member (a multi-member gzip file reads as one stream), written and committed with the
page's progress under the job's row lock: a killed export resumes after its last committed page,
cutting off what the killed run wrote past it, so no book is written twice.
"""

from __future__ import annotations

import gzip
import logging
import os
import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from shared_models import selectors, services
from shared_models.book_shapes import book_v2
from shared_models.clock import Clock, system_clock
from shared_models.errors import ValidationError
from shared_models.job_models import Job, JobRowError
from shared_models.job_services import export_criteria, job_files_dir
from shared_models.pagination import MAX_PAGE_SIZE
from shared_models.records import BookRecord, Page

logger = logging.getLogger(__name__)


def job_run(*, job_id: str, clock: Clock = system_clock) -> None:
    """Claim the job and carry it to its end; a run that cannot claim it does nothing."""
    claim = _claim(job_id, clock)
    if claim is None:
        return
    job = Job.objects.get(pk=job_id)
    try:
        if job.kind == Job.Kind.IMPORT:
            _run_import(job, claim, clock)
        else:
            _run_export(job, claim, clock)
    except Exception as exc:
        logger.exception("job %s failed", job_id)
        _finish(job.pk, claim, Job.Status.FAILED, clock, error=f"{type(exc).__name__}: {exc}")


def _lease_end(clock: Clock) -> Any:
    return clock.now() + timedelta(seconds=settings.JOB_LEASE_SECONDS)


def _claim(job_id: str, clock: Clock) -> uuid.UUID | None:
    token, now = uuid.uuid4(), clock.now()
    claimable = Q(status=Job.Status.QUEUED) | Q(status=Job.Status.RUNNING, lease_until__lt=now)
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        status=Job.Status.RUNNING,
        claim=token,
        lease_until=_lease_end(clock),
        started_at=Coalesce(F("started_at"), now),
        updated_at=now,
    )
    return token if claimed else None


def _holding(job_id: Any, claim: uuid.UUID) -> Job | None:
    """The job, locked, if this run still holds it; None when another run took it over."""
    return Job.objects.select_for_update().filter(pk=job_id, claim=claim).first()


def _finish(job_id: Any, claim: uuid.UUID, status: str, clock: Clock, **fields: Any) -> bool:
    from shared_models.webhooks import job_finished

    with transaction.atomic():
        job = _holding(job_id, claim)
        if job is None:
            return False
        now = clock.now()
        Job.objects.filter(pk=job_id).update(
            status=status, claim=None, lease_until=None, finished_at=now, updated_at=now, **fields
        )
        job_finished(Job.objects.get(pk=job_id), clock=clock)
    return True


def _batches(lines: Iterable[bytes], size: int) -> Iterator[list[bytes]]:
    iterator = iter(lines)
    while batch := list(islice(iterator, size)):
        yield batch


def _run_import(job: Job, claim: uuid.UUID, clock: Clock) -> None:
    with Path(job.input_path).open("rb") as lines:
        for batch in _batches(islice(lines, job.done, None), settings.JOB_BATCH_SIZE):
            if not _import_batch(job.pk, claim, [orjson.loads(line) for line in batch], clock):
                return
    if _finish(job.pk, claim, Job.Status.SUCCEEDED, clock):
        Path(job.input_path).unlink(missing_ok=True)


def _import_batch(
    job_id: Any, claim: uuid.UUID, entries: list[dict[str, Any]], clock: Clock
) -> bool:
    """One transaction: the batch's books, its row errors and the job's progress. False when
    the run must stop (cancelled, or its claim was taken over)."""
    with transaction.atomic():
        job = _holding(job_id, claim)
        if job is None:
            return False
        if job.cancel_requested:
            _cancel(job, clock)
            return False
        refused = _import_lines(job, entries, clock)
        JobRowError.objects.bulk_create(refused)
        Job.objects.filter(pk=job_id).update(
            done=F("done") + len(entries),
            created=F("created") + len(entries) - len(refused),
            failed=F("failed") + len(refused),
            lease_until=_lease_end(clock),
            updated_at=clock.now(),
        )
    return True


def _import_lines(job: Job, entries: list[dict[str, Any]], clock: Clock) -> list[JobRowError]:
    """Create the batch's books with the create rule (services.books_insert); the refused lines'
    errors, named as the client named the fields."""
    readable = [entry for entry in entries if not entry["errors"]]
    outcomes = services.books_insert(rows=[entry["data"] for entry in readable], clock=clock)
    refused = [(entry, entry["errors"]) for entry in entries if entry["errors"]]
    refused += [
        (entry, outcome.errors)
        for entry, outcome in zip(readable, outcomes, strict=True)
        if isinstance(outcome, ValidationError)
    ]
    return [
        JobRowError(
            job=job,
            line=entry["line"],
            errors={entry["client_names"].get(name, name): msgs for name, msgs in errors.items()},
        )
        for entry, errors in sorted(refused, key=lambda pair: pair[0]["line"])
    ]


def _cancel(job: Job, clock: Clock) -> None:
    now = clock.now()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.CANCELLED, claim=None, lease_until=None, finished_at=now, updated_at=now
    )


def export_file(job_id: Any) -> Path:
    """Where an export's file grows, and stays once it succeeded (then its result_path)."""
    return job_files_dir() / f"{job_id}.export.ndjson.gz"


def _export_page_size() -> int:
    """Books per page (held in memory at once, committed together): JOB_BATCH_SIZE, within the
    list's page bound."""
    return min(settings.JOB_BATCH_SIZE, MAX_PAGE_SIZE)


def _run_export(job: Job, claim: uuid.UUID, clock: Clock) -> None:
    criteria = export_criteria(job.parameters)
    if job.total is None:
        Job.objects.filter(pk=job.pk, claim=claim).update(
            total=selectors.book_count(criteria=criteria)
        )
    path = export_file(job.pk)
    if not job.done or job.export_cursor:  # else every page is in: only the finish was lost
        pages = selectors.book_pages(
            criteria=criteria, page_size=_export_page_size(), cursor=job.export_cursor or None
        )
        for page in pages:
            member = gzip.compress(b"".join(orjson.dumps(book_v2(b)) + b"\n" for b in page.items))
            if not _export_page(job.pk, claim, path, member, page, clock):
                return
    if not path.exists():  # the filter selected no book: an empty (valid) gzip file
        _append_at(path, 0, gzip.compress(b""))
    _finish(job.pk, claim, Job.Status.SUCCEEDED, clock, result_path=str(path))


def _export_page(
    job_id: Any, claim: uuid.UUID, path: Path, member: bytes, page: Page[BookRecord], clock: Clock
) -> bool:
    """Append the page's member at the committed length and commit the progress, holding the
    job's row: a run that lost its claim writes nothing. False when the run must stop."""
    with transaction.atomic():
        job = _holding(job_id, claim)
        if job is None:
            return False
        if job.cancel_requested:
            _cancel(job, clock)
            path.unlink(missing_ok=True)
            return False
        length = _append_at(path, job.result_bytes, member)
        Job.objects.filter(pk=job_id).update(
            done=F("done") + len(page.items),
            result_bytes=length,
            export_cursor=page.next_cursor or "",
            lease_until=_lease_end(clock),
            updated_at=clock.now(),
        )
    return True


def _append_at(path: Path, length: int, data: bytes) -> int:
    """Write `data` at `length`, dropping whatever a killed run wrote past it, and make it
    durable before the progress that counts it commits; the file's new length."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        os.ftruncate(fd, length)
        os.pwrite(fd, data, length)
        os.fsync(fd)
    finally:
        os.close(fd)
    return length + len(data)


def jobs_stalled(*, clock: Clock = system_clock) -> list[str]:
    """Running jobs whose lease ran out: their worker died. Queued again, a run resumes them."""
    stalled = Job.objects.filter(status=Job.Status.RUNNING, lease_until__lt=clock.now())
    return [str(pk) for pk in stalled.values_list("pk", flat=True)]
