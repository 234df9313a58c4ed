"""`catalog up` (what `make up` runs): the scaled topology on this machine's PostgreSQL and Redis,
REST, SOAP and two gateway replicas under honcho, announced once all answer, stopped together."""

from __future__ import annotations

import subprocess

import httpx
import pytest

from tests.processes import (
    CATALOG,
    REPO,
    ConsoleProcess,
    base_env,
    free_port,
    fresh_database_url,
)

PORT_VARIABLES = (
    "CATALOG_GATEWAY_PORT",
    "CATALOG_GATEWAY2_PORT",
    "CATALOG_REST_PORT",
    "CATALOG_SOAP_PORT",
)


@pytest.fixture
def up_env(tmp_path, redis_url):
    with fresh_database_url(tmp_path) as database_url:
        env = base_env(tmp_path, database_url, REDIS_URL=redis_url)
        env.update({variable: str(free_port()) for variable in PORT_VARIABLES})
        yield env


def test_up_starts_two_gateway_replicas_and_the_services_and_ctrl_c_stops_them(up_env):
    console = ConsoleProcess(["up", "--books", "20"], up_env)
    try:
        console.wait_for("Book catalog is up.", timeout=120)
        for variable in ("CATALOG_GATEWAY_PORT", "CATALOG_GATEWAY2_PORT"):
            books = httpx.get(f"http://127.0.0.1:{up_env[variable]}/api/v2/books/?page_size=3")
            assert books.status_code == 200 and len(books.json()["results"]) == 3
    finally:
        console.interrupt()
    output = console.output
    assert (
        f"Gateway 2     http://127.0.0.1:{up_env['CATALOG_GATEWAY2_PORT']}/api/v2/books/" in output
    )
    assert "Workers       catalog worker x 2" in output
    assert "Press Ctrl-C to stop all 6." in output  # REST, SOAP, two gateways, two workers
    for variable in PORT_VARIABLES:
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{up_env[variable]}/healthz", timeout=2)


def test_up_without_a_reachable_postgresql_fails_with_one_line(tmp_path):
    env = base_env(tmp_path, f"postgres://postgres@127.0.0.1:{free_port()}/nowhere")
    done = subprocess.run(
        [*CATALOG, "up"], env=env, cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: DATABASE_URL names 127.0.0.1:")
    assert line.endswith("start it or set DATABASE_URL")
