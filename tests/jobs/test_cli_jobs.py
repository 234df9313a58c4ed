"""`catalog import` and `catalog export` against the live stack: submit, follow, print the
outcome, download the export."""

from __future__ import annotations

import gzip

import orjson

from tests.jobs.test_rest_jobs import fresh_isbn, ndjson
from tests.processes import run_catalog


def test_catalog_import_prints_the_outcome_and_each_refused_line(stack, rest, tmp_path):
    template = rest.get("/api/v2/books/", params={"page_size": 1}).json()["results"][0]
    body = {key: value for key, value in template.items() if key != "isbn"}
    source = tmp_path / "books.ndjson"
    source.write_bytes(ndjson({**body, "isbn": fresh_isbn()}, {**body, "isbn": "nope"}))

    output = run_catalog(["import", str(source), "--url", stack.url("rest")], stack.env)

    assert "succeeded: 2 of 2 done, 1 created, 1 failed." in output
    assert "line 2: isbn:" in output


def test_catalog_export_downloads_the_file(stack, tmp_path):
    target = tmp_path / "fr.ndjson.gz"

    output = run_catalog(
        ["export", "--language", "fr", "-o", str(target), "--url", stack.url("rest")], stack.env
    )

    assert f"Wrote {target}" in output
    books = [orjson.loads(line) for line in gzip.decompress(target.read_bytes()).splitlines()]
    assert books and {book["language"] for book in books} == {"fr"}
