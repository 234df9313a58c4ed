"""`catalog serve` sizing: one thread per worker is a supported size, not a different server."""

from __future__ import annotations

import httpx

from tests.processes import live_stack


def test_one_thread_per_worker_still_keeps_connections_alive(tmp_path):
    one_thread = {"GUNICORN_THREADS": "1"}
    with live_stack(tmp_path, services=("rest",), books=5, env=one_thread) as stack:
        answers = [httpx.get(stack.url("rest", "/healthz")) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert all(answer.headers.get("connection", "").lower() != "close" for answer in answers)
