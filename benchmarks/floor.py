"""`catalog bench floor`: how close each hot read comes to the floor its own server sets.

The floor is the same server's `/healthz` (Django and the server, no view work). Each read's
throughput is divided by the floor's, both measured back to back in the same round, the order
alternating from round to round; the table shows the median of the rounds' ratios and their
range. Reads: a book and a 100-book page, in REST v2 and v1 and in SOAP 1.1 and 1.2.

The gateway pair sends the same REST v2 book GET through the gateway and directly, in
alternating order: gateway/direct throughput at the table's concurrency, the median latency the
gateway adds on one connection (c=1), how much of it is the gateway's own work (the median of its
`Server-Timing: gateway;dur` on that connection; the rest is the second hop and the servers), and
the gateway's CPU per proxied request (psutil, its process tree; only when the services were
started here).

Targets (DESIGN.md, issue 13): a book >= 0.50 and a 100-book page >= 0.20 of the floor; through
the gateway, <= 0.7 ms added at p50 and >= 80 % of direct throughput.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson

from benchmarks.load import LoadResult, run_load
from benchmarks.runner import Endpoints, ServerCpu
from benchmarks.stats import Spread, paired_difference, paired_ratio, percentile
from catalog_cli.stack import live_stack
from catalog_client.operations import envelope
from catalog_client.server_timing import durations
from catalog_client.wire import Connection, WireRequest, WireResponse, fetch

BOOK_TARGET, PAGE_TARGET = 0.50, 0.20
GATEWAY_ADDED_P50_TARGET_MS, GATEWAY_THROUGHPUT_TARGET = 0.7, 0.80
HEALTHZ = WireRequest("GET", "/healthz")
# The floor measures reads, not refusals: the gateway's limits far above the load.
ENVIRONMENT = {
    "GATEWAY_RATELIMIT_ANONYMOUS": "1000000000/minute",
    "GATEWAY_RATELIMIT_USER": "1000000000/minute",
    # The gateway's proxying is measured, not its response cache (a hit never reaches the
    # service): the cache's own step is the benchmark's optimisation ladder.
    "GATEWAY_CACHE_ENABLED": "false",
}
_SOAP_VERSIONS = {
    "1.1": ("/soap/catalog/", "text/xml; charset=utf-8"),
    "1.2": ("/soap12/catalog/", "application/soap+xml; charset=utf-8"),
}
_ENV_12 = "http://www.w3.org/2003/05/soap-envelope"


@dataclass(frozen=True)
class Read:
    what: str  # "book", "page of 100"
    protocol: str  # "REST v2", "SOAP 1.2", ...
    service: str  # the server whose /healthz is the floor: "rest" or "soap"
    request: WireRequest

    @property
    def target(self) -> float:
        return BOOK_TARGET if self.what == "book" else PAGE_TARGET


def _soap(version: str, operation: str, body_xml: str) -> WireRequest:
    path, content_type = _SOAP_VERSIONS[version]
    body = envelope(operation, body_xml)
    if version == "1.2":
        body = body.replace(b"http://schemas.xmlsoap.org/soap/envelope/", _ENV_12.encode())
    return WireRequest("POST", path, (("Content-Type", content_type),), body)


def reads_of(book_id: int) -> list[Read]:
    """Every hot read, of one real book and of the first 100-book page."""
    reads = []
    for version in ("v2", "v1"):
        reads += [
            Read("book", f"REST {version}", "rest",
                 WireRequest("GET", f"/api/{version}/books/{book_id}/")),
            Read("page of 100", f"REST {version}", "rest",
                 WireRequest("GET", f"/api/{version}/books/?page_size=100")),
        ]  # fmt: skip
    for version in _SOAP_VERSIONS:
        reads += [
            Read("book", f"SOAP {version}", "soap",
                 _soap(version, "GetBook", f"<tns:id>{book_id}</tns:id>")),
            Read("page of 100", f"SOAP {version}", "soap",
                 _soap(version, "ListBooks", "<tns:page_size>100</tns:page_size>")),
        ]  # fmt: skip
    return reads


# --- what the rounds add up to (pure: tested with fed figures) ---------------------------------


@dataclass(frozen=True)
class ReadRound:
    read_rps: float
    floor_rps: float


@dataclass(frozen=True)
class FloorRow:
    what: str
    protocol: str
    ratio: Spread
    read_rps: float  # medians over the rounds
    floor_rps: float
    target: float

    @property
    def meets_target(self) -> bool:
        return self.ratio.median >= self.target


def floor_rows(rounds: dict[Read, list[ReadRound]]) -> list[FloorRow]:
    return [
        FloorRow(
            what=read.what,
            protocol=read.protocol,
            ratio=paired_ratio([r.read_rps for r in mine], [r.floor_rps for r in mine]),
            read_rps=Spread.of([r.read_rps for r in mine]).median,
            floor_rps=Spread.of([r.floor_rps for r in mine]).median,
            target=read.target,
        )
        for read, mine in rounds.items()
    ]


@dataclass(frozen=True)
class GatewayRound:
    direct_rps: float
    gateway_rps: float
    direct_p50_ms: float  # at c=1
    gateway_p50_ms: float
    gateway_cpu_us: float | None  # per proxied request, at the table's concurrency
    # at c=1, the p50 of the gateway's own time as its Server-Timing states it (`gateway;dur`:
    # the pipeline's work, not the upstream's); None when the answers carried none
    gateway_own_p50_ms: float | None = None


@dataclass(frozen=True)
class GatewaySummary:
    throughput_ratio: Spread
    added_p50_ms: Spread
    cpu_us: Spread | None
    own_p50_ms: Spread | None = None

    @property
    def meets_targets(self) -> bool:
        return (
            self.added_p50_ms.median <= GATEWAY_ADDED_P50_TARGET_MS
            and self.throughput_ratio.median >= GATEWAY_THROUGHPUT_TARGET
        )


def gateway_summary(rounds: list[GatewayRound]) -> GatewaySummary:
    cpu = [r.gateway_cpu_us for r in rounds if r.gateway_cpu_us is not None]
    own = [r.gateway_own_p50_ms for r in rounds if r.gateway_own_p50_ms is not None]
    return GatewaySummary(
        throughput_ratio=paired_ratio(
            [r.gateway_rps for r in rounds], [r.direct_rps for r in rounds]
        ),
        added_p50_ms=paired_difference(
            [r.gateway_p50_ms for r in rounds], [r.direct_p50_ms for r in rounds]
        ),
        cpu_us=Spread.of(cpu) if cpu else None,
        own_p50_ms=Spread.of(own) if own else None,
    )


def render(rows: list[FloorRow], gateway: GatewaySummary, *, concurrency: int, note: str) -> str:
    lines = [
        f"Throughput of each read / throughput of its server's /healthz (c={concurrency}, "
        f"median of {rows[0].ratio.n if rows else 0} paired rounds, range):",
        "",
        f"{'read':<13}{'protocol':<10}{'ratio':>7}{'range':>13}{'read/s':>9}{'healthz/s':>11}"
        f"{'target':>9}",
    ]
    for row in rows:
        spread = f"{row.ratio.low:.2f}-{row.ratio.high:.2f}"
        verdict = "met" if row.meets_target else "MISSED"
        lines.append(
            f"{row.what:<13}{row.protocol:<10}{row.ratio.median:>7.2f}{spread:>13}"
            f"{row.read_rps:>9.0f}{row.floor_rps:>11.0f}  >={row.target:.2f} {verdict}"
        )
    ratio, added = gateway.throughput_ratio, gateway.added_p50_ms
    cpu = f"{gateway.cpu_us.median / 1000:.2f} ms" if gateway.cpu_us else "n/a (not started here)"
    own = gateway.own_p50_ms
    own_line = (
        [f"    of which its own work (p50)     {own.median:.2f} ms ({own.low:.2f}-{own.high:.2f}), "
         "by its Server-Timing; the rest is the second hop and the servers"]
        if own else []
    )  # fmt: skip
    lines += [
        "",
        "Gateway, REST v2 book GET through it vs direct:",
        f"  gateway/direct throughput (c={concurrency}) {ratio.median:.2f} "
        f"({ratio.low:.2f}-{ratio.high:.2f}), target >= {GATEWAY_THROUGHPUT_TARGET:.2f}",
        f"  added p50 (c=1)                   {added.median:+.2f} ms "
        f"({added.low:+.2f} to {added.high:+.2f}), target <= {GATEWAY_ADDED_P50_TARGET_MS} ms",
        *own_line,
        f"  gateway CPU per proxied request   {cpu}",
        f"  {'targets met' if gateway.meets_targets else 'targets MISSED'}",
        "",
        textwrap.fill(note, width=100),
    ]
    return "\n".join(lines)


# --- measuring ----------------------------------------------------------------------------------


async def _load(
    host: str, port: int, request: WireRequest, concurrency: int, seconds: float,
    seen: Callable[[WireResponse], None] | None = None,
) -> LoadResult:  # fmt: skip
    """`seen`, if given, is shown every response."""

    async def operation(connection: Connection, _: int) -> int:
        response = await connection.exchange(request.encode(connection.authority))
        if seen is not None:
            seen(response)
        return response.status

    result = await run_load(host, port, operation, concurrency=concurrency, seconds=seconds)
    if set(result.statuses) != {200} or result.errors:
        raise RuntimeError(
            f"{request.method} {request.path} on port {port} answered {dict(result.statuses)} "
            f"with {result.errors} broken connections"
        )
    return result


def _address(url: str) -> tuple[str, int]:
    host, _, port = url.removeprefix("http://").rstrip("/").rpartition(":")
    return host, int(port)


async def _first_book_id(rest: str) -> int:
    host, port = _address(rest)
    listing = await fetch(host, port, WireRequest("GET", "/api/v2/books/?page_size=1"))
    return orjson.loads(listing.body)["results"][0]["id"]


async def measure(
    endpoints: Endpoints, *, rounds: int, seconds: float, concurrency: int,
    cpu: ServerCpu | None = None,
) -> tuple[dict[Read, list[ReadRound]], list[GatewayRound]]:  # fmt: skip
    """Warm every read up, then `rounds` rounds: each read next to its floor, then the gateway
    pair; whichever goes first alternates from round to round."""
    servers = {"rest": _address(endpoints.rest), "soap": _address(endpoints.soap)}
    gateway = _address(endpoints.gateway)
    reads = reads_of(await _first_book_id(endpoints.rest))
    book = reads[0].request
    for read in reads:
        await _load(*servers[read.service], read.request, concurrency, seconds / 4)
    await _load(*gateway, book, concurrency, seconds / 4)
    by_read: dict[Read, list[ReadRound]] = {read: [] for read in reads}
    gateway_rounds: list[GatewayRound] = []
    for number in range(rounds):
        swap = number % 2 == 1
        for read in reads:
            address = servers[read.service]
            pair = [(read.request, "read"), (HEALTHZ, "floor")]
            rates = {}
            for request, role in reversed(pair) if swap else pair:
                rates[role] = (await _load(*address, request, concurrency, seconds)).throughput
            by_read[read].append(ReadRound(rates["read"], rates["floor"]))
        gateway_rounds.append(
            await _gateway_round(servers["rest"], gateway, book, concurrency, seconds, cpu, swap)
        )
    return by_read, gateway_rounds


async def _gateway_round(
    direct: tuple[str, int], gateway: tuple[str, int], book: WireRequest, concurrency: int,
    seconds: float, cpu: ServerCpu | None, swap: bool,
) -> GatewayRound:  # fmt: skip
    order = [("gateway", gateway), ("direct", direct)] if swap else [
        ("direct", direct), ("gateway", gateway)]  # fmt: skip
    figures: dict[str, float] = {}
    own: list[float] = []
    for name, address in order:
        noted = _note_own_time(own) if name == "gateway" else None
        single = await _load(*address, book, 1, seconds, seen=noted)
        figures[f"{name}_p50_ms"] = percentile(single.latencies, 0.5) * 1000
        before = cpu.snapshot()["gateway"] if cpu else 0.0
        loaded = await _load(*address, book, concurrency, seconds)
        figures[f"{name}_rps"] = loaded.throughput
        if name == "gateway" and cpu:
            used = cpu.snapshot()["gateway"] - before
            figures["gateway_cpu_us"] = used / max(1, loaded.operations) * 1e6
    return GatewayRound(
        direct_rps=figures["direct_rps"],
        gateway_rps=figures["gateway_rps"],
        direct_p50_ms=figures["direct_p50_ms"],
        gateway_p50_ms=figures["gateway_p50_ms"],
        gateway_cpu_us=figures.get("gateway_cpu_us"),
        gateway_own_p50_ms=percentile(own, 0.5) if own else None,
    )


def _note_own_time(into: list[float]) -> Callable[[WireResponse], None]:
    """Notes the gateway's own time of each answer, as its Server-Timing states it."""

    def note(response: WireResponse) -> None:
        own = durations(response.headers.get("server-timing", "")).get("gateway")
        if own is not None:
            into.append(own)

    return note


@contextmanager
def _services(
    books: int, urls: Endpoints | None
) -> Iterator[tuple[Endpoints, ServerCpu | None, str]]:
    if urls:
        yield urls, None, "the running services given by URL"
        return
    with (
        tempfile.TemporaryDirectory(prefix="catalog-floor-") as tmp,
        live_stack(Path(tmp), books=books, env=ENVIRONMENT) as stack,
    ):
        process = stack.servers["gateway"].process
        database = stack.env["DATABASE_URL"].split(":", 1)[0]
        yield (
            Endpoints(stack.url("rest"), stack.url("soap"), stack.url("gateway")),
            ServerCpu({"gateway": process.pid}) if process else None,
            f"services started here as `make run` starts them (but keeping no traces), {books} "
            f"books on {'PostgreSQL' if database.startswith('postgres') else 'SQLite'}",
        )


def run_floor(
    *, rounds: int, seconds: float, concurrency: int, books: int,
    urls: Endpoints | None = None, out: Path | None = None,
) -> str:  # fmt: skip
    """Measure, and return the table; with `out`, also write the figures there as JSON."""
    load_before = os.getloadavg()
    with _services(books, urls) as (endpoints, cpu, served):
        by_read, gateway_rounds = asyncio.run(
            measure(endpoints, rounds=rounds, seconds=seconds, concurrency=concurrency, cpu=cpu)
        )
    rows, gateway = floor_rows(by_read), gateway_summary(gateway_rounds)
    load_after = os.getloadavg()
    note = (
        f"Measured on {served}; {rounds} rounds x {seconds:g} s per measurement. Load average "
        f"(1, 5, 15 min) before {_loads(load_before)}, after {_loads(load_after)}: the machine "
        "is shared, so compare ratios of one run, not req/s across runs."
    )
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        figures = {
            "concurrency": concurrency, "rounds": rounds, "seconds": seconds, "served": served,
            "load_average": {"before": load_before, "after": load_after},
            "reads": [asdict(row) for row in rows],
            "gateway": asdict(gateway),
        }  # fmt: skip
        out.write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))
    return render(rows, gateway, concurrency=concurrency, note=note)


def _loads(values: tuple[float, float, float]) -> str:
    return "/".join(f"{value:.2f}" for value in values)
