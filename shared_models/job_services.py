"""Submitting and cancelling jobs. The work itself happens in a worker (shared_models.job_runs):
here a job row and its task are written in one transaction (the task queue is a table of the
same database), so a job is never queued without its task nor a task left without its job.

An Idempotency-Key (REST and SOAP alike) names one job per owner: a repeat with the same content
(the same lines, or the same filter) is answered with that job as it is now, a repeat with other
content is IdempotencyKeyReused. The unique (owner, key) index settles concurrent repeats: one
job is created, the others find it. The key lives as long as its job (see job_purge_finished).
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.db import IntegrityError, transaction

from config.env import var_dir
from shared_models.clock import Clock, system_clock
from shared_models.errors import CatalogError, Conflict, IdempotencyKeyReused
from shared_models.job_models import Job
from shared_models.job_selectors import JobRecord, job_model_for, job_record
from shared_models.selectors import BookFilter

_FILTER_VALUE_TYPES: dict[str, Callable[[str], Any]] = {
    "author_id": int,
    "publisher_id": int,
    "min_price": Decimal,
    "max_price": Decimal,
    "published_after": date.fromisoformat,
    "published_before": date.fromisoformat,
}


class ImportTooLarge(CatalogError):
    default_code = "content_too_large"
    default_detail = "The import has more lines than this service accepts."


@dataclass(frozen=True)
class ImportLine:
    """One input line, already in the service layer's field names, or the errors that kept it
    from being read (not JSON, not an object). `client_names` maps service fields back to what
    the client wrote, so a line's errors name the client's fields."""

    line: int
    data: Mapping[str, Any] | None = None
    errors: Mapping[str, list[str]] | None = None
    client_names: Mapping[str, str] = field(default_factory=dict)


def job_files_dir() -> Path:
    path = Path(settings.JOB_FILES_DIR) if settings.JOB_FILES_DIR else var_dir() / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _enqueue(job: Job) -> None:
    from shared_models.tasks import run_job

    run_job.enqueue(job_id=str(job.pk))


@dataclass(frozen=True)
class Submission:
    """A submitted job, and whether it was an earlier one found by its Idempotency-Key."""

    job: JobRecord
    replayed: bool = False


def _submit(
    *, owner: str, kind: str, key: str | None, fingerprint: str, clock: Clock, **fields: Any
) -> Submission:
    """Create the job and its task in one transaction, unless `key` names an earlier job."""
    if key is not None and (earlier := _keyed(owner, key)) is not None:
        return _replay(earlier, fingerprint)
    now = clock.now()
    try:
        with transaction.atomic():
            job = Job.objects.create(
                owner=owner, kind=kind, idempotency_key=key, fingerprint=fingerprint,
                created_at=now, updated_at=now, **fields,
            )  # fmt: skip
            _enqueue(job)
    except IntegrityError:
        if key is None or (earlier := _keyed(owner, key)) is None:
            raise
        return _replay(earlier, fingerprint)  # a concurrent repeat created it first
    return Submission(job_record(job))


def _keyed(owner: str, key: str) -> Job | None:
    return Job.objects.filter(owner=owner, idempotency_key=key).first()


def _replay(earlier: Job, fingerprint: str) -> Submission:
    if earlier.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return Submission(job_record(earlier), replayed=True)


def job_submit_import(
    *,
    owner: str,
    lines: Iterable[ImportLine],
    idempotency_key: str | None = None,
    clock: Clock = system_clock,
) -> Submission:
    """Keep the lines in a file (JOB_FILES_DIR) and queue a job writing them; more lines than
    JOB_IMPORT_MAX_LINES is ImportTooLarge, and then nothing is kept or queued."""
    job_id = uuid.uuid4()
    path = job_files_dir() / f"{job_id}.import.ndjson"
    try:
        total, fingerprint = _write_lines(path, lines, limit=settings.JOB_IMPORT_MAX_LINES)
        submission = _submit(
            id=job_id, owner=owner, kind=Job.Kind.IMPORT, key=idempotency_key,
            fingerprint=fingerprint, clock=clock, total=total, input_path=str(path),
        )  # fmt: skip
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if submission.replayed:
        path.unlink(missing_ok=True)
    return submission


def _write_lines(path: Path, lines: Iterable[ImportLine], *, limit: int) -> tuple[int, str]:
    """The count of lines written, and the fingerprint of what they hold: each line's data and
    errors in service-layer names, so the same books give the same fingerprint whichever
    protocol or format carried them."""
    count, digest = 0, hashlib.sha256(Job.Kind.IMPORT.encode())
    with path.open("wb") as out:
        for entry in lines:
            count += 1
            if count > limit:
                raise ImportTooLarge(f"An import takes at most {limit} lines.")
            out.write(orjson.dumps(dataclasses.asdict(entry), default=str) + b"\n")
            digest.update(_canonical([entry.data, entry.errors]))
    return count, digest.hexdigest()


def _canonical(value: Any) -> bytes:
    return orjson.dumps(value, default=str, option=orjson.OPT_SORT_KEYS) + b"\n"


def job_submit_export(
    *,
    owner: str,
    criteria: BookFilter,
    idempotency_key: str | None = None,
    clock: Clock = system_clock,
) -> Submission:
    """Queue an export of the books `criteria` selects, as gzipped NDJSON (v2 books)."""
    parameters = {
        name: None if value is None else str(value)
        for name, value in dataclasses.asdict(criteria).items()
    }
    fingerprint = hashlib.sha256(Job.Kind.EXPORT.encode() + _canonical(parameters)).hexdigest()
    return _submit(
        owner=owner, kind=Job.Kind.EXPORT, key=idempotency_key, fingerprint=fingerprint,
        clock=clock, parameters=parameters,
    )  # fmt: skip


@transaction.atomic
def job_cancel(*, subject: str, job_id: object, clock: Clock = system_clock) -> JobRecord:
    """A queued job is cancelled at once; a running one at its next batch (the rows already
    written stay, and are counted). A finished job cannot be cancelled."""
    job = job_model_for(subject=subject, job_id=job_id)
    now = clock.now()
    jobs = Job.objects.filter(pk=job.pk)
    cancelled = jobs.filter(status=Job.Status.QUEUED).update(
        status=Job.Status.CANCELLED, finished_at=now, updated_at=now
    )
    if not cancelled and not jobs.filter(status=Job.Status.RUNNING).update(
        cancel_requested=True, updated_at=now
    ):
        raise Conflict(f"Job {job.pk} has already finished ({job.status}).")
    return job_record(Job.objects.get(pk=job.pk))


def export_criteria(parameters: Mapping[str, Any]) -> BookFilter:
    """The BookFilter an export job was submitted with (kept as strings in the job row)."""
    names = {f.name for f in dataclasses.fields(BookFilter)}
    return BookFilter(
        **{
            name: _FILTER_VALUE_TYPES.get(name, str)(raw)
            for name, raw in parameters.items()
            if raw is not None and name in names
        }
    )
