"""What the import endpoint makes of a body that is not there (found by fuzzing, see
tests/rest/test_fuzz_openapi.py): DRF hands a view `{}` for a missing body, which reached the
CSV reader as a dict (TypeError, a 500)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("content_type", ["text/csv", "application/x-ndjson"])
def test_an_import_with_no_body_is_a_job_of_no_rows(editor, content_type):
    response = editor.generic("POST", "/api/v2/books/import/", b"", content_type=content_type)
    assert response.status_code == 202, response.content
    assert response.json()["total"] == 0
