"""Jobs over SOAP: `ImportBooks(books)`, `ExportBooks(filter)`, `GetJob(id)` and `CancelJob(id)`,
each answering the `Job` type, thin adapters over shared_models' job services as the catalog's
operations are (the same rules and faults: CatalogService's error mapping is inherited). SOAP
has no 202: a client polls GetJob, and fetches an export's file from the REST `result` path.

A job belongs to a subject: the token's `sub` (a user id), or for a WS-Security UsernameToken
the id of the user it names, so the same person sees the same jobs through both protocols.
ImportBooks and ExportBooks honour the HTTP `Idempotency-Key` header as REST's imports do (the
rule is shared_models.job_services'): a repeat answers the same job.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from spyne import Array, ComplexModel, DateTime, Integer32, Unicode

from shared_models import job_selectors, job_services
from shared_models.idempotency_keys import HEADER, idempotency_key_from
from shared_models.job_selectors import JobRecord
from shared_models.job_services import ImportLine
from shared_models.permissions import CATALOG_READ
from soap_service.auth import Principal
from soap_service.faults import (
    AuthenticationFailedFault,
    FieldError,
    PermissionDeniedFault,
    RequestTooLargeFault,
)
from soap_service.inputs import book_criteria, book_input
from soap_service.service import CatalogService, _changes, _reads
from soap_service.types import OPTIONAL, REQUIRED, TNS, BookFilter, BookInput

JobId = Unicode(max_len=64, doc="The job's id (a UUID), from the answer that submitted it.")


class JobRowError(ComplexModel):
    __namespace__ = TNS

    class Annotations(ComplexModel.Annotations):
        doc = "An input line the import refused, with the errors a single create would give."

    _type_info = [
        ("line", Integer32(doc="1-based position in ImportBooks' books.", **REQUIRED)),
        (
            "errors",
            Array(FieldError.customize(nillable=False), member_name="error").customize(**REQUIRED),
        ),
    ]


class Job(ComplexModel):
    __namespace__ = TNS

    class Annotations(ComplexModel.Annotations):
        doc = "An import or export run by a worker; the same values as REST's job resource."

    _type_info = [
        ("id", Unicode(**REQUIRED)),
        ("kind", Unicode(doc="import or export.", **REQUIRED)),
        (
            "status",
            Unicode(doc="queued, running, succeeded, failed or cancelled.", **REQUIRED),
        ),
        ("total", Integer32(doc="Lines or books; absent until known.", **OPTIONAL)),
        ("done", Integer32(**REQUIRED)),
        ("created", Integer32(**REQUIRED)),
        ("failed", Integer32(**REQUIRED)),
        (
            "failed_rows",
            Array(JobRowError.customize(nillable=False), member_name="row").customize(**REQUIRED),
        ),
        (
            "result",
            Unicode(doc="An export's file: a path on the REST API (gzipped NDJSON).", **OPTIONAL),
        ),
        ("error", Unicode(doc="Why a failed job failed.", **OPTIONAL)),
        ("created_at", DateTime(**REQUIRED)),
        ("started_at", DateTime(**OPTIONAL)),
        ("finished_at", DateTime(**OPTIONAL)),
        ("updated_at", DateTime(**REQUIRED)),
    ]

    @classmethod
    def of(cls, job: JobRecord) -> Job:
        return cls(
            id=job.id, kind=job.kind, status=job.status, total=job.total, done=job.done,
            created=job.created, failed=job.failed,
            failed_rows=[
                JobRowError(
                    line=row.line,
                    errors=[
                        FieldError(field=name, message=message)
                        for name, messages in row.errors.items()
                        for message in messages
                    ],
                )
                for row in job.row_errors
            ],
            result=f"/api/v2/jobs/{job.id}/result" if job.has_result else None,
            error=job.error or None, created_at=job.created_at, started_at=job.started_at,
            finished_at=job.finished_at, updated_at=job.updated_at,
        )  # fmt: skip


def subject_of(principal: Principal | None) -> str:
    """Whose job this is (see the module docstring); anonymous callers have no jobs."""
    if principal is None:
        raise AuthenticationFailedFault(
            "Jobs need credentials: a WS-Security UsernameToken or a bearer token.",
            code="not_authenticated",
        )
    if CATALOG_READ not in principal.scopes:
        raise PermissionDeniedFault(f"Jobs need the {CATALOG_READ} scope.")
    if principal.subject.isdigit():
        return principal.subject
    user_id = (
        get_user_model()
        .objects.filter(username=principal.subject)
        .values_list("pk", flat=True)
        .first()
    )
    return str(user_id)


def idempotency_key(ctx: Any) -> str | None:
    """The HTTP `Idempotency-Key` header, as REST reads it: the gateway already retries a POST
    that carries one, so SOAP must honour it (a repeat answers the same job)."""
    return idempotency_key_from(ctx.transport.req.headers.get(HEADER))


def _import_lines(books: list[Any]) -> Iterator[ImportLine]:
    for number, book in enumerate(books, start=1):
        service_input = book_input(book)
        yield ImportLine(number, data=service_input.data, client_names=service_input.client_names)


class JobService(CatalogService):
    """Operations on jobs; CatalogService's own operations are not inherited (Spyne takes a
    service's operations from its own class body), its fault mapping is."""

    @_changes(
        Array(BookInput.customize(nillable=False), member_name="book").customize(**REQUIRED),
        returns=Job,
    )
    def ImportBooks(ctx: Any, books: list[Any]) -> Job:
        owner = subject_of(ctx.udc)
        try:
            submission = job_services.job_submit_import(
                owner=owner,
                lines=_import_lines(books or []),
                idempotency_key=idempotency_key(ctx),
            )
        except job_services.ImportTooLarge as exc:
            raise RequestTooLargeFault(exc.detail) from None
        return Job.of(submission.job)

    @_reads(BookFilter.customize(**OPTIONAL), returns=Job)
    def ExportBooks(ctx: Any, filter: Any) -> Job:
        submission = job_services.job_submit_export(
            owner=subject_of(ctx.udc),
            criteria=book_criteria(filter),
            idempotency_key=idempotency_key(ctx),
        )
        return Job.of(submission.job)

    @_reads(JobId.customize(**REQUIRED), returns=Job)
    def GetJob(ctx: Any, id: str) -> Job:
        return Job.of(job_selectors.job_get_for(subject=subject_of(ctx.udc), job_id=id))

    @_reads(JobId.customize(**REQUIRED), returns=Job)
    def CancelJob(ctx: Any, id: str) -> Job:
        return Job.of(job_services.job_cancel(subject=subject_of(ctx.udc), job_id=id))
