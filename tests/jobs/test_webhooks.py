"""Webhooks end to end: registered over REST, delivered by the worker to a local receiver that
verifies each Standard Webhooks signature, retried with backoff under one webhook-id."""

from __future__ import annotations

import time

from standardwebhooks import Webhook

from tests.jobs.conftest import wait_for_job
from tests.jobs.test_rest_jobs import fresh_isbn, ndjson, submit
from tests.receivers import webhook_receiver


def register(rest, headers, url, events=("job.succeeded", "job.failed")):
    return rest.post("/api/v2/webhooks/", json={"url": url, "events": list(events)},
                     headers=headers)  # fmt: skip


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_a_finished_job_is_delivered_signed_and_retried_until_accepted(rest, reader):
    with webhook_receiver([500, 503, 204]) as receiver:
        registered = register(rest, reader, receiver.url)
        assert registered.status_code == 201, registered.text
        secret = registered.json()["secret"]

        job = rest.post("/api/v2/books/export/", json={"language": "de"}, headers=reader)
        wait_for_job(rest, job.headers["Location"], reader)
        wait_for(lambda: len(receiver.received) >= 3)
        time.sleep(0.5)  # nothing more comes after the accepted attempt

    attempts = receiver.received
    assert len(attempts) == 3
    assert len({attempt.headers["webhook-id"] for attempt in attempts}) == 1
    payloads = [Webhook(secret).verify(a.body, a.headers) for a in attempts]
    assert payloads[0]["type"] == "job.succeeded"
    assert payloads[0]["data"]["id"] == job.json()["id"]
    log = rest.get(registered.json()["deliveries"], headers=reader).json()["results"]
    assert [(d["status"], d["attempts"], d["last_status_code"]) for d in log] == [
        ("succeeded", 3, 204)
    ]


def test_the_secret_is_shown_once_and_endpoints_are_their_owners(rest, reader, editor):
    with webhook_receiver([204]) as receiver:
        created = register(rest, reader, receiver.url).json()
    listed = rest.get("/api/v2/webhooks/", headers=reader).json()["results"]
    assert created["id"] in [endpoint["id"] for endpoint in listed]
    assert all("secret" not in endpoint for endpoint in listed)
    assert rest.get(created["deliveries"], headers=editor).status_code == 200  # staff
    assert rest.delete(created["self"], headers=reader).status_code == 204
    assert rest.get(created["deliveries"], headers=reader).status_code == 404


def test_a_webhook_to_a_metadata_address_is_refused(rest, reader):
    refused = register(rest, reader, "http://169.254.169.254/latest/meta-data/")
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["url"]


def test_an_event_not_subscribed_to_is_not_delivered(rest, editor, reader):
    with webhook_receiver([204]) as receiver:
        register(rest, reader, receiver.url, events=["job.failed"])
        job = rest.post("/api/v2/books/export/", json={}, headers=reader)
        wait_for_job(rest, job.headers["Location"], reader)
        mine = submit(rest, editor, ndjson({"isbn": fresh_isbn()})).headers["Location"]
        wait_for_job(rest, mine, editor)
        time.sleep(1.0)
    assert receiver.received == []
