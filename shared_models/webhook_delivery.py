"""Sending one webhook delivery, per the Standard Webhooks specification.

Each attempt is signed with the endpoint's secret by the `standardwebhooks` library
(webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256>); the id is the
delivery's own, the same on every attempt, so a receiver can drop duplicates. The address is
checked and connected to directly (shared_models.webhook_targets), redirects are not followed,
timeouts are short and at most WEBHOOK_MAX_RESPONSE_BYTES of the answer are read. A failure
(not 2xx, a timeout, a refused address) is retried after WEBHOOK_RETRY_BASE_SECONDS, doubled
each time, for at most WEBHOOK_RETRY_FOR_SECONDS since the event.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import httpx
import orjson
from django.conf import settings
from django.db import transaction
from standardwebhooks import Webhook

from shared_models.clock import Clock, system_clock
from shared_models.job_models import WebhookDelivery
from shared_models.webhook_targets import Target, TargetRefused, resolve_target

logger = logging.getLogger(__name__)
USER_AGENT = "bookcatalog-webhooks/1"


def deliver(*, message_id: str, clock: Clock = system_clock) -> None:
    delivery = (
        WebhookDelivery.objects.select_related("endpoint")
        .filter(message_id=message_id, status=WebhookDelivery.Status.PENDING)
        .first()
    )
    if delivery is None:
        return
    status_code, error = attempt(delivery, clock)
    now = clock.now()
    succeeded = status_code is not None and 200 <= status_code < 300
    retry_at = None if succeeded else _retry_at(delivery, clock)
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            attempts=delivery.attempts + 1,
            last_status_code=status_code,
            last_error=error,
            last_attempt_at=now,
            status=(
                WebhookDelivery.Status.SUCCEEDED
                if succeeded
                else WebhookDelivery.Status.PENDING
                if retry_at
                else WebhookDelivery.Status.FAILED
            ),
        )
        if retry_at is not None:
            from shared_models.tasks import deliver_webhook

            deliver_webhook.using(run_after=retry_at).enqueue(message_id=message_id)


def _retry_at(delivery: WebhookDelivery, clock: Clock) -> datetime | None:
    delay = settings.WEBHOOK_RETRY_BASE_SECONDS * 2**delivery.attempts
    retry_at = clock.now() + timedelta(seconds=delay)
    give_up_at = delivery.created_at + timedelta(seconds=settings.WEBHOOK_RETRY_FOR_SECONDS)
    return retry_at if retry_at <= give_up_at else None


def attempt(delivery: WebhookDelivery, clock: Clock) -> tuple[int | None, str]:
    """One signed POST: (status code or None, what went wrong or the start of the answer)."""
    try:
        target = resolve_target(delivery.endpoint.url)
    except TargetRefused as exc:
        return None, str(exc)
    body = orjson.dumps(delivery.payload).decode()
    now = clock.now()
    signature = Webhook(delivery.endpoint.secret).sign(delivery.message_id, now, body)
    headers = {
        "Host": _host_header(target),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    try:
        return _post(target, headers, body.encode())
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"


def _host_header(target: Target) -> str:
    default = 443 if target.scheme == "https" else 80
    return target.host if target.port == default else f"{target.host}:{target.port}"


def _post(target: Target, headers: dict[str, str], body: bytes) -> tuple[int, str]:
    timeout = httpx.Timeout(settings.WEBHOOK_TIMEOUT_SECONDS)
    limit = settings.WEBHOOK_MAX_RESPONSE_BYTES
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        request = client.build_request(
            "POST", target.url, headers=headers, content=body,
            extensions={"sni_hostname": target.host},
        )  # fmt: skip
        response = client.send(request, stream=True)
        try:
            received = bytearray()
            for chunk in response.iter_raw():
                received += chunk
                if len(received) >= limit:
                    break
        finally:
            response.close()
    return response.status_code, bytes(received[:limit]).decode(errors="replace")
