"""SIGTERM (what docker stop, honcho and Kubernetes send) lets in-flight requests finish: the
server stops accepting, the request that was being served when the signal came is answered in
full, and the server exits cleanly. Proven on the real servers with their real flags: gunicorn
for the WSGI services, granian for the gateway (here in front of the gated REST service)."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from catalog_cli.services import SERVICES
from tests.processes import CATALOG, ServerProcess, base_env, free_port, run_catalog


def _wait_for(condition, what: str, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    # two gunicorn workers: the idle one exiting at once shows the signal was acted on
    shared = base_env(tmp_path, f"sqlite:///{tmp_path / 'catalog.sqlite3'}", GUNICORN_WORKERS="2")
    run_catalog(["prepare", "--books", "3"], shared)
    return shared


@contextmanager
def _server(tmp_path: Path, name: str, command: list[str], env: dict[str, str], port: int):
    server = ServerProcess(name, command, env, tmp_path / f"{name}.log", port)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@contextmanager
def gated_rest(tmp_path: Path, env: dict[str, str]) -> Iterator[ServerProcess]:
    """The REST service's real gunicorn command, serving tests.scaleout.gated_urls."""
    port = free_port()
    command = SERVICES["rest"].server_command("127.0.0.1", port)
    gated_env = {**env, "DJANGO_SETTINGS_MODULE": "tests.scaleout.gated_settings"}
    with _server(tmp_path, "rest", command, gated_env, port) as server:
        yield server


def _request_in_flight_through_sigterm(
    server: ServerProcess, url: str, gate: Path, *, shutting_down: str
) -> None:
    """`shutting_down`: the server's log line saying it acts on the signal (for gunicorn, the
    other worker, idle, exiting at once; for granian, its listener closed)."""
    gate.mkdir()
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(httpx.get, url, params={"gate": str(gate)}, timeout=60)
        _wait_for((gate / "entered").exists, "the gated request reached the view")
        server.process.send_signal(signal.SIGTERM)
        _wait_for(lambda: shutting_down in server.log_path.read_text(), shutting_down)
        assert server.process.poll() is None, "the server quit with a request in flight"
        (gate / "open").touch()
        response = answer.result()
    assert (response.status_code, response.json()) == (200, {"finished": True})
    # gunicorn exits 0; the gateway's server may end by the signal it handled (-SIGTERM)
    assert server.process.wait(timeout=60) in (0, -signal.SIGTERM)


def test_gunicorn_finishes_the_request_in_flight_when_sigterm_arrives(tmp_path, env):
    with gated_rest(tmp_path, env) as rest:
        _request_in_flight_through_sigterm(
            rest, f"{rest.base_url}/api/v2/gated/", tmp_path / "g", shutting_down="Worker exiting"
        )


def test_the_gateway_finishes_the_request_in_flight_when_sigterm_arrives(tmp_path, env):
    with gated_rest(tmp_path, env) as rest:
        port = free_port()
        gateway_env = {**env, "GATEWAY_REST_URL": rest.base_url}
        command = [*CATALOG, "serve", "gateway", "--port", str(port)]
        with _server(tmp_path, "gateway", command, gateway_env, port) as gateway:
            _request_in_flight_through_sigterm(
                gateway, f"{gateway.base_url}/api/v2/gated/", tmp_path / "g",
                shutting_down="Shutting down",
            )  # fmt: skip
