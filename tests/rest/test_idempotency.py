"""Idempotency-Key on POST: one outcome per client and key. A repeat replays the stored response
and writes nothing; another body under the same key is 422; a repeat while the first runs is 409;
a failed first attempt frees the key; records expire after 24 h."""

import json
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from rest_service.api.idempotency import request_fingerprint
from rest_service.api.models import IdempotencyRecord
from shared_models import services
from shared_models.models import Author, Book
from tests import tokens
from tests.factories import book_body_v2
from tests.rest.conftest import client_with
from tests.rest.problems import assert_problem

pytestmark = pytest.mark.django_db

BOOKS = "/api/v2/books/"


def _post(client, body, key="key-1", path=BOOKS):
    return client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def _record(key, *, path=BOOKS, body=None, subject="102", **fields):
    """A record as an earlier request left it (defaults: unfinished, lease running)."""
    now = timezone.now()
    request = Request(APIRequestFactory().post(path, body or {}, format="json"),
                      parsers=[JSONParser()])  # fmt: skip
    values = {
        "subject": subject, "key": key, "fingerprint": request_fingerprint(request),
        "claim": uuid.uuid4(), "claimed_until": now + timedelta(seconds=60), "created_at": now,
        "expires_at": now + timedelta(hours=24),
    }  # fmt: skip
    values.update(fields)
    return IdempotencyRecord.objects.create(**values)


def test_a_repeat_replays_the_stored_response_and_writes_nothing(editor):
    body = book_body_v2()
    first = _post(editor, body)
    repeat = _post(editor, body)
    assert (first.status_code, repeat.status_code) == (201, 201)
    assert repeat.content == first.content
    assert (repeat["Location"], repeat["ETag"]) == (first["Location"], first["ETag"])
    assert repeat["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Book.objects.count() == 1


def test_the_same_json_written_differently_is_the_same_request(editor):
    body = book_body_v2()
    _post(editor, body)
    reordered = dict(reversed(list(body.items())))
    written_differently = f" {json.dumps(reordered, indent=2)} "
    repeat = editor.generic(
        "POST", BOOKS, written_differently, "application/json", HTTP_IDEMPOTENCY_KEY="key-1"
    )
    assert repeat["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_is_422_and_writes_nothing(editor):
    _post(editor, book_body_v2(title="First"))
    response = _post(editor, book_body_v2(title="Second"))
    assert_problem(response, 422, "idempotency-key-reused")
    assert list(Book.objects.values_list("title", flat=True)) == ["First"]


def test_the_same_key_on_another_resource_is_422(editor):
    _post(editor, {"name": "An author"}, path="/api/v2/authors/")
    assert_problem(_post(editor, book_body_v2()), 422, "idempotency-key-reused")


def test_a_repeat_while_the_first_still_runs_is_409(editor, monkeypatch):
    body, seen = book_body_v2(), {}
    create = services.book_create

    def create_while_the_client_retries(**kwargs):
        seen["retry"] = _post(editor, body)
        return create(**kwargs)

    monkeypatch.setattr(services, "book_create", create_while_the_client_retries)
    first = _post(editor, body)
    assert first.status_code == 201
    assert_problem(seen["retry"], 409, "idempotency-key-in-progress")
    assert Book.objects.count() == 1


def test_an_unfinished_record_of_a_live_request_is_409(editor):
    body = book_body_v2()
    _record("key-1", body=body)
    assert_problem(_post(editor, body), 409, "idempotency-key-in-progress")
    assert not Book.objects.exists()


def test_an_abandoned_claim_is_taken_over_after_its_lease(editor):
    body = book_body_v2()
    _record("key-1", body=body, claimed_until=timezone.now() - timedelta(seconds=1))
    response = _post(editor, body)
    assert response.status_code == 201
    assert IdempotencyRecord.objects.get().status_code == 201


def test_an_attempt_that_lost_its_claim_rolls_its_write_back(editor, monkeypatch):
    create = services.book_create

    def create_then_lose_the_claim(**kwargs):
        book = create(**kwargs)
        IdempotencyRecord.objects.update(claim=uuid.uuid4())  # another attempt took it over
        return book

    monkeypatch.setattr(services, "book_create", create_then_lose_the_claim)
    assert_problem(_post(editor, book_body_v2()), 409, "idempotency-key-in-progress")
    assert not Book.objects.exists()


def test_a_failed_first_attempt_frees_the_key(editor):
    refused = _post(editor, book_body_v2(pages=0))
    assert_problem(refused, 400, "invalid")
    assert not IdempotencyRecord.objects.exists()
    assert _post(editor, book_body_v2()).status_code == 201


def test_an_expired_record_no_longer_binds_the_key(editor):
    _record(
        "key-1", body={"other": "body"}, status_code=201,
        expires_at=timezone.now() - timedelta(seconds=1),
    )  # fmt: skip
    assert _post(editor, book_body_v2()).status_code == 201
    assert IdempotencyRecord.objects.get().expires_at > timezone.now() + timedelta(hours=23)


def test_records_live_24_hours(editor):
    _post(editor, book_body_v2())
    record = IdempotencyRecord.objects.get()
    assert record.expires_at - record.created_at == timedelta(hours=24)


def test_keys_belong_to_one_client(editor):
    body = book_body_v2()
    other_editor = client_with(tokens.mint(sub="999", scope="catalog:read catalog:write"))
    assert _post(editor, body).status_code == 201
    second = _post(other_editor, book_body_v2())
    assert second.status_code == 201 and "Idempotent-Replayed" not in second
    assert Book.objects.count() == 2


def test_without_the_header_nothing_is_recorded(editor):
    assert editor.post(BOOKS, book_body_v2(), format="json").status_code == 201
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256, "ключ"])
def test_an_unusable_key_is_a_400(editor, key):
    response = editor.post(BOOKS, book_body_v2(), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert list(assert_problem(response, 400, "invalid")["errors"]) == ["Idempotency-Key"]
    assert not Book.objects.exists()


def test_the_quoted_key_form_is_the_same_key(editor):
    body = book_body_v2()
    _post(editor, body, key="abc")
    assert _post(editor, body, key='"abc"')["Idempotent-Replayed"] == "true"


def test_every_create_is_idempotent(editor):
    for path, body in [
        ("/api/v2/authors/", {"name": "Once"}),
        ("/api/v2/publishers/", {"name": "Once", "country": "DE"}),
        ("/api/v2/genres/", {"slug": "once", "name": "Once"}),
        ("/api/v1/authors/", {"name": "Once v1"}),
    ]:
        assert _post(editor, body, key=path, path=path).status_code == 201
        assert _post(editor, body, key=path, path=path)["Idempotent-Replayed"] == "true"
    assert Author.objects.count() == 2


def test_a_v1_replay_still_announces_the_deprecation(editor):
    body = {"name": "Old API"}
    _post(editor, body, path="/api/v1/authors/")
    repeat = _post(editor, body, path="/api/v1/authors/")
    assert repeat["Idempotent-Replayed"] == "true" and repeat["Deprecation"].startswith("@")


def test_the_purge_command_deletes_only_expired_records(capsys):
    now = timezone.now()
    _record("old", expires_at=now - timedelta(minutes=1))
    _record("fresh")
    call_command("purge_idempotency_keys")
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]
    assert "Purged 1" in capsys.readouterr().out
