"""Every error as `application/problem+json` (RFC 9457), decided in this one module.

Codes, types and titles are catalog_contract.errors' table (docs/errors.md), shared with SOAP and
the gateway: a problem's `type` is https://bookcatalog.example/problems/<code>, the code with
hyphens (`stale-version`, `not-found`), except rate limiting's IANA-registered
`https://iana.org/assignments/http-problem-types#quota-exceeded`. DRF's and simplejwt's own codes
for the same conditions are translated (`throttled` is quota_exceeded, `no_active_account`
authentication_failed, `token_not_valid` invalid_token). Every body carries `type`,
`title` (fixed per type), `status`, `detail` (this occurrence) and `instance` (the request
path); validation adds `errors` (field -> messages), a server error adds `request_id`, a stale
version adds `current_version`. No traceback ever leaves the process: unexpected exceptions are
logged with the request id and answered with a 500 problem quoting it.

    400 invalid, parse-error          bad input (service rules, query types, malformed JSON)
    400 bad-request                   a request Django refuses as unsafe (e.g. a bad Host)
    401 not-authenticated             a write without a token
    401 authentication-failed         wrong username or password
    401 invalid-token                 a token was presented and failed a check (also on reads)
    403 insufficient-scope            a valid token without catalog:write
    404 not-found  405 method-not-allowed  406 not-acceptable  413 content-too-large
    415 unsupported-media-type
    409 in-use, idempotency-key-in-progress   412 stale-version   428 precondition-required
    422 idempotency-key-reused        429 quota-exceeded          500 server-error
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

from catalog_contract import errors, media_types
from rest_service.api.authentication import WWW_AUTHENTICATE
from rest_service.api.conditional import etag
from rest_service.api.renderers import to_json
from service_http.request_decoding import UnsupportedContentCoding
from shared_models.errors import (
    UNAVAILABLE_DETAIL,
    UNAVAILABLE_RETRY_AFTER,
    CatalogError,
    StaleVersion,
    ValidationError,
    database_unavailable,
)

logger = logging.getLogger("rest_service.errors")

PROBLEM_CONTENT_TYPE = media_types.PROBLEM_JSON

# DRF's and simplejwt's codes -> the table's code for the same condition.
_FOREIGN_CODES = {
    "throttled": errors.QUOTA_EXCEEDED.code,
    "no_active_account": errors.AUTHENTICATION_FAILED.code,
    "token_not_valid": errors.INVALID_TOKEN.code,
}


def problem(
    *, code: str, status: int, detail: str, instance: str, **extensions: Any
) -> dict[str, Any]:
    return {
        "type": errors.problem_type(code),
        "title": errors.title(code, HTTPStatus(status).phrase),
        "status": status,
        "detail": detail,
        "instance": instance,
        **extensions,
    }


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception a view raises becomes a problem response."""
    request = context["request"]
    set_rollback()
    if isinstance(exc, CatalogError):
        status, code, extensions, headers = _domain(exc)
        detail = exc.detail
    elif isinstance(exc, drf.APIException):
        status, code, extensions, headers = _drf(exc)
        detail = _detail_text(exc)
    elif isinstance(exc, Http404):
        status, code, extensions, headers = 404, errors.NOT_FOUND.code, {}, {}
        detail = "Not found."
    elif isinstance(exc, DjangoPermissionDenied):
        status, code, extensions, headers = 403, errors.PERMISSION_DENIED.code, {}, {}
        detail = "You may not do this."
    elif isinstance(exc, SuspiciousOperation):
        status, code, detail = _suspicious(exc)
        extensions, headers = {}, {}
    elif database_unavailable(exc):
        logger.warning("database unavailable on %s %s: %s", request.method, request.path, exc)
        status, code, detail = 503, errors.SERVICE_UNAVAILABLE.code, UNAVAILABLE_DETAIL
        extensions, headers = {}, {"Retry-After": str(UNAVAILABLE_RETRY_AFTER)}
    else:
        return _server_error(request, exc)
    body = problem(code=code, status=status, detail=detail, instance=request.path, **extensions)
    return Response(body, status=status, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _suspicious(exc: SuspiciousOperation) -> tuple[int, str, str]:
    if isinstance(exc, RequestDataTooBig):
        detail = "The request body is larger than this service accepts."
        return 413, errors.CONTENT_TOO_LARGE.code, detail
    if isinstance(exc, UnsupportedContentCoding):
        return 415, errors.UNSUPPORTED_MEDIA_TYPE.code, str(exc)
    return 400, errors.BAD_REQUEST.code, "The request was refused as unsafe."


def _domain(exc: CatalogError) -> tuple[int, str, dict[str, Any], dict[str, str]]:
    status = errors.BY_CODE.get(exc.code, errors.CONFLICT).status
    extensions: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        extensions["errors"] = exc.errors
    if isinstance(exc, StaleVersion):
        extensions["current_version"] = exc.current_version
        headers["ETag"] = etag(exc.current_version)
    return status, exc.code, extensions, headers


def _drf(exc: drf.APIException) -> tuple[int, str, dict[str, Any], dict[str, str]]:
    code = _code(exc)
    extensions: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, drf.ValidationError):
        extensions["errors"] = _field_errors(exc.detail)
    if auth_header := getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = _bearer_challenge(auth_header, code, _detail_text(exc))
    if code == errors.INSUFFICIENT_SCOPE.code:
        headers["WWW-Authenticate"] = (
            f'{WWW_AUTHENTICATE}, error="insufficient_scope", scope="catalog:write"'
        )
    wait = exc.wait if isinstance(exc, drf.Throttled) else None  # type: ignore[attr-defined]  # DRF sets it; stubs omit it
    if wait is not None:
        headers["Retry-After"] = str(max(1, int(wait + 0.999)))
    return exc.status_code, code, extensions, headers


def _code(exc: drf.APIException) -> str:
    code = _drf_code(exc)
    return _FOREIGN_CODES.get(code, code)


def _drf_code(exc: drf.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    if isinstance(exc.detail, Mapping) and isinstance(code := exc.detail.get("code"), str):
        return code  # simplejwt's InvalidToken carries a dict
    return exc.default_code


def _bearer_challenge(auth_header: str, code: str, detail: str) -> str:
    """RFC 6750: tell a client whose token was refused why, in the challenge too."""
    if code != errors.INVALID_TOKEN.code:
        return auth_header
    description = detail.replace('"', "'")
    return f'{auth_header}, error="invalid_token", error_description="{description}"'


def _detail_text(exc: drf.APIException) -> str:
    detail = exc.detail
    if isinstance(exc, drf.ValidationError):
        return "The input is invalid."
    if isinstance(detail, Mapping):
        return str(detail.get("detail", exc.default_detail))
    return str(detail)


def _field_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as flat `field.sub: [messages]`, like the service layer's."""
    if isinstance(detail, Mapping):
        errors: dict[str, list[str]] = {}
        for key, value in detail.items():
            errors.update(_field_errors(value, f"{prefix}.{key}" if prefix else str(key)))
        return errors
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


def _server_error(request: Any, exc: Exception) -> Response:
    request_id = getattr(request, "request_id", "")
    logger.error(
        "unhandled %s on %s %s", type(exc).__name__, request.method, request.path,
        exc_info=exc, extra={"request_id": request_id},
    )  # fmt: skip
    body = _server_error_body(request.path, request_id)
    return Response(body, status=500, content_type=PROBLEM_CONTENT_TYPE)


def _server_error_body(path: str, request_id: str) -> dict[str, Any]:
    return problem(
        code=errors.SERVER_ERROR.code,
        status=500,
        detail=f"Something went wrong on our side; quote request id {request_id} if you report it.",
        instance=path,
        request_id=request_id,
    )


# Django-level handlers, for URLs no DRF view answers (unknown paths and versions, the admin).


def _django_problem(body: dict[str, Any]) -> HttpResponse:
    return HttpResponse(to_json(body), status=body["status"], content_type=PROBLEM_CONTENT_TYPE)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = f"Nothing is served at {request.path}."
    if request.path.startswith("/api/"):
        detail += " The API versions are v1 (deprecated) and v2, under /api/v1/ and /api/v2/."
    return _django_problem(
        problem(code=errors.NOT_FOUND.code, status=404, detail=detail, instance=request.path)
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    status, code, detail = 400, errors.BAD_REQUEST.code, "The request could not be understood."
    if isinstance(exception, SuspiciousOperation):
        status, code, detail = _suspicious(exception)
    return _django_problem(problem(code=code, status=status, detail=detail, instance=request.path))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = "You may not do this."
    code = errors.PERMISSION_DENIED.code
    body = problem(code=code, status=403, detail=detail, instance=request.path)
    return _django_problem(body)


def server_error(request: HttpRequest) -> HttpResponse:
    return _django_problem(_server_error_body(request.path, getattr(request, "request_id", "")))
