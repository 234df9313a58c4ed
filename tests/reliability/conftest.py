"""The reliability battery: real processes on loopback, hostile input, faults and races.

One REST stack (gunicorn, its own database: PostgreSQL when the suite runs on it, else SQLite)
is shared by the tests that only need a live REST service; tests that kill or slow processes
start stacks of their own.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.processes import Stack, live_stack
from tests.reliability.faultstack import EDITOR, LOGINS


@pytest.fixture(scope="session")
def rest_stack(tmp_path_factory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("reliability-rest")
    with live_stack(folder, services=("rest",), env={"JWT_LOGIN_RATE": LOGINS}) as stack:
        yield stack


@pytest.fixture(scope="session")
def rest_url(rest_stack) -> str:
    return rest_stack.url("rest")


@pytest.fixture(scope="session")
def editor_token(rest_url) -> str:
    """A real access token, issued by the live service to the demo editor."""
    response = httpx.post(f"{rest_url}/api/token/", json=EDITOR, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["access"]


@pytest.fixture
def editor_client(rest_url, editor_token) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {editor_token}"}
    with httpx.Client(base_url=rest_url, headers=headers, timeout=30) as client:
        yield client
