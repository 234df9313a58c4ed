"""Jobs over SOAP with a real client (zeep, from the served WSDL), against the same processes as
the REST tests: the same job, rules and faults through both protocols."""

from __future__ import annotations

import time

import pytest
import requests
from zeep import Client
from zeep.exceptions import Fault
from zeep.helpers import serialize_object
from zeep.transports import Transport

from tests.jobs.test_rest_jobs import fresh_isbn, ndjson, submit


def soap_client(stack, headers: dict[str, str] | None = None) -> Client:
    session = requests.Session()
    session.headers.update(headers or {})
    return Client(stack.url("soap", "/soap/catalog/?wsdl"), transport=Transport(session=session))


def book_input(template: dict, isbn: str) -> dict:
    return {
        "isbn": isbn,
        "title": template["title"],
        "author_ids": {"id": [author["id"] for author in template["authors"]]},
        "publisher_id": template["publisher"]["id"],
        "published_date": template["published_date"],
        "language": template["language"],
        "pages": template["pages"],
        "price": {"amount": template["price"]["amount"], "currency": "EUR"},
    }


@pytest.fixture(scope="module")
def template(rest):
    return rest.get("/api/v2/books/", params={"page_size": 1}).json()["results"][0]


def wait_for_soap_job(client: Client, job_id: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while (job := client.service.GetJob(job_id)).status not in ("succeeded", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
    return job


def test_the_wsdl_describes_the_job_operations_and_the_job_type(stack):
    client = soap_client(stack)
    operations = client.wsdl.services["CatalogService"].ports
    names = {name for port in operations.values() for name in port.binding._operations}
    assert {"ImportBooks", "ExportBooks", "GetJob", "CancelJob"} <= names
    assert client.get_type("{urn:bookcatalog:soap:v1}Job")


def test_an_import_over_soap_reports_bad_lines_as_a_rest_import_does(stack, rest, editor, template):
    client = soap_client(stack, editor)
    books = [book_input(template, fresh_isbn()), {**book_input(template, fresh_isbn()),
                                                  "language": "xx"}]  # fmt: skip

    submitted = client.service.ImportBooks({"book": books})

    assert submitted.status == "queued" and submitted.total == 2
    job = wait_for_soap_job(client, submitted.id)
    assert (job.status, job.created, job.failed) == ("succeeded", 1, 1)
    assert [(row.line, [e.field for e in row.errors.error]) for row in job.failed_rows.row] == [
        (2, ["book.language"])
    ]


def test_the_same_job_is_seen_alike_through_rest_and_soap(stack, rest, editor, template):
    body = {key: value for key, value in template.items() if key != "isbn"}
    location = submit(rest, editor, ndjson({**body, "isbn": fresh_isbn()}, {**body})).headers[
        "Location"
    ]
    client = soap_client(stack, editor)
    job_id = location.rstrip("/").rsplit("/", 1)[1]

    soap_job = serialize_object(wait_for_soap_job(client, job_id), dict)
    rest_job = rest.get(location, headers=editor).json()

    for field in ("id", "kind", "status", "total", "done", "created", "failed"):
        assert soap_job[field] == rest_job[field], field
    assert [row["line"] for row in soap_job["failed_rows"]["row"]] == [
        row["line"] for row in rest_job["failed_rows"]
    ]


def test_an_export_over_soap_is_a_job_with_a_result_path(stack, reader):
    client = soap_client(stack, reader)

    job = wait_for_soap_job(client, client.service.ExportBooks({"language": "en"}).id)

    assert job.status == "succeeded"
    assert job.result == f"/api/v2/jobs/{job.id}/result"


def test_another_users_job_is_a_not_found_fault(stack, rest, editor, reader):
    location = submit(rest, editor, b"{}\n").headers["Location"]
    job_id = location.rstrip("/").rsplit("/", 1)[1]

    with pytest.raises(Fault) as refused:
        soap_client(stack, reader).service.GetJob(job_id)

    assert refused.value.code.endswith(":Client.NotFound")


def test_importing_without_the_write_scope_is_a_permission_fault(stack, reader, template):
    with pytest.raises(Fault) as refused:
        soap_client(stack, reader).service.ImportBooks(
            {"book": [book_input(template, fresh_isbn())]}
        )
    assert refused.value.code.endswith(":Client.PermissionDenied")


def test_jobs_need_credentials(stack):
    with pytest.raises(Fault) as refused:
        soap_client(stack).service.ExportBooks()
    assert refused.value.code.endswith(":Client.AuthenticationFailed")


def test_importbooks_repeated_with_its_idempotency_key_answers_the_same_job(
    stack, editor, template
):
    key = {"Idempotency-Key": f"soap-import-{fresh_isbn()}"}
    client = soap_client(stack, {**editor, **key})
    books = {"book": [book_input(template, fresh_isbn())]}

    first = client.service.ImportBooks(books)
    again = client.service.ImportBooks(books)

    assert again.id == first.id
    assert wait_for_soap_job(client, first.id).created == 1


def test_importbooks_with_a_key_already_used_for_other_books_is_a_conflict_fault(
    stack, editor, template
):
    client = soap_client(stack, {**editor, "Idempotency-Key": f"soap-reused-{fresh_isbn()}"})
    client.service.ImportBooks({"book": [book_input(template, fresh_isbn())]})

    with pytest.raises(Fault) as refused:
        client.service.ImportBooks({"book": [book_input(template, fresh_isbn())]})

    assert refused.value.code.endswith(":Client.Conflict")
    code = refused.value.detail.findtext(".//{urn:bookcatalog:soap:v1}code")
    assert code == "idempotency_key_reused"


def test_one_key_names_one_job_whichever_protocol_repeats_it(stack, rest, editor, template):
    isbn, key = fresh_isbn(), {"Idempotency-Key": f"both-{fresh_isbn()}"}
    fields = ("title", "authors", "publisher", "published_date", "language", "pages", "price")
    book = {"isbn": isbn, **{name: template[name] for name in fields}}  # what book_input sends
    submitted = submit(rest, editor, ndjson(book), **key)

    again = soap_client(stack, {**editor, **key}).service.ImportBooks(
        {"book": [book_input(template, isbn)]}
    )

    assert again.id == submitted.json()["id"]
