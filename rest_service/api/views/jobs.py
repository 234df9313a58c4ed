"""Jobs over REST: `POST /api/v2/books/import/` and `/api/v2/books/export/` answer 202 with the
job and `Location: /api/v2/jobs/{id}`; `GET` that to follow it, `GET …/result` for an export's
file, `DELETE` to cancel. A job is its owner's (and staff's): to anyone else it is a 404."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import UnsupportedMediaType
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.versioning import URLPathVersioning
from rest_framework.views import APIView

from rest_service.api.filters import book_filter
from rest_service.api.idempotency import REPLAYED_HEADER
from rest_service.api.job_inputs import CSVParser, ImportTooLarge, NDJSONParser, import_lines
from rest_service.api.job_schema import (
    IMPORT_BODY,
    ExportFilterSerializer,
    JobSerializer,
    documented,
)
from rest_service.api.parsers import ORJSONParser
from rest_service.api.permissions import ReadScope, WriteScope
from shared_models import job_selectors, job_services
from shared_models.errors import NotFound
from shared_models.idempotency_keys import HEADER, idempotency_key_from
from shared_models.job_selectors import JobRecord
from shared_models.job_services import Submission

EXPORT_MEDIA_TYPE = "application/gzip"


def job_body(request: Request, job: JobRecord) -> dict[str, Any]:
    url = reverse("job-detail", kwargs={"version": "v2", "job_id": job.id}, request=request)
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "total": job.total,
        "done": job.done,
        "created": job.created,
        "failed": job.failed,
        "failed_rows": [{"line": row.line, "errors": row.errors} for row in job.row_errors],
        "result": f"{url}result" if job.has_result else None,
        "error": job.error or None,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "updated_at": job.updated_at,
        "url": url,
    }


def accepted(request: Request, submission: Submission) -> Response:
    """202 with the job; a repeat of an Idempotency-Key gets its earlier job, marked replayed."""
    body = job_body(request, submission.job)
    headers = {"Location": body["url"]}
    if submission.replayed:
        headers[REPLAYED_HEADER] = "true"
    return Response(body, status=202, headers=headers)


class JobsView(APIView):
    versioning_class = URLPathVersioning  # routed for v2 only (rest_service.urls)

    def subject(self, request: Request) -> str:
        return str(request.user.pk)

    def idempotency_key(self, request: Request) -> str | None:
        return idempotency_key_from(request.headers.get(HEADER))


class BookImportView(JobsView):
    """NDJSON (`application/x-ndjson`) or CSV (`text/csv`). An Idempotency-Key names one job
    (shared_models.job_services' rule, the same for SOAP's ImportBooks), not a stored response."""

    parser_classes = [NDJSONParser, CSVParser]
    permission_classes = [WriteScope]

    @documented(
        tag="jobs",
        summary="Import books (NDJSON or CSV) as a job",
        request=IMPORT_BODY,
        success=(202, JobSerializer),
        problems=(400, 403, 413, 415, 422),
        submits=True,
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        media_type = request.content_type.split(";")[0].strip()
        if not isinstance(request.data, str):  # no body, so no parser ran: DRF gives {}
            raise UnsupportedMediaType(media_type or "(none)")
        lines = import_lines(request.data, media_type)
        try:
            submission = job_services.job_submit_import(
                owner=self.subject(request),
                lines=lines,
                idempotency_key=self.idempotency_key(request),
            )
        except job_services.ImportTooLarge as exc:
            raise ImportTooLarge(exc.detail) from None
        return accepted(request, submission)


class BookExportView(JobsView):
    """The list's filters, as a JSON body or as query parameters."""

    parser_classes = [ORJSONParser]
    permission_classes = [ReadScope]

    @documented(
        tag="jobs",
        summary="Export books (gzipped NDJSON) as a job",
        request=ExportFilterSerializer,
        success=(202, JobSerializer),
        problems=(400, 403, 422),
        submits=True,
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        filters = _as_parameters(request.data) if request.data else request.query_params
        criteria = book_filter(filters)
        submission = job_services.job_submit_export(
            owner=self.subject(request),
            criteria=criteria,
            idempotency_key=self.idempotency_key(request),
        )
        return accepted(request, submission)


def _as_parameters(body: object) -> dict[str, str]:
    """A JSON body's filters as the list's query parameters would carry them: the same form then
    validates both, so a number, list or object where a date or text belongs is a 400 naming
    the filter, never a value the form cannot read (null means the filter is not given)."""
    if not isinstance(body, Mapping):
        return {}
    return {
        str(name): value if isinstance(value, str) else orjson.dumps(value).decode()
        for name, value in body.items()
        if value is not None
    }


class JobDetailView(JobsView):
    permission_classes = [ReadScope]

    @documented(tag="jobs", summary="Get a job", success=(200, JobSerializer), problems=(404,))
    def get(self, request: Request, job_id: str, **kwargs: Any) -> Response:
        job = job_selectors.job_get_for(subject=self.subject(request), job_id=job_id)
        return Response(job_body(request, job))

    @documented(
        tag="jobs", summary="Cancel a job", success=(200, JobSerializer), problems=(403, 404, 409)
    )
    def delete(self, request: Request, job_id: str, **kwargs: Any) -> Response:
        job = job_services.job_cancel(subject=self.subject(request), job_id=job_id)
        return Response(job_body(request, job))


class JobResultView(JobsView):
    permission_classes = [ReadScope]

    @documented(
        tag="jobs",
        summary="Download an export's file",
        success=(200, OpenApiResponse(OpenApiTypes.BINARY, description="gzipped NDJSON")),
        problems=(404,),
    )
    def get(self, request: Request, job_id: str, **kwargs: Any) -> FileResponse:
        job = job_selectors.job_model_for(subject=self.subject(request), job_id=job_id)
        record = job_selectors.job_record(job)
        if not record.has_result:
            raise NotFound("Result of job", job_id)
        return FileResponse(
            open(job.result_path, "rb"),
            as_attachment=True,
            filename=f"books-{job.pk}.ndjson.gz",
            content_type=EXPORT_MEDIA_TYPE,
        )
