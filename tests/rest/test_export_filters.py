"""The export job's filters as a JSON body: validated like the list's query parameters, so a
value of the wrong JSON type is a 400 problem naming the filter and nothing is queued."""

from __future__ import annotations

import pytest

from shared_models.job_models import Job

EXPORT = "/api/v2/books/export/"


@pytest.mark.django_db
def test_a_huge_float_for_published_before_is_a_400_naming_it(editor):
    # Found by schemathesis (tests/reliability/test_rest_hostile_input.py): a 500 before.
    response = editor.post(EXPORT, {"published_before": 1.7976931348623155e308}, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == {"published_before"}
    assert not Job.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", [[1], {"a": 1}, True, 12])
def test_a_container_or_number_for_a_date_is_a_400_naming_it(editor, value):
    response = editor.post(EXPORT, {"published_after": value}, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == {"published_after"}


@pytest.mark.django_db
def test_numbers_where_ids_and_prices_belong_are_read_as_the_query_would_read_them(editor):
    body = {"publisher": 1329, "min_price": 1.5, "language": None}
    response = editor.post(EXPORT, body, format="json")
    assert response.status_code == 202, response.content
    assert Job.objects.get().parameters["publisher_id"] == "1329"
