"""A live stack for the jobs tests: REST, SOAP and the gateway as `make run` serves them, `catalog
worker` processes beside them, tokens for the demo editor (staff) and reader, and a local
webhook receiver."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.processes import Stack, WorkerProcess, live_stack

JOB_ENV = {
    "JOB_BATCH_SIZE": "5",
    "JOB_LEASE_SECONDS": "3",
    "JOB_IMPORT_MAX_LINES": "3000",
    "WEBHOOK_RETRY_BASE_SECONDS": "0.3",
    "WEBHOOK_TIMEOUT_SECONDS": "2",
}
FINISHED = {"succeeded", "failed", "cancelled"}


class Worker(WorkerProcess):
    """A stack's worker, which a test may also freeze (SIGSTOP) and thaw."""

    def pause(self) -> None:
        self.signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.signal(signal.SIGCONT)


def start_worker(stack: Stack, log_path: Path) -> Worker:
    worker = Worker(stack.env, log_path)
    worker.start()
    return worker


@pytest.fixture(scope="package")
def stack(tmp_path_factory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("jobs-live")
    env = {**JOB_ENV, "JOB_FILES_DIR": str(folder / "job-files")}
    with live_stack(folder, services=("rest", "soap", "gateway"), books=40, env=env) as live:
        yield live


@pytest.fixture(scope="package")
def worker(stack, tmp_path_factory) -> Iterator[Worker]:
    """The stack's worker, for every test that submits a job."""
    worker = start_worker(stack, tmp_path_factory.mktemp("worker") / "worker.log")
    try:
        yield worker
    finally:
        worker.stop()


@pytest.fixture(scope="package")
def rest(stack, worker) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url("rest"), timeout=30) as client:
        yield client


def _token(rest: httpx.Client, username: str) -> dict[str, str]:
    response = rest.post("/api/token/", json={"username": username, "password": f"{username}-pass"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access']}"}


@pytest.fixture(scope="package")
def editor(rest) -> dict[str, str]:
    return _token(rest, "editor")


@pytest.fixture(scope="package")
def reader(rest) -> dict[str, str]:
    return _token(rest, "reader")


def wait_for_job(
    rest: httpx.Client, location: str, headers: dict[str, str], *, until=FINISHED, timeout=60.0
) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = rest.get(location, headers=headers).json()
        if until(job) if callable(until) else job["status"] in until:
            return job
        assert time.monotonic() < deadline, f"job still {job}"
        time.sleep(0.1)
