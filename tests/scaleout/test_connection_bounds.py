"""PostgreSQL connections are bounded by the server's sizing, as docs/deployment.md's formula
says: at most workers x threads with persistent connections (the default), at most workers x
DATABASE_POOL_MAX_SIZE with psycopg's pool, however many requests arrive at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest

from config.env import env_str
from tests.processes import live_stack

pytestmark = pytest.mark.skipif(
    not env_str("DATABASE_URL").startswith(("postgres://", "postgresql://")),
    reason="connection bounds are PostgreSQL's (DATABASE_URL is not postgres://)",
)


def _connections_to(database_url: str) -> int:
    parts = urlsplit(database_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [parts.path.lstrip("/")]
        ).fetchone()
    return row[0]


def _burst(stack, requests: int = 48) -> set[int]:
    url = stack.url("rest", "/api/v2/books/?page_size=5")
    with ThreadPoolExecutor(max_workers=16) as pool:
        return set(pool.map(lambda _: httpx.get(url, timeout=30).status_code, range(requests)))


@pytest.mark.parametrize(
    "sizing, bound",
    [
        ({"GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4"}, 2 * 4),
        ({"GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4", "DATABASE_POOL_MAX_SIZE": "1"}, 2 * 1),
    ],
    ids=["persistent", "pool"],
)
def test_a_burst_of_requests_stays_within_the_connection_bound(tmp_path, sizing, bound):
    with live_stack(tmp_path, services=("rest",), books=10, env=sizing) as stack:
        assert _burst(stack) == {200}
        held = _connections_to(stack.env["DATABASE_URL"])
    assert 1 <= held <= bound
