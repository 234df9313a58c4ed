"""Production environments for real processes: secret files written the way `make secrets`
writes them, a var dir of the test's own (so nothing generated can hide in the repo's var/)."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis

from credentials.keys import write_secret_files
from tests.factories import valid_isbn
from tests.processes import (
    CATALOG,
    REPO,
    ServerProcess,
    Stack,
    base_env,
    live_stack,
    second_process,
)

EDITOR = {"username": "editor", "password": "editor-pass"}
READER = {"username": "reader", "password": "reader-pass"}
USER_LIMIT = 6  # reads with a token per minute, on the replicas the tests share


def production_variables(tmp_path: Path) -> dict[str, str]:
    """What a production deployment sets (compose sets the same), with secret files of its own."""
    secret, private, public = write_secret_files(tmp_path / "secrets")
    return {
        "CATALOG_ENV": "production",
        "CATALOG_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SECRET_KEY_FILE": str(secret),
        "JWT_PRIVATE_KEY_FILE": str(private),
        "JWT_PUBLIC_KEY_FILE": str(public),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def production_env(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    return base_env(tmp_path, database_url, **production_variables(tmp_path), **extra)


def catalog(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CATALOG, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'catalog.sqlite3'}"


@dataclass
class Replicas:
    """REST behind two gateway replicas sharing one Redis, as `make up` and compose run them."""

    stack: Stack
    gateways: list[ServerProcess]

    @property
    def urls(self) -> list[str]:
        return [gateway.base_url for gateway in self.gateways]

    def token(self, replica: int = 0, user: dict[str, str] = EDITOR) -> str:
        response = httpx.post(f"{self.urls[replica]}/auth/token/", json=user, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()["access"]


@contextmanager
def replicated_gateways(tmp_path: Path, redis_url: str, **env: str) -> Iterator[Replicas]:
    """`live_stack` with REST and a gateway, plus a second gateway started by the same command
    with the same environment; the rate-limit keys live under a namespace of their own."""
    namespace = f"test-scaleout-{uuid.uuid4().hex[:8]}"
    env = {"REDIS_URL": redis_url, "GATEWAY_RATELIMIT_NAMESPACE": namespace, **env}
    with live_stack(tmp_path, services=("rest", "gateway"), books=5, env=env) as stack:
        second = second_process(stack, "gateway", tmp_path)
        try:
            second.start()
            yield Replicas(stack, [stack.servers["gateway"], second])
        finally:
            second.stop()
            client = redis.Redis.from_url(redis_url)
            for key in client.scan_iter(f"{namespace}:*"):
                client.delete(key)


@pytest.fixture(scope="session")
def replicas(tmp_path_factory, redis_url) -> Iterator[Replicas]:
    """Replicas the tests that leave them running share (one start-up for all of them)."""
    folder = tmp_path_factory.mktemp("replicas")
    limits = {
        "GATEWAY_RATELIMIT_USER": f"{USER_LIMIT}/minute",
        "GATEWAY_RATELIMIT_ANONYMOUS": "1000/minute",
    }
    with replicated_gateways(folder, redis_url, **limits) as running:
        yield running


def book_template(replicas: Replicas) -> dict:
    """A seeded book as v2 returns it, to send back as a new one (v2 ignores id and version)."""
    listed = httpx.get(f"{replicas.urls[0]}/api/v2/books/?page_size=1", timeout=30).json()
    return listed["results"][0]


def numbered_book(template: dict, n: int) -> dict:
    """The template as book number `n`: an ISBN of its own, far from the seeded ones."""
    return {**template, "isbn": valid_isbn(900_000_000 + n), "title": f"Book {n}"}


def new_book_body(replicas: Replicas, n: int) -> dict:
    return numbered_book(book_template(replicas), n)


def books_with_isbn(replicas: Replicas, isbn: str) -> list[dict]:
    """Straight from REST: what the database holds, whatever the gateways said."""
    response = httpx.get(replicas.stack.url("rest", "/api/v2/books/"), params={"isbn": isbn})
    assert response.status_code == 200
    return response.json()["results"]
