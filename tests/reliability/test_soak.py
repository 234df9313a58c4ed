"""Load and soak through the gateway: REST and SOAP reads with a token, anonymous lists and
author creates at a fixed concurrency for RELIABILITY_SOAK_SECONDS (15 s in `make test`, 90 s
in `make soak`), on PostgreSQL + Redis when the suite runs on them.

No errors besides the intended 429s (anonymous lists and writes run into their limits; token
reads do not); no hung request or dropped connection; the resident memory of every process
flat after warm-up (within MAX_RSS_GROWTH); the stack's PostgreSQL connections bounded by the
services' worker threads."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import httpx
import psutil
import pytest

from config.env import env_int
from tests.processes import Stack, live_stack
from tests.reliability.faultstack import EDITOR, LOGINS
from tests.reliability.traffic import (
    HUNG,
    anonymous_lists,
    author_creates,
    background_load,
    reads,
    record_summary,
    soap_reads,
)

SECONDS = env_int("RELIABILITY_SOAK_SECONDS", 15)
BOUND = 10.0
MAX_RSS_GROWTH = 40 * 1024 * 1024
DB_CONNECTIONS_PER_SERVICE = 2 * 4  # GUNICORN_WORKERS x GUNICORN_THREADS of a live stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    env = {
        "GATEWAY_RATELIMIT_NAMESPACE": f"soak-{uuid.uuid4().hex[:8]}",
        "GATEWAY_RATELIMIT_USER": "1000000/minute",
        "GATEWAY_RATELIMIT_ANONYMOUS": "120/minute",
        "GATEWAY_RATELIMIT_WRITES": "120/minute",
        "GATEWAY_ACCESS_LOG": "false",
        "JWT_LOGIN_RATE": LOGINS,
    }
    folder = tmp_path_factory.mktemp("soak")
    with live_stack(folder, services=("rest", "soap", "gateway"), env=env) as stack:
        yield stack


def rss_by_service(stack: Stack) -> dict[str, int]:
    sizes = {}
    for name, server in stack.servers.items():
        main = psutil.Process(server.process.pid)
        sizes[name] = sum(p.memory_info().rss for p in [main, *main.children(recursive=True)])
    return sizes


def database_connections(stack: Stack) -> int | None:
    url = stack.env["DATABASE_URL"]
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchone()
    return count


class Sampler:
    """Samples memory and database connections once a second while the load runs."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.rss: list[dict[str, int]] = []
        self.connections: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.rss.append(rss_by_service(self.stack))
            if (count := database_connections(self.stack)) is not None:
                self.connections.append(count)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def test_the_stack_holds_steady_under_load(stack):
    token = httpx.post(stack.url("rest", "/api/token/"), json=EDITOR, timeout=30).json()["access"]
    page = httpx.get(stack.url("rest", "/api/v2/books/"), params={"page_size": 50}, timeout=30)
    ids = [book["id"] for book in page.json()["results"]]
    load = [
        reads(ids, bound=BOUND, token=token, concurrency=4, name="token reads"),
        soap_reads(ids, bound=BOUND, token=token),
        anonymous_lists(bound=BOUND),
        author_creates(f"soak-{uuid.uuid4().hex[:6]}", token=token, bound=BOUND, concurrency=1),
    ]

    with (
        Sampler(stack) as sampler,
        background_load(stack.url("gateway"), load, seconds=SECONDS) as running,
    ):
        time.sleep(SECONDS)

    tallies = {w.name: running.tally(w.name) for w in load}
    warm = sampler.rss[len(sampler.rss) // 3]
    last = sampler.rss[-1]
    figures = {name: tally.figures() for name, tally in tallies.items()}
    figures["seconds"] = SECONDS
    figures["rss_mib_after_warmup"] = {k: round(v / 2**20, 1) for k, v in warm.items()}
    figures["rss_mib_at_end"] = {k: round(v / 2**20, 1) for k, v in last.items()}
    figures["postgres_connections_max"] = max(sampler.connections, default=None)
    record_summary(f"soak {SECONDS} s through the gateway", figures)

    for name, tally in tallies.items():
        assert tally.count(HUNG) == 0 and tally.dropped == 0, (name, tally.figures())
    assert set(tallies["token reads"].statuses) == {200}, figures
    assert set(tallies["soap reads"].statuses) == {200}, figures
    assert set(tallies["anonymous lists"].statuses) <= {200, 429}, figures
    assert set(tallies["creates"].statuses) <= {201, 429}, figures
    for service, size in last.items():
        assert size - warm[service] < MAX_RSS_GROWTH, (service, figures)
    if sampler.connections:
        assert max(sampler.connections) <= 2 * DB_CONNECTIONS_PER_SERVICE, figures
