"""The bulk-import figures (issue 16), measured on the benchmark's own stack and database:

- rate: an N-line NDJSON import (v2 book inputs made from the catalog's own books, new ISBNs)
  submitted to REST and run by a real `catalog worker`, in books per second from the job's
  started_at to its finished_at (per-line validation, batches of JOB_BATCH_SIZE); then
  `catalog seed --reset --books N` on the same database, its own rate from the time it reports;
  the import's share of the seed's rate against the issue's goal (>= 25 %);
- bytes: the same 1,000-book import sent as REST NDJSON and as one SOAP ImportBooks call (the
  benchmark's hand-written SOAP 1.1 envelope, bearer token), each counted as sent (head and
  body) and sent for real (a 202 job, a Job answer), with the bodies gzipped for comparison.

Run last: the seed replaces the catalog the scenarios measured.
"""

from __future__ import annotations

import asyncio
import gzip
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from catalog_cli.stack import Stack, WorkerProcess, run_catalog
from catalog_client.operations import Context, SoapCall, Target, isbn_for, protocol_target
from catalog_client.wire import WireRequest, WireResponse, fetch
from catalog_contract import elements

BYTES_BOOKS = 1000
GOAL = 0.25
FINISHED = ("succeeded", "failed", "cancelled")
_SEEDED = re.compile(r"Seeded (\d+) books.* in ([\d.]+) s\.")


def import_inputs(listed: list[dict[str, Any]], count: int, first: int) -> list[dict[str, Any]]:
    """`count` v2 book inputs cycling over the listed books, each with a fresh ISBN."""
    return [_v2_input(listed[n % len(listed)], isbn_for(first + n, "979")) for n in range(count)]


def _v2_input(book: dict[str, Any], isbn: str) -> dict[str, Any]:
    data = {
        "isbn": isbn,
        "title": book["title"],
        "subtitle": book.get("subtitle"),
        "authors": [author["id"] for author in book["authors"]],
        "publisher": book["publisher"]["id"],
        "genres": [genre["slug"] for genre in book.get("genres", [])],
        "published_date": book["published_date"],
        "language": book["language"],
        "pages": book["pages"],
        "price": book["price"],
        "description": book.get("description"),
    }
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def soap_book(book: dict[str, Any]) -> dict[str, Any]:
    """The same input as a SOAP BookInput, its elements in the WSDL's order."""
    values = {
        "isbn": book["isbn"],
        "title": book["title"],
        "subtitle": book.get("subtitle"),
        "author_ids": {"id": book["authors"]},
        "publisher_id": book["publisher"],
        "genre_slugs": {"slug": book["genres"]} if book.get("genres") else None,
        "published_date": book["published_date"],
        "language": book["language"],
        "pages": book["pages"],
        "price": book.get("price"),
        "description": book.get("description"),
    }
    return {name: values[name] for name in elements.BOOK_INPUT if values[name] is not None}


def ndjson_request(target: Target, books: list[dict[str, Any]], token: str) -> WireRequest:
    body = b"".join(orjson.dumps(book) + b"\n" for book in books)
    headers = (("Accept", "application/json"), ("Content-Type", "application/x-ndjson"),
               ("Authorization", f"Bearer {token}"))  # fmt: skip
    return WireRequest("POST", f"{target.path}/books/import/", headers, body)


def soap_request(target: Target, books: list[dict[str, Any]], token: str) -> WireRequest:
    call = SoapCall("ImportBooks", {"books": {"book": [soap_book(b) for b in books]}}, True)
    return call.request(target, Context(book_id=0, author_id=0, publisher_id=0, token=token))


def sent_bytes(target: Target, request: WireRequest) -> dict[str, int]:
    return {
        "head": len(request.head(target.authority)),
        "body": len(request.body),
        "body_gzip": len(gzip.compress(request.body, 6)),
    }


def _send(target: Target, request: WireRequest, expected: int) -> WireResponse:
    response = asyncio.run(fetch(target.host, target.port, request))
    if response.status != expected:
        raise RuntimeError(f"{request.path} answered {response.status}: {response.body[:300]!r}")
    return response


def wait_for_job(rest: httpx.Client, job_id: str, token: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = rest.get(
            f"/api/v2/jobs/{job_id}/", headers={"Authorization": f"Bearer {token}"}
        ).json()
        if job["status"] in FINISHED:
            return job
        if time.monotonic() > deadline:
            raise RuntimeError(f"import job still {job['status']} after {timeout:.0f} s")
        time.sleep(0.2)


def job_rate(job: dict[str, Any]) -> float:
    """Books written per second of the job's run (started to finished, worker side)."""
    seconds = (
        datetime.fromisoformat(job["finished_at"]) - datetime.fromisoformat(job["started_at"])
    ).total_seconds()
    return job["created"] / seconds if seconds > 0 else 0.0


def seed_rate(output: str) -> float:
    """`catalog seed`'s own rate, from the line it prints at the end."""
    found = _SEEDED.search(output)
    if found is None:
        raise RuntimeError(f"catalog seed printed no 'Seeded ... in ... s.' line:\n{output}")
    books, seconds = int(found[1]), float(found[2])
    return books / seconds if seconds > 0 else 0.0


def measure_import(stack: Stack, token: str, lines: int, log_dir: Path) -> dict[str, Any]:
    """Every figure of the import section, from the stack's REST and SOAP services."""
    rest_target = _target("rest", stack.url("rest"))
    soap_target = _target("soap", stack.url("soap"))
    worker = WorkerProcess(stack.env, log_dir / "bench-worker.log").start()
    try:
        with httpx.Client(base_url=stack.url("rest"), timeout=120) as rest:
            listed = rest.get("/api/v2/books/", params={"page_size": 1000}).json()["results"]
            same = import_inputs(listed, BYTES_BOOKS, first=900_000_000)
            by_rest, by_soap = (
                ndjson_request(rest_target, same, token),
                soap_request(soap_target, same, token),
            )
            sent = {"rest": sent_bytes(rest_target, by_rest),
                    "soap": sent_bytes(soap_target, by_soap)}  # fmt: skip
            for job_id in (
                orjson.loads(_send(rest_target, by_rest, 202).body)["id"],
                _soap_job_id(_send(soap_target, by_soap, 200).body),
            ):
                wait_for_job(rest, job_id, token, timeout=300)
            big = ndjson_request(rest_target, import_inputs(listed, lines, first=0), token)
            job = wait_for_job(rest, orjson.loads(_send(rest_target, big, 202).body)["id"],
                               token, timeout=max(600, lines / 50))  # fmt: skip
    finally:
        worker.stop()
    seeded = run_catalog(["seed", "--reset", "--books", str(lines)], stack.env, timeout=3600)
    imported, seed = job_rate(job), seed_rate(seeded)
    return {
        "lines": lines,
        "job": {key: job[key] for key in ("status", "total", "created", "failed")},
        "import_books_per_s": imported,
        "seed_books_per_s": seed,
        "share_of_seed": imported / seed if seed else None,
        "goal": GOAL,
        "bytes_books": BYTES_BOOKS,
        "bytes": sent,
    }


def _target(protocol: str, url: str) -> Target:
    host, _, port = url.removeprefix("http://").rpartition(":")
    return protocol_target(protocol, host, int(port))


def _soap_job_id(body: bytes) -> str:
    found = re.search(rb"<(?:\w+:)?id>([0-9a-f-]{36})</", body)
    if found is None:
        raise RuntimeError(f"ImportBooks answered no job id: {body[:300]!r}")
    return found[1].decode()
