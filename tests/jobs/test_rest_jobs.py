"""Import and export jobs over REST against real processes: gunicorn serving the API and a
`catalog worker` running the jobs from the database queue."""

from __future__ import annotations

import gzip
import itertools
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import orjson
import pytest

from shared_models.validation import isbn13_check_digit
from tests.jobs.conftest import start_worker, wait_for_job

NDJSON = {"Content-Type": "application/x-ndjson"}
_numbers = itertools.count(1)


def fresh_isbn() -> str:
    body = f"979{next(_numbers) + int(time.time() * 1000) % 10**8:09d}"
    return body + str(isbn13_check_digit(body))


@pytest.fixture(scope="module")
def template(rest):
    """A valid v2 book input built from a seeded book, without its ISBN."""
    book = rest.get("/api/v2/books/", params={"page_size": 1}).json()["results"][0]
    return {key: value for key, value in book.items() if key != "isbn"}


def ndjson(*bodies) -> bytes:
    return b"".join(orjson.dumps(body) + b"\n" for body in bodies)


def submit(rest, headers, body: bytes, content_type=NDJSON, **extra):
    return rest.post(
        "/api/v2/books/import/", content=body, headers={**headers, **content_type, **extra}
    )


def test_an_import_writes_good_lines_and_reports_bad_ones_by_line_and_field(rest, editor, template):
    good = {**template, "isbn": fresh_isbn()}
    body = ndjson(good, {**template, "isbn": fresh_isbn(), "pages": 0}) + b"{not json\n"

    submitted = submit(rest, editor, body)

    assert submitted.status_code == 202, submitted.text
    assert submitted.headers["Location"] == submitted.json()["url"]
    assert submitted.json()["status"] == "queued"
    job = wait_for_job(rest, submitted.headers["Location"], editor)
    assert (job["status"], job["total"], job["created"], job["failed"]) == ("succeeded", 3, 1, 2)
    assert [(row["line"], list(row["errors"])) for row in job["failed_rows"]] == [
        (2, ["pages"]),
        (3, ["non_field_errors"]),
    ]
    found = rest.get("/api/v2/books/", params={"isbn": good["isbn"]}).json()["results"]
    assert [book["title"] for book in found] == [good["title"]]


def test_a_csv_import_reads_the_header_row_and_v2_columns(rest, editor, template):
    isbn = fresh_isbn()
    authors = ";".join(str(author["id"]) for author in template["authors"])
    csv = (
        "isbn,title,authors,publisher,published_date,language,pages,price,currency\n"
        f"{isbn},From a spreadsheet,{authors},{template['publisher']['id']},2001-02-03,en,99,"
        "4.50,EUR\n"
    )

    submitted = submit(rest, editor, csv.encode(), {"Content-Type": "text/csv"})

    job = wait_for_job(rest, submitted.headers["Location"], editor)
    assert (job["status"], job["created"], job["failed_rows"]) == ("succeeded", 1, [])
    book = rest.get("/api/v2/books/", params={"isbn": isbn}).json()["results"][0]
    assert book["price"] == {"amount": "4.50", "currency": "EUR"}


def test_resubmitting_with_the_same_idempotency_key_returns_the_same_job(rest, editor, template):
    body = ndjson({**template, "isbn": fresh_isbn()})
    key = {"Idempotency-Key": f"import-{fresh_isbn()}"}

    first = submit(rest, editor, body, **key)
    again = submit(rest, editor, body, **key)

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Location"] == first.headers["Location"]


def test_concurrent_submissions_with_one_idempotency_key_make_one_job(stack, editor, template):
    body = ndjson({**template, "isbn": fresh_isbn()})
    key = {"Idempotency-Key": f"race-{fresh_isbn()}"}

    def one_submission(_):
        with httpx.Client(base_url=stack.url("rest"), timeout=30) as client:
            return submit(client, editor, body, **key)

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(one_submission, range(6)))

    assert [answer.status_code for answer in answers] == [202] * 6
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert sorted(answer.headers.get("Idempotent-Replayed", "") for answer in answers) == [
        "",
        *["true"] * 5,
    ]


def test_the_same_idempotency_key_with_other_lines_is_a_422(rest, editor, template):
    key = {"Idempotency-Key": f"import-{fresh_isbn()}"}
    submit(rest, editor, ndjson({**template, "isbn": fresh_isbn()}), **key)

    refused = submit(rest, editor, ndjson({**template, "isbn": fresh_isbn()}), **key)

    assert refused.status_code == 422
    assert refused.json()["type"].endswith("/idempotency-key-reused")


def test_an_import_over_the_line_limit_is_a_413_and_nothing_is_queued(rest, editor, template):
    body = ndjson(*[{**template, "isbn": fresh_isbn()} for _ in range(3001)])

    refused = submit(rest, editor, body)

    assert refused.status_code == 413
    assert refused.headers["Content-Type"] == "application/problem+json"


def test_importing_needs_the_write_scope(rest, reader, template):
    refused = submit(rest, reader, ndjson({**template, "isbn": fresh_isbn()}))
    assert refused.status_code == 403


def test_another_users_job_is_not_found(rest, editor, reader):
    submitted = rest.post("/api/v2/books/export/", json={}, headers=reader)
    location = submitted.headers["Location"]

    assert rest.get(location, headers=reader).status_code == 200
    mine = submit(rest, editor, b"{}\n").headers["Location"]
    assert rest.get(mine, headers=reader).status_code == 404
    assert rest.delete(mine, headers=reader).status_code == 404


def test_an_export_is_a_gzipped_ndjson_file_of_the_filtered_books(rest, reader):
    before = _english_ids(rest)

    submitted = rest.post("/api/v2/books/export/", json={"language": "en"}, headers=reader)

    assert submitted.status_code == 202
    job = wait_for_job(rest, submitted.headers["Location"], reader)
    assert job["status"] == "succeeded" and job["result"]
    download = rest.get(job["result"], headers=reader)
    assert download.status_code == 200
    books = [orjson.loads(line) for line in gzip.decompress(download.content).splitlines()]
    exported = [book["id"] for book in books]
    # Other tests' imports may still be landing in this shared stack: the export holds every book
    # there was before it, none that was not there after, in the list's order.
    after = _english_ids(rest)
    assert set(before) <= set(exported) <= set(after)
    assert exported == [book_id for book_id in after if book_id in set(exported)]
    assert job["total"] == job["done"] == len(books)


def _english_ids(rest) -> list[int]:
    page = rest.get("/api/v2/books/", params={"language": "en", "page_size": 1000}).json()
    return [book["id"] for book in page["results"]]


def test_cancelling_a_running_import_stops_it_and_keeps_what_it_wrote(rest, editor, template):
    bodies = [{**template, "isbn": fresh_isbn()} for _ in range(3000)]
    location = submit(rest, editor, ndjson(*bodies)).headers["Location"]
    wait_for_job(rest, location, editor, until=lambda job: job["done"] > 0, timeout=30)

    cancelled = rest.delete(location, headers=editor)

    assert cancelled.status_code == 200
    job = wait_for_job(rest, location, editor)
    assert job["status"] == "cancelled"
    assert 0 < job["created"] == job["done"] < 3000
    imported = [
        rest.get("/api/v2/books/", params={"isbn": body["isbn"]}).json()["results"]
        for body in bodies[job["done"] - 1 : job["done"] + 1]
    ]
    assert [len(found) for found in imported] == [1, 0]


def test_a_worker_killed_mid_import_is_resumed_by_another_and_writes_no_row_twice(
    stack, worker, rest, editor, template, tmp_path
):
    bodies = [{**template, "isbn": fresh_isbn()} for _ in range(600)]
    worker.pause()  # idle between polls: the job is the victim's
    try:
        victim = start_worker(stack, tmp_path / "victim.log")
        location = submit(rest, editor, ndjson(*bodies)).headers["Location"]
        wait_for_job(rest, location, editor, until=lambda job: job["done"] >= 40, timeout=30)
        victim.kill()
        stopped_at = rest.get(location, headers=editor).json()
    finally:
        worker.resume()

    assert stopped_at["status"] == "running" and stopped_at["done"] < 600
    job = wait_for_job(rest, location, editor, timeout=90)
    assert (job["status"], job["done"], job["created"], job["failed"]) == ("succeeded", 600, 600, 0)


def gzip_members(data: bytes) -> list[bytes]:
    """The complete gzip members `data` starts with (a half-written last one is left out)."""
    members = []
    while data:
        member = zlib.decompressobj(wbits=31)
        member.decompress(data)
        if not member.eof:
            break
        members.append(data[: len(data) - len(member.unused_data)])
        data = member.unused_data
    return members


def test_a_worker_killed_mid_export_is_resumed_after_its_last_page_and_writes_no_book_twice(
    stack, worker, rest, editor, template, tmp_path
):
    imported = submit(
        rest, editor, ndjson(*[{**template, "isbn": fresh_isbn()} for _ in range(1000)])
    )
    wait_for_job(rest, imported.headers["Location"], editor, timeout=120)
    page = int(stack.env["JOB_BATCH_SIZE"])
    worker.pause()
    try:
        victim = start_worker(stack, tmp_path / "victim.log")
        location = rest.post("/api/v2/books/export/", json={}, headers=editor).headers["Location"]
        wait_for_job(rest, location, editor, until=lambda job: job["done"] >= 20, timeout=30)
        victim.pause()  # hold it still while its committed state and file are read
        stopped_at = rest.get(location, headers=editor).json()
        job_file = Path(stack.env["JOB_FILES_DIR"]) / f"{stopped_at['id']}.export.ndjson.gz"
        members = gzip_members(job_file.read_bytes())
        committed = b"".join(members[: stopped_at["done"] // page])
        victim.kill()
    finally:
        worker.resume()

    assert stopped_at["status"] == "running" and 0 < stopped_at["done"] < stopped_at["total"]
    assert len(members) >= stopped_at["done"] // page >= 4  # one gzip member per committed page
    job = wait_for_job(rest, location, editor, timeout=90)
    assert job["status"] == "succeeded"
    download = rest.get(job["result"], headers=editor).content
    assert download.startswith(
        committed
    )  # the pages written before the kill were kept as they were
    ids = [orjson.loads(line)["id"] for line in gzip.decompress(download).splitlines()]
    assert ids == sorted(set(ids)) and len(ids) == job["done"] == job["total"]
