"""Running a job, in a worker process (shared_models.tasks).

A run first claims the job: a queued job, or a running one whose lease ran out (its worker
died). Imports then go through their lines in batches, one transaction each: the lines' books,
their row errors and the job's progress (`done`, the count of lines behind it) commit together,
and the batch first checks that the run still holds its claim. So a run killed anywhere resumes,
in the next run, from the line after the last committed batch, and no line is ever written
twice; cancellation is seen at the start of a batch. Exports walk the catalog one keyset page at
a time into a gzip file, so memory stays flat whatever the catalog's size; a killed export starts
again from the first page.
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

logger = logging.getLogger(__name__)
EXPORT_PAGE_SIZE = MAX_PAGE_SIZE  # books held in memory at once by an export


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


def _run_export(job: Job, claim: uuid.UUID, clock: Clock) -> None:
    criteria = export_criteria(job.parameters)
    Job.objects.filter(pk=job.pk, claim=claim).update(
        done=0, total=selectors.book_count(criteria=criteria)
    )
    final = job_files_dir() / f"{job.pk}.export.ndjson.gz"
    partial = final.with_suffix(".partial")
    with gzip.open(partial, "wb") as out:
        for page in selectors.book_pages(criteria=criteria, page_size=EXPORT_PAGE_SIZE):
            out.writelines(orjson.dumps(book_v2(book)) + b"\n" for book in page)
            if not _export_progress(job.pk, claim, len(page), clock):
                partial.unlink(missing_ok=True)
                return
    os.replace(partial, final)
    _finish(job.pk, claim, Job.Status.SUCCEEDED, clock, result_path=str(final))


def _export_progress(job_id: Any, claim: uuid.UUID, written: int, clock: Clock) -> bool:
    with transaction.atomic():
        job = _holding(job_id, claim)
        if job is None:
            return False
        if job.cancel_requested:
            _cancel(job, clock)
            return False
        Job.objects.filter(pk=job_id).update(
            done=F("done") + written, lease_until=_lease_end(clock), updated_at=clock.now()
        )
    return True


def jobs_stalled(*, clock: Clock = system_clock) -> list[str]:
    """Running jobs whose lease ran out: their worker died. Queued again, a run resumes them."""
    stalled = Job.objects.filter(status=Job.Status.RUNNING, lease_until__lt=clock.now())
    return [str(pk) for pk in stalled.values_list("pk", flat=True)]
