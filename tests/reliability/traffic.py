"""Load for the battery, on the benchmark's own machinery (benchmarks.load closed-loop workers over
catalog_client.wire raw-socket connections), plus what a fault scenario needs on top: a bound on
every request (an answer later than the gateway's deadline + 1 s counts as hung, and the
connection is dropped), a tally of outcomes with latency percentiles, and a JSON summary.

    with background_load(url, [reads(ids)], seconds=8) as running:
        ...  # break things while the load runs
    tally = running.tally()
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import orjson

from benchmarks.load import LoadResult, run_load
from benchmarks.stats import percentile
from catalog_client.operations import envelope
from catalog_client.wire import Connection, WireRequest
from config.env import var_dir

HUNG = 0
"""The status recorded for a request that got no answer within its bound."""


@dataclass(frozen=True)
class Workload:
    """One kind of traffic: `concurrency` workers repeating `operation` for the load's time."""

    name: str
    concurrency: int
    operation: Callable[[Connection, int], Awaitable[int]]
    bound_seconds: float


def _bounded(request_for: Callable[[int], WireRequest], bound: float):
    async def operation(connection: Connection, sequence: int) -> int:
        request = request_for(sequence)
        try:
            async with asyncio.timeout(bound):
                response = await connection.exchange(request.encode(connection.authority))
        except TimeoutError:
            await connection.close()
            return HUNG
        return response.status

    return operation


def reads(
    book_ids: Sequence[int],
    *,
    bound: float,
    concurrency: int = 6,
    token: str = "",
    name: str = "reads",
) -> Workload:
    """GET one book after another (idempotent: the gateway may retry them)."""
    headers = (("Authorization", f"Bearer {token}"),) if token else ()
    ids = itertools.cycle(book_ids)
    return Workload(
        name,
        concurrency,
        _bounded(lambda _: WireRequest("GET", f"/api/v2/books/{next(ids)}/", headers), bound),
        bound,
    )


def soap_reads(
    book_ids: Sequence[int], *, bound: float, token: str, concurrency: int = 2
) -> Workload:
    """SOAP 1.1 GetBook through the gateway, with a bearer token."""
    headers = (
        ("Authorization", f"Bearer {token}"),
        ("Content-Type", "text/xml; charset=utf-8"),
        ("SOAPAction", '"GetBook"'),
    )
    ids = itertools.cycle(book_ids)

    def request(_: int) -> WireRequest:
        body = envelope("GetBook", f"<tns:id>{next(ids)}</tns:id>")
        return WireRequest("POST", "/soap/catalog/", headers, body)

    return Workload("soap reads", concurrency, _bounded(request, bound), bound)


def anonymous_lists(*, bound: float, concurrency: int = 1) -> Workload:
    """Anonymous list pages: the lowest rate limit, so 429s here are the limit working."""
    request = WireRequest("GET", "/api/v2/books/?page_size=20")
    return Workload("anonymous lists", concurrency, _bounded(lambda _: request, bound), bound)


def author_creates(
    prefix: str, *, token: str, bound: float, concurrency: int = 2, name: str = "creates"
) -> Workload:
    """POST a new author named `<prefix>-<n>`, without Idempotency-Key: never to be retried, so
    the rows named with `prefix` must match the creates that were acknowledged."""
    headers = (("Authorization", f"Bearer {token}"), ("Content-Type", "application/json"))

    def request(sequence: int) -> WireRequest:
        body = orjson.dumps({"name": f"{prefix}-{sequence}"})
        return WireRequest("POST", "/api/v2/authors/", headers, body)

    return Workload(name, concurrency, _bounded(request, bound), bound)


@dataclass
class Tally:
    """What one workload saw: statuses (0 = hung), dropped connections, latencies."""

    name: str
    statuses: Counter = field(default_factory=Counter)
    dropped: int = 0
    latencies: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, name: str, result: LoadResult) -> Tally:
        return cls(name, Counter(result.statuses), result.errors, list(result.latencies))

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + self.dropped

    def count(self, *statuses: int) -> int:
        return sum(self.statuses[status] for status in statuses)

    def share(self, *statuses: int) -> float:
        return self.count(*statuses) / self.requests if self.requests else 0.0

    def figures(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        return {
            "requests": self.requests,
            "statuses": {str(status): n for status, n in sorted(self.statuses.items())},
            "dropped_connections": self.dropped,
            "p50_ms": round(percentile(ordered, 0.50) * 1000, 1) if ordered else None,
            "p99_ms": round(percentile(ordered, 0.99) * 1000, 1) if ordered else None,
            "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
        }


class RunningLoad:
    def __init__(self) -> None:
        self.results: dict[str, Tally] = {}
        self.error: BaseException | None = None

    def tally(self, name: str) -> Tally:
        return self.results[name]


@contextmanager
def background_load(
    url: str, workloads: Sequence[Workload], *, seconds: float
) -> Iterator[RunningLoad]:
    """Run the workloads against `url` in a thread of their own while the block runs; leaving
    the block waits for the load to end (at most `seconds` + the longest bound)."""
    parts = urlsplit(url)
    running = RunningLoad()

    async def drive() -> None:
        results = await asyncio.gather(
            *(
                run_load(parts.hostname, parts.port, w.operation, concurrency=w.concurrency,
                         seconds=seconds)
                for w in workloads
            )
        )  # fmt: skip
        for workload, result in zip(workloads, results, strict=True):
            running.results[workload.name] = Tally.of(workload.name, result)

    def thread_main() -> None:
        try:
            asyncio.run(drive())
        except BaseException as exc:  # reported to the test by the block's exit
            running.error = exc

    thread = threading.Thread(target=thread_main, name="reliability-load", daemon=True)
    thread.start()
    try:
        yield running
    finally:
        thread.join(timeout=seconds + max(w.bound_seconds for w in workloads) + 30)
    if thread.is_alive():
        raise RuntimeError("the load did not end: a request escaped its bound")
    if running.error is not None:
        raise running.error


def record_summary(scenario: str, figures: dict[str, Any]) -> str:
    """Merge one scenario's figures into var/reliability/summary.json; returns the path."""
    path = var_dir() / "reliability" / "summary.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    summary = json.loads(path.read_text()) if path.exists() else {}
    summary[scenario] = figures
    path.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    print(f"\n{scenario}: {json.dumps(figures)}\nsummary: {path}")
    return str(path)
