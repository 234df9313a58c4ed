"""An import is NDJSON or CSV: anything else, an empty body included, is a 415 problem and queues
nothing (found by schemathesis: a bodiless POST reached the NDJSON reader as `{}`, a 500)."""

import pytest

from shared_models.models import Job
from tests.rest.problems import assert_problem

pytestmark = pytest.mark.django_db


def test_an_import_without_a_body_is_a_415_and_queues_nothing(editor):
    response = editor.generic("POST", "/api/v2/books/import/", b"", content_type="")
    assert_problem(response, 415, "unsupported-media-type")
    assert not Job.objects.exists()


def test_an_import_sent_as_json_is_a_415_and_queues_nothing(editor):
    response = editor.post("/api/v2/books/import/", [{"title": "x"}], format="json")
    assert_problem(response, 415, "unsupported-media-type")
    assert not Job.objects.exists()
