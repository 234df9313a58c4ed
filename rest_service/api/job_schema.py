"""The OpenAPI description of the jobs and webhooks endpoints: documentation-only serializers
for their shapes, and one `documented` decorator per operation (the views are plain APIViews,
so their status codes and media types are stated here rather than guessed). They exist in v2
only: the document, which lists both versions, leaves them out of v1."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers

from rest_service.api.problems import PROBLEM_CONTENT_TYPE
from rest_service.api.schema import PROBLEM_DESCRIPTIONS
from rest_service.api.schema_shapes import ProblemSerializer


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    errors = serializers.DictField(  # type: ignore[assignment]  # documents a body, never validates
        child=serializers.ListField(child=serializers.CharField())
    )


class JobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(["import", "export"])
    status = serializers.ChoiceField(["queued", "running", "succeeded", "failed", "cancelled"])
    total = serializers.IntegerField(allow_null=True)
    done = serializers.IntegerField()
    created = serializers.IntegerField()
    failed = serializers.IntegerField()
    failed_rows = RowErrorSerializer(many=True, help_text="The first 1,000 refused lines")
    result = serializers.URLField(allow_null=True, help_text="An export's file, once succeeded")
    error = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    url = serializers.URLField()


class ExportFilterSerializer(serializers.Serializer):
    author = serializers.IntegerField(required=False)
    publisher = serializers.IntegerField(required=False)
    genre = serializers.CharField(required=False)
    language = serializers.CharField(required=False)
    isbn = serializers.CharField(required=False)
    min_price = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    max_price = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    published_after = serializers.DateField(required=False)
    published_before = serializers.DateField(required=False)
    search = serializers.CharField(required=False)


class WebhookInputSerializer(serializers.Serializer):
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.ChoiceField(["job.succeeded", "job.failed"]))


class WebhookSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    self = serializers.URLField()
    deliveries = serializers.URLField()


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="The signing secret, shown only in this answer")


class WebhookListSerializer(serializers.Serializer):
    results = WebhookSerializer(many=True)


class DeliverySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The webhook-id every attempt carries")
    event = serializers.CharField()
    status = serializers.ChoiceField(["pending", "succeeded", "failed"])
    attempts = serializers.IntegerField()
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_attempt_at = serializers.DateTimeField(allow_null=True)


class DeliveryListSerializer(serializers.Serializer):
    results = DeliverySerializer(many=True)


SUBMISSION_HEADERS = [
    OpenApiParameter(
        "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER,
        description="One job per key: a repeat with the same content answers that job (as it "
        "is now), other content is a 422 (1-255 printable ASCII characters).",
    ),
    OpenApiParameter(
        "Idempotent-Replayed", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[202],
        description="`true` when the key named an earlier job",
    ),
]  # fmt: skip


def documented(
    *, tag: str, summary: str, success: tuple[int, Any], problems: tuple[int, ...],
    request: Any = None, submits: bool = False,
) -> Callable[[Any], Any]:  # fmt: skip
    """`submits`: a POST that queues a job, so it takes an Idempotency-Key."""
    responses: dict[Any, Any] = {success[0]: success[1]}
    for status in sorted({*problems, 401, 406, 500}):
        responses[(status, PROBLEM_CONTENT_TYPE)] = OpenApiResponse(
            ProblemSerializer, description=PROBLEM_DESCRIPTIONS[status]
        )
    v2 = extend_schema(
        tags=[tag], summary=summary, request=request, responses=responses, versions=["v2"],
        parameters=SUBMISSION_HEADERS if submits else None,
    )  # fmt: skip
    not_in_v1 = extend_schema(exclude=True, versions=["v1"])
    return lambda method: not_in_v1(v2(method))


IMPORT_BODY = {"application/x-ndjson": OpenApiTypes.STR, "text/csv": OpenApiTypes.STR}
