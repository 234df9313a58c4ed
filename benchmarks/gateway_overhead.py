"""What the gateway costs: `python -m benchmarks.gateway_overhead [--rounds 5 --seconds 3]`.

The same two real REST endpoints, a book's detail and a 100-book list, are hit directly on the
REST service and through the gateway, in alternating order, round after round, in one run:

    latency     one connection (c=1): the gateway's added median latency per round
    throughput  --concurrency connections (c=16): gateway requests/s over direct requests/s

The figures printed are medians over the rounds of per-round differences and ratios (drift of a
busy machine cancels out), with the gateway's CPU per request and the load client's own CPU
share (near 100 % would mean the client, not the servers, was the limit). The services are
started as `make run` starts them (gunicorn gthread for REST, granian for the gateway), on a
seeded catalog of their own, unless --rest-url and --gateway-url name running ones. Rate limits
are raised far above the load for the run (every request is still counted in Redis or memory).

Targets (docs/benchmarks.md): added p50 <= 1 ms, throughput through the gateway >= 70 % of direct.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import orjson

from benchmarks.load import LoadResult, run_load
from benchmarks.runner import ServerCpu
from benchmarks.stats import Spread, paired_difference, paired_ratio, percentile
from catalog_cli.stack import live_stack
from catalog_client.wire import Connection, WireRequest, fetch

UNLIMITED = "1000000000/minute"
ENVIRONMENT = {
    "GATEWAY_RATELIMIT_ANONYMOUS": UNLIMITED,
    "GATEWAY_RATELIMIT_USER": UNLIMITED,
    "GATEWAY_RATELIMIT_WRITES": UNLIMITED,
    # The gateway's proxying is measured, not its response cache (a hit never reaches the
    # service): the cache's own step is the benchmark's optimisation ladder.
    "GATEWAY_CACHE_ENABLED": "false",
}


@dataclass(frozen=True)
class Target:
    name: str
    host: str
    port: int

    @classmethod
    def of(cls, name: str, url: str) -> Target:
        parts = urlsplit(url)
        return cls(name, parts.hostname or "127.0.0.1", parts.port or 80)


@dataclass
class Series:
    """One endpoint x one target x one concurrency, a value per round."""

    p50_ms: list[float]
    throughput: list[float]
    client_cpu_share: list[float]
    server_cpu_us: list[float]


async def _measure(
    target: Target, request: WireRequest, concurrency: int, seconds: float, cpu: ServerCpu | None
) -> tuple[LoadResult, float]:
    async def operation(connection: Connection, _: int) -> int:
        response = await connection.exchange(request.encode(connection.authority))
        return response.status

    before = cpu.snapshot() if cpu else {}
    result = await run_load(
        target.host, target.port, operation, concurrency=concurrency, seconds=seconds
    )
    if set(result.statuses) != {200}:
        raise SystemExit(f"error: {target.name} answered {dict(result.statuses)}")
    used = (cpu.snapshot()[target.name] - before[target.name]) if cpu else 0.0
    return result, used / max(1, result.operations) * 1e6


async def _book_id(rest: Target) -> int:
    listing = await fetch(rest.host, rest.port, WireRequest("GET", "/api/v2/books/?page_size=1"))
    return orjson.loads(listing.body)["results"][0]["id"]


async def benchmark(
    rest: Target, gateway: Target, *, rounds: int, seconds: float, concurrency: int,
    cpu: ServerCpu | None,
) -> dict[tuple[str, str, int], Series]:  # fmt: skip
    book_id = await _book_id(rest)
    endpoints = {
        "detail": WireRequest("GET", f"/api/v2/books/{book_id}/"),
        "list100": WireRequest("GET", "/api/v2/books/?page_size=100"),
    }
    series: dict[tuple[str, str, int], Series] = {}
    for number in range(rounds):
        targets = (rest, gateway) if number % 2 == 0 else (gateway, rest)
        for endpoint, request in endpoints.items():
            for clients in (1, concurrency):
                for target in targets:
                    result, cpu_us = await _measure(target, request, clients, seconds, cpu)
                    entry = series.setdefault(
                        (endpoint, target.name, clients), Series([], [], [], [])
                    )
                    entry.p50_ms.append(percentile(result.latencies, 0.5) * 1000)
                    entry.throughput.append(result.throughput)
                    entry.client_cpu_share.append(result.client_cpu_share)
                    entry.server_cpu_us.append(cpu_us)
        print(f"round {number + 1}/{rounds} done", flush=True)
    return series


def report(series: dict[tuple[str, str, int], Series], concurrency: int) -> None:
    def median(values: list[float]) -> float:
        return Spread.of(values).median

    print()
    columns = ("endpoint", "c", "direct p50", "gw p50", "added p50", "direct rps", "gw rps",
               "gw/direct", "gw CPU/req", "client CPU")  # fmt: skip
    widths = (9, 4, 12, 9, 11, 12, 9, 11, 12, 12)
    print(
        "".join(
            f"{c:<{w}}" if i == 0 else f"{c:>{w}}"
            for i, (c, w) in enumerate(zip(columns, widths, strict=True))
        )
    )
    for endpoint in ("detail", "list100"):
        for clients in (1, concurrency):
            direct, gateway = (
                series[(endpoint, "rest", clients)],
                series[(endpoint, "gateway", clients)],
            )
            added = paired_difference(gateway.p50_ms, direct.p50_ms)
            ratio = paired_ratio(gateway.throughput, direct.throughput)
            client_share = max(median(direct.client_cpu_share), median(gateway.client_cpu_share))
            print(
                f"{endpoint:<9}{clients:>4}{median(direct.p50_ms):>10.2f}ms"
                f"{median(gateway.p50_ms):>7.2f}ms{added.median:>+9.2f}ms"
                f"{median(direct.throughput):>12.0f}{median(gateway.throughput):>9.0f}"
                f"{ratio.median:>10.0%} {median(gateway.server_cpu_us):>9.0f} us"
                f"{client_share:>11.0%}"
            )  # fmt: skip
    print()
    print("added p50: gateway median latency minus direct, per round (c=1), then the median;")
    print("gw/direct: throughput ratio per round, then the median; targets: <= 1 ms, >= 70 %;")
    print("gw CPU/req: the gateway process's CPU per request; client CPU: the load client's")
    print("CPU seconds per wall second (it runs in this process, apart from the servers).")


@contextmanager
def _services(args: argparse.Namespace) -> Iterator[tuple[Target, Target, ServerCpu | None]]:
    if args.rest_url and args.gateway_url:
        yield Target.of("rest", args.rest_url), Target.of("gateway", args.gateway_url), None
        return
    with (
        tempfile.TemporaryDirectory(prefix="gateway-overhead-") as tmp,
        live_stack(Path(tmp), services=("rest", "gateway"), books=args.books, env=ENVIRONMENT)
        as stack,
    ):  # fmt: skip
        pids = {
            name: server.process.pid for name, server in stack.servers.items() if server.process
        }
        yield (
            Target.of("rest", stack.url("rest")),
            Target.of("gateway", stack.url("gateway")),
            ServerCpu(pids),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--books", type=int, default=1000, help="catalog size when started here")
    parser.add_argument("--rest-url", help="a running REST service (with --gateway-url)")
    parser.add_argument("--gateway-url", help="a running gateway in front of it")
    args = parser.parse_args()
    with _services(args) as (rest, gateway, cpu):
        series = asyncio.run(
            benchmark(rest, gateway, rounds=args.rounds, seconds=args.seconds,
                      concurrency=args.concurrency, cpu=cpu)
        )  # fmt: skip
    report(series, args.concurrency)


if __name__ == "__main__":
    main()
