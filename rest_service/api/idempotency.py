"""`Idempotency-Key` on POST (IETF httpapi draft): one outcome per client and key.

    first request     claim the key (a committed row, unique per subject and key), run the
                      create, and store its response in the same transaction as the created
                      row: both commit or neither does
    repeat, same body the stored response again, with `Idempotent-Replayed: true`; nothing written
    repeat, other body 422 (the key was used for another request)
    repeat, unfinished 409 (the first is still running; retry later)
    failure           the claim is released, so the client may retry with the same key
    after 24 h        the record expires (purged when its client next uses a key, and by
                      `manage.py purge_idempotency_keys`)

Concurrent duplicates race on the unique (subject, key) index: exactly one claims the key and
creates; the others see its claim (409) or its stored response. A claim whose request died
(process killed) is taken over once its lease ends, and an attempt that lost its claim that way
rolls its write back instead of completing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any

import orjson
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from catalog_contract import errors
from rest_service.api.models import IdempotencyRecord
from rest_service.api.renderers import to_json
from shared_models.clock import Clock, system_clock
from shared_models.idempotency_keys import HEADER, idempotency_key_from
from telemetry import service_metrics

REPLAYED_HEADER = "Idempotent-Replayed"
STORED_HEADERS = ("Location", "ETag")


class IdempotencyKeyInProgress(APIException):
    status_code = errors.IDEMPOTENCY_KEY_IN_PROGRESS.status
    default_code = errors.IDEMPOTENCY_KEY_IN_PROGRESS.code
    default_detail = "The first request with this Idempotency-Key has not finished; retry later."


class IdempotencyKeyReused(APIException):
    status_code = errors.IDEMPOTENCY_KEY_REUSED.status
    default_code = errors.IDEMPOTENCY_KEY_REUSED.code
    default_detail = "This Idempotency-Key was sent before with another method, path or body."


@dataclass(frozen=True)
class Claim:
    pk: int
    token: uuid.UUID


def idempotent(handler: Callable[..., Response]) -> Callable[..., HttpResponseBase]:
    """Wrap a view's create handler; requests without the header run it as they are."""

    @wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = idempotency_key(request)
        if key is None:
            return handler(view, request, *args, **kwargs)
        return run_once(request, key, lambda: handler(view, request, *args, **kwargs))

    return wrapper


def idempotency_key(request: Request) -> str | None:
    return idempotency_key_from(request.headers.get(HEADER))


def request_fingerprint(request: Request) -> str:
    """Method, path and body; the body as parsed JSON with sorted keys, so whitespace and key
    order do not make a retry look like another request."""
    body = orjson.dumps(request.data, option=orjson.OPT_SORT_KEYS)
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def run_once(
    request: Request,
    key: str,
    produce: Callable[[], Response],
    *,
    clock: Clock = system_clock,
) -> HttpResponseBase:
    subject = str(request.user.pk)
    outcome = _claim(subject, key, request_fingerprint(request), clock)
    if isinstance(outcome, IdempotencyRecord):
        service_metrics.count_idempotency_replay()
        return _replay(outcome)
    try:
        with transaction.atomic():
            response = produce()
            _complete(outcome, response)
    except BaseException:
        _release(outcome)
        raise
    return response


def _claim(subject: str, key: str, fingerprint: str, clock: Clock) -> Claim | IdempotencyRecord:
    now = clock.now()
    records = IdempotencyRecord.objects
    records.filter(subject=subject, expires_at__lte=now).delete()
    token = uuid.uuid4()
    lease = timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS)
    try:
        with transaction.atomic():
            record = records.create(
                subject=subject, key=key, fingerprint=fingerprint, claim=token,
                claimed_until=now + lease, created_at=now,
                expires_at=now + timedelta(seconds=settings.IDEMPOTENCY_TTL_SECONDS),
            )  # fmt: skip
        return Claim(record.pk, token)
    except IntegrityError:
        pass
    existing = records.filter(subject=subject, key=key).first()
    if existing is None:  # released or purged between our insert and this read
        raise IdempotencyKeyInProgress()
    if existing.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if existing.status_code is not None:
        return existing
    if existing.claimed_until > now:
        raise IdempotencyKeyInProgress()
    taken = records.filter(pk=existing.pk, claim=existing.claim, status_code=None).update(
        claim=token, claimed_until=now + lease
    )
    if not taken:
        raise IdempotencyKeyInProgress()
    return Claim(existing.pk, token)


def _complete(claim: Claim, response: Response) -> None:
    stored = IdempotencyRecord.objects.filter(
        pk=claim.pk, claim=claim.token, status_code=None
    ).update(
        status_code=response.status_code,
        response_body=to_json(response.data),
        response_headers={name: response[name] for name in STORED_HEADERS if name in response},
    )
    if not stored:  # our lease ran out and another attempt took the key over
        raise IdempotencyKeyInProgress()


def _release(claim: Claim) -> None:
    IdempotencyRecord.objects.filter(pk=claim.pk, claim=claim.token, status_code=None).delete()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.response_body), status=record.status_code, content_type="application/json"
    )
    for name, value in record.response_headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def purge_expired(*, clock: Clock = system_clock) -> int:
    deleted, _ = IdempotencyRecord.objects.filter(expires_at__lte=clock.now()).delete()
    return deleted
