"""The OpenAPI 3 document (drf-spectacular): both API versions in one document, every error
response as a problem, the headers that matter (ETag, If-Match, Idempotency-Key, v1's
Deprecation/Sunset/Link), and the bearer security scheme.

Views name their shapes (schema_shapes.py) through `schema_shapes()`, and which extra problems
an action can answer through `extra_problems`; everything else is decided here, once.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.permissions import SAFE_METHODS

from rest_service.api import sparse
from rest_service.api.problems import PROBLEM_CONTENT_TYPE
from rest_service.api.schema_shapes import ProblemSerializer

PROBLEM_DESCRIPTIONS = {
    400: "Invalid input (`errors`: field or query parameter -> messages) or malformed JSON.",
    401: "No valid bearer token (missing on a write, or failing a check even on a read), or "
    "wrong credentials at /api/token/; see WWW-Authenticate.",
    403: "The token lacks the catalog:write scope.",
    404: "No such resource.",
    406: "Only application/json can be produced.",
    409: "Still referenced by books, or the first request with this Idempotency-Key is running.",
    412: "If-Match names an old version; nothing was written (`current_version`).",
    413: "The body is larger than the service accepts.",
    415: "The body must be application/json.",
    422: "This Idempotency-Key was used with another request.",
    428: "If-Match is required: send the ETag you last read.",
    429: "Too many attempts; see Retry-After.",
    500: "A bug on our side; quote `request_id`.",
}
_PROBLEMS_BY_ACTION = {
    "list": (400, 401),
    "retrieve": (400, 401, 404),
    "create": (400, 401, 403, 409, 413, 415, 422),
    "update": (400, 401, 403, 404, 413, 415),
    "partial_update": (400, 401, 403, 404, 413, 415),
    "destroy": (401, 403, 404),
}
_SUMMARIES = {
    "list": "List {plural}",
    "retrieve": "Get one {singular}",
    "create": "Create a {singular}",
    "update": "Replace a {singular}",
    "partial_update": "Change some fields of a {singular}",
    "destroy": "Delete a {singular}",
}
_SUCCESS = {"create": 201, "destroy": 204}


def _header(name: str, description: str, **options: Any) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, OpenApiParameter.HEADER,
                            description=description, **options)  # fmt: skip


_FILTER_TYPES: tuple[tuple[type, OpenApiTypes], ...] = (
    (django_filters.DateFilter, OpenApiTypes.DATE),
    (django_filters.NumberFilter, OpenApiTypes.NUMBER),  # IdFilter is overridden below
    (django_filters.CharFilter, OpenApiTypes.STR),
)


def filter_parameters(filterset: type[django_filters.FilterSet]) -> list[OpenApiParameter]:
    """django-filter's filters as query parameters, typed as the FilterSet parses them."""
    parameters = []
    for name, query_filter in filterset.base_filters.items():
        kind = next(t for cls, t in _FILTER_TYPES if isinstance(query_filter, cls))
        if query_filter.field_class.__name__ == "IntegerField":
            kind = OpenApiTypes.INT
        help_text = query_filter.extra.get("help_text", "")
        parameters.append(OpenApiParameter(name, kind, description=help_text))
    return parameters


def ordering_parameter(names: list[str], default: str) -> OpenApiParameter:
    return OpenApiParameter(
        "ordering", OpenApiTypes.STR, enum=[*names, *(f"-{n}" for n in names)], default=default,
        description="Sort key; a leading '-' sorts descending. Ties are broken by id.",
    )  # fmt: skip


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "rest_service.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": (
                "An access token from POST /api/token/. Reads work without one; writes need "
                "the catalog:write scope (staff users). A token that fails any check is a 401, "
                "even on a read."
            ),
        }


class CatalogSchemaGenerator(SchemaGenerator):
    """Both versions in one document (spectacular documents one version per run)."""

    def parse(self, input_request: Any, public: bool) -> dict[str, Any]:
        if self.api_version:
            return super().parse(input_request, public)
        paths: dict[str, Any] = {}
        for version in settings.REST_FRAMEWORK["ALLOWED_VERSIONS"]:
            self.api_version = version
            for path, operations in super().parse(input_request, public).items():
                paths.setdefault(path, {}).update(operations)
        self.api_version = None
        return dict(sorted(paths.items()))


class CatalogAutoSchema(AutoSchema):
    @property
    def _action(self) -> str | None:
        return getattr(self.view, "action", None)

    @property
    def _version(self) -> str | None:
        return getattr(self.view.request, "version", None)

    def _shapes(self) -> tuple[Any, Any] | None:
        shapes = getattr(self.view, "schema_shapes", None)
        return shapes() if shapes else None

    def get_request_serializer(self) -> Any:
        shapes = self._shapes()
        return shapes[0] if shapes else super().get_request_serializer()

    def get_response_serializers(self) -> Any:
        shapes = self._shapes()
        success = shapes[1] if shapes else super().get_response_serializers()
        responses: dict[Any, Any] = {}
        if self._action is None:
            responses[200] = success
        else:
            code = _SUCCESS.get(self._action, 200)
            responses[code] = None if code == 204 else success
        responses.update(getattr(self.view, "extra_responses", {}).get(self._action, {}))
        for status in self._problem_statuses():
            responses[(status, PROBLEM_CONTENT_TYPE)] = OpenApiResponse(
                ProblemSerializer, description=PROBLEM_DESCRIPTIONS[status]
            )
        return responses

    def _problem_statuses(self) -> list[int]:
        statuses = set(_PROBLEMS_BY_ACTION.get(self._action or "", ()))
        extra = getattr(self.view, "extra_problems", {})
        statuses.update(extra.get(self._action, extra.get(self.method.lower(), ())))
        return sorted({*statuses, 406, 500})

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        query = getattr(self.view, "schema_query_parameters", None)
        if query and self._action == "list":
            parameters += query()
        keys = getattr(self.view, "resource_keys", None)
        if keys and self._action in ("list", "retrieve"):
            parameters.append(sparse.parameter(keys()))
        if self._action == "create":
            parameters += [
                _header("Idempotency-Key", "Makes the create safe to retry: a repeat replays "
                        "the first response for 24 h (1-255 printable ASCII characters)."),
                _header("Location", "The created resource", response=[201]),
                _header("Idempotent-Replayed", "`true` on a replayed response", response=[201]),
            ]  # fmt: skip
        parameters += getattr(self.view, "schema_headers", lambda action: [])(self._action)
        if self._version == "v1":
            parameters += [
                _header("Deprecation", "RFC 9745: @<unix time> v1 was deprecated", response=True),
                _header("Sunset", "RFC 8594: when v1 goes away", response=True),
                _header("Link", 'The v2 successor (rel="successor-version")', response=True),
            ]
        if any(status == 401 for status in self._problem_statuses()):
            parameters.append(_header("WWW-Authenticate", "The bearer challenge", response=[401]))
        return parameters

    def is_deprecated(self) -> bool:
        return self._version == "v1" or super().is_deprecated()

    def get_tags(self) -> list[str]:
        tag = getattr(self.view, "schema_tag", None)
        return [tag] if tag else super().get_tags()

    def get_summary(self) -> str | None:
        names = getattr(self.view, "schema_names", None)
        template = _SUMMARIES.get(self._action or "")
        if not (names and template):
            return super().get_summary()
        return template.format(singular=names[0], plural=names[1])

    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        if auths and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})  # anonymous reads
        return auths
