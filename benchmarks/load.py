"""Closed-loop load: N workers, each on its own keep-alive connection, repeat one operation for
a fixed time. Latency is measured per operation (an operation may be several requests, e.g.
create then delete); the client's own CPU is recorded so a report can show it was not the
bottleneck."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

from catalog_client.operations import Operation
from catalog_client.wire import Connection, WireError


@dataclass
class LoadResult:
    concurrency: int
    wall_seconds: float
    client_cpu_seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0

    @property
    def operations(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.operations / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def client_cpu_share(self) -> float:
        """Client CPU seconds per wall second: near 1.0 would mean the client was saturated."""
        return self.client_cpu_seconds / self.wall_seconds if self.wall_seconds else 0.0


async def _worker(
    host: str,
    port: int,
    operation: Operation,
    sequence: list[int],
    deadline: float,
    result: LoadResult,
) -> None:
    connection = Connection(host, port)
    try:
        while time.perf_counter() < deadline:
            sequence[0] += 1
            started = time.perf_counter()
            try:
                status = await operation(connection, sequence[0])
            except (WireError, OSError):
                result.errors += 1
                await connection.close()
                continue
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] += 1
    finally:
        await connection.close()


async def run_load(
    host: str, port: int, operation: Operation, *, concurrency: int, seconds: float
) -> LoadResult:
    """Run `operation` from `concurrency` workers for `seconds`; operations in flight at the end
    complete and count (closed loop), so wall time is measured to the last completion."""
    sequence = [0]
    cpu_started, started = time.process_time(), time.perf_counter()
    result = LoadResult(concurrency=concurrency, wall_seconds=0.0, client_cpu_seconds=0.0)
    deadline = started + seconds
    await asyncio.gather(
        *(_worker(host, port, operation, sequence, deadline, result) for _ in range(concurrency))
    )
    result.wall_seconds = time.perf_counter() - started
    result.client_cpu_seconds = time.process_time() - cpu_started
    return result
