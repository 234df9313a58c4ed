"""The REST service as `make run` serves it (gunicorn, several workers, its own database): the
REST API page's token -> list -> create -> If-Match update flow, and duplicate POSTs racing across
processes still creating one book (on SQLite and PostgreSQL alike)."""

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.processes import REPO, live_stack

EDITOR = {"username": "editor", "password": "editor-pass"}


@pytest.fixture(scope="module")
def rest(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rest-live")
    with (
        live_stack(folder, services=("rest",), books=30) as stack,
        httpx.Client(base_url=stack.url("rest"), timeout=30) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def editor_headers(rest):
    response = rest.post("/api/token/", json=EDITOR)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access']}"}


def _new_book(rest, isbn):
    first = rest.get("/api/v2/books/", params={"page_size": 1}).json()["results"][0]
    return {**first, "isbn": isbn, "title": "Written over HTTP"}


def test_token_list_create_and_conditional_update(rest, editor_headers):
    listed = rest.get("/api/v2/books/", params={"page_size": 5})
    assert listed.status_code == 200 and len(listed.json()["results"]) == 5
    created = rest.post("/api/v2/books/", json=_new_book(rest, "9780000000002"),
                        headers=editor_headers)  # fmt: skip
    assert created.status_code == 201, created.text
    location, etag = created.headers["Location"], created.headers["ETag"]
    updated = rest.patch(location, json={"title": "Retitled"},
                         headers={**editor_headers, "If-Match": etag})  # fmt: skip
    assert (updated.status_code, updated.json()["title"]) == (200, "Retitled")
    stale = rest.patch(location, json={"title": "Lost"},
                       headers={**editor_headers, "If-Match": etag})  # fmt: skip
    assert stale.status_code == 412
    assert stale.headers["Content-Type"] == "application/problem+json"


def test_duplicate_posts_racing_across_processes_create_one_book(rest, editor_headers):
    body = _new_book(rest, "9780000000019")
    headers = {**editor_headers, "Idempotency-Key": "live-retry-storm"}

    def post(_: int) -> httpx.Response:
        with httpx.Client(base_url=str(rest.base_url), timeout=30) as client:
            return client.post("/api/v2/books/", json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(post, range(8)))
    statuses = [(r.status_code, r.headers.get("Idempotent-Replayed")) for r in responses]
    assert statuses.count((201, None)) == 1, statuses
    assert {status for status, _ in statuses} <= {201, 409}
    found = rest.get("/api/v2/books/", params={"isbn": body["isbn"]}).json()["results"]
    assert len(found) == 1


def test_errors_from_the_real_server_are_problems(rest):
    response = rest.get("/api/v9/books/")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["X-Request-ID"]


def test_swagger_ui_and_its_assets_are_served_by_the_real_server(rest):
    page = rest.get("/api/docs/")
    assert page.status_code == 200
    bundle = rest.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.content) > 100_000
    assert rest.get("/api/schema/").status_code == 200


def _docs_example() -> str:
    section = (REPO / "docs" / "rest-api.md").read_text().split("## Try it", 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def test_the_rest_api_pages_curl_examples_work_as_written(rest):
    script = _docs_example().replace("http://127.0.0.1:8001", str(rest.base_url).rstrip("/"))
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert '"results":[' in done.stdout
    assert re.search(r'(?im)^etag: "1"', done.stdout)
    assert '"price":{"amount":"17.50","currency":"EUR"}' in done.stdout
    assert "HTTP/1.1 412" in done.stdout
