"""The REST and SOAP services spread a client's keep-alive connections over all their gunicorn
workers: each worker listens on a socket of its own (SO_REUSEPORT) and the kernel hands each new
connection to one of them. On one shared socket the workers raced to accept, and one worker could
take every connection of a load client while the other sat idle: half the throughput, decided at
random when the connections opened (docs/performance.md)."""

from __future__ import annotations

import socket

import psutil
import pytest

from tests.processes import live_stack

CONNECTIONS = 16  # all on one of 2 workers by chance: 2 in 65,536


@pytest.fixture(scope="module", params=["rest", "soap"])
def server(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"spread-{request.param}")
    with live_stack(
        folder, services=(request.param,), books=1, env={"GUNICORN_WORKERS": "2"}
    ) as running:
        yield running.servers[request.param]


def _open_answered(port: int) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert connection.recv(65536).startswith(b"HTTP/1.1 200")
    return connection


def _connections_held(worker: psutil.Process, port: int) -> int:
    return sum(
        1
        for held in worker.net_connections("tcp")
        if held.status == psutil.CONN_ESTABLISHED and held.laddr.port == port
    )


def test_keep_alive_connections_are_spread_over_every_worker(server):
    workers = psutil.Process(server.process.pid).children()
    assert len(workers) == 2
    opened = [_open_answered(server.port) for _ in range(CONNECTIONS)]
    try:
        held = [_connections_held(worker, server.port) for worker in workers]
    finally:
        for connection in opened:
            connection.close()
    assert sum(held) == CONNECTIONS
    assert all(count > 0 for count in held), held
