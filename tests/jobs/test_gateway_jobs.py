"""Jobs through the gateway: an import needs catalog:write there too, an export and reading
one's own job catalog:read, and the job's link works through the gateway."""

from __future__ import annotations

import httpx
import pytest

from tests.jobs.conftest import wait_for_job
from tests.jobs.test_rest_jobs import NDJSON, fresh_isbn, ndjson


@pytest.fixture(scope="module")
def gateway(stack):
    with httpx.Client(base_url=stack.url("gateway"), timeout=30) as client:
        yield client


def test_an_export_through_the_gateway_needs_only_the_read_scope(gateway, reader):
    submitted = gateway.post("/api/v2/books/export/", json={}, headers=reader)

    assert submitted.status_code == 202, submitted.text
    job = wait_for_job(gateway, submitted.headers["Location"], reader)
    assert job["status"] == "succeeded"
    assert gateway.get(job["result"], headers=reader).status_code == 200


def test_an_import_through_the_gateway_needs_the_write_scope(gateway, rest, reader, editor):
    book = rest.get("/api/v2/books/", params={"page_size": 1}).json()["results"][0]
    body = ndjson({**book, "isbn": fresh_isbn()})

    refused = gateway.post("/api/v2/books/import/", content=body, headers={**reader, **NDJSON})
    accepted = gateway.post("/api/v2/books/import/", content=body, headers={**editor, **NDJSON})

    assert refused.status_code == 403
    assert accepted.status_code == 202
    assert wait_for_job(gateway, accepted.headers["Location"], editor)["created"] == 1
