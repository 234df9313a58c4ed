"""The `catalog` command as a newcomer meets it: real processes, real ports."""

import os
import socket
import subprocess
import time

import httpx
import pytest

from tests.processes import CATALOG, REPO, ConsoleProcess, base_env, free_port, run_catalog


@pytest.fixture
def embedded_env(tmp_path):
    """`make run`'s embedded default: a SQLite file, no Redis, its own ports."""
    env = base_env(tmp_path, f"sqlite:///{tmp_path / 'catalog.sqlite3'}", REDIS_URL="")
    env.update(
        CATALOG_GATEWAY_PORT=str(free_port()),
        CATALOG_REST_PORT=str(free_port()),
        CATALOG_SOAP_PORT=str(free_port()),
    )
    return env


def test_run_starts_three_answering_services_and_ctrl_c_stops_them(embedded_env):
    console = ConsoleProcess(["run", "--books", "30"], embedded_env)
    try:
        console.wait_for("Book catalog is up.", timeout=90)
        for variable in ("CATALOG_GATEWAY_PORT", "CATALOG_REST_PORT", "CATALOG_SOAP_PORT"):
            health = httpx.get(f"http://127.0.0.1:{embedded_env[variable]}/healthz")
            assert health.status_code == 200
        assert_a_request_through_the_gateway_leaves_its_trace(embedded_env)
    finally:
        console.interrupt()
    output = console.output
    assert "editor / editor-pass" in output
    assert "Workers       catalog worker x 1: run import/export jobs" in output
    assert "catalog import books.ndjson" in output
    assert "Press Ctrl-C to stop all 4." in output  # the gateway, REST, SOAP and the worker
    assert f"{embedded_env['CATALOG_SOAP_PORT']}/soap/catalog/?wsdl" in output
    assert f"http://127.0.0.1:{embedded_env['CATALOG_GATEWAY_PORT']}/compare/" in output
    for variable in ("CATALOG_GATEWAY_PORT", "CATALOG_REST_PORT", "CATALOG_SOAP_PORT"):
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{embedded_env[variable]}/healthz", timeout=2)


def assert_a_request_through_the_gateway_leaves_its_trace(env: dict[str, str]) -> None:
    """`make run` keeps traces: the gateway serves the request's spans, the service's too."""
    gateway = f"http://127.0.0.1:{env['CATALOG_GATEWAY_PORT']}"
    trace_id = os.urandom(16).hex()
    traceparent = f"00-{trace_id}-{os.urandom(8).hex()}-01"
    assert httpx.get(f"{gateway}/api/v2/books/1/", headers={"traceparent": traceparent}).is_success
    deadline = time.monotonic() + 10
    services: set[str] = set()
    while services != {"catalog-gateway", "catalog-rest"} and time.monotonic() < deadline:
        time.sleep(0.2)
        spans = httpx.get(f"{gateway}/traces/{trace_id}").json()["spans"]
        services = {span["service"] for span in spans}
    assert services == {"catalog-gateway", "catalog-rest"}


def test_run_with_a_port_in_use_fails_with_one_line(embedded_env):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(embedded_env["CATALOG_REST_PORT"])))
        squatter.listen()
        done = subprocess.run(
            [*CATALOG, "run"], env=embedded_env, cwd=REPO, capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: port {embedded_env['CATALOG_REST_PORT']} on 127.0.0.1 is already in use "
        "(set CATALOG_REST_PORT to use another port)"
    ]


def test_serve_on_a_port_another_server_shares_fails_with_one_line(embedded_env):
    # gunicorn's workers set SO_REUSEPORT, which would let a second server share the port
    port = int(embedded_env["CATALOG_REST_PORT"])
    with socket.socket() as running_server:
        running_server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        running_server.bind(("127.0.0.1", port))
        running_server.listen()
        done = subprocess.run(
            [*CATALOG, "serve", "rest"], env=embedded_env, cwd=REPO, capture_output=True,
            text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: port {port} on 127.0.0.1 is already in use "
        "(set CATALOG_REST_PORT to use another port)"
    ]


def test_seeding_a_seeded_catalog_fails_with_one_line(embedded_env):
    run_catalog(["migrate"], embedded_env)
    run_catalog(["seed", "--books", "3"], embedded_env)
    done = subprocess.run(
        [*CATALOG, "seed"], env=embedded_env, cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: the catalog already has data: --reset replaces it, --if-empty keeps it"
    ]


def test_an_unreachable_database_fails_with_one_line(embedded_env):
    embedded_env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{free_port()}/nowhere"
    done = subprocess.run(
        [*CATALOG, "migrate"], env=embedded_env, cwd=REPO, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: migration failed:")


def test_demo_users_are_refused_in_production(embedded_env):
    embedded_env.update(
        CATALOG_ENV="production", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="localhost"
    )
    run_catalog(["migrate"], embedded_env)
    done = subprocess.run(
        [*CATALOG, "demo-users"], env=embedded_env, cwd=REPO, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert "CATALOG_DEMO_USERS=false" in done.stderr
