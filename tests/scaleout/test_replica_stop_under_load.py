"""Stopping one gateway replica while writers are busy loses no acknowledged write: every book a
client saw a 201 for is a row. The stopped replica finishes what it had in flight (SIGTERM is
graceful); a writer whose request failed at the transport level retries it on the other replica
with the same Idempotency-Key, as a client behind nginx would have, so every book ends up
written exactly once."""

from __future__ import annotations

import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

from tests.scaleout.conftest import Replicas, book_template, numbered_book, replicated_gateways

WRITERS = 4
BEFORE_STOP, AFTER_STOP = 24, 24  # acknowledged writes before stopping a replica, and after


@dataclass
class Ledger:
    """What the clients saw: ISBN -> created id, per acknowledged write."""

    acknowledged: dict[str, int] = field(default_factory=dict)
    transport_errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        with self.lock:
            return len(self.acknowledged)


def _write_until(replicas: Replicas, token: str, ledger: Ledger, numbers, done) -> None:
    """Write books numbered from `numbers` (shared by the writers) until `done` is set."""
    template = book_template(replicas)
    with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        for n in numbers:
            if done.is_set():
                return
            body = numbered_book(template, n)
            for attempt in range(2):  # the preferred replica, then the other one
                url = replicas.urls[(n + attempt) % 2]
                try:
                    response = client.post(
                        f"{url}/api/v2/books/", json=body, headers={"Idempotency-Key": f"w-{n}"}
                    )
                except httpx.TransportError:
                    with ledger.lock:
                        ledger.transport_errors += 1
                    continue
                assert response.status_code == 201, response.text
                with ledger.lock:
                    ledger.acknowledged[body["isbn"]] = response.json()["id"]
                break


def _all_books(replicas: Replicas) -> dict[str, int]:
    rows: dict[str, int] = {}
    url = replicas.stack.url("rest", "/api/v2/books/?page_size=1000")
    while url:
        page = httpx.get(url, timeout=30).json()
        rows.update({book["isbn"]: book["id"] for book in page["results"]})
        url = page["next"]
    return rows


def _wait_for_acknowledged(ledger: Ledger, at_least: int, writers) -> None:
    while ledger.count() < at_least:
        finished = [writer for writer in writers if writer.done()]
        for writer in finished:
            writer.result()  # a writer that failed an assertion fails the test here
        assert len(finished) < len(writers), "the writers stopped before enough writes"
        time.sleep(0.05)


def test_stopping_a_replica_mid_load_loses_no_acknowledged_write(tmp_path, redis_url):
    with replicated_gateways(
        tmp_path,
        redis_url,
        GATEWAY_RATELIMIT_WRITES="100000/minute",
        GATEWAY_RATELIMIT_ANONYMOUS="100000/minute",
    ) as replicas:
        token, ledger, done = replicas.token(), Ledger(), threading.Event()
        numbers = itertools.count(1000)  # next() on it is atomic: the writers share it
        with ThreadPoolExecutor(WRITERS) as pool:
            writers = [
                pool.submit(_write_until, replicas, token, ledger, numbers, done)
                for _ in range(WRITERS)
            ]
            _wait_for_acknowledged(ledger, BEFORE_STOP, writers)
            stopped = replicas.gateways[1]
            exit_code = stopped.stop()
            _wait_for_acknowledged(ledger, BEFORE_STOP + AFTER_STOP, writers)
            done.set()
            for writer in writers:
                writer.result()

        rows = _all_books(replicas)
    assert exit_code in (0, -15)  # graceful: the server may end by the SIGTERM it handled
    assert ledger.transport_errors > 0  # the stopped replica was really being used
    assert len(ledger.acknowledged) >= BEFORE_STOP + AFTER_STOP
    missing = {isbn for isbn, book_id in ledger.acknowledged.items() if rows.get(isbn) != book_id}
    assert missing == set()
