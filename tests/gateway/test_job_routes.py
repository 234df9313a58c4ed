"""Jobs and webhooks at the gateway: writes to the caller's own jobs and webhooks need
catalog:read; an import (and every other write) needs catalog:write."""

import pytest

from gateway.routing import resolve
from gateway.soap import soap_call


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v2/books/export/"),
        ("POST", "/api/books/export/"),
        ("DELETE", "/api/v2/jobs/0b9c2d7e-8f0a-4a51-9d7e-2f7a1b8c9d0e/"),
        ("POST", "/api/v2/webhooks/"),
        ("DELETE", "/api/v2/webhooks/0b9c2d7e-8f0a-4a51-9d7e-2f7a1b8c9d0e/"),
    ],
)
def test_writes_to_ones_own_jobs_and_webhooks_do_not_change_the_catalog(method, path):
    assert not resolve(method, path, path.encode()).changes_catalog


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/v2/books/import/"), ("POST", "/api/v2/books/"), ("PUT", "/api/v2/books/1/")],
)
def test_imports_and_catalog_writes_need_the_write_scope(method, path):
    assert resolve(method, path, path.encode()).changes_catalog


def envelope(operation: str) -> bytes:
    return (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        b"<c:" + operation.encode() + b' xmlns:c="urn:bookcatalog:soap:v1"/></s:Body></s:Envelope>'
    )


@pytest.mark.parametrize(
    ("operation", "changes_catalog", "safe"),
    [
        ("ImportBooks", True, False),
        ("ExportBooks", False, False),
        ("CancelJob", False, False),
        ("GetJob", False, False),
    ],
)
def test_soap_job_operations_are_classified(operation, changes_catalog, safe):
    call = soap_call("/soap/catalog/", "POST", envelope(operation))
    assert (call.changes_catalog, call.safe) == (changes_catalog, safe)
